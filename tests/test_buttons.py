"""Every one-button POST carried out by `core.forms.press`: a refusal is shown to the person as a
message on the page they came from and leaves the data as it was; a rate limit does the same with
Retry-After; not found stays 404 and a person who may not press the button gets 403 or 404 as before.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from veche.accounts.models import User
from veche.appeals.models import Appeal
from veche.appeals.services import appeal_close, appeal_create
from veche.budgeting.models import ProcessPhase, Proposal, Rule, TieBreaking, Utilities
from veche.budgeting.tests.helpers import city_budget, options
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.initiatives.models import Initiative
from veche.initiatives.services import initiative_create, initiative_publish
from veche.municipalities.models import Category, Department
from veche.notifications.models import Follow
from veche.polls.models import Poll
from veche.polls.services import poll_close
from veche.reports.models import Report
from veche.reports.services import report_moderate, report_submit

MISSING = 999_999
RATE_LIMITED = "Too many requests. Please wait a little and try again."


@dataclass(frozen=True)
class Pressed:
    """One button in a state where pressing it is refused: who presses it, where it posts (and the
    same address with `{id}` for what it names), the form it sends, what it may not change, the
    refusal's message, where the person is sent back, and someone who may not press it at all
    with the status they get."""

    actor: User
    url: str  # with "{id}" where the named object's id goes
    id: int
    state: Callable[[], Any]
    message: str
    back_to: str
    outsider: User | None = None
    outsider_status: int = 404
    data: dict[str, Any] | None = None


def _poll_publish(f: Callable[[str], Any]) -> Pressed:
    poll = f("make_poll")()  # already published
    return Pressed(
        actor=f("municipal_admin"),
        url="/m/testgrad/staff/polls/{id}/publish/",
        id=poll.pk,
        state=lambda: Poll.objects.get(pk=poll.pk).published_at,
        message="This poll is already published.",
        back_to="/m/testgrad/staff/polls/",
        outsider=f("verified_resident"),
    )


def _poll_close(f: Callable[[str], Any]) -> Pressed:
    admin = f("municipal_admin")
    poll = poll_close(actor=admin, poll=f("make_poll")())
    return Pressed(
        actor=admin,
        url="/m/testgrad/staff/polls/{id}/close/",
        id=poll.pk,
        state=lambda: Poll.objects.get(pk=poll.pk).closed_at,
        message="This poll is already closed.",
        back_to="/m/testgrad/staff/polls/",
        outsider=f("moderator"),
    )


def _proposal_withdraw(f: Callable[[str], Any]) -> Pressed:
    process = f("make_process")()  # voting: its proposals are reviewed
    proposal = options(city_budget(process))[0]
    base = f"/m/testgrad/budgets/{process.pk}/proposals/"
    return Pressed(
        actor=proposal.author,
        url=base + "{id}/withdraw/",
        id=proposal.pk,
        state=lambda: Proposal.objects.get(pk=proposal.pk).status,
        message="Only a proposal waiting for review can be withdrawn.",
        back_to=f"{base}{proposal.pk}/",
        outsider=f("verified_resident"),
        outsider_status=403,
    )


def _process_move(f: Callable[[str], Any]) -> Pressed:
    process = f("make_process")()
    return Pressed(
        actor=f("municipal_admin"),
        url="/m/testgrad/staff/budgets/{id}/phase/",
        id=process.pk,
        data={"to": ProcessPhase.PROPOSALS},
        state=lambda: type(process).objects.get(pk=process.pk).phase,
        message="A process in the phase voting cannot move to proposals.",
        back_to=f"/m/testgrad/staff/budgets/{process.pk}/",
        outsider=f("official"),
    )


def _proposal_review(f: Callable[[str], Any]) -> Pressed:
    process = f("make_process")()  # voting: reviews are over
    proposal = options(city_budget(process))[0]
    base = f"/m/testgrad/staff/budgets/{process.pk}/review/"
    return Pressed(
        actor=f("official"),
        url=base + "{id}/",
        id=proposal.pk,
        data={"decision": "infeasible", "reasons": "Too late."},
        state=lambda: Proposal.objects.values_list("status", "reviewed_cost").get(pk=proposal.pk),
        message=f"{proposal.title}: Proposals are reviewed in the review phase. "
        "This process is in the phase: voting.",
        back_to=base,
        outsider=f("verified_resident"),
    )


def _budget_count(f: Callable[[str], Any]) -> Pressed:
    process = f("make_process")()  # voting: not counted yet
    budget = city_budget(process)
    return Pressed(
        actor=f("official"),
        url=f"/m/testgrad/staff/budgets/{process.pk}/" + "{id}/count/",
        id=budget.pk,
        data={"rule": Rule.MES_ADD1, "utilities": Utilities.COST, "tie_breaking": TieBreaking.LEXICOGRAPHIC},
        state=lambda: budget.tallies.count(),
        message="Ballots are counted in the counting phase. This process is in the phase: voting.",
        back_to=f"/m/testgrad/staff/budgets/{process.pk}/",
        outsider=f("moderator"),
    )


def _public_report(f: Callable[[str], Any]) -> Report:
    municipality = f("municipality")
    category = Category.objects.create(
        municipality=municipality,
        department=municipality.departments.first(),
        slug="light",
        name="Фонарь",
        name_en="Street light",
        answer_days=5,
    )
    report = report_submit(
        author=f("resident"),
        municipality=municipality,
        category=category,
        latitude="55.75",
        longitude="37.61",
        description="A light is out",
    )
    return report_moderate(moderator=f("moderator"), report=report)


def _report_support(f: Callable[[str], Any]) -> Pressed:
    report = _public_report(f)
    return Pressed(
        actor=report.author,
        url="/m/testgrad/reports/{id}/support/",
        id=report.pk,
        state=lambda: Report.objects.get(pk=report.pk).supporters_count,
        message="This is your own report.",
        back_to=f"/m/testgrad/reports/{report.pk}/",
    )


def _report_follow(f: Callable[[str], Any]) -> Pressed:
    report = _public_report(f)
    return Pressed(
        actor=f("verified_resident"),
        url="/m/testgrad/reports/{id}/follow/",
        id=report.pk,
        state=lambda: Follow.objects.count(),
        message="",  # following is never refused, but for a rate limit
        back_to=f"/m/testgrad/reports/{report.pk}/",
    )


def _report_act(f: Callable[[str], Any]) -> Pressed:
    report = _public_report(f)  # routed, not answered: nothing to confirm yet
    return Pressed(
        actor=report.author,
        url="/m/testgrad/reports/{id}/confirm/",
        id=report.pk,
        state=lambda: (Report.objects.get(pk=report.pk).status, report.events.count()),
        message="This cannot be done while the report is “routed to department”.",
        back_to=f"/m/testgrad/reports/{report.pk}/",
        outsider=f("verified_resident"),
        outsider_status=403,
    )


def _moderation_decide(f: Callable[[str], Any]) -> Pressed:
    municipality = f("municipality")
    comment = comment_create(author=f("resident"), municipality=municipality, target=municipality, body="Hi")
    return Pressed(
        actor=f("moderator"),
        url="/m/testgrad/staff/moderation/comments.comment/{id}/restore/",
        id=comment.pk,
        data={"reason": "Fine after all."},
        state=lambda: Comment.objects.get(pk=comment.pk).hidden_at,
        message="This is not hidden.",
        back_to="/m/testgrad/staff/moderation/",
        outsider=f("official"),
    )


def _staff_delete(f: Callable[[str], Any]) -> Pressed:
    roads = Department.objects.get(municipality=f("municipality"))  # a category still uses it
    return Pressed(
        actor=f("municipal_admin"),
        url="/m/testgrad/staff/departments/{id}/delete/",
        id=roads.pk,
        state=lambda: Department.objects.filter(pk=roads.pk).exists(),
        message="This is still in use and cannot be deleted.",
        back_to="/m/testgrad/staff/departments/",
        outsider=f("moderator"),
    )


def _appeal_close(f: Callable[[str], Any]) -> Pressed:
    author = f("verified_resident")
    appeal = appeal_create(
        author=author, municipality=f("municipality"), title="Keep the park", body="Please keep it."
    )
    appeal_close(author=author, appeal=appeal)  # closed already: closing again is refused
    return Pressed(
        actor=author,
        url="/m/testgrad/appeals/{id}/close/",
        id=appeal.pk,
        state=lambda: Appeal.objects.get(pk=appeal.pk).closed_at,
        message="This appeal is already closed.",
        back_to=f"/m/testgrad/appeals/{appeal.pk}/",
        outsider=f("resident"),
        outsider_status=403,
    )


def _initiative_publish(f: Callable[[str], Any]) -> Pressed:
    author = f("verified_resident")
    initiative = initiative_create(
        author=author, municipality=f("municipality"), title="Plant trees", body="Along the river."
    )
    initiative_publish(author=author, initiative=initiative)  # published already: publishing again is refused
    return Pressed(
        actor=author,
        url="/m/testgrad/initiatives/{id}/publish/",
        id=initiative.pk,
        state=lambda: Initiative.objects.get(pk=initiative.pk).published_at,
        message="This initiative is already published.",
        back_to=f"/m/testgrad/initiatives/{initiative.pk}/",
        outsider=f("resident"),
    )


BUTTONS = {
    "polls_staff:publish": _poll_publish,
    "polls_staff:close": _poll_close,
    "budgeting:withdraw": _proposal_withdraw,
    "budgeting_staff:phase": _process_move,
    "budgeting_staff:decide": _proposal_review,
    "budgeting_staff:count": _budget_count,
    "reports:support": _report_support,
    "reports:follow": _report_follow,
    "reports:act": _report_act,
    "moderation_decide": _moderation_decide,
    "staff_delete": _staff_delete,
    "appeals:close": _appeal_close,
    "initiatives:publish": _initiative_publish,
}


@pytest.fixture(params=list(BUTTONS))
def pressed(request: pytest.FixtureRequest, db: None) -> Pressed:
    return BUTTONS[request.param](request.getfixturevalue)


def test_a_refusal_is_shown_where_the_button_was_and_changes_nothing(client_for, pressed):
    if not pressed.message:
        pytest.skip("this button is refused only by the rate limit (the next test)")
    before = pressed.state()
    client = client_for(pressed.actor)

    response = client.post(
        pressed.url.replace("{id}", str(pressed.id)), pressed.data or {}, HTTP_ACCEPT_LANGUAGE="en"
    )
    shown = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302 and response["Location"] == pressed.back_to
    assert [str(m) for m in shown.context["messages"]] == [pressed.message]
    assert pressed.state() == before


def test_a_rate_limit_is_shown_the_same_way_with_retry_after(client_for, pressed):
    before = pressed.state()
    client = client_for(pressed.actor)

    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "write": "0/3600"}):
        response = client.post(
            pressed.url.replace("{id}", str(pressed.id)), pressed.data or {}, HTTP_ACCEPT_LANGUAGE="en"
        )
    shown = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302 and response["Location"] == pressed.back_to
    assert 0 < int(response["Retry-After"]) <= 3600
    assert [str(m) for m in shown.context["messages"]] == [RATE_LIMITED]
    assert pressed.state() == before


def test_what_is_not_there_is_404_and_whoever_may_not_press_gets_what_they_got(client_for, pressed):
    before = pressed.state()

    missing = client_for(pressed.actor).post(pressed.url.replace("{id}", str(MISSING)), pressed.data or {})

    assert missing.status_code == 404
    if pressed.outsider is not None:
        refused = client_for(pressed.outsider).post(
            pressed.url.replace("{id}", str(pressed.id)), pressed.data or {}
        )
        assert refused.status_code == pressed.outsider_status
    assert pressed.state() == before
