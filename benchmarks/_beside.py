"""What the benchmarks share: a percentile, and a page timed beside the same SQL run raw.

A page and its reference are timed alternately, one of each per round, so that noise on a shared machine falls
on both alike; the reference runs the statements the page's selectors issued on the bare DB-API cursor (no
Django on its path) of the same connection.
"""
from __future__ import annotations

import time


def percentile(samples: list[float], share: float) -> float:
    """The sample at ``share`` of the sorted samples (nearest rank); 0.0 when there is none."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))] if ordered else 0.0


def time_raw(statements: list[str]) -> float:
    """Milliseconds to run ``statements`` (SQL with its parameters in it) and fetch every row."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the DB-API cursor: no Django on the path
        for sql in statements:
            raw.execute(sql)
            raw.fetchall()
    return (time.perf_counter() - started) * 1000


def page_beside_raw(get, statements: list[str], *, warmup: int, repeat: int, what: str):
    """``get()`` (a test client's request) and ``time_raw(statements)`` alternately, ``warmup`` rounds unkept:
    returns (page ms, raw ms) and the last response. A page that does not answer 200 stops the run."""
    page_ms, raw_ms, response = [], [], None
    for i in range(warmup + repeat):
        started = time.perf_counter()
        response = get()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{what} answered {response.status_code}")
        raw = time_raw(statements)
        if i >= warmup:
            page_ms.append(elapsed)
            raw_ms.append(raw)
    return page_ms, raw_ms, response
