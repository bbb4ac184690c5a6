"""Split the one national chain into one chain per province committee (``_audit_formats.chain_of_v2``).

Every row is first checked against the chain it is in now (v1: one chain in id order, as 0004 left it),
so a row already tampered with is not blessed by a new MAC: the migration stops and names it. Then each
row takes its chain and its place (seq) in it, in id order, is linked to the previous row of its own chain
and sealed with the v2 MAC, which covers chain and seq; each chain's head row is written last.

Checkpoint lines written before this migration describe the old single chain: ``core.audit`` reads them
as such and does not compare them with the new chains (this migration has just checked the old chain).
"""
from django.db import migrations

BATCH = 1000


def _rechain(AuditEntry, AuditChainHead, *, check, seal, place):
    """Check every row in id order with ``check``, give it its new place with ``place``, seal it with ``seal``."""
    from tiepdan.core.migrations._audit_formats import GENESIS_HASH

    heads: dict[str, list] = {}  # chain -> [count, last id, last hash] of the new chains
    batch = []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=BATCH):
        if not check(entry):
            raise RuntimeError(f"Audit entry #{entry.pk} does not verify under the chain it is in; run verify_audit on the previous release and investigate before migrating.")
        chain = place(entry)
        head = heads.setdefault(chain, [0, None, GENESIS_HASH])
        entry.chain, entry.seq = chain, head[0] + 1
        entry.previous_hash, entry.entry_hash = head[2], seal(entry, head[2])
        heads[chain] = [entry.seq, entry.pk, entry.entry_hash]
        batch.append(entry)
        if len(batch) >= BATCH:
            AuditEntry.objects.bulk_update(batch, ["chain", "seq", "previous_hash", "entry_hash"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["chain", "seq", "previous_hash", "entry_hash"])
    AuditChainHead.objects.all()._raw_delete(AuditChainHead.objects.db)  # the historical queryset knows no guard
    AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain, count=count, last_id=last_id, last_hash=last_hash) for chain, (count, last_id, last_hash) in heads.items()])


def per_province(apps, schema_editor):
    from tiepdan.core.migrations._audit_formats import GENESIS_HASH, chain_of_v2, mac_v1, mac_v2

    previous = [GENESIS_HASH]

    def check_v1(entry) -> bool:  # one chain over the whole log, in id order
        ok = entry.previous_hash == previous[0] and mac_v1(entry, entry.previous_hash) == entry.entry_hash
        previous[0] = entry.entry_hash
        return ok

    _rechain(apps.get_model("core", "AuditEntry"), apps.get_model("core", "AuditChainHead"), check=check_v1, seal=mac_v2,
             place=lambda entry: chain_of_v2(entry.object_path, entry.actor_path))


def back_to_one_chain(apps, schema_editor):
    """The reverse: check each province's chain, then chain every row again in one v1 chain."""
    from tiepdan.core.migrations._audit_formats import GENESIS_HASH, mac_v1, mac_v2

    previous: dict[str, tuple[int, str]] = {}

    def check_v2(entry) -> bool:
        seq, last = previous.get(entry.chain, (0, GENESIS_HASH))
        ok = entry.seq == seq + 1 and entry.previous_hash == last and mac_v2(entry, last) == entry.entry_hash
        previous[entry.chain] = (entry.seq, entry.entry_hash)
        return ok

    _rechain(apps.get_model("core", "AuditEntry"), apps.get_model("core", "AuditChainHead"), check=check_v2, seal=mac_v1, place=lambda entry: "")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chains")]

    operations = [migrations.RunPython(per_province, back_to_one_chain)]
