"""Re-chain the existing audit entries with the keyed MAC (HMAC-SHA256) and fill their actor's path.

Rows written before this migration carried a plain SHA-256 chain, which anyone with the database could
recompute. Each row is first checked against that old chain, so a row already tampered with is not blessed
by a new MAC: the migration stops and names it. Their object's path cannot be found from a historical
model, so old rows are placed by their actor's organisation only (a system entry stays national).
"""
import hashlib
import json

from django.db import migrations

BATCH = 1000


def _old_hash(entry) -> str:
    content = json.dumps(
        {
            "at": entry.at.isoformat(), "actor": entry.actor_id, "actor_label": entry.actor_label, "action": entry.action,
            "object_type": entry.object_type, "object_id": entry.object_id, "object_repr": entry.object_repr,
            "changes": entry.changes, "reason": entry.reason, "ip": entry.ip_address, "ua": entry.user_agent,
        },
        sort_keys=True, ensure_ascii=False, default=str,
    )
    return hashlib.sha256((entry.previous_hash + content).encode()).hexdigest()


def rechain(apps, schema_editor):
    # The MAC as it was at this migration (the live one in core.audit has since covered chain and seq).
    from tiepdan.core.migrations._audit_formats import GENESIS_HASH, mac_v1

    AuditEntry = apps.get_model("core", "AuditEntry")
    User = apps.get_model("organisations", "User")
    paths = dict(User.objects.filter(organisation__isnull=False).values_list("pk", "organisation__path"))
    old_previous, new_previous, batch = GENESIS_HASH, GENESIS_HASH, []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=BATCH):
        if entry.previous_hash != old_previous or _old_hash(entry) != entry.entry_hash:
            raise RuntimeError(f"Audit entry #{entry.pk} does not verify under the old chain; run verify_audit on the previous release and investigate before migrating.")
        old_previous = entry.entry_hash
        entry.actor_path = paths.get(entry.actor_id, "") if entry.actor_id else ""
        entry.previous_hash, entry.entry_hash = new_previous, mac_v1(entry, new_previous)
        new_previous = entry.entry_hash
        batch.append(entry)
        if len(batch) >= BATCH:
            AuditEntry.objects.bulk_update(batch, ["actor_path", "previous_hash", "entry_hash"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["actor_path", "previous_hash", "entry_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_paths"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
