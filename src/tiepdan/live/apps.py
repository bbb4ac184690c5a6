from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tiepdan.live"
    label = "live"
