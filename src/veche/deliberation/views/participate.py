"""A resident's pages of opinion mapping: the municipality's deliberations, and one deliberation with
its voting card (one statement at a time), the caller's answers, where they stand, and the form to
add a statement.

Every write is a plain POST that redirects back to the page (no JavaScript needed). Through htmx the
vote answers with the card alone, showing the next statement, and the caller's answers and place
updated out of band; a refused vote comes back in the card (htmx swaps only 2xx answers) and, without
htmx, on the page with the refusal's status.
"""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from veche.access.functions import access_municipality
from veche.access.roles import Tier, is_signed_in, tier_of
from veche.core.errors import DomainError
from veche.core.forms import submit
from veche.core.http import signed_in
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.stages import stage_at
from veche.deliberation.access import access_deliberation, can_deliberate, can_run_deliberation
from veche.deliberation.forms import StatementForm, VoteForm
from veche.deliberation.lists import answers_of, counts_of, published_deliberations, statements_of
from veche.deliberation.models import Deliberation, Statement
from veche.deliberation.phases import deliberation_phase
from veche.deliberation.services import (
    find_participant,
    next_statement,
    participant_place,
    statement_add,
    vote_cast,
)

PAGE_SIZE = 20
GROUP_LETTERS = "ABCDEFGHIJ"


def group_letter(group: int | None) -> str:
    """Groups are named by letters: group 0 is "A"."""
    return GROUP_LETTERS[group] if group is not None and 0 <= group < len(GROUP_LETTERS) else ""


@require_GET
def deliberation_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    rows = published_deliberations(municipality=municipality, now=timezone.now())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deliberation/list.html", {"municipality": municipality, "page": page})


def _deliberation(request: HttpRequest, slug: str, deliberation_id: int) -> Deliberation:
    municipality = access_municipality(request.user, slug)
    return access_deliberation(request.user, deliberation_id, municipality=municipality)


def _card_context(
    request: HttpRequest, deliberation: Deliberation, *, vote_form: VoteForm | None = None
) -> dict[str, Any]:
    """What the card, the caller's answers and their place need."""
    now = timezone.now()
    user = request.user
    participant = find_participant(user=user, deliberation=deliberation)
    decision = can_deliberate(user, deliberation, now)
    place = participant_place(deliberation=deliberation, participant=participant)
    return {
        "municipality": deliberation.municipality,
        "deliberation": deliberation,
        "phase": deliberation_phase(deliberation, now),
        "decision": decision,
        "needs_verification": is_signed_in(user)
        and deliberation.tier == Tier.VERIFIED
        and tier_of(user, deliberation.municipality) < Tier.VERIFIED,
        "statement": next_statement(deliberation=deliberation, participant=participant),
        "participant": participant,
        "answers": answers_of(participant),
        "group": group_letter(place.group),
        "vote_form": vote_form,
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': deliberation.get_absolute_url()})}",
    }


def _page_context(
    request: HttpRequest,
    deliberation: Deliberation,
    *,
    vote_form: VoteForm | None = None,
    form: StatementForm | None = None,
) -> dict[str, Any]:
    context = _card_context(request, deliberation, vote_form=vote_form)
    n_participants, n_statements = counts_of(deliberation)
    runs = can_run_deliberation(request.user, deliberation)
    return {
        **context,
        "project": deliberation.project,
        "until": _open_until(deliberation) if not context["decision"].closed else None,
        "n_participants": n_participants,
        "n_statements": n_statements,
        "can_run": runs,
        "my_statements": statements_of(context["participant"]),
        # Residents add statements while they may take part, if the organisers let them; a statement
        # form sent back with an error is shown whatever the reason.
        "may_add": form is not None or (bool(context["decision"]) and deliberation.residents_add_statements),
        "form": form or StatementForm(deliberation=deliberation),
    }


def _open_until(deliberation: Deliberation) -> datetime | None:
    """When an open deliberation closes: a standalone one's own date, a project's when its
    opinion-mapping stage ends."""
    if deliberation.project is None:
        return deliberation.closes_at
    stage = stage_at(stages_of(deliberation.project), timezone.now())
    return stage.ends_at if stage is not None else None


@require_GET
def deliberation_detail(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    deliberation = _deliberation(request, slug, deliberation_id)
    return render(request, "deliberation/detail.html", _page_context(request, deliberation))


@require_POST
def vote(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    """Agree, disagree or pass on a statement (the next one on the card, or one of the caller's
    answers, to change it); the latest answer counts."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("deliberation:detail", args=[slug, deliberation_id]))
    deliberation = _deliberation(request, slug, deliberation_id)
    form = VoteForm(request.POST)
    submitted = submit(
        request,
        form,
        lambda data: vote_cast(
            user=signed_in(request),
            deliberation=deliberation,
            statement=data["statement"],
            value=data["vote"],
        ),
    )
    htmx = bool(getattr(request, "htmx", False))
    if submitted.ok:
        if htmx:
            return render(request, "deliberation/_card_swap.html", _card_context(request, deliberation))
        if request.POST.get("back") == "answers":
            messages.success(request, _("Your answer is changed."))
            return redirect(f"{deliberation.get_absolute_url()}#answers")
        return redirect(f"{deliberation.get_absolute_url()}#card")
    if htmx:
        context = _card_context(request, deliberation, vote_form=form)
        return render(request, "deliberation/_card.html", context)
    context = _page_context(request, deliberation, vote_form=form)
    return render(request, "deliberation/detail.html", context, status=submitted.status)


def _at_the_field(write: Any) -> Any:
    """A refusal without field messages (a duplicate, organisers only, closed) shown at the text."""

    def run(data: dict[str, Any]) -> Any:
        try:
            return write(data)
        except DomainError as error:
            if error.fields:
                raise
            raise type(error)(error.message, code=error.code, fields={"text": [error.message]}) from None

    return run


@require_POST
def statement_new(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    """A resident's statement, kept for moderation (the organisers' own are shown at once)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("deliberation:detail", args=[slug, deliberation_id]))
    deliberation = _deliberation(request, slug, deliberation_id)
    form = StatementForm(request.POST, deliberation=deliberation)
    submitted = submit(
        request,
        form,
        _at_the_field(
            lambda data: statement_add(
                author=signed_in(request), deliberation=deliberation, text=data["text"]
            )
        ),
    )
    if submitted.ok:
        added: Statement = submitted.result
        messages.success(
            request,
            _("The statement is added and shown to voters.")
            if added.is_shown
            else _("Thank you: your statement will be shown once a moderator accepts it."),
        )
        return redirect(f"{deliberation.get_absolute_url()}#add")
    context = _page_context(request, deliberation, form=form)
    return render(request, "deliberation/detail.html", context, status=submitted.status)
