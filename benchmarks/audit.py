"""Audit entries per second with concurrent writers, beside plain inserts of the same rows.

    BENCH_DB=postgresql make bench ONLY=audit       # PostgreSQL (tiepdan_bench): the figure that matters
    make bench ONLY=audit                           # SQLite (var/bench): one writer at a time by design
    BENCH_AUDIT_ENTRIES=800 make bench ONLY=audit   # smaller

BENCH_AUDIT_WRITERS threads (8), each on its own connection as a server process would be, each writing
its share of BENCH_AUDIT_ENTRIES (4,000) entries through ``core.audit.record``, one transaction per entry
as a service call makes: lock the chain's head, seal, insert, move the head, commit. Two cases:
- ``audit_entries_per_s``: the writers spread over BENCH_AUDIT_PROVINCES (8) provinces, one each, as at
  the national peak when points of every province join at once;
- ``audit_entries_per_s_one_province``: all writers in one province, queueing on one chain.
Each figure's reference is the same rows (the very entries just written, hashes and places included)
inserted by the same number of writers into a copy of the table, one INSERT and one commit per row:
what writing the row costs without the chain. A pass stops at BENCH_AUDIT_MAX_S (60 s) and reports
what it wrote by then. The entries stay in the bench database, in chains of their own ("/0/<n>/").
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

PLAIN_TABLE = "bench_audit_plain"
COLUMNS = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_repr", "changes", "reason",
           "ip_address", "user_agent", "object_path", "actor_path", "chain", "seq", "previous_hash", "entry_hash")


class _Place:
    """What ``record`` needs of an object: where the policy puts it. The bench's provinces are paths
    of their own under a root no real tree uses, so its chains never mix with real ones."""

    class _meta:
        label_lower = "bench.place"

    def __init__(self, province: int, n: int):
        self.pk = n
        self.jurisdiction_path = f"/0/{province}/{n}/"

    def __str__(self) -> str:
        return f"Điểm đo {self.jurisdiction_path}"


def _threads(writers: int, work) -> tuple[list, float]:
    """Run ``work(i)`` in ``writers`` threads started together; what each returned, and the seconds it took."""
    from django.db import connection

    start = threading.Barrier(writers + 1)

    def run(i):
        try:
            start.wait(timeout=60)
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(writers) as pool:
        futures = [pool.submit(run, i) for i in range(writers)]
        start.wait(timeout=60)
        began = time.perf_counter()
        results = [future.result() for future in futures]
        return results, time.perf_counter() - began


def _audit_pass(*, writers: int, provinces: list[int], per_writer: int, deadline_s: float, tag: str) -> tuple[list[list[int]], float]:
    from django.db import transaction

    from tiepdan.core import audit

    def work(i):
        place, written, stop = _Place(provinces[i % len(provinces)], i), [], time.monotonic() + deadline_s
        for n in range(per_writer):
            if time.monotonic() > stop:
                break
            with transaction.atomic():  # a service's transaction, committed per entry
                written.append(audit.record(actor=None, action=f"bench.audit.{tag}", obj=place, changes={"n": n}).pk)
        return written

    return _threads(writers, work)


def _plain_pass(*, written: list[list[int]], deadline_s: float) -> tuple[int, float]:
    from django.db import connection, transaction

    from tiepdan.core.models import AuditEntry

    rows = [list(AuditEntry.objects.filter(pk__in=pks).order_by("pk").values_list(*COLUMNS)) for pks in written]
    sql = f"INSERT INTO {PLAIN_TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    changes = COLUMNS.index("changes")

    def work(i):
        import json

        done, stop = 0, time.monotonic() + deadline_s
        with connection.cursor() as cursor:
            for row in rows[i]:
                if time.monotonic() > stop:
                    break
                row = list(row)
                row[changes] = json.dumps(row[changes])
                with transaction.atomic():
                    cursor.execute(sql, row)
                done += 1
        return done

    counts, seconds = _threads(len(rows), work)
    return sum(counts), seconds


def _fresh_plain_table() -> None:
    from django.db import connection

    from tiepdan.core.models import AuditEntry

    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN_TABLE}")
        if connection.vendor == "postgresql":  # the same columns, indexes and unique constraints, no foreign key
            cursor.execute(f"CREATE TABLE {PLAIN_TABLE} (LIKE {table} INCLUDING ALL)")
        else:
            cursor.execute(f"CREATE TABLE {PLAIN_TABLE} AS SELECT * FROM {table} WHERE 0")
            cursor.execute(f"CREATE UNIQUE INDEX {PLAIN_TABLE}_place ON {PLAIN_TABLE} (chain, seq)")
            cursor.execute(f"CREATE UNIQUE INDEX {PLAIN_TABLE}_hash ON {PLAIN_TABLE} (entry_hash)")


def _drop_plain_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN_TABLE}")


def measure(emit, *, entries: int, writers: int, provinces: int, deadline_s: float) -> dict[str, tuple[float, float]]:
    from tiepdan.core import audit

    per_writer = max(1, entries // writers)
    # Places of their own on every run, so each run starts its chains where the last one left them.
    base = 1000 * (int(time.time()) % 1_000_000)
    cases = {
        "audit_entries_per_s": [base + p for p in range(provinces)],
        "audit_entries_per_s_one_province": [base + provinces],
    }
    results = {}
    for metric, places in cases.items():
        _fresh_plain_table()
        try:
            written, audit_s = _audit_pass(writers=writers, provinces=places, per_writer=per_writer, deadline_s=deadline_s, tag=metric)
            count = sum(len(pks) for pks in written)
            plain_count, plain_s = _plain_pass(written=written, deadline_s=deadline_s)
        finally:
            _drop_plain_table()
        chains = sorted({audit.chain_of(f"/0/{p}/", "") for p in places})
        report = audit.verify_chain(chains)
        if not report.ok:
            raise RuntimeError(f"{metric}: the chains written do not verify: {report.problem}")
        value, reference = count / audit_s, plain_count / plain_s
        emit(metric, value, reference, writers=writers, provinces=len(places), entries=count)
        results[metric] = (value, reference)
    return results


def run(emit, *, migrate: bool = True) -> None:
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    measure(
        emit,
        entries=int(os.environ.get("BENCH_AUDIT_ENTRIES", "4000")),
        writers=int(os.environ.get("BENCH_AUDIT_WRITERS", "8")),
        provinces=int(os.environ.get("BENCH_AUDIT_PROVINCES", "8")),
        deadline_s=float(os.environ.get("BENCH_AUDIT_MAX_S", "60")),
    )
