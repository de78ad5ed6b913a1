"""The initiative services: drafts, publishing, support towards the threshold, the answer, the vote's
result, milestones, archiving, and the whole lifecycle."""

import io
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from veche.access.roles import Tier
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.initiatives.models import (
    ImplementationMilestone,
    Initiative,
    InitiativePolicy,
    InitiativeSupport,
    Scope,
    Status,
    ThresholdKind,
)
from veche.initiatives.services import (
    AlreadySupported,
    initiative_accept,
    initiative_create,
    initiative_decide,
    initiative_policy_save,
    initiative_publish,
    initiative_reject,
    initiative_support,
    initiative_update,
    initiatives_archive_expired,
    initiatives_tick,
    milestone_add,
    milestone_complete,
)
from veche.initiatives.tasks import initiatives_tick as tick_task
from veche.initiatives.tests.helpers import OPTIONS, cast, reach_threshold
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name
from veche.notifications.models import Notification
from veche.petitions.tests.kinds import THRESHOLD, THURSDAY, notices
from veche.polls.models import Poll, PollTier
from veche.polls.models import Status as PollStatus


def photo(exif: bool = False) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (200, 80, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


# Drafts and publishing.


def test_a_draft_is_made_with_the_policy_defaults_and_published_with_a_fixed_goal(municipality, author):
    draft = initiative_create(
        author=author, municipality=municipality, title="  Trees on Main St  ", body="Plant."
    )

    policy = InitiativePolicy.objects.get(municipality=municipality)
    assert (policy.support_days, policy.support_threshold, policy.answer_days) == (90, 100, 30)
    assert (draft.title, draft.status, draft.threshold, draft.published_at) == (
        "Trees on Main St",
        Status.DRAFT,
        None,
        None,
    )

    published = initiative_publish(author=author, initiative=draft, now=THURSDAY)
    assert (published.status, published.threshold) == (Status.PUBLISHED, 100)
    assert published.support_ends_at == THURSDAY + timedelta(days=90)
    # Raising the bar later does not move the goal of an initiative already collecting.
    InitiativePolicy.objects.filter(pk=policy.pk).update(support_threshold=500)
    published.refresh_from_db()
    assert published.threshold == 100


def test_drafting_needs_a_confirmed_account_and_publishing_verified_residence(
    policy, municipality, make_user, resident
):
    with pytest.raises(Forbidden, match="войдите с подтверждённым адресом электронной почты"):
        initiative_create(
            author=make_user("newbie", confirmed=False), municipality=municipality, title="T", body="B"
        )
    draft = initiative_create(author=resident, municipality=municipality, title="T", body="B")

    with pytest.raises(Forbidden, match="Это доступно только подтверждённым жителям этого города."):
        initiative_publish(author=resident, initiative=draft)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_only_the_author_edits_and_only_a_draft(make_initiative, author, supporters, central):
    draft = make_initiative(publish=False)

    with pytest.raises(NotFound):
        initiative_update(author=supporters[0], initiative=draft, title="Mine now", body="B")
    with pytest.raises(NotFound):
        initiative_publish(author=supporters[0], initiative=draft)
    edited = initiative_update(
        author=author, initiative=draft, title="Lanes", body="Paint.", district=central
    )
    assert (edited.title, edited.district) == ("Lanes", central)

    initiative_publish(author=author, initiative=draft)
    with pytest.raises(Conflict, match="Опубликованную инициативу нельзя изменить."):
        initiative_update(author=author, initiative=draft, title="Changed", body="B")
    with pytest.raises(Conflict, match="Эта инициатива уже опубликована."):
        initiative_publish(author=author, initiative=draft)


# Support.


def test_a_verified_resident_supports_once_and_gets_a_receipt_on_the_chain(initiative, supporters):
    support = initiative_support(user=supporters[0], initiative=initiative)

    initiative.refresh_from_db()
    assert initiative.endorsements_count == 1 and initiative.status == Status.PUBLISHED
    assert (support.tier, support.district.slug) == (Tier.VERIFIED, "d1")
    entry = LedgerEntry.objects.get(chain=chain_name(initiative))
    assert support.receipt == entry.entry_hash and entry.kind == "support"
    assert chain_break(chain_name(initiative)) is None

    with pytest.raises(AlreadySupported) as repeat:
        initiative_support(user=supporters[0], initiative=initiative)
    assert repeat.value.endorsement.pk == support.pk and repeat.value.status == 409
    initiative.refresh_from_db()
    assert initiative.endorsements_count == InitiativeSupport.objects.count() == 1
    assert LedgerEntry.objects.filter(chain=chain_name(initiative)).count() == 1


def test_a_district_initiative_takes_support_only_from_its_district(
    make_initiative, central, resident_of, northern
):
    initiative = make_initiative("A crossing in Central", district=central)
    outsider = resident_of("outsider", northern)
    nowhere = resident_of("nowhere", None)

    for person in (outsider, nowhere):
        with pytest.raises(Forbidden) as refused:
            initiative_support(user=person, initiative=initiative)
        assert refused.value.code == "other_district" and "«Центральный»" in refused.value.message
    initiative_support(user=resident_of("local", central), initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.endorsements_count == 1


def test_support_ends_with_the_window(make_initiative, supporters):
    initiative = make_initiative(now=THURSDAY)

    initiative_support(user=supporters[0], initiative=initiative, now=THURSDAY + timedelta(days=29))
    with pytest.raises(Conflict) as late:
        initiative_support(user=supporters[1], initiative=initiative, now=THURSDAY + timedelta(days=30))
    assert late.value.code == "window_closed"
    initiative.refresh_from_db()
    assert initiative.endorsements_count == 1


def test_a_threshold_set_as_a_share_of_residents(municipality, municipal_admin, make_initiative, central):
    def save(**changes):
        values = {
            "support_days": 30,
            "threshold_kind": ThresholdKind.SHARE,
            "support_threshold": 100,
            "support_percent": Decimal("0.5"),
            "scope": Scope.MUNICIPALITY,
            "answer_days": 10,
            "voting_days": 7,
            **changes,
        }
        return initiative_policy_save(actor=municipal_admin, municipality=municipality, **values)

    with pytest.raises(DomainError) as refused:
        save()  # the population is not known
    assert set(refused.value.fields) == {"threshold_kind"}

    municipality.population = 1001
    municipality.save()
    save()
    # 0.5% of 1001 residents is 5.005: six supporters, rounded up.
    assert make_initiative("City-wide").threshold == 6

    with pytest.raises(DomainError) as refused:
        save(scope=Scope.DISTRICT, district_residents={central.pk: 400})
    assert set(refused.value.fields) == {"district_residents"}  # every district needs its number
    northern = municipality.districts.get(slug="d2")
    save(
        scope=Scope.DISTRICT,
        support_percent=Decimal("1.5"),
        district_residents={central.pk: 400, northern.pk: 90},
    )
    assert make_initiative("In Central", district=central).threshold == 6
    assert make_initiative("In Northern", district=northern).threshold == 2
    with pytest.raises(DomainError) as refused:
        make_initiative("Nowhere in particular")
    assert set(refused.value.fields) == {"district"}
    assert AuditEntry.objects.filter(action="initiative_policy.update").count() == 3


def test_publishing_waits_for_a_residents_count_nobody_gave(municipality, make_initiative, central):
    policy = InitiativePolicy.objects.get(municipality=municipality)
    policy.threshold_kind, policy.scope = ThresholdKind.SHARE, Scope.DISTRICT
    policy.save()  # as if the district's number had been removed since
    draft = make_initiative(district=central, publish=False)

    with pytest.raises(Conflict) as refused:
        initiative_publish(author=draft.author, initiative=draft)
    assert refused.value.code == "residents_unknown"


# The answer.


def test_only_officials_accept(awaiting, supporters):
    for person in (supporters[0], awaiting.author):
        with pytest.raises(NotFound):
            initiative_accept(official=person, initiative=awaiting, answer="Yes.", options=OPTIONS)
    awaiting.refresh_from_db()
    assert awaiting.status == Status.THRESHOLD_REACHED and not Poll.objects.exists()


def test_rejecting_publishes_the_reasons_and_tells_everyone(awaiting, official, supporters):
    initiative_reject(official=official, initiative=awaiting, reasons="The **land** is federal.")

    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.answer, awaiting.answered_by) == (
        Status.REJECTED,
        "The **land** is federal.",
        official,
    )
    assert notices("initiative.rejected") == sorted(["author", *(s.username for s in supporters[:THRESHOLD])])
    entry = AuditEntry.objects.get(action="initiative.reject")
    assert entry.details == {"supporters": THRESHOLD, "on_time": True}
    with pytest.raises(Conflict) as again:
        initiative_accept(official=official, initiative=awaiting, answer="Yes after all.", options=OPTIONS)
    assert again.value.code == "already_answered"


@pytest.mark.parametrize(
    "options", [[], ["Only one way"], ["One", "   "]], ids=["none", "one", "one-and-blank"]
)
def test_accepting_needs_two_options(awaiting, official, options):
    with pytest.raises(DomainError) as refused:
        initiative_accept(official=official, initiative=awaiting, answer="Yes.", options=options)

    assert set(refused.value.fields) == {"options"}
    awaiting.refresh_from_db()
    assert awaiting.status == Status.THRESHOLD_REACHED and not Poll.objects.exists()


def test_accepting_opens_a_vote_of_verified_residents_of_the_district(
    make_initiative, central, resident_of, official, supporters
):
    initiative = make_initiative(district=central)
    reach_threshold(initiative, supporters)

    accepted = initiative_accept(official=official, initiative=initiative, answer="Yes.", options=OPTIONS)

    poll = accepted.poll
    assert accepted.status == Status.VOTING and poll.status_at(timezone.now()) == PollStatus.OPEN
    assert (poll.origin, poll.tier, poll.kind, poll.title) == (
        accepted,
        PollTier.VERIFIED,
        "single",
        accepted.title,
    )
    assert list(poll.districts.all()) == [central]
    assert list(poll.options.values_list("text", flat=True)) == OPTIONS
    assert poll.closes_at - poll.opens_at == timedelta(days=7)  # the policy's voting days
    assert notices("initiative.accepted") == sorted(["author", *(s.username for s in supporters[:THRESHOLD])])


def test_a_vote_opening_later_is_opened_by_the_tick(awaiting, official, supporters):
    opens = timezone.now() + timedelta(days=2)
    accepted = initiative_accept(
        official=official, initiative=awaiting, answer="Yes.", options=OPTIONS, opens_at=opens, voting_days=3
    )
    assert accepted.status == Status.ACCEPTED and accepted.poll.opens_at == opens

    assert initiatives_tick(now=opens - timedelta(minutes=1))["voting"] == 0
    assert initiatives_tick(now=opens + timedelta(minutes=1))["voting"] == 1
    assert initiatives_tick(now=opens + timedelta(minutes=2))["voting"] == 0
    accepted.refresh_from_db()
    assert accepted.status == Status.VOTING
    assert len(notices("initiative.voting")) == THRESHOLD + 1

    with pytest.raises(DomainError) as past:
        initiative_accept(
            official=official,
            initiative=accepted,
            answer="Y",
            options=OPTIONS,
            opens_at=opens - timedelta(days=9),
        )
    assert set(past.value.fields) == {"opens_at"}


# The result and the implementation.


def test_the_result_is_published_once_the_vote_closes(voting, closed_vote, official, supporters):
    with pytest.raises(Conflict) as still_open:
        initiative_decide(official=official, initiative=voting)
    assert still_open.value.code == "vote_open"
    with pytest.raises(NotFound):
        initiative_decide(official=supporters[0], initiative=closed_vote)

    decided = initiative_decide(official=official, initiative=closed_vote)

    assert decided.status == Status.DECIDED and decided.chosen_option.text == "Wooden benches"
    assert "initiative.decided" in set(Notification.objects.values_list("kind", flat=True))
    with pytest.raises(Conflict, match="Итог этого голосования уже опубликован."):
        initiative_decide(official=official, initiative=decided)


def test_a_tie_waits_for_an_official_to_choose_among_the_leaders(make_initiative, supporters, official):
    start = timezone.now() - timedelta(days=20)
    initiative = reach_threshold(make_initiative(now=start), supporters, now=start + timedelta(days=1))
    initiative = initiative_accept(
        official=official,
        initiative=initiative,
        answer="Yes.",
        options=OPTIONS,
        now=start + timedelta(days=2),
    )
    cast(initiative, [(supporters[0], 0), (supporters[1], 1)])

    assert initiatives_tick()["decided"] == 0
    with pytest.raises(Conflict) as tie:
        initiative_decide(official=official, initiative=initiative)
    assert tie.value.code == "tie"
    third = initiative.poll.options.get(position=3)
    with pytest.raises(DomainError) as not_a_leader:
        initiative_decide(official=official, initiative=initiative, option_id=third.pk)
    assert set(not_a_leader.value.fields) == {"option"}
    second = initiative.poll.options.get(position=2)
    decided = initiative_decide(official=official, initiative=initiative, option_id=second.pk)
    assert decided.chosen_option == second
    assert AuditEntry.objects.get(action="initiative.decide").details["tie"] is True


def test_milestones_track_the_work_and_the_last_one_done_implements_it(
    awaiting, closed_vote, official, supporters
):
    with pytest.raises(Conflict):
        milestone_add(official=official, initiative=awaiting, title="Too early")
    initiative = initiative_decide(official=official, initiative=closed_vote)
    with pytest.raises(NotFound):
        milestone_add(official=supporters[0], initiative=initiative, title="Mine")
    with pytest.raises(DomainError) as bad:
        milestone_add(official=official, initiative=initiative, title="Photos", photos=[photo()] * 6)
    assert set(bad.value.fields) == {"photos"}

    design = milestone_add(official=official, initiative=initiative, title="Design", due=date(2030, 1, 1))
    build = milestone_add(official=official, initiative=initiative, title="Build", photos=[photo()])
    milestone_complete(official=official, milestone=design, photos=[photo(exif=True)])

    initiative.refresh_from_db()
    assert initiative.status == Status.DECIDED
    stored = design.photos.get()
    assert stored.image.name.startswith(f"initiatives/{initiative.municipality_id}/")
    assert "IMG_0001" not in stored.image.name
    with Image.open(stored.image) as saved:
        assert saved.format == "JPEG" and 0x010F not in saved.getexif()
    with pytest.raises(Conflict, match="Этот этап уже выполнен."):
        milestone_complete(official=official, milestone=design)

    milestone_complete(official=official, milestone=build)
    initiative.refresh_from_db()
    assert initiative.status == Status.IMPLEMENTED and initiative.implemented_at is not None
    assert len(notices("initiative.implemented")) == THRESHOLD + 1
    with pytest.raises(Conflict, match="Эта инициатива уже реализована."):
        milestone_add(official=official, initiative=initiative, title="More")
    assert ImplementationMilestone.objects.filter(done_at__isnull=False).count() == 2


# Archiving.


def test_expired_initiatives_are_archived_not_deleted(make_initiative, supporters):
    short = make_initiative("Not enough", now=THURSDAY)
    initiative_support(user=supporters[0], initiative=short, now=THURSDAY)
    reached = reach_threshold(make_initiative("Enough", now=THURSDAY), supporters, now=THURSDAY)
    draft = make_initiative("Still a draft", publish=False, now=THURSDAY)
    ended = THURSDAY + timedelta(days=30)

    assert initiatives_archive_expired(now=ended - timedelta(seconds=1)) == 0
    out = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: ended)
        call_command("initiatives", "tick", stdout=out)
    assert "archived 1 expired initiatives" in out.getvalue()
    assert initiatives_archive_expired(now=ended + timedelta(days=1)) == 0

    short.refresh_from_db()
    assert (short.status, short.archived_at, short.endorsements_count) == (Status.ARCHIVED, ended, 1)
    assert Initiative.objects.get(pk=reached.pk).status == Status.THRESHOLD_REACHED
    assert Initiative.objects.get(pk=draft.pk).status == Status.DRAFT
    assert notices("initiative.archived") == ["author", "supporter0"]
    with pytest.raises(Conflict, match="Инициатива в архиве, сбор поддержки завершён."):
        initiative_support(user=supporters[1], initiative=short, now=ended)


def test_the_celery_task_runs_the_tick(make_initiative):
    initiative = make_initiative(now=timezone.now() - timedelta(days=31))

    assert tick_task.delay().get() == {"archived": 1, "voting": 0, "decided": 0, "escalated": 0}
    initiative.refresh_from_db()
    assert initiative.status == Status.ARCHIVED


# The whole way.


def test_the_whole_lifecycle_through_the_services(
    municipality, author, supporters, official, municipal_admin, policy
):
    start = timezone.now() - timedelta(days=40)
    draft = initiative_create(
        author=author, municipality=municipality, title="A playground", body="Swings.", now=start
    )
    initiative = initiative_publish(author=author, initiative=draft, now=start)
    for supporter in supporters:
        initiative_support(user=supporter, initiative=initiative, now=start + timedelta(days=1))
    initiative = initiative_accept(
        official=official,
        initiative=initiative,
        answer="We have the money for one of these.",
        options=["Swings and slides", "A climbing frame"],
        now=start + timedelta(days=3),
    )
    cast(initiative, [(s, 1 if i % 3 else 0) for i, s in enumerate(supporters)])
    assert initiatives_tick()["decided"] == 1  # the vote closed days ago, with a clear winner
    initiative.refresh_from_db()
    assert initiative.status == Status.DECIDED and initiative.chosen_option.text == "A climbing frame"
    milestone = milestone_add(official=municipal_admin, initiative=initiative, title="Install the frame")
    milestone_complete(official=municipal_admin, milestone=milestone, photos=[photo()])

    initiative.refresh_from_db()
    assert initiative.status == Status.IMPLEMENTED
    # Those who supported by then heard of the threshold; every supporter heard of each later step.
    assert {s.username for s in supporters[:THRESHOLD]} <= set(notices("initiative.threshold_reached"))
    for kind in ["initiative.accepted", "initiative.decided", "initiative.implemented"]:
        assert {s.username for s in supporters} <= set(notices(kind)), kind
    assert LedgerEntry.objects.filter(chain=chain_name(initiative)).count() == len(supporters)
    assert LedgerEntry.objects.filter(chain=chain_name(initiative.poll)).count() == len(supporters)
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "ok: 2 chains intact" in out.getvalue()
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "initiative.accept",
        "initiative.decide",
        "initiative.milestone_add",
        "initiative.milestone_complete",
        "poll.create",
        "poll.publish",
    }
    assert AuditEntry.objects.get(action="initiative.decide").actor is None  # the tick decided
