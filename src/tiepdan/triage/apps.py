from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tiepdan.triage"
    label = "triage"

    def ready(self):
        # Here, not at the top: panels imports triage's forms and models, which need the app registry ready.
        from . import panels

        panels.register()
