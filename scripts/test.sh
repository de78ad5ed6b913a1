#!/usr/bin/env bash
# The whole test suite: lint, types, migrations, then pytest on SQLite and on PostgreSQL.
# PostgreSQL is the one DATABASE_URL names, or the server answering on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=veche.settings.test

echo "== ruff"
$BIN/ruff check .
echo "== mypy"
$BIN/mypy
echo "== migrations match the models"
DATABASE_URL="sqlite:///$(mktemp -d)/check.sqlite3" $BIN/veche makemigrations --check --dry-run
echo "== production settings pass check --deploy"
DJANGO_SETTINGS_MODULE=veche.settings.prod SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
  ALLOWED_HOSTS=veche.example.org $BIN/veche check --deploy --fail-level WARNING
echo "== translations compiled"
$BIN/python scripts/check_messages.py

PG_URL="${DATABASE_URL:-}"
case "$PG_URL" in
  postgres://*|postgresql://*) ;;
  *) PG_URL=""
     if $BIN/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then
       PG_URL="postgres://postgres@127.0.0.1:5432/veche"
     fi ;;
esac

WORKERS="${PYTEST_WORKERS:-2}"
echo "== pytest on SQLite"
DATABASE_URL="sqlite:///$(mktemp -d)/veche.sqlite3" $BIN/pytest -n "$WORKERS" -q "$@"
if [ -n "$PG_URL" ]; then
  echo "== pytest on PostgreSQL"
  DATABASE_URL="$PG_URL" $BIN/pytest -n "$WORKERS" -q "$@"
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL is not reachable, and CI must test on it." >&2
  exit 1
else
  echo "!! PostgreSQL not reachable: set DATABASE_URL to test on it too."
fi
