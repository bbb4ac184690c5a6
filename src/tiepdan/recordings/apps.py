from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "tiepdan.recordings"
    label = "recordings"
    verbose_name = "Ghi hình và lưu trữ"
