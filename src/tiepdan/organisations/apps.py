from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tiepdan.organisations"
    label = "organisations"
    verbose_name = "Cơ quan, đơn vị và cán bộ"

    def ready(self):
        # Here, not at the top: both import organisations' models, which need the app registry ready.
        from . import checks, policy_checks  # noqa: F401  (register the deploy checks and the deputy-authorisation rule)
