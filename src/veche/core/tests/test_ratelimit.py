"""Fixed-window rate limits: database counters, and Redis when it is configured and answering."""

import uuid

import pytest
from django.test import override_settings

from veche.core import ratelimit
from veche.core.errors import RateLimited
from veche.core.models import RateLimitCounter
from veche.core.ratelimit import rate_limit

# Three attempts in a window of a year, so no test can straddle two windows.
LIMITS = {"test": f"3/{365 * 24 * 3600}"}


def hit_until_refused(identity):
    for _ in range(3):
        rate_limit("test", identity)
    with pytest.raises(RateLimited) as refused:
        rate_limit("test", identity)
    return refused.value


@pytest.mark.django_db
@override_settings(RATE_LIMITS=LIMITS, REDIS_URL="")
def test_database_backend_counts_per_key_and_refuses_past_the_limit():
    error = hit_until_refused("ip:10.0.0.1")
    assert error.status == 429
    assert error.retry_after > 0
    # Another identity has its own counter; the refused attempts still count.
    rate_limit("test", "ip:10.0.0.2")
    counts = sorted(RateLimitCounter.objects.values_list("count", flat=True))
    assert counts == [1, 4]
    with pytest.raises(RateLimited):
        rate_limit("test", "ip:10.0.0.1")


@pytest.mark.django_db
@override_settings(RATE_LIMITS=LIMITS, REDIS_URL="", RATE_LIMITS_ENABLED=False)
def test_disabled_limits_count_nothing():
    for _ in range(5):
        rate_limit("test", "ip:10.0.0.1")
    assert not RateLimitCounter.objects.exists()


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    ratelimit._redis.cache_clear()
    with override_settings(REDIS_URL=REDIS_URL, RATE_LIMITS=LIMITS):
        yield client
    ratelimit._redis.cache_clear()
    client.close()


@pytest.mark.django_db
def test_redis_backend_counts_per_key_and_refuses_past_the_limit(redis_client):
    first, second = f"ip:{uuid.uuid4()}", f"ip:{uuid.uuid4()}"
    try:
        error = hit_until_refused(first)
        assert error.retry_after > 0
        rate_limit("test", second)
        # The counters are in Redis, with an expiry, and not in the database.
        keys = {ratelimit._key("test", first), ratelimit._key("test", second)}
        stored = {k.decode(): int(redis_client.get(k)) for k in redis_client.keys("rl:test:*")}
        by_key = {k.rsplit(":", 1)[0]: v for k, v in stored.items() if k.rsplit(":", 1)[0] in keys}
        assert sorted(by_key.values()) == [1, 4]
        assert all(redis_client.ttl(k) > 0 for k in stored)
        assert not RateLimitCounter.objects.exists()
    finally:
        for identity in (first, second):
            for k in redis_client.keys(f"{ratelimit._key('test', identity)}:*"):
                redis_client.delete(k)
