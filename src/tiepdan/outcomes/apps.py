"""What comes out of a session (Decree 154/2026 Art. 25): the conclusion notice, its approval and issue, the minutes and citizens' extracts."""
import importlib
import importlib.util

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tiepdan.outcomes"
    label = "outcomes"
    verbose_name = "Kết quả tiếp công dân"

    def ready(self):
        # Here, not at the top: panels and services import models, which need the app registry ready.
        from . import panels, services

        panels.register()
        # The room's closing drafts the notice (live.hooks.room_closed); until live has the registry the
        # session page's button does it.
        if importlib.util.find_spec("tiepdan.live.hooks") is not None:
            importlib.import_module("tiepdan.live.hooks").register("room_closed", services.draft_after_room_closed)
