from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's wiring as an app only so that it can hold ``manage.py serve``: serving is config's job
    (its ASGI application, the task runner, the demo accounts of organisations), and config may import every stage."""

    name = "tiepdan.config"
    label = "config"
    verbose_name = "Cấu hình"
