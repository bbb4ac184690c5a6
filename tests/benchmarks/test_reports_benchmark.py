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
    assert reports._marker() == {"generator": reports.GENERATOR, "petitions": 66}
    assert Petition.objects.count() == 66
    delegation = Matter.objects.filter(delegation__isnull=False).select_related("delegation", "citizen").first()
    assert delegation.people_count == delegation.delegation.members_count >= 5 and len(delegation.citizen.id_number) == 12
    assert Matter.objects.filter(state="declined").count() == Matter.objects.filter(decisions__outcome="declined").count() > 0


def test_a_marked_database_is_reused_without_writing_a_row(demo, monkeypatch):
    from benchmarks import reports

    reports.prepare(petitions=40, migrate=False, batch=50)
    lines = []

    def refuse(**kwargs):
        raise AssertionError("the marked rows were generated again")

    monkeypatch.setattr(reports, "generate", refuse)
    reports.prepare(petitions=40, migrate=False, emit=lambda metric, value, reference=None, **extra: lines.append((metric, value)))
    assert ("reports_data_reused", 1) in lines


def test_rows_of_another_generator_are_refused(demo, monkeypatch):
    from benchmarks import reports

    reports.prepare(petitions=10, migrate=False, batch=50)
    monkeypatch.setattr(reports, "GENERATOR", reports.GENERATOR + 1)
    with pytest.raises(RuntimeError, match="drop the benchmark's database"):
        reports.prepare(petitions=10, migrate=False)
