import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tiepdan.core import audit
from tiepdan.core.context import RequestContext, reset, set_current
from tiepdan.core.models import AuditChainHead, AuditEntry

NATIONAL = audit.NATIONAL_CHAIN


def _write(n, actor=None, obj=None):
    """``n`` entries: in the national chain (no actor, no object) unless an actor or object places them."""
    return [audit.record(actor=actor, obj=obj, action="test.step", object_type="" if obj else "test.thing", object_id="" if obj else str(i), object_repr="" if obj else f"bước {i}", reason="kiểm thử") for i in range(n)]


def _sql(statement, params=()):
    """What an intruder with database access would do, past the ORM's guards."""
    with connection.cursor() as cursor:
        cursor.execute(statement.format(entries=AuditEntry._meta.db_table, heads=AuditChainHead._meta.db_table), list(params))


def test_entries_chain_each_to_the_previous_in_their_chain(db):
    before = AuditEntry.objects.filter(chain=NATIONAL).order_by("-seq").first()
    entries = _write(3)
    assert entries[0].previous_hash == (before.entry_hash if before else audit.GENESIS_HASH)
    assert entries[1].previous_hash == entries[0].entry_hash
    assert entries[2].previous_hash == entries[1].entry_hash
    first = before.seq + 1 if before else 1
    assert [entry.seq for entry in entries] == [first, first + 1, first + 2]
    head = AuditChainHead.objects.get(chain=NATIONAL)
    assert (head.count, head.last_id, head.last_hash) == (entries[2].seq, entries[2].pk, entries[2].entry_hash)
    report = audit.verify_chain()
    assert report.ok and report.checked == AuditEntry.objects.count()


def test_the_first_entry_of_an_empty_log_starts_from_the_genesis_hash(db):
    _sql("DELETE FROM {entries}")  # start from an empty log inside this test's transaction
    _sql("DELETE FROM {heads}")
    entry = _write(1)[0]
    assert entry.previous_hash == audit.GENESIS_HASH and entry.seq == 1


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
    _sql("UPDATE {entries} SET reason = %s WHERE id = %s", ["đã sửa", entries[2].pk])
    with pytest.raises(CommandError, match=f"#{entries[2].pk}.*bị sửa"):
        call_command("verify_audit")


def test_verify_detects_a_deleted_entry(db):
    entries = _write(4)
    _sql("DELETE FROM {entries} WHERE id = %s", [entries[1].pk])
    report = audit.verify_chain()
    assert report.first_broken_id == entries[2].pk
    assert "đứt" in report.problem


# --- The keyed chain and the checkpoints (an intruder with the database, but not the server's keys) ---------
def _sha256_rechain_from(first_id):
    """What the old, unkeyed chain allowed: rewrite a row, then recompute every hash from there with SHA-256."""
    import hashlib

    chain = AuditEntry.objects.get(pk=first_id).chain
    in_chain = AuditEntry.objects.filter(chain=chain)
    previous = in_chain.filter(id__lt=first_id).order_by("-seq").values_list("entry_hash", flat=True).first() or audit.GENESIS_HASH
    with connection.cursor() as cursor:
        for entry in in_chain.filter(id__gte=first_id).order_by("seq"):
            forged = hashlib.sha256((previous + audit.canonical_content(entry)).encode()).hexdigest()
            cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET previous_hash = %s, entry_hash = %s WHERE id = %s", [previous, forged, entry.pk])
            previous = forged


def test_rows_rewritten_with_recomputed_hashes_are_named(db):
    entries = _write(5)
    _sql("UPDATE {entries} SET reason = %s WHERE id = %s", ["không có gì xảy ra", entries[2].pk])
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
    assert checkpoint.count == AuditEntry.objects.count() and checkpoint.chains[NATIONAL].last_id == entries[-1].pk
    # The newest 20 rows go, and the head row is put back to match: what is left is still an intact chain.
    _sql("DELETE FROM {entries} WHERE id > %s", [entries[9].pk])
    _sql("UPDATE {heads} SET count = %s, last_id = %s, last_hash = %s WHERE chain = %s", [entries[9].seq, entries[9].pk, entries[9].entry_hash, NATIONAL])
    report = audit.verify_chain()
    assert report.problem == f"Chuỗi quốc gia: 20 bản ghi sau bản ghi #{entries[9].pk} bị mất so với mốc kiểm tra lúc {checkpoint.when}."
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
    _sql("DELETE FROM {entries} WHERE id = %s", [entries[-1].pk])
    _sql("UPDATE {heads} SET count = %s, last_id = %s, last_hash = %s WHERE chain = %s", [entries[1].seq, entries[1].pk, entries[1].entry_hash, NATIONAL])
    replacement = _write(1)[0]
    report = audit.verify_chain()
    assert report.first_broken_id == replacement.pk and "khác với mốc kiểm tra" in report.problem


def test_a_forged_checkpoint_line_is_named_and_not_believed(db, audit_checkpoints):
    _write(2)
    audit.write_checkpoint()
    path = audit_checkpoints / audit.CHECKPOINT_FILE
    line = json.loads(path.read_text().splitlines()[0])
    line["chains"][NATIONAL]["count"] += 50  # a checkpoint claiming entries that never were, signed without the key
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
    lines = [json.loads(line) for line in (audit_checkpoints / audit.CHECKPOINT_FILE).read_text().splitlines()]
    assert len(lines) == 2 and lines[1]["chains"][NATIONAL]["count"] == lines[0]["chains"][NATIONAL]["count"] + 1


# --- One chain per province committee ------------------------------------------------------------
def test_an_entry_goes_to_its_objects_province_else_its_actors_else_the_national_chain():
    assert audit.chain_of("/1/4/17/", "/1/9/30/") == "/1/4/"
    assert audit.chain_of("", "/1/9/30/") == "/1/9/"
    assert audit.chain_of("/1/", "/1/9/") == "/1/9/"  # an object at Central, acted on by a province
    assert audit.chain_of("/1/", "") == audit.chain_of("", "") == NATIONAL


def test_each_province_keeps_its_own_chain_with_consecutive_places(demo, other_province, official):
    lang_son, bac_ninh = demo["committee"].path, other_province["committee"].path
    written = []
    for _ in range(3):  # interleaved, as writers of two provinces would be
        written += _write(1, obj=demo["commune"]) + _write(1, obj=other_province["commune"])
    assert {entry.chain for entry in written[::2]} == {lang_son} and {entry.chain for entry in written[1::2]} == {bac_ninh}
    for chain in (lang_son, bac_ninh):
        entries = list(AuditEntry.objects.filter(chain=chain).order_by("seq"))
        assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
        assert all(later.previous_hash == earlier.entry_hash for earlier, later in zip(entries, entries[1:]))
    report = audit.verify_chain()
    assert report.ok and {lang_son, bac_ninh, NATIONAL} <= {chain.chain for chain in report.chains}


def test_a_rewritten_entry_is_named_in_its_own_chain_and_the_other_chains_stay_intact(demo, other_province):
    _write(3, obj=demo["commune"])
    bac_ninh = _write(3, obj=other_province["commune"])
    _sql("UPDATE {entries} SET reason = %s WHERE id = %s", ["đã sửa", bac_ninh[1].pk])
    report = audit.verify_chain()
    by_chain = {chain.chain: chain for chain in report.chains}
    assert by_chain[other_province["committee"].path].first_broken_id == bac_ninh[1].pk
    assert by_chain[demo["committee"].path].ok and by_chain[demo["committee"].path].checked >= 3
    assert report.problems == [f"Chuỗi {other_province['committee'].path}: Bản ghi #{bac_ninh[1].pk}: mã HMAC không khớp: nội dung đã bị sửa sau khi ghi, hoặc được ghi lại với mã tính lại không có khóa."]
    assert audit.verify_chain([demo["committee"].path]).ok  # a province verifying its own chain is not held up
    with pytest.raises(CommandError, match=f"Chuỗi {other_province['committee'].path}: Bản ghi #{bac_ninh[1].pk}"):
        call_command("verify_audit")
    call_command("verify_audit", "--chain", demo["committee"].path)


def test_an_entry_moved_to_another_chain_does_not_verify_there(demo, other_province):
    """Its place and link are made to fit the other chain; the MAC, which covers the chain, does not."""
    head = _write(1, obj=other_province["committee"])[-1]
    moved = _write(1, obj=demo["commune"])[0]
    _sql("UPDATE {entries} SET chain = %s, seq = %s, previous_hash = %s WHERE id = %s", [head.chain, head.seq + 1, head.entry_hash, moved.pk])
    by_chain = {chain.chain: chain for chain in audit.verify_chain().chains}
    assert by_chain[other_province["committee"].path].first_broken_id == moved.pk
    assert "mã HMAC không khớp" in by_chain[other_province["committee"].path].problem


def test_a_cut_tail_is_named_against_the_head_row_even_before_any_checkpoint(demo):
    entries = _write(5, obj=demo["commune"])
    _sql("DELETE FROM {entries} WHERE id >= %s", [entries[3].pk])
    report = audit.verify_chain([demo["committee"].path])
    assert report.problem == f"Chuỗi {demo['committee'].path}: 2 bản ghi sau bản ghi #{entries[2].pk} bị mất so với đầu chuỗi lưu trong cơ sở dữ liệu."


def test_a_checkpoint_holds_each_chains_head_and_names_a_province_chain_deleted_whole(demo, other_province):
    _write(2, obj=demo["commune"])
    kept = _write(2, obj=other_province["commune"])
    checkpoint = audit.write_checkpoint()
    lang_son = demo["committee"].path
    head = AuditChainHead.objects.get(chain=lang_son)
    assert checkpoint.chains[lang_son] == audit.ChainMark(head.count, head.last_id, head.last_hash)
    count = checkpoint.chains[lang_son].count
    _sql("DELETE FROM {entries} WHERE chain = %s", [lang_son])  # the whole chain, head included
    _sql("DELETE FROM {heads} WHERE chain = %s", [lang_son])
    report = audit.verify_chain()
    assert report.problems == [f"Chuỗi {lang_son}: Chuỗi trống nhưng mốc kiểm tra lúc {checkpoint.when} đã có {count} bản ghi: {count} bản ghi bị mất."]
    assert {chain.chain: chain.ok for chain in report.chains}[other_province["committee"].path] and kept


def test_a_checkpoint_line_from_the_single_chain_is_genuine_but_compared_with_nothing(db, audit_checkpoints):
    """Lines written before the per-province chains (migration 0006) are not read as damage."""
    import base64

    _write(1)
    body = {"count": 1, "last_id": 1, "head": audit.GENESIS_HASH, "at": "2026-01-01T00:00:00+07:00"}
    body["sig"] = base64.b64encode(audit._checkpoint_signing_key().sign(audit._signed_bytes(body))).decode()
    audit_checkpoints.mkdir(parents=True, exist_ok=True)
    (audit_checkpoints / audit.CHECKPOINT_FILE).write_text(json.dumps(body) + "\n")
    audit.write_checkpoint()
    report = audit.verify_chain()
    assert report.ok and report.checkpoints == 1
