"""`submit`: a form page's POST is validated, rate-limited and written once, or shown again with a status."""

from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings

from veche.core.errors import Conflict, DomainError
from veche.core.forms import NotWritten, Written, submit

YEAR = 365 * 24 * 3600


class TitleForm(forms.Form):
    title = forms.CharField(max_length=10)


class Write:
    """A stand-in for a service: records what it was called with, returns or raises as told."""

    def __init__(self, error: DomainError | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.error = error

    def __call__(self, data: dict[str, Any]) -> str:
        self.calls.append(dict(data))
        if self.error is not None:
            raise self.error
        return f"written {data['title']}"


def post(data: dict[str, str]):
    request = RequestFactory().post("/", data)
    request.user = AnonymousUser()
    return request


@pytest.mark.django_db
def test_a_valid_form_is_written_once_and_the_result_returned():
    write = Write()
    request = post({"title": "Lamps"})
    submitted = submit(request, TitleForm(request.POST), write)
    assert submitted == Written("written Lamps")
    assert write.calls == [{"title": "Lamps"}]


@pytest.mark.django_db
def test_an_invalid_form_is_not_written_and_answers_400():
    write = Write()
    request = post({"title": "Far too long a title"})
    form = TitleForm(request.POST)
    submitted = submit(request, form, write)
    assert submitted == NotWritten(400)
    assert write.calls == []
    assert "title" in form.errors


@pytest.mark.django_db
def test_a_refusal_goes_on_the_form_with_its_own_status():
    write = Write(Conflict(fields={"title": ["Taken already."], "elsewhere": ["Not a field here."]}))
    request = post({"title": "Lamps"})
    form = TitleForm(request.POST)
    submitted = submit(request, form, write)
    assert isinstance(submitted, NotWritten)
    assert (submitted.status, submitted.refusal) == (409, write.error)
    assert write.calls == [{"title": "Lamps"}]
    assert form.errors["title"] == ["Taken already."]
    assert form.non_field_errors() == ["Not a field here."]


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["write", "signup"])
def test_a_rate_limit_refuses_before_the_write_with_429(scope):
    write = Write()
    request = post({"title": "Lamps"})
    form = TitleForm(request.POST)
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, scope: f"0/{YEAR}"}):
        submitted = submit(request, form, write, scope=scope)
    assert isinstance(submitted, NotWritten)
    assert submitted.status == 429
    assert write.calls == []
    assert form.non_field_errors() == [submitted.refusal.message]


def test_a_get_shows_the_form_and_calls_nothing():
    write = Write()
    request = RequestFactory().get("/")
    form = TitleForm(None)
    submitted = submit(request, form, write)
    assert submitted == NotWritten(200)
    assert write.calls == []
    assert not form.is_bound


# Every app renders its own form pages after `submit`; a rate limit's page tells when to retry in all.
FORM_PAGES = {
    "appeals": ("/m/testgrad/appeals/new/", {"title": "Keep the square", "body": "Please revoke it."}),
    "initiatives": ("/m/testgrad/initiatives/new/", {"title": "Lamps on Lenin Street", "body": "Light it."}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("app", FORM_PAGES)
@pytest.mark.parametrize("limited", [True, False], ids=["limited", "free"])
def test_a_form_page_refused_by_a_rate_limit_answers_429_with_retry_after(
    app, limited, client_for, verified_resident
):
    path, data = FORM_PAGES[app]
    client = client_for(verified_resident)
    limits = {**settings.RATE_LIMITS, "write": f"0/{YEAR}"} if limited else settings.RATE_LIMITS

    with override_settings(RATE_LIMITS=limits):
        response = client.post(path, data)

    if limited:
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= YEAR
        # The form page again, with what was written and the refusal on it; not the error page.
        assert response.context["form"].non_field_errors() and data["title"] in response.content.decode()
    else:
        # The same post goes through without the limit: the 429 above is the limit's, not the form's.
        assert response.status_code == 302 and "Retry-After" not in response
