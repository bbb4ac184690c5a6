"""Background jobs shared by every stage (Huey: SQLite embedded, Redis at scale)."""
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .audit import verify_chain, write_checkpoint

log = logging.getLogger("tiepdan.audit")


@db_periodic_task(crontab(minute="0"))
def hourly_audit_checkpoint():
    """Write the chain's head outside the database every hour, so a cut tail is seen (core.audit)."""
    checkpoint = write_checkpoint()
    return {"count": checkpoint.count, "last_id": checkpoint.last_id}


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_audit_chain_check():
    """Verify the audit chain every night; a break is logged as an error so operators see it."""
    report = verify_chain()
    if not report.ok:
        log.error("Audit chain broken: %s", report.problem)
    return {"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken_id}
