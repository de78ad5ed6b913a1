"""The poll services: drafts are checked, published polls do not change, status follows the times."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.models import AuditEntry
from veche.polls.models import Kind, Poll, PollTier, Status
from veche.polls.services import poll_close, poll_create, poll_publish, poll_update
from veche.polls.tests.helpers import option_ids


def draft_fields(**overrides):
    now = timezone.now()
    fields = {
        "title": "Where should the new playground go?",
        "description": "",
        "kind": Kind.SINGLE,
        "options": ["By the school", "In the park"],
        "min_choices": 1,
        "max_choices": 1,
        "districts": [],
        "tier": PollTier.VERIFIED,
        "opens_at": now + timedelta(days=1),
        "closes_at": now + timedelta(days=8),
        "live_results": False,
    }
    return {**fields, **overrides}


def test_an_official_creates_a_draft_with_an_origin(official, municipality, central):
    poll = poll_create(
        actor=official,
        municipality=municipality,
        origin=central,  # any model stands in for the accepted initiative
        **draft_fields(
            kind=Kind.RANKED, options=[" A ", "B", "C"], min_choices=2, max_choices=3, districts=[central]
        ),
    )

    assert poll.status_at(timezone.now()) == Status.DRAFT
    assert list(poll.options.values_list("text", "position")) == [("A", 1), ("B", 2), ("C", 3)]
    assert (poll.min_choices, poll.max_choices) == (2, 3)
    assert list(poll.districts.all()) == [central]
    assert poll.origin == central and poll.origin_type == ContentType.objects.get_for_model(central)
    assert AuditEntry.objects.get(action="poll.create").actor == official


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"options": ["Only one"]}, "options"),
        ({"options": ["Same", "same "]}, "options"),
        ({"options": ["A", ""]}, "options"),
        ({"options": [f"Option {i}" for i in range(21)]}, "options"),
        ({"kind": Kind.MULTIPLE, "min_choices": 2, "max_choices": 3}, "max_choices"),
        ({"kind": Kind.MULTIPLE, "min_choices": 0, "max_choices": 1}, "max_choices"),
        ({"kind": "approval"}, "kind"),
        ({"tier": 0}, "tier"),
        ({"tier": PollTier.REGISTERED, "districts": "central"}, "tier"),
        ({"closes_at": timezone.now()}, "closes_at"),
        ({"opens_at": datetime(1, 1, 1, tzinfo=UTC)}, "opens_at"),
        ({"closes_at": datetime(9999, 12, 31, tzinfo=UTC)}, "closes_at"),
    ],
    ids=[
        "blank-title",
        "one-option",
        "same-options",
        "empty-option",
        "21-options",
        "max-over-options",
        "min-zero",
        "unknown-kind",
        "anonymous-tier",
        "districts-for-registered",
        "closes-before-opening",
        "opens-in-year-1",
        "closes-in-year-9999",
    ],
)
def test_a_bad_draft_is_refused_and_nothing_saved(overrides, field, municipal_admin, municipality, central):
    if overrides.get("districts") == "central":
        overrides["districts"] = [central]
    with pytest.raises(DomainError) as refused:
        poll_create(actor=municipal_admin, municipality=municipality, **draft_fields(**overrides))

    assert set(refused.value.fields) == {field}
    assert not Poll.objects.exists() and not AuditEntry.objects.exists()


def test_a_single_choice_poll_always_takes_exactly_one(municipal_admin, municipality):
    poll = poll_create(
        actor=municipal_admin, municipality=municipality, **draft_fields(min_choices=2, max_choices=5)
    )
    assert (poll.min_choices, poll.max_choices) == (1, 1)


def test_districts_of_another_municipality_are_refused(municipal_admin, municipality, other_municipality):
    foreign = other_municipality.districts.first()
    with pytest.raises(DomainError) as refused:
        poll_create(actor=municipal_admin, municipality=municipality, **draft_fields(districts=[foreign]))
    assert set(refused.value.fields) == {"districts"}


def test_residents_moderators_and_other_admins_cannot_create(
    make_user, municipality, other_municipality, verified_resident, moderator
):
    other_admin = make_user("otheradmin", role="admin", municipality=other_municipality)
    for actor in (verified_resident, moderator, other_admin):
        with pytest.raises(NotFound):
            poll_create(actor=actor, municipality=municipality, **draft_fields())
    assert not Poll.objects.exists()


def test_a_draft_is_edited_until_published_then_no_longer(make_poll, municipal_admin):
    poll = make_poll(publish=False)
    fields = draft_fields(title="A better question", options=["X", "Y", "Z"])

    poll = poll_update(actor=municipal_admin, poll=poll, **fields)

    assert poll.title == "A better question"
    assert list(poll.options.values_list("text", flat=True)) == ["X", "Y", "Z"]
    assert AuditEntry.objects.filter(action="poll.update").count() == 1
    poll_publish(actor=municipal_admin, poll=poll)
    with pytest.raises(Conflict):
        poll_update(actor=municipal_admin, poll=poll, **draft_fields(title="Sneaky"))
    poll.refresh_from_db()
    assert poll.title == "A better question"


def test_status_follows_publishing_the_times_and_an_early_close(make_poll, municipal_admin):
    now = timezone.now()
    draft = make_poll(publish=False, opens_in=timedelta(hours=2))
    assert draft.status_at(now) == Status.DRAFT

    poll_publish(actor=municipal_admin, poll=draft)
    draft.refresh_from_db()
    assert draft.status_at(now) == Status.SCHEDULED
    assert draft.status_at(now + timedelta(hours=3)) == Status.OPEN
    assert draft.status_at(now + timedelta(days=2)) == Status.CLOSED

    poll_close(actor=municipal_admin, poll=draft, now=now + timedelta(hours=3))
    draft.refresh_from_db()
    assert draft.status_at(now + timedelta(hours=3)) == Status.CLOSED
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "poll.create",
        "poll.publish",
        "poll.close",
    ]


def test_publishing_twice_closing_twice_and_publishing_too_late_are_refused(make_poll, municipal_admin):
    poll = make_poll()
    with pytest.raises(Conflict):
        poll_publish(actor=municipal_admin, poll=poll)
    poll_close(actor=municipal_admin, poll=poll)
    with pytest.raises(Conflict):
        poll_close(actor=municipal_admin, poll=poll)

    late = make_poll(publish=False, opens_in=timedelta(days=-3))
    with pytest.raises(Conflict):
        poll_publish(actor=municipal_admin, poll=late)
    with pytest.raises(Conflict):
        poll_close(actor=municipal_admin, poll=late)
    assert option_ids(late)  # the draft itself is untouched
