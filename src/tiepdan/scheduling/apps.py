from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "tiepdan.scheduling"
    label = "scheduling"

    def ready(self):
        # Here, not at the top: both import scheduling's models, which need the app registry ready.
        from . import panels, policy_checks  # noqa: F401 (policy_checks registers the minutes' readers with the policy)

        panels.register()
