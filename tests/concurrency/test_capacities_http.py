"""Counted places and counted money reached through the API and the pages at the same moment, each
request in its own thread and database connection: a meeting's places (while its organiser adds
two) and a co-financing campaign's target. Never more registrations than places, never more pledged
than the target, the stored counters equal to the rows, no 5xx. The service-level bursts are in
test_meeting_registrations.py and test_pledges.py.
"""

from collections.abc import Callable
from functools import partial

from tests.concurrency.clients import api_post, page_post, server_errors, statuses
from veche.accounts.models import User
from veche.core.models import IdempotencyRecord
from veche.core.testing import race, unexpected
from veche.funding.models import Pledge
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.meetings.models import Meeting, Registration, RegistrationStatus
from veche.meetings.services import meeting_update
from veche.meetings.tests.helpers import announce, meeting_fields, running_project
from veche.municipalities.models import Municipality

PLACES, MORE = 5, 2
PEOPLE = 12


def test_people_registering_through_the_api_and_the_page_while_places_are_added_never_overfill(
    transactional_db: None,
    municipality: Municipality,
    municipal_admin: User,
    make_user: Callable[..., User],
) -> None:
    project = running_project(municipal_admin, municipality)
    meeting = announce(municipal_admin, project, capacity=PLACES)
    api = f"/api/v1/meetings/{meeting.pk}/registrations"
    page = f"/m/testgrad/projects/{project.pk}/meetings/{meeting.pk}/register/"
    people = [make_user(f"p{i}") for i in range(PEOPLE)]
    eager = people[0]
    burst = [api_post(eager, api), api_post(eager, api, key="seat"), page_post(eager, page)] * 2
    singles = [
        (api_post if i % 2 else page_post)(p, api if i % 2 else page) for i, p in enumerate(people[1:])
    ]
    more = partial(
        meeting_update,
        actor=municipal_admin,
        meeting=meeting,
        **meeting_fields(starts_at=meeting.starts_at, ends_at=meeting.ends_at, capacity=PLACES + MORE),
    )

    answers, errors = race([*burst, *singles, more])

    assert not errors, unexpected(errors)
    answers = answers[:-1]  # the organiser's change returns the meeting
    assert not server_errors(answers), statuses(answers)
    mine, theirs = answers[: len(burst)], answers[len(burst) :]
    # The API: 201 registered, 200 the registration that stands (or its keyed twin replayed), 409 a
    # keyed twin still running; the page: back to the meeting.
    assert set(statuses(mine)) <= {200, 201, 302, 409}, statuses(mine)
    assert sum(a.status == 201 and not a.replayed for a in mine) <= 1, statuses(mine)
    assert set(statuses(theirs)) == {201, 302}, statuses(theirs)
    rows = Registration.objects.filter(meeting=meeting)
    assert sorted(rows.values_list("user", flat=True)) == sorted(p.pk for p in people)
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = sorted(
        p or 0 for p in rows.filter(status=RegistrationStatus.WAITING).values_list("position", flat=True)
    )
    # Whatever the order, the added places went to the first in line: all seven are taken.
    assert confirmed == PLACES + MORE and waiting == list(range(1, PEOPLE - PLACES - MORE + 1))
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.capacity, meeting.registered_count, meeting.waiting_count) == (
        PLACES + MORE,
        confirmed,
        len(waiting),
    )
    assert IdempotencyRecord.objects.get(key="seat").completed


TARGET = 10_000


def test_pledges_through_the_api_and_the_page_at_once_never_pass_the_target(
    transactional_db: None,
    municipality: Municipality,
    municipal_admin: User,
    make_user: Callable[..., User],
) -> None:
    project = cofinanced_project(actor=municipal_admin, municipality=municipality)
    people = [make_user(f"pledger{i}") for i in range(6)]
    campaign = open_campaign(
        actor=municipal_admin, idea=taken_up_idea(project=project, author=people[0]), target=TARGET
    )
    api = f"/api/v1/campaigns/{campaign.pk}/pledges"
    page = f"/m/testgrad/funding/{campaign.pk}/pledge/"
    eager = people[0]
    # One person's pledge sent three times with one key (a retry) is one pledge; the same person's
    # other pledges count too (several pledges per person are allowed). 16 000 asked of 10 000.
    keyed = api_post(eager, api, {"amount": 2_000}, key="pledge-once")
    calls = [keyed] * 3 + [api_post(eager, api, {"amount": 1_500}), page_post(eager, page, {"amount": 500})]
    amounts = [3_000, 2_500, 2_000, 1_500, 3_000]
    calls += [
        api_post(p, api, {"amount": a}) if i % 2 else page_post(p, page, {"amount": str(a)})
        for i, (p, a) in enumerate(zip(people[1:], amounts, strict=True))
    ]

    answers, errors = race(calls)

    assert not errors, unexpected(errors)
    assert not server_errors(answers), statuses(answers)
    # The API: 201 pledged, 409 over what remains (or a keyed twin still running); the page: back to
    # the campaign (302), or the campaign with what remains (409).
    assert set(statuses(answers)) <= {201, 302, 409}, statuses(answers)
    assert sum(a.status == 201 and not a.replayed for a in answers[:3]) <= 1, statuses(answers[:3])
    campaign.refresh_from_db()
    pledges = Pledge.objects.filter(campaign=campaign)
    assert campaign.pledged_total == sum(p.amount for p in pledges) <= TARGET
    assert pledges.filter(user=eager, amount=2_000).count() <= 1
    counted = sum(a.status in (201, 302) and not a.replayed for a in answers)
    assert pledges.count() == counted, statuses(answers)
    # 16 000 asked of 10 000: some were refused, each when less than it remained; and since nothing was
    # withdrawn, less than it remains now.
    asked = [2_000] * 3 + [1_500, 500] + amounts
    refused = [
        amount
        for amount, a in zip(asked, answers, strict=True)
        if a.status == 409 and (a.body is None or a.body["error"]["code"] == "over_remaining")
    ]
    assert refused and min(refused) > TARGET - campaign.pledged_total, (refused, campaign.pledged_total)
    assert IdempotencyRecord.objects.filter(key="pledge-once").count() <= 1
