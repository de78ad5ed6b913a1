"""Fixed-window rate limits on logins, sign-ups and writes: database counters, or Redis when set."""

import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from veche.core.errors import RateLimited
from veche.core.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


# Where a request refused by a rate limit keeps its wait in seconds (see `rate_limit`).
RETRY_AFTER = "veche_retry_after"


def limit_for(scope: str) -> Limit:
    count, seconds = settings.RATE_LIMITS[scope].split("/")
    return Limit(int(count), int(seconds))


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}"


@lru_cache(maxsize=1)
def _redis():  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _hit_redis(key: str, window_start: int, seconds: int) -> int:
    client = _redis()
    wkey = f"{key}:{window_start}"
    pipe = client.pipeline()
    pipe.incr(wkey)
    pipe.expire(wkey, seconds + 1)
    count, _ = pipe.execute()
    return int(count)


def _hit_database(key: str, window_start: int) -> int:
    # The counter is its own short transaction so that a refused request still counts.
    with transaction.atomic():
        updated = RateLimitCounter.objects.filter(key=key, window_start=window_start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, window_start=window_start, count=1)
            except IntegrityError:
                RateLimitCounter.objects.filter(key=key, window_start=window_start).update(
                    count=F("count") + 1
                )
        counter = RateLimitCounter.objects.get(key=key, window_start=window_start)
    return counter.count


def rate_limit(scope: str, identity: str, *, request: HttpRequest | None = None) -> None:
    """Count one attempt of `identity` in `scope`; raise RateLimited past the scope's limit.

    With `request`, the wait is also kept on it: pages render a refusal themselves (the form again,
    with the message), and `DomainErrorMiddleware` adds Retry-After to their 429 from it."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit = limit_for(scope)
    now = int(time.time())
    window_start = now - now % limit.seconds
    key = _key(scope, identity)
    if settings.REDIS_URL:
        count = _hit_redis(key, window_start, limit.seconds)
    else:
        count = _hit_database(key, window_start)
    if count > limit.count:
        retry_after = window_start + limit.seconds - now
        if request is not None:
            setattr(request, RETRY_AFTER, retry_after)
        raise RateLimited(retry_after=retry_after)


def rate_limit_request(scope: str, request: HttpRequest, *extra: str) -> None:
    """Limit by client address, and by the signed-in person when there is one."""
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    rate_limit(scope, ":".join([who, *extra]), request=request)


def prune_counters(older_than_seconds: int = 86400) -> int:
    cutoff = int(time.time()) - older_than_seconds
    deleted, _ = RateLimitCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
