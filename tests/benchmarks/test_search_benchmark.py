"""The search benchmark's code path at a tiny size (the figures themselves come from `make bench`)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_search_benchmark_measures_the_view_beside_the_raw_sql(demo, monkeypatch):
    from benchmarks import search

    monkeypatch.setenv("BENCH_PETITIONS", "120")
    monkeypatch.setenv("BENCH_REPEAT", "2")
    lines = []
    search.run(lambda metric, value, reference=None, **extra: lines.append((metric, value, reference)), migrate=False)
    figures = {metric: (value, reference) for metric, value, reference in lines}
    assert figures["petitions"][0] == 120
    assert figures["generate_rows_per_s"][0] > 0
    for name in ("search_name", "search_id", "search_list"):
        for stat in ("p50", "p95"):
            value, reference = figures[f"{name}_{stat}_ms"]
            assert value > 0 and reference is not None and reference > 0


def test_search_benchmark_reuses_data_already_generated(demo, monkeypatch):
    from benchmarks import search
    from tiepdan.intake.models import Petition

    search.prepare(petitions=50, migrate=False)
    search.prepare(petitions=50, migrate=False)
    assert Petition.objects.count() == 50
