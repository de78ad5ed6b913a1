"""Readiness: can this process serve requests now? The database, the cache and, when one is
configured, the Celery broker, each checked with a short timeout."""

import logging
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.db import connection

TIMEOUT = 2.0

logger = logging.getLogger(__name__)

# Anything that looks like a URL may carry a password: a reason never repeats one.
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


class NotReady(Exception):
    pass


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise NotReady("SELECT 1 did not answer 1")


def check_cache() -> None:
    key = "ops:readyz"
    value = secrets.token_hex(8)
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise NotReady("the value written was not read back")


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
        try:
            if not client.ping():
                raise NotReady("PING was not answered")
        finally:
            client.close()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=TIMEOUT) as conn:  # type: ignore[no-untyped-call]
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT)


def reason(exc: BaseException) -> str:
    text = URL.sub("<url>", str(exc)).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return f"{name}: {text[:160]}" if text else name


# The cache client may have no timeout of its own (a host that drops packets would hold the
# request): the check runs in this one long-lived thread, which the answer does not wait for
# beyond TIMEOUT. One thread, not one per request: Django opens a cache client per thread and never
# closes it, so a thread per request would leave a Redis connection behind each time.
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz")


def _within_timeout(check: Callable[[], None]) -> None:
    try:
        _pool.submit(check).result(timeout=TIMEOUT + 0.5)
    except FutureTimeout:
        raise NotReady(f"no answer within {TIMEOUT:g} s") from None


def checks() -> dict[str, Callable[[], None]]:
    named: dict[str, Callable[[], None]] = {
        # The database check runs in the request's thread, on the connection the request would use.
        "database": check_database,
        "cache": lambda: _within_timeout(check_cache),
    }
    if settings.CELERY_BROKER_URL:
        named["broker"] = check_broker
    return named


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: "ok" or "failed: <reason>"})."""
    results: dict[str, str] = {}
    for name, check in checks().items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency means "not ready"
            results[name] = f"failed: {reason(exc)}"
            logger.warning("readiness check %s failed: %s", name, reason(exc))
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results
