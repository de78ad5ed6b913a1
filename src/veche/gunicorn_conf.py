"""Gunicorn's configuration: `gunicorn -c python:veche.gunicorn_conf veche.wsgi:application`.

Every value can be changed from the environment (docs/deployment.md lists them); gunicorn's own
GUNICORN_CMD_ARGS and command-line options win over this file.
"""

import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _embedded_sqlite() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return not url or url.startswith("sqlite")


cores = os.cpu_count() or 1
# SQLite takes one writer at a time: more processes only queue on its lock, so a few processes with
# threads serve the embedded database; PostgreSQL gets the usual 2 x cores + 1, capped so that the
# connections stay well under its max_connections.
if _embedded_sqlite():
    default_workers, default_threads = min(2 * cores + 1, 4), 4
else:
    default_workers, default_threads = min(2 * cores + 1, 12), 2
workers = _int("WEB_CONCURRENCY", default_workers)
threads = _int("GUNICORN_THREADS", default_threads)
worker_class = "gthread"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# A worker silent this long is killed and replaced (a request that slow is a bug to find).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM or a reload, requests under way get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced after this many requests (jittered so they do not all restart at once),
# which bounds what a slow leak can take.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Connections waiting to be accepted: a burst queues here instead of being refused.
backlog = _int("GUNICORN_BACKLOG", 2048)
# X-Forwarded-* headers are believed only from these addresses (nginx on the same machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The workers' heartbeat files: in memory when the machine has /dev/shm, since a heartbeat written to
# a slow or full disk looks like a hung worker.
SHM = "/dev/shm"  # noqa: S108 - shared memory, not a temporary directory others write names into
if os.path.isdir(SHM):
    worker_tmp_dir = SHM
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s" "%(a)s"'
proc_name = "veche"
# gunicornc's control socket: only where one is asked for, since its default path in $HOME is one for
# every gunicorn of the user, and several run side by side (tests, two installations).
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
# The application is imported once, before the workers are forked (veche/wsgi.py freezes what start-up
# made, so the workers share those pages of memory); no database connection is opened at import.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in {"0", "false", "no", "off"}


def child_exit(server: Any, worker: Any) -> None:
    """With several processes, prometheus_client keeps each one's metrics in files under
    PROMETHEUS_MULTIPROC_DIR; a dead worker's live gauges are removed from them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
