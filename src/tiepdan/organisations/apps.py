from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tiepdan.organisations"
    label = "organisations"
    verbose_name = "Cơ quan, đơn vị và cán bộ"

    def ready(self):
        from . import checks, policy_checks  # noqa: F401  (register the deploy checks and the deputy-authorisation rule)
