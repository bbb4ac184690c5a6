"""Background jobs of bridges (Huey)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import session_readiness


@db_periodic_task(crontab(minute="*/15"))
def remind_unready_bridge_points():
    """Every 15 minutes: remind the IT contacts of points not yet ready for a coming session (Decree 154/2026, Art. 23)."""
    return session_readiness.remind_for_upcoming_sessions()
