from django.apps import AppConfig


class BridgesConfig(AppConfig):
    name = "tiepdan.bridges"
    label = "bridges"
