from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tiepdan.triage"
    label = "triage"
