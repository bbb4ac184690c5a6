from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "tiepdan.scheduling"
    label = "scheduling"
