"""Writers of different provinces append to their own chains at the same time (PostgreSQL: a row lock per chain)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection, transaction

from tiepdan.core import audit
from tiepdan.core.models import AuditChainHead, AuditEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer by design; the row locks are PostgreSQL's"),
]


def _in_thread(work):
    """Run ``work`` on its own connection, as a second server process would, and give its connection back."""
    def run(*args):
        try:
            return work(*args)
        finally:
            connection.close()
    return run


def test_concurrent_writers_of_two_provinces_each_leave_an_intact_chain(demo, other_province):
    per_writer, writers_per_province = 15, 3
    places = [demo["commune"], other_province["commune"]] * writers_per_province
    start = threading.Barrier(len(places))

    @_in_thread
    def write(obj):
        start.wait(timeout=30)  # all at once, so the chains' locks are contended
        return [audit.record(actor=None, action="test.concurrent", obj=obj).pk for _ in range(per_writer)]

    with ThreadPoolExecutor(len(places)) as pool:
        written = [pk for pks in pool.map(write, places, timeout=120) for pk in pks]
    assert len(written) == len(places) * per_writer
    for committee in (demo["committee"], other_province["committee"]):
        entries = list(AuditEntry.objects.filter(chain=committee.path).order_by("seq"))
        assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
        assert sum(entry.action == "test.concurrent" for entry in entries) == writers_per_province * per_writer
        assert all(later.previous_hash == earlier.entry_hash for earlier, later in zip(entries, entries[1:]))
        head = AuditChainHead.objects.get(chain=committee.path)
        assert (head.count, head.last_id) == (entries[-1].seq, entries[-1].pk)
    assert audit.verify_chain().ok


def test_a_writer_holding_one_provinces_chain_does_not_block_another_province(demo, other_province):
    # Both chains exist already: the steady state, each head a row to lock.
    audit.record(actor=None, action="test.lock", obj=demo["commune"])
    audit.record(actor=None, action="test.lock", obj=other_province["commune"])
    holding, release = threading.Event(), threading.Event()

    @_in_thread
    def hold_lang_son():
        with transaction.atomic():
            audit.record(actor=None, action="test.lock", obj=demo["commune"])  # Lạng Sơn's head stays locked
            holding.set()
            assert release.wait(timeout=60)

    @_in_thread
    def write_bounded(obj):
        """A write that fails rather than waits: any lock it would queue on raises after 2 s."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            return audit.record(actor=None, action="test.lock", obj=obj)

    with ThreadPoolExecutor(3) as pool:
        holder = pool.submit(hold_lang_son)
        try:
            assert holding.wait(timeout=30)
            bac_ninh = pool.submit(write_bounded, other_province["commune"]).result(timeout=30)
            assert bac_ninh.chain == other_province["committee"].path
            # The same province does queue on the held row: the bounded write gives up.
            with pytest.raises(OperationalError, match="lock timeout"):
                pool.submit(write_bounded, demo["commune"]).result(timeout=30)
        finally:
            release.set()
        holder.result(timeout=30)
    assert audit.verify_chain().ok
