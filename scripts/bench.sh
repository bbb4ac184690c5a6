#!/usr/bin/env bash
# make bench [ONLY=name]: run the benchmarks; each figure is one JSON line on stdout.
# BENCH_DB=postgresql runs them against the PostgreSQL on 127.0.0.1 (database tiepdan_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_DB:-sqlite}" = "postgresql" ]; then
  export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tiepdan_bench}
  # A fresh machine has no bench database yet: create it (the data is generated once, then reused).
  .venv/bin/python - <<'PYEOF'
import os, urllib.parse, psycopg
url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PYEOF
else
  export TIEPDAN_DATA_DIR=${TIEPDAN_DATA_DIR:-$PWD/var/bench}
fi
exec .venv/bin/python -m benchmarks "$@"
