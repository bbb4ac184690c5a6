"""Background jobs shared by every stage (Huey: SQLite embedded, Redis at scale)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .audit import verify_chain


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_audit_chain_check():
    """Verify the audit chain every night; a break is logged as an error so operators see it."""
    import logging

    report = verify_chain()
    if not report.ok:
        logging.getLogger("tiepdan.audit").error("Audit chain broken at entry #%s: %s", report.first_broken_id, report.problem)
    return {"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken_id}
