"""Background jobs of reports (Huey)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="7", minute="30"))
def draft_monthly_reports():
    """Every morning: on the month's first working day, draft every province's report of the month before for
    its Board and remind the Board's officials (Lạng Sơn plan §V.2). Any other day it does nothing."""
    return services.draft_due_monthly_reports()
