import json

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


# --- The keyed chain and the checkpoints (an intruder with the database, but not the server's keys) ---------
def _sha256_rechain_from(first_id):
    """What the old, unkeyed chain allowed: rewrite a row, then recompute every hash from there with SHA-256."""
    import hashlib

    previous = AuditEntry.objects.filter(id__lt=first_id).order_by("-id").values_list("entry_hash", flat=True).first() or audit.GENESIS_HASH
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.filter(id__gte=first_id).order_by("id"):
            forged = hashlib.sha256((previous + audit.canonical_content(entry)).encode()).hexdigest()
            cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET previous_hash = %s, entry_hash = %s WHERE id = %s", [previous, forged, entry.pk])
            previous = forged


def test_rows_rewritten_with_recomputed_hashes_are_named(db):
    entries = _write(5)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE id = %s", ["không có gì xảy ra", entries[2].pk])
    _sha256_rechain_from(entries[2].pk)
    report = audit.verify_chain()
    assert report.first_broken_id == entries[2].pk
    assert f"#{entries[2].pk}: mã HMAC không khớp" in report.problem
    with pytest.raises(CommandError, match=f"#{entries[2].pk}: mã HMAC không khớp"):
        call_command("verify_audit")


def test_the_chain_does_not_verify_under_another_key(db, settings):
    _write(2)
    assert audit.verify_chain().ok
    settings.AUDIT_HMAC_KEY = "khóa khác"
    assert "mã HMAC không khớp" in audit.verify_chain().problem


def test_a_cut_tail_is_named_against_the_last_checkpoint(db):
    entries = _write(30)
    checkpoint = audit.write_checkpoint()
    assert checkpoint.count == AuditEntry.objects.count() and checkpoint.last_id == entries[-1].pk
    with connection.cursor() as cursor:  # the newest 20 rows go: what is left is still an intact chain
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id > %s", [entries[9].pk])
    report = audit.verify_chain()
    assert report.problem == f"20 bản ghi sau bản ghi #{entries[9].pk} bị mất so với mốc kiểm tra lúc {checkpoint.when}."
    with pytest.raises(CommandError, match=f"20 bản ghi sau bản ghi #{entries[9].pk} bị mất"):
        call_command("verify_audit")


def test_entries_written_after_a_checkpoint_verify(db):
    _write(3)
    audit.write_checkpoint()
    _write(2)
    report = audit.verify_chain()
    assert report.ok and report.checkpoints == 1
    call_command("verify_audit", "--checkpoint")
    assert audit.verify_chain().checkpoints == 2


def test_a_log_rewritten_to_the_same_length_differs_from_the_checkpoint(db):
    """Even with the chain's key (a stolen server), a log rewritten after a checkpoint no longer matches it."""
    entries = _write(3)
    audit.write_checkpoint()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[-1].pk])
    replacement = _write(1)[0]
    report = audit.verify_chain()
    assert report.first_broken_id == replacement.pk and "khác với mốc kiểm tra" in report.problem


def test_a_forged_checkpoint_line_is_named_and_not_believed(db, audit_checkpoints):
    _write(2)
    audit.write_checkpoint()
    path = audit_checkpoints / audit.CHECKPOINT_FILE
    line = json.loads(path.read_text().splitlines()[0])
    line["count"] += 50  # a checkpoint claiming entries that never were, signed without the key
    path.write_text(path.read_text() + json.dumps(line) + "\n")
    report = audit.verify_chain()
    assert report.first_broken_id is None
    assert report.problem.startswith("Dòng 2 của tệp mốc kiểm tra") and "chữ ký không hợp lệ" in report.problem


def test_checkpoints_are_appended_every_hour(db, audit_checkpoints):
    import datetime as dt

    from tiepdan.core.tasks import hourly_audit_checkpoint

    hourly = hourly_audit_checkpoint.task_class()
    assert all(hourly.validate_datetime(dt.datetime(2026, 12, 1, hour, 0)) for hour in range(24))
    hourly_audit_checkpoint.call_local()
    _write(1)
    hourly_audit_checkpoint.call_local()
    lines = (audit_checkpoints / audit.CHECKPOINT_FILE).read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["count"] == json.loads(lines[0])["count"] + 1
