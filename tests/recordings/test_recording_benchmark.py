"""benchmarks/recording.py at a tiny size, so `make test` runs its code paths (the figures come from `make bench ONLY=recording`)."""
from __future__ import annotations

import json

import pytest
from django.db import connection

from tests.conftest import require_tool


def test_recording_benchmark_prints_ack_latency_losses_throughput_and_finish_time(transactional_db, settings, monkeypatch, capsys, tmp_path):
    from benchmarks import __main__ as runner

    require_tool("ffmpeg", "ffmpeg")
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.DATA_DIR = tmp_path  # the generated inputs
    for name, value in {"BENCH_REC_UPLOADERS": "3", "BENCH_REC_SECONDS": "4", "BENCH_REC_MBPS": "0.4",
                        "BENCH_REC_FINISH_POINTS": "2", "BENCH_REC_FINISH_MINUTES": "0.25"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(runner, "_setup_django", lambda: connection.vendor)  # Django is already set up, on the test database
    from benchmarks import recording

    monkeypatch.setattr(recording, "run", lambda emit, migrate=True, _run=recording.run: _run(emit, migrate=False))
    assert runner.main(["recording"]) == 0
    lines = {line["metric"]: line for line in (json.loads(t) for t in capsys.readouterr().out.splitlines() if t.startswith("{"))}
    assert list(lines) == ["recording_ack_p50_ms", "recording_ack_p99_ms", "recording_slices_lost", "recording_throughput_mbps", "recording_finish_s"]
    assert all(line["bench"] == "recording" and line["db"] == connection.vendor for line in lines.values())
    assert lines["recording_slices_lost"]["value"] == 0
    p50, p99 = lines["recording_ack_p50_ms"], lines["recording_ack_p99_ms"]
    assert 0 < p50["value"] <= p99["value"] and p50["reference"] > 0  # the plain fsync, measured in the same run
    assert p50["uploaders"] == 3 and p50["slices"] == 6 and p50["refused"] == 0
    assert lines["recording_throughput_mbps"]["value"] > 0
    finish = lines["recording_finish_s"]
    assert finish["value"] > 0 and finish["reference"] > 0 and finish["points"] == 2
    assert finish["media_hours"] == pytest.approx(2 * 15 / 3600, abs=0.002)
