"""The audit benchmark's code path at a tiny size (the figures themselves come from `make bench ONLY=audit`)."""
from __future__ import annotations

import json

import pytest
from django.db import connection

from tiepdan.core.models import AuditEntry

# Its writers are threads with connections of their own: they must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def test_audit_benchmark_prints_entries_per_second_beside_plain_inserts(monkeypatch, capsys):
    from benchmarks import __main__ as runner

    monkeypatch.setenv("BENCH_AUDIT_ENTRIES", "16")
    monkeypatch.setenv("BENCH_AUDIT_WRITERS", "4")
    monkeypatch.setenv("BENCH_AUDIT_PROVINCES", "2")
    monkeypatch.setattr(runner, "_setup_django", lambda: connection.vendor)  # Django is already set up, on the test database
    assert runner.main(["audit"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [line["metric"] for line in lines] == ["audit_entries_per_s", "audit_entries_per_s_one_province"]
    for line, provinces in zip(lines, (2, 1)):
        assert set(line) == {"bench", "metric", "value", "reference", "ratio", "db", "writers", "provinces", "entries"}
        assert line["bench"] == "audit" and line["db"] == connection.vendor
        assert (line["writers"], line["provinces"], line["entries"]) == (4, provinces, 16)
        assert line["value"] > 0 and line["reference"] > 0 and line["ratio"] == pytest.approx(line["value"] / line["reference"], abs=0.002)
    assert AuditEntry.objects.filter(action__startswith="bench.audit.").count() == 32
    with connection.cursor() as cursor:  # the reference's copy of the table is gone
        tables = connection.introspection.table_names(cursor)
    assert "bench_audit_plain" not in tables
