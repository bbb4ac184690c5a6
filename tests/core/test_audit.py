import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tiepdan.core import audit
from tiepdan.core.context import RequestContext, reset, set_current
from tiepdan.core.models import AuditEntry


def _write(n, actor=None):
    return [audit.record(actor=actor, action="test.step", object_type="test.thing", object_id=str(i), object_repr=f"bước {i}", reason="kiểm thử") for i in range(n)]


def test_entries_chain_each_to_the_previous(db):
    before = AuditEntry.objects.order_by("-id").first()
    entries = _write(3)
    assert entries[0].previous_hash == (before.entry_hash if before else audit.GENESIS_HASH)
    assert entries[1].previous_hash == entries[0].entry_hash
    assert entries[2].previous_hash == entries[1].entry_hash
    report = audit.verify_chain()
    assert report.ok and report.checked == AuditEntry.objects.count()


def test_the_first_entry_of_an_empty_log_starts_from_the_genesis_hash(db):
    from django.db import connection

    with connection.cursor() as cursor:  # start from an empty log inside this test's transaction
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table}")
    assert _write(1)[0].previous_hash == audit.GENESIS_HASH


def test_request_address_is_recorded(db, official):
    token = set_current(RequestContext(ip_address="127.0.0.9", user_agent="Chromium"))
    try:
        entry = audit.record(actor=official("bantcd"), action="test.read", object_repr="hồ sơ")
    finally:
        reset(token)
    assert entry.ip_address == "127.0.0.9"
    assert entry.actor_label == "Hoàng Văn Bình (bantcd)"


def test_orm_refuses_to_change_or_delete_entries(db):
    entry = _write(1)[0]
    entry.reason = "sửa"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_verify_command_names_the_first_tampered_entry(db):
    entries = _write(5)
    call_command("verify_audit")  # intact: no error
    with connection.cursor() as cursor:  # what an intruder with database access would do
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE id = %s", ["đã sửa", entries[2].pk])
    with pytest.raises(CommandError, match=f"#{entries[2].pk}.*bị sửa"):
        call_command("verify_audit")


def test_verify_detects_a_deleted_entry(db):
    entries = _write(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[1].pk])
    report = audit.verify_chain()
    assert report.first_broken_id == entries[2].pk
    assert "đứt" in report.problem
