"""What comes out of a session (Decree 154/2026 Art. 25): the conclusion notice, its approval and issue, the minutes and citizens' extracts."""

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tiepdan.outcomes"
    label = "outcomes"
    verbose_name = "Kết quả tiếp công dân"

    def ready(self):
        # Here, not at the top: panels and services import models, which need the app registry ready.
        from tiepdan.live import hooks as live_hooks  # here for the same reason as the line below
        from . import panels, services  # noqa: I001  (models need the app registry ready)

        panels.register()
        # The room's closing drafts the notice; the session page's button drafts one for a session whose room
        # closed before this app was installed.
        live_hooks.register("room_closed", services.draft_after_room_closed)
