from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "tiepdan.recordings"
    label = "recordings"
    verbose_name = "Ghi hình và lưu trữ"

    def ready(self):
        from tiepdan.live import hooks  # why: registered once the apps are loaded (live.hooks reads live's models)

        from . import ingest  # why: same (ingest reads the models)

        # The session is recorded from its start to its end (Decree 154/2026 Art. 24): live calls these on commit.
        hooks.register("room_started", ingest.start_recording)
        hooks.register("room_closed", ingest.stop_recording)
