"""The test plugin itself (veche.core.testing): the race harness, the language a test runs in and the
finder of numbers written for people where a script reads them."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import translation

from veche.accounts.models import User
from veche.core.testing import localised_numbers, race, unexpected
from veche.municipalities.models import Municipality


def test_race_runs_the_calls_at_the_same_moment_and_returns_results_in_call_order() -> None:
    meet = threading.Barrier(4)  # passes only if all four calls are running at once

    def call(i: int) -> int:
        meet.wait(timeout=30)
        return i

    results, errors = race([lambda i=i: call(i) for i in range(4)])

    assert errors == []
    assert results == [0, 1, 2, 3]


def test_race_returns_the_escaped_exceptions_in_call_order_with_their_tracebacks() -> None:
    def refuse() -> None:
        raise ValueError("refused on purpose")

    def missing() -> None:
        raise KeyError("gone")

    results, errors = race([lambda: 1, refuse, lambda: 3, missing])

    assert results == [1, 3]
    assert [type(error) for error in errors] == [ValueError, KeyError]
    report = unexpected(errors, (KeyError,))
    assert "in refuse" in report and "ValueError: refused on purpose" in report
    assert "KeyError" not in report
    assert unexpected(errors, (ValueError, KeyError)) == ""


def test_race_fails_the_test_with_the_stuck_threads_stacks_when_a_call_never_ends() -> None:
    release = threading.Event()

    def stuck() -> None:
        release.wait()

    try:
        with pytest.raises(pytest.fail.Exception) as failure:
            race([stuck, lambda: None], timeout=5)
    finally:
        release.set()

    assert "1 of 2 racing calls still run" in str(failure.value)
    assert "race-0" in str(failure.value) and "in stuck" in str(failure.value)


@pytest.mark.django_db(transaction=True)
def test_each_racing_call_gets_its_own_connection_and_closes_it() -> None:
    def use_database() -> Any:
        User.objects.count()
        return connections["default"]  # this thread's own

    used, errors = race([use_database] * 3)

    assert errors == []
    assert len({id(c) for c in used}) == 3
    assert all(c is not connections["default"] for c in used)
    assert all(c.connection is None for c in used)


def test_a_test_runs_in_russian_unless_it_asks() -> None:
    assert settings.LANGUAGE_CODE == "ru"
    assert translation.get_language() == "ru"


@pytest.mark.language("en")
def test_the_language_marker_switches_the_test_to_english() -> None:
    assert settings.LANGUAGE_CODE == "en"
    assert translation.get_language() == "en"


def test_the_english_fixture_switches_the_test_to_english(english: None) -> None:
    assert settings.LANGUAGE_CODE == "en"
    assert translation.get_language() == "en"


@pytest.mark.language("ru")
def test_a_language_marker_wins_over_the_english_fixture(english: None) -> None:
    assert settings.LANGUAGE_CODE == "ru"
    assert translation.get_language() == "ru"


@pytest.mark.parametrize(("language", "expected"), [(None, "ru"), ("ru", "ru"), ("en", "en")])
def test_client_for_and_api_for_ask_for_the_language(
    client_for: Callable[..., Client],
    api_for: Callable[..., Client],
    resident: User,
    municipality: Municipality,
    language: str | None,
    expected: str,
) -> None:
    page = client_for(resident, language=language).get(f"/m/{municipality.slug}/")
    answer = api_for(resident, language=language).get(f"/api/v1/municipalities/{municipality.slug}")

    assert page.status_code == answer.status_code == 200
    assert page["Content-Language"] == expected
    assert answer["Content-Language"] == expected


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<div data-lat="55,7558" data-lon="37.6173">', ['<div data-lat="55,7558">']),
        ('<form data-budget="5\u00a0000\u00a0000">', ['<form data-budget="5\u00a0000\u00a0000">']),
        ('<input type="number" value="1 500" min="0">', ['<input value="1 500">']),
        ('<input type="hidden" name="to" value="-0,5">', ['<input value="-0,5">']),
        ('<meter value="0,25" max="1">', ['<meter value="0,25">']),
        ('<span aria-valuenow="12,5">', ['<span aria-valuenow="12,5">']),
        # Numbers a script reads correctly, and numbers where no script reads them.
        ('<div data-lat="55.7558" data-lon="-37" data-big="5000000" data-max="">', []),
        ('<input type="text" value="55,7558"><input type="number" value="1e-05">', []),
        ('<td title="5 000">5 000 ₽</td><meter value="0.25">', []),
        ('<div data-attribution="© OpenStreetMap, 2 000 tiles" data-source="/map.json?bbox=1,2,3,4">', []),
    ],
)
def test_localised_numbers_finds_the_numbers_for_people_a_script_would_read(
    html: str, found: list[str]
) -> None:
    assert localised_numbers(html) == found
