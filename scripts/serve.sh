#!/usr/bin/env bash
# Serve Veche on this machine the way production runs it (`make run` calls this with --demo):
# migrate the database, load the demo (--demo: it adds nothing twice), collect the static files,
# then gunicorn with settings.local (DEBUG off, WhiteNoise, the key made once into var/secret_key).
# PORT (8000) and HOST (127.0.0.1) choose the address; VECHE_DATA_DIR (var/) where data live.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
export DJANGO_SETTINGS_MODULE=veche.settings.local
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
DATA_DIR="${VECHE_DATA_DIR:-var}"

"$BIN/veche" migrate --noinput
if [ "${1:-}" = "--demo" ]; then
  "$BIN/veche" demo
fi

# Collecting (hashing and compressing every file) takes a while: it is done again only when the
# static sources, the settings or the installed packages changed since the last time.
fingerprint="$("$BIN/python" - src/veche/static src/veche/settings "$BIN/.installed" <<'PY'
import hashlib, os, sys
digest = hashlib.sha256(os.environ["DJANGO_SETTINGS_MODULE"].encode())
for top in sys.argv[1:]:
    paths = [top] if os.path.isfile(top) else sorted(
        os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs if not f.endswith(".pyc")
    )
    for path in paths:
        info = os.stat(path)
        digest.update(f"{path} {info.st_size} {info.st_mtime_ns}\n".encode())
print(digest.hexdigest())
PY
)"
stamp="$DATA_DIR/.static-fingerprint"
if [ ! -f "$DATA_DIR/static/staticfiles.json" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$fingerprint" ]; then
  echo "Collecting the static files…"
  "$BIN/veche" collectstatic --noinput --verbosity 0
  echo "$fingerprint" > "$stamp"
fi

echo "Serving Veche at http://$HOST:$PORT/ (gunicorn, production settings; Ctrl-C stops it)"
exec "$BIN/gunicorn" --config python:veche.gunicorn_conf --bind "$HOST:$PORT" veche.wsgi:application
