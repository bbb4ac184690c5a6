from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tiepdan.documents"
    label = "documents"
