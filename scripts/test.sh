#!/usr/bin/env bash
# Runs the browser JavaScript's tests in Node, then the whole suite on SQLite, then on PostgreSQL.
# On CI (CI=true) node, PostgreSQL and the browser are required: their absence fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONDONTWRITEBYTECODE=1
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/tiepdan}
# The tests' data directory (SQLite test databases, jobs, stored files, recordings, the demo's signing identity) is
# their own, not the developer's var/: what `make run` seeded there must not change what the tests see.
if [ -z "${TIEPDAN_DATA_DIR:-}" ]; then
  TIEPDAN_DATA_DIR=$(mktemp -d -t tiepdan-test-XXXXXX)
  trap 'rm -rf "$TIEPDAN_DATA_DIR"' EXIT
fi
export TIEPDAN_DATA_DIR

status=0
# The plan of the house ([tool.importlinter] in pyproject.toml): an import that points up a layer fails the run.
echo "== Các tầng của mã nguồn (lint-imports) =="
PYTHONPATH=src .venv/bin/lint-imports --no-cache || status=$?

# The live client's pure JavaScript (tests/js/), in Node without a browser: once, whatever database follows.
echo "== Kiểm thử JavaScript của trình duyệt (node --test) =="
if command -v node >/dev/null; then
  node --test --test-reporter=spec tests/js/*.test.mjs || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "Không có node: trên CI các kiểm thử JavaScript là bắt buộc." >&2
  status=1
else
  echo "(Bỏ qua kiểm thử JavaScript: máy này không có node. Trên CI lượt này là bắt buộc.)"
fi

echo "== Bộ kiểm thử trên SQLite =="
env -u DATABASE_URL -u REDIS_URL $PY -m pytest "$@" || status=$?

if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || $PY - <<PYEOF 2>/dev/null
import psycopg, sys
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PYEOF
then
  echo "== Bộ kiểm thử trên PostgreSQL =="
  DATABASE_URL=$PG_URL $PY -m pytest "$@" || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL không chạy tại 127.0.0.1:5432: trên CI đây là lỗi." >&2
  status=1
else
  echo "(Bỏ qua lượt PostgreSQL: không có máy chủ tại 127.0.0.1:5432. Trên CI lượt này là bắt buộc.)"
fi
exit $status
