"""Pages of polls: the list, a poll with its ballot, voting, results, and the staff pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.access.roles import Tier, tier_of
from veche.core.errors import Forbidden
from veche.core.forms import press, submit
from veche.core.http import signed_in
from veche.ledger.casting import BallotPage, cast_vote
from veche.ledger.services import Receipt
from veche.polls import services
from veche.polls.access import (
    access_poll,
    access_poll_to_manage,
    access_polls_staff,
    can_manage_polls,
    can_see_results,
    results_public,
)
from veche.polls.forms import BallotForm, PollForm
from veche.polls.models import Kind, Poll, Status, status_q
from veche.polls.selectors import (
    LISTED,
    poll_results,
    poll_vote_of,
    polls_for,
    polls_to_manage,
)

PAGE_SIZE = 20


def poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    now = timezone.now()
    status = request.GET.get("status", Status.OPEN)
    if status not in LISTED:
        status = Status.OPEN
    polls = polls_for(municipality=municipality, viewer=request.user, status=status, now=now)
    published = Poll.objects.filter(municipality=municipality)
    context = {
        "municipality": municipality,
        "status": status,
        "tabs": [(s, Status(s).label, published.filter(status_q(s, now)).count()) for s in LISTED],
        "page": Paginator(polls, PAGE_SIZE).get_page(request.GET.get("page")),
        "now": now,
        "can_manage": can_manage_polls(request.user, municipality),
        "Status": Status,
    }
    return render(request, "polls/list.html", context)


def _detail_context(
    request: HttpRequest, poll: Poll, *, form: BallotForm | None = None, error: str = ""
) -> dict[str, Any]:
    now = timezone.now()
    status = poll.status_at(now)
    vote = poll_vote_of(poll=poll, user=request.user)
    return {
        "municipality": poll.municipality,
        "poll": poll,
        "status": status,
        "districts": list(poll.districts.order_by("name")),
        "vote": vote,
        "form": form or BallotForm(poll=poll),
        "can_vote": services.vote_decision(request.user, poll),
        "needs_verification": tier_of(request.user, poll.municipality) == Tier.REGISTERED
        and poll.tier == Tier.VERIFIED,
        "results_public": results_public(poll, now),
        "can_see_results": can_see_results(request.user, poll, now),
        "can_manage": can_manage_polls(request.user, poll.municipality),
        "vote_error": error,
        "Status": Status,
        "Kind": Kind,
    }


def poll_detail(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    poll = access_poll(request.user, poll_id, municipality=municipality)
    return render(request, "polls/detail.html", _detail_context(request, poll))


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Cast the ballot; the receipt is shown once, on the answer to this request."""
    municipality = access_municipality(request.user, slug)
    poll = access_poll(request.user, poll_id, municipality=municipality)
    form = BallotForm(request.POST, poll=poll)
    return cast_vote(
        request,
        form,
        lambda: services.poll_vote(user=signed_in(request), poll=poll, options=form.ballot()),
        BallotPage(
            template="polls/detail.html",
            context=lambda form, error: _detail_context(request, poll, form=form, error=error),
            shows_vote=services.poll_url(poll),
            receipt_template="polls/receipt.html",
            receipt_context=lambda receipt: _receipt_context(request, poll, receipt),
        ),
    )


def _receipt_context(request: HttpRequest, poll: Poll, receipt: Receipt) -> dict[str, Any]:
    return {
        "municipality": poll.municipality,
        "poll": poll,
        "receipt": receipt,
        "vote": poll_vote_of(poll=poll, user=request.user),
        "results_public": results_public(poll, timezone.now()),
    }


def results(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    poll = access_poll(request.user, poll_id, municipality=municipality)
    now = timezone.now()
    if not can_see_results(request.user, poll, now):
        raise Forbidden(services.results_hidden_reason(poll), code="results_not_public")
    context = {
        "municipality": municipality,
        "poll": poll,
        "status": poll.status_at(now),
        "results": poll_results(poll=poll),
        "results_public": results_public(poll, now),
        "Kind": Kind,
        "Status": Status,
    }
    return render(request, "polls/results.html", context)


# Staff pages.


@login_required
def staff_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_polls_staff(request.user, slug)
    now = timezone.now()
    page = Paginator(polls_to_manage(municipality=municipality), 50).get_page(request.GET.get("page"))
    rows = [(poll, poll.status_at(now)) for poll in page]
    context = {"municipality": municipality, "page": page, "rows": rows, "Status": Status}
    return render(request, "polls/staff_list.html", context)


def _form_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "districts": list(data["districts"])}


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_polls_staff(request.user, slug)
    form = PollForm(request.POST or None, municipality=municipality)
    submitted = submit(
        request,
        form,
        lambda data: services.poll_create(
            actor=signed_in(request), municipality=municipality, **_form_fields(data)
        ),
    )
    if submitted.ok:
        messages.success(request, _("The draft is saved. Publish it when it is ready."))
        return redirect("polls_staff:edit", slug=slug, poll_id=submitted.result.pk)
    context = {"municipality": municipality, "form": form, "poll": None}
    return render(request, "polls/edit.html", context, status=submitted.status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Edit a draft; a published poll is shown as it stands, since it can no longer change."""
    municipality = access_polls_staff(request.user, slug)
    poll = access_poll_to_manage(request.user, poll_id, municipality=municipality)
    form = PollForm(request.POST or None, municipality=municipality, initial=PollForm.initial_for(poll))
    submitted = submit(
        request,
        form,
        lambda data: services.poll_update(actor=signed_in(request), poll=poll, **_form_fields(data)),
    )
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect("polls_staff:edit", slug=slug, poll_id=poll.pk)
    context = {
        "municipality": municipality,
        "form": form if poll.published_at is None else None,
        "poll": poll,
        "status": poll.status_at(timezone.now()),
        "Status": Status,
    }
    return render(request, "polls/edit.html", context, status=submitted.status)


def _published(poll: Poll) -> str:
    if poll.status_at(timezone.now()) == Status.OPEN:
        return _("The poll is published and open for voting.")
    return _("The poll is published. Voting starts at its opening time.")


@login_required
@require_POST
def staff_publish(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    municipality = access_polls_staff(request.user, slug)
    poll = access_poll_to_manage(request.user, poll_id, municipality=municipality)
    return press(
        request,
        lambda: services.poll_publish(actor=signed_in(request), poll=poll),
        done=_published,
        back_to=reverse("polls_staff:list", args=[slug]),
    )


@login_required
@require_POST
def staff_close(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    municipality = access_polls_staff(request.user, slug)
    poll = access_poll_to_manage(request.user, poll_id, municipality=municipality)
    return press(
        request,
        lambda: services.poll_close(actor=signed_in(request), poll=poll),
        done=_("The poll is closed. Votes already cast stand."),
        back_to=reverse("polls_staff:list", args=[slug]),
    )
