"""The reports benchmark's code path at a tiny size (the figures themselves come from `make bench ONLY=reports`)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_reports_benchmark_measures_the_page_beside_the_raw_sql(demo, monkeypatch):
    from benchmarks import reports

    monkeypatch.setenv("BENCH_PETITIONS", "300")
    monkeypatch.setenv("BENCH_REPEAT", "2")
    monkeypatch.setenv("BENCH_BATCH", "120")  # three batches: the batching is on the path too
    lines = []
    reports.run(lambda metric, value, reference=None, **extra: lines.append((metric, value, reference, extra)), migrate=False, own_database=False)
    figures = {metric: (value, reference, extra) for metric, value, reference, extra in lines}
    assert figures["reports_petitions"][0] == 300
    value, reference, extra = figures["reports_month_p95_ms"]
    assert value > 0 and reference > 0 and extra["statements"] >= 5
    assert extra["month_matters"] > 0 and extra["month_visits"] > 0  # the last month has registrations and a held session


def test_the_generated_rows_are_whole_rows_the_models_read(demo):
    from benchmarks import reports
    from tiepdan.intake.models import Matter, Petition

    reports.prepare(petitions=66, migrate=False, batch=50)
    reports.prepare(petitions=66, migrate=False, batch=50)  # reused, not topped up
    assert Petition.objects.count() == 66
    delegation = Matter.objects.filter(delegation__isnull=False).select_related("delegation", "citizen").first()
    assert delegation.people_count == delegation.delegation.members_count >= 5 and len(delegation.citizen.id_number) == 12
    assert Matter.objects.filter(state="declined").count() == Matter.objects.filter(decisions__outcome="declined").count() > 0
