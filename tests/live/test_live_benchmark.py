"""benchmarks/live.py at a small size, so `make test` runs its code paths (the figures themselves are for `make bench`)."""
from __future__ import annotations

import pytest

from tests.conftest import CHROMIUM, require_tool

pytestmark = pytest.mark.browser


def test_live_benchmark_measures_delay_join_and_fanout_for_every_path(transactional_db, settings):
    from benchmarks import live as bench

    require_tool(CHROMIUM, "Chromium")
    require_tool(settings.JANUS_BINARY, "Janus")
    settings.JANUS_ENABLED = False  # the benchmark's own settings changes stay inside this override
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    figures = {}

    def emit(metric, value, reference=None, **extra):
        figures[metric] = {"value": value, "reference": reference, **extra}

    bench.run(emit, seconds=2, fanout_points=12, connect_s=60, migrate=False)

    for mode in ("mesh", "janus"):
        for metric in (f"g2g_{mode}_p50_ms", f"g2g_{mode}_p95_ms", f"join_{mode}_ms"):
            assert 0 < figures[metric]["value"] < 5000, (metric, figures[metric])
            assert figures[metric]["reference"] > 0  # the plain two-page call, measured in the same run
        assert figures[f"g2g_{mode}_p50_ms"]["frames"] > 10
    fanout = figures["fanout_p99_ms"]
    assert fanout["points_connected"] == 12 and fanout["delivered"] == 12  # every point got the chair's change
    assert fanout["reference"] > 0
