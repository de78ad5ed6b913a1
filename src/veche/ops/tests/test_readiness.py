"""GET /readyz: 200 with every check ok; 503 naming the dependency that does not answer."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_ready_when_database_and_cache_answer(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_an_unreachable_cache_makes_the_process_not_ready(client: Client, settings) -> None:
    # A real Redis client towards a port nobody listens on (connection refused at once).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("failed: ")
    print(body)


@pytest.mark.django_db
def test_an_unreachable_broker_is_named_without_its_password(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://:hunter2-secret@127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"].startswith("failed: ")
    assert "hunter2" not in response.content.decode()
    print(body)


@pytest.mark.django_db
def test_an_amqp_broker_that_does_not_answer_is_named(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "amqp://guest:hunter2@127.0.0.1:1//"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("failed: ")
    assert "hunter2" not in response.content.decode()


def test_liveness_stays_as_it_was(client: Client, db: None) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_probes_are_answered_over_plain_http_when_https_is_enforced(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # made after the setting, so that its SecurityMiddleware reads it
    assert client.get("/").status_code == 301
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path).status_code == 200, path
