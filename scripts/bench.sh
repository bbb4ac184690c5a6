#!/usr/bin/env bash
# make bench [ONLY=name]: run the benchmarks; each figure is one JSON line on stdout.
# BENCH_DB=postgresql runs them against the PostgreSQL on 127.0.0.1 (database tiepdan_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_DB:-sqlite}" = "postgresql" ]; then
  export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tiepdan_bench}
else
  export TIEPDAN_DATA_DIR=${TIEPDAN_DATA_DIR:-$PWD/var/bench}
fi
exec .venv/bin/python -m benchmarks "$@"
