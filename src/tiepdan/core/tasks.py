"""Background jobs shared by every stage (Huey: SQLite embedded, Redis at scale)."""
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .audit import verify_chain, write_checkpoint

log = logging.getLogger("tiepdan.audit")


@db_periodic_task(crontab(minute="0"))
def hourly_audit_checkpoint():
    """Write every chain's head outside the database every hour, so a cut tail is seen (core.audit)."""
    checkpoint = write_checkpoint()
    return {"count": checkpoint.count, "chains": len(checkpoint.chains)}


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_audit_chain_check():
    """Verify every audit chain every night; each break is logged as an error so operators see it."""
    report = verify_chain()
    for problem in report.problems:
        log.error("Audit chain broken: %s", problem)
    return {"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken_id}
