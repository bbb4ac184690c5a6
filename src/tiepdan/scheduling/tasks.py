"""Background jobs of the calendar (Huey)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tiepdan.organisations.models import Organisation

from . import readiness, services


@db_periodic_task(crontab(hour="1", minute="10"))
def generate_coming_periodic_sessions():
    """Every night, every province: make sure the coming months' periodic sessions exist (Law 2013 Art. 12(5))."""
    created = {}
    for committee in Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_COMMITTEE, is_active=True):
        sessions = services.generate_periodic_sessions(by=None, province_committee=committee)
        if sessions:
            created[committee.pk] = [str(s.date) for s in sessions]
    return created


@db_periodic_task(crontab(minute="*/15"))
def remind_unready_bridge_points():
    """Every 15 minutes: remind the IT contacts of points not yet ready for a coming session (Decree 154/2026, Art. 23)."""
    return readiness.remind_for_upcoming_sessions()
