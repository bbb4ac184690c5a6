from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "tiepdan.scheduling"
    label = "scheduling"

    def ready(self):
        from . import policy_checks  # noqa: F401 (registers the minutes' readers with the policy)
