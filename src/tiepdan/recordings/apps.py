"""Recording and the archive (Decree 154/2026 Art. 24): slices ingested without loss, finished files, the signed manifest, playback and access."""
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
        # REC-VIEW: the session page, matter page and console panels; the nightly retention job; a stretch left open ends with the room.
        # Importing retention registers its nightly Huey job.
        from . import panels, retention, services_restricted  # noqa: F401  # why: same (they read the models)

        panels.register()
        hooks.register("room_closed", services_restricted.close_open_stretches)
