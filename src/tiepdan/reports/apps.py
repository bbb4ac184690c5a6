from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tiepdan.reports"
    label = "reports"
