"""Migration 0006 splits the single audit chain into one per province, checking the single chain first."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tiepdan.core import audit
from tiepdan.core.migrations import _audit_formats
from tiepdan.core.models import AuditChainHead, AuditEntry


def test_the_live_chain_writes_the_format_the_last_migration_froze(demo):
    """If this fails, canonical_content changed: add a new format and a migration that re-chains."""
    entry = audit.record(actor=None, action="test.format", obj=demo["commune"], reason="kiểm thử")
    assert entry.chain == _audit_formats.chain_of_v2(entry.object_path, entry.actor_path)
    assert _audit_formats.mac_v2(entry, entry.previous_hash) == entry.entry_hash


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("core", target)])


def _single_chain_verifies() -> bool:
    previous = _audit_formats.GENESIS_HASH
    for entry in AuditEntry.objects.order_by("id"):
        if entry.previous_hash != previous or _audit_formats.mac_v1(entry, previous) != entry.entry_hash:
            return False
        previous = entry.entry_hash
    return True


@pytest.mark.django_db(transaction=True)
def test_rechaining_per_province_checks_the_single_chain_and_stops_at_a_tampered_row(demo, other_province):
    lang_son = audit.record(actor=None, action="test.migrate", obj=demo["commune"])
    bac_ninh = audit.record(actor=None, action="test.migrate", obj=other_province["commune"])
    audit.record(actor=None, action="test.migrate", object_type="test.thing", object_repr="hệ thống")
    try:
        _migrate("0005_audit_chains")  # back to one chain over the whole log, as 0004 left it
        assert _single_chain_verifies()

        _migrate("0007_audit_chain_constraints")
        assert audit.verify_chain().ok
        assert AuditEntry.objects.get(pk=lang_son.pk).chain == demo["committee"].path
        assert AuditEntry.objects.get(pk=bac_ninh.pk).chain == other_province["committee"].path
        for head in AuditChainHead.objects.all():
            assert head.count == AuditEntry.objects.filter(chain=head.chain).count()

        _migrate("0005_audit_chains")
        with connection.cursor() as cursor:  # tampered with before the upgrade: the new MAC must not bless it
            cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'test.forged' WHERE id = %s", [bac_ninh.pk])
        with pytest.raises(RuntimeError, match=f"#{bac_ninh.pk} does not verify"):
            _migrate("0007_audit_chain_constraints")
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'test.migrate' WHERE id = %s", [bac_ninh.pk])
    finally:
        _migrate("0007_audit_chain_constraints")
    assert audit.verify_chain().ok
