#!/usr/bin/env bash
# The whole test suite: lint, types, import boundaries, then pytest on SQLite and, when it is
# reachable, on PostgreSQL. Called by `make test` and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== mypy"
$BIN/mypy inyeon
echo "== import boundaries"
$BIN/lint-imports
bash scripts/ensure-chromium.sh

echo "== pytest on SQLite"
env -u DATABASE_URL $BIN/pytest "$@"

PG_URL="${INYEON_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if $BIN/python scripts/db_reachable.py "$PG_URL"; then
  echo "== pytest on PostgreSQL"
  DATABASE_URL="$PG_URL" $BIN/pytest -m "not e2e" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $PG_URL; CI must test on it." >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: skipped the PostgreSQL run"
fi
