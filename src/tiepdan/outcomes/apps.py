from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tiepdan.outcomes"
    label = "outcomes"
    verbose_name = "Kết quả tiếp công dân"
