from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tiepdan.organisations"
    label = "organisations"
    verbose_name = "Cơ quan, đơn vị và cán bộ"

    def ready(self):
        from . import policy_checks  # noqa: F401  (registers the deputy-authorisation rule)
