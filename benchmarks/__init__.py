"""Benchmarks: `make bench` runs them all, `make bench ONLY=<name>` one.

Each benchmark is a module here named after what it measures (`search.py`,
`live.py`, ...) with a function ``run(emit)``. It calls ``emit(metric, value,
reference, **extra)`` once per figure; the figure's reference (the same work
done the plain way: the raw SQL query, a plain two-browser call) is measured
in the same run, because these machines are noisy. Each figure is printed as
one JSON line on stdout:

    {"bench": "search", "metric": "search_p95_ms", "value": 41.2, "reference": 30.5, "ratio": 1.35, "db": "postgresql"}

Speed and memory targets live here, never in timed tests.
"""
