"""Background jobs of the recordings (Huey)."""
from __future__ import annotations

from huey.contrib.djhuey import db_task, lock_task

from . import finishing
from .models import Recording


@db_task(retries=2, retry_delay=60)
def finish_recording(recording_id: int) -> str:
    """Finish a closed room's recording (enqueued by the ``room_closed`` hook; Decree 154/2026 Art. 24).

    Idempotent and resumable: a second call for a finished recording does nothing, one for a recording
    left half-done by a restart resumes from the files already made. One run per recording at a time."""
    with lock_task(f"recordings-finish-{recording_id}"):
        recording = Recording.objects.filter(pk=recording_id).first()
        if recording is None:
            return "missing"
        return finishing.finish(recording).state
