from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tiepdan.intake"
    label = "intake"
