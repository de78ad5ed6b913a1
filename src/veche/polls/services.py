"""Every write to polls: create and edit a draft, publish, close early, vote, and tell residents
when voting opens and closes."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from veche.access.predicates import Decision, Feature, Phase, admits_district, allows
from veche.access.roles import Tier, tier_of, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.moments import check_moment
from veche.core.text import check_text
from veche.ledger.services import AlreadyVoted, Receipt, chain_name, ledger_append
from veche.municipalities.listings import listings_changed
from veche.municipalities.models import District, Municipality
from veche.municipalities.zones import zone_of
from veche.notifications.messages import message
from veche.notifications.services import notify
from veche.polls.access import can_manage_polls
from veche.polls.models import (
    OPTION_MAX_LENGTH,
    OPTIONS_MAX,
    OPTIONS_MIN,
    TITLE_MAX_LENGTH,
    Kind,
    Poll,
    PollChoice,
    PollDistrict,
    PollOption,
    PollTier,
    PollVote,
    Status,
    status_q,
)
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award


def vote_summary(vote: PollVote) -> dict[str, object]:
    """What the API says about a vote: the options in the order given, when, and its receipt."""
    return {
        "options": list(vote.choices.order_by("rank").values_list("option_id", flat=True)),
        "created_at": vote.created_at.isoformat(),
        "receipt": vote.receipt,
    }


def poll_url(poll: Poll) -> str:
    return reverse("polls:detail", args=[poll.municipality.slug, poll.pk])


def voting_phase(poll: Poll) -> Phase:
    """The step in which a poll takes votes, with the tier the poll asks of its voters."""
    return Phase(name="voting", features=frozenset({Feature.VOTE}), tier=Tier(poll.tier))


def _when(poll: Poll, moment: datetime) -> str:
    local = timezone.localtime(moment, zone_of(poll.municipality))
    return formats.date_format(local, "DATETIME_FORMAT")


def district_refusal(poll: Poll, district: District | None) -> str:
    """Why a voter verified in `district` may not vote in `poll` ("" if they may)."""
    scope = list(poll.districts.all())
    if admits_district({d.pk for d in scope}, district):
        return ""
    names = ", ".join(sorted(d.title for d in scope))
    return _("Only residents verified in these districts can vote: %(names)s.") % {"names": names}


def vote_decision(user: Any, poll: Poll) -> Decision:
    """Whether who `user` is lets them vote in `poll`: the poll's tier, then its districts."""
    decision = allows(user, poll.municipality, Feature.VOTE, voting_phase(poll))
    if not decision:
        return decision
    reason = district_refusal(poll, verified_district(user=user, municipality=poll.municipality))
    return Decision(False, reason) if reason else decision


def results_hidden_reason(poll: Poll) -> str:
    return _("The results will be published when the poll closes, %(when)s.") % {
        "when": _when(poll, poll.closes_at)
    }


# Checking a draft.


def _check_options(options: Sequence[str]) -> list[str]:
    texts = [check_text(text, "options", limit=OPTION_MAX_LENGTH, one_line=True) for text in options]
    if not OPTIONS_MIN <= len(texts) <= OPTIONS_MAX:
        raise DomainError(
            fields={
                "options": [
                    _("Give between %(min)d and %(max)d options.") % {"min": OPTIONS_MIN, "max": OPTIONS_MAX}
                ]
            }
        )
    if len({t.casefold() for t in texts}) != len(texts):
        raise DomainError(fields={"options": [_("Each option must be different.")]})
    return texts


def _check_choices(kind: str, min_choices: int, max_choices: int, options: int) -> tuple[int, int]:
    if kind == Kind.SINGLE:
        return 1, 1
    if kind not in Kind.values:
        raise DomainError(fields={"kind": [_("Choose the kind of poll.")]})
    if not 1 <= min_choices <= max_choices <= options:
        raise DomainError(
            fields={
                "max_choices": [
                    _(
                        "Choose at least 1 and at most as many options as there are (%(n)d), "
                        "the least no more than the most."
                    )
                    % {"n": options}
                ]
            }
        )
    return min_choices, max_choices


def _check_districts(municipality: Municipality, districts: Sequence[District], tier: int) -> list[District]:
    chosen = {d.pk: d for d in districts}
    if any(d.municipality_id != municipality.pk for d in chosen.values()):
        raise DomainError(fields={"districts": [_("Choose districts of this municipality.")]})
    if chosen and tier != PollTier.VERIFIED:
        raise DomainError(
            fields={"tier": [_("A poll for some districts is open only to residents verified in them.")]}
        )
    return list(chosen.values())


def _check_times(opens_at: datetime, closes_at: datetime) -> None:
    check_moment(opens_at, field="opens_at")
    check_moment(closes_at, field="closes_at")
    if closes_at <= opens_at:
        raise DomainError(fields={"closes_at": [_("The poll must close after it opens.")]})


def _save_draft(
    poll: Poll,
    *,
    title: str,
    description: str,
    kind: str,
    options: Sequence[str],
    min_choices: int,
    max_choices: int,
    districts: Sequence[District],
    tier: int,
    opens_at: datetime,
    closes_at: datetime,
    live_results: bool,
) -> Poll:
    """Check a draft's every field, then save it with its options and districts."""
    poll.title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    poll.description = check_text(description, "description", required=False)
    texts = _check_options(options)
    poll.kind = kind
    poll.min_choices, poll.max_choices = _check_choices(kind, min_choices, max_choices, len(texts))
    if tier not in PollTier.values:
        raise DomainError(fields={"tier": [_("Choose who may vote.")]})
    poll.tier = tier
    chosen = _check_districts(poll.municipality, districts, tier)
    _check_times(opens_at, closes_at)
    poll.opens_at, poll.closes_at, poll.live_results = opens_at, closes_at, live_results
    poll.save()
    # A draft has no votes yet, so its options can simply be written anew.
    PollOption.objects.filter(poll=poll).delete()
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=i, text=text) for i, text in enumerate(texts, start=1)]
    )
    PollDistrict.objects.filter(poll=poll).delete()
    PollDistrict.objects.bulk_create([PollDistrict(poll=poll, district=d) for d in chosen])
    return poll


def _details(poll: Poll) -> dict[str, object]:
    return {
        "kind": poll.kind,
        "options": list(poll.options.values_list("text", flat=True)),
        "choices": [poll.min_choices, poll.max_choices],
        "tier": poll.tier,
        "districts": sorted(PollDistrict.objects.filter(poll=poll).values_list("district_id", flat=True)),
        "opens_at": poll.opens_at.isoformat(),
        "closes_at": poll.closes_at.isoformat(),
        "live_results": poll.live_results,
    }


def _locked(poll: Poll) -> Poll:
    """The poll's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return Poll.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=poll.pk)


# Staff: create, edit, publish, close.


def poll_create(
    *,
    actor: User,
    municipality: Municipality,
    title: str,
    description: str,
    kind: str,
    options: list[str],
    min_choices: int,
    max_choices: int,
    districts: Sequence[District],
    tier: int,
    opens_at: datetime,
    closes_at: datetime,
    live_results: bool,
    origin: models.Model | None = None,
    now: datetime | None = None,
) -> Poll:
    """A draft poll of ready-made options; `origin` is what it decides on (an initiative, say).

    Officials and municipal admins create polls; nobody votes until `poll_publish`.
    """
    if not can_manage_polls(actor, municipality):
        raise NotFound()
    poll = Poll(municipality=municipality, created_by=actor, created_at=now or timezone.now())
    if origin is not None:
        poll.origin_type = ContentType.objects.get_for_model(origin)
        poll.origin_id = origin.pk
    with transaction.atomic():
        _save_draft(
            poll,
            title=title,
            description=description,
            kind=kind,
            options=options,
            min_choices=min_choices,
            max_choices=max_choices,
            districts=districts,
            tier=tier,
            opens_at=opens_at,
            closes_at=closes_at,
            live_results=live_results,
        )
        audit_record(
            actor=actor, action="poll.create", municipality=municipality, target=poll, details=_details(poll)
        )
    return poll


def poll_update(
    *,
    actor: User,
    poll: Poll,
    title: str,
    description: str,
    kind: str,
    options: list[str],
    min_choices: int,
    max_choices: int,
    districts: Sequence[District],
    tier: int,
    opens_at: datetime,
    closes_at: datetime,
    live_results: bool,
) -> Poll:
    """Change a draft; once published a poll is what voters saw, and it no longer changes."""
    if not can_manage_polls(actor, poll.municipality):
        raise NotFound()
    with transaction.atomic():
        poll = _locked(poll)
        if poll.published_at is not None:
            raise Conflict(_("A published poll cannot be changed."), code="not_draft")
        before = _details(poll)
        _save_draft(
            poll,
            title=title,
            description=description,
            kind=kind,
            options=options,
            min_choices=min_choices,
            max_choices=max_choices,
            districts=districts,
            tier=tier,
            opens_at=opens_at,
            closes_at=closes_at,
            live_results=live_results,
        )
        audit_record(
            actor=actor,
            action="poll.update",
            municipality=poll.municipality,
            target=poll,
            details={"before": before, "after": _details(poll)},
        )
    return poll


def poll_publish(*, actor: User, poll: Poll, now: datetime | None = None) -> Poll:
    """Publish a draft: it is listed at once, and takes votes from its opening time."""
    if not can_manage_polls(actor, poll.municipality):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        poll = _locked(poll)
        if poll.published_at is not None:
            raise Conflict(_("This poll is already published."), code="not_draft")
        if poll.closes_at <= now:
            raise Conflict(
                _("Its closing time has passed. Change the times before publishing."), code="too_late"
            )
        poll.published_at, poll.published_by = now, actor
        poll.save(update_fields=["published_at", "published_by"])
        listings_changed(poll.municipality_id)
        audit_record(
            actor=actor,
            action="poll.publish",
            municipality=poll.municipality,
            target=poll,
            details={"status": poll.status_at(now)},
        )
        if poll.status_at(now) == Status.OPEN:
            _announce_opened(poll, now)
    return poll


def poll_close(*, actor: User, poll: Poll, now: datetime | None = None) -> Poll:
    """Close a published poll before its closing time; votes already cast stand."""
    if not can_manage_polls(actor, poll.municipality):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        # Voters lock the poll too: no vote is taken after this commits.
        poll = _locked(poll)
        status = poll.status_at(now)
        if status == Status.DRAFT:
            raise Conflict(_("A draft is not open; there is nothing to close."), code="not_published")
        if status == Status.CLOSED:
            raise Conflict(_("This poll is already closed."), code="already_closed")
        poll.closed_at, poll.closed_by = now, actor
        poll.save(update_fields=["closed_at", "closed_by"])
        listings_changed(poll.municipality_id)
        audit_record(
            actor=actor,
            action="poll.close",
            municipality=poll.municipality,
            target=poll,
            details={"was": status, "votes": poll.votes_count, "closes_at": poll.closes_at.isoformat()},
        )
        _announce_closed(poll, now)
    return poll


# Telling residents that voting opened and closed.


def _not_told_by_origin(people: QuerySet[User], poll: Poll) -> QuerySet[User]:
    """`people` without the followers of the poll's origin: the origin tells them of its own vote (an
    initiative announces its vote and its result to its author, supporters and followers)."""
    if poll.origin_type_id is None or poll.origin_id is None:
        return people
    return people.exclude(
        pk__in=User.objects.filter(
            follows__content_type_id=poll.origin_type_id, follows__object_id=poll.origin_id
        ).values("pk")
    )


def _poll_followers(poll: Poll) -> Q:
    return Q(follows__content_type=ContentType.objects.get_for_model(Poll), follows__object_id=poll.pk)


def opening_audience(poll: Poll) -> QuerySet[User]:
    """Who hears that `poll` opened: the residents it is for (verified in its municipality, and in one
    of its districts if it has any) and its followers, less those its origin tells itself."""
    residents = Q(verifications__municipality_id=poll.municipality_id)
    districts = list(PollDistrict.objects.filter(poll=poll).values_list("district_id", flat=True))
    if districts:
        residents &= Q(verifications__district_id__in=districts)
    return _not_told_by_origin(User.objects.filter(residents | _poll_followers(poll)).distinct(), poll)


def closing_audience(poll: Poll) -> QuerySet[User]:
    """Who hears that `poll` closed: those who voted and its followers, less those its origin tells."""
    voters = Q(poll_votes__poll=poll)
    return _not_told_by_origin(User.objects.filter(voters | _poll_followers(poll)).distinct(), poll)


def _announce_opened(poll: Poll, now: datetime) -> bool:
    """Tell `poll`'s audience that voting is open, unless someone did already; inside a transaction.

    The claim repeats the condition (open at `now`), so a poll closed meanwhile is never announced.
    """
    if not Poll.objects.filter(
        status_q(Status.OPEN, now), pk=poll.pk, opened_notified_at__isnull=True
    ).update(opened_notified_at=now):
        return False
    closes = timezone.localtime(poll.closes_at, zone_of(poll.municipality))
    notify(
        recipients=opening_audience(poll),
        kind="poll.opened",
        title=message(gettext_noop("Voting has opened: “{}”"), poll.title),
        body=message(gettext_noop("You can vote until {}."), closes),
        url=poll_url(poll),
    )
    return True


def _announce_closed(poll: Poll, now: datetime) -> bool:
    """Tell `poll`'s voters and followers that voting has closed, once; inside a transaction.

    A poll closed before it ever opened is claimed without a notice: it had no votes to report.
    """
    if not Poll.objects.filter(
        status_q(Status.CLOSED, now), pk=poll.pk, closed_notified_at__isnull=True
    ).update(closed_notified_at=now):
        return False
    if poll.opens_at < poll.ended_at:
        notify(
            recipients=closing_audience(poll),
            kind="poll.closed",
            title=message(gettext_noop("Voting has closed: “{}”"), poll.title),
            body=message(gettext_noop("The results are published.")),
            url=reverse("polls:results", args=[poll.municipality.slug, poll.pk]),
        )
    return True


def polls_announce(*, now: datetime | None = None) -> dict[str, int]:
    """The hourly tick: tell residents of every poll that has opened or closed by its times since the
    last run. `poll_publish` and `poll_close` announce what they open and close themselves; each
    notice is claimed by a conditional UPDATE, so it goes out once even when ticks run at once."""
    now = now or timezone.now()
    told = {"opened": 0, "closed": 0}
    steps = (
        ("opened", Q(opened_notified_at__isnull=True) & status_q(Status.OPEN, now), _announce_opened),
        ("closed", Q(closed_notified_at__isnull=True) & status_q(Status.CLOSED, now), _announce_closed),
    )
    for name, due, announce in steps:
        for poll in Poll.objects.filter(due).select_related("municipality").order_by("pk"):
            with transaction.atomic():
                told[name] += announce(poll, now)
    return told


# Voting.


def _ballot_error(message: str) -> DomainError:
    return DomainError(_("Check your choice."), code="invalid_ballot", fields={"options": [message]})


def _check_ballot(poll: Poll, options: object) -> list[PollOption]:
    """The ballot's options in the order given, or a DomainError saying what is wrong with it."""
    if not isinstance(options, list | tuple) or not all(
        isinstance(o, int) and not isinstance(o, bool) for o in options
    ):
        raise _ballot_error(_("Send the chosen options as a list of option ids."))
    if len(set(options)) != len(options):
        raise _ballot_error(_("Each option can be chosen only once."))
    by_id = {option.pk: option for option in poll.options.all()}
    if any(o not in by_id for o in options):
        raise _ballot_error(_("Choose among this poll's options."))
    count, low, high = len(options), poll.min_choices, poll.max_choices
    if count < low or count > high:
        if poll.kind == Kind.SINGLE:
            message = _("Choose one option.")
        elif poll.kind == Kind.RANKED:
            message = (
                ngettext("Rank %(n)d option.", "Rank %(n)d options.", low) % {"n": low}
                if low == high
                else _("Rank from %(min)d to %(max)d options.") % {"min": low, "max": high}
            )
        else:
            message = (
                ngettext("Choose %(n)d option.", "Choose %(n)d options.", low) % {"n": low}
                if low == high
                else _("Choose from %(min)d to %(max)d options.") % {"min": low, "max": high}
            )
        raise _ballot_error(message)
    return [by_id[o] for o in options]


def _not_open(poll: Poll, status: Status) -> Conflict:
    if status == Status.SCHEDULED:
        return Conflict(
            _("This poll is not open yet. Voting starts %(when)s.") % {"when": _when(poll, poll.opens_at)},
            code="not_open_yet",
        )
    if status == Status.CLOSED:
        return Conflict(_("This poll has closed; it no longer takes votes."), code="poll_closed")
    return Conflict(_("This poll is not published."), code="not_published")


def poll_vote(*, user: User, poll: Poll, options: Sequence[int], now: datetime | None = None) -> Receipt:
    """Vote once: `options` are option ids, in order of preference for a ranked poll.

    The vote and its ledger entry are written in one transaction and the receipt returned.
    Raises AlreadyVoted (a Conflict carrying the first vote) when the person voted before,
    however many of their requests arrive at the same moment.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Voters queue on the poll's row: a close cannot slip between the check and the vote.
        poll = _locked(poll)
        status = poll.status_at(now)
        if status != Status.OPEN:
            raise _not_open(poll, status)
        existing = PollVote.objects.filter(poll=poll, user=user).first()
        if existing is not None:
            raise AlreadyVoted(existing, key="vote", summary=vote_summary(existing))
        decision = allows(user, poll.municipality, Feature.VOTE, voting_phase(poll))
        if not decision:
            raise Forbidden(decision.reason)
        district = verified_district(user=user, municipality=poll.municipality)
        reason = district_refusal(poll, district)
        if reason:
            raise Forbidden(reason, code="other_district")
        chosen = _check_ballot(poll, options)
        # The entry first, so the vote is written with its receipt; a twin that wins the race below
        # rolls the entry back with the rest.
        receipt = ledger_append(
            chain=chain_name(poll), kind="vote", payload={"poll": poll.pk, "options": [o.pk for o in chosen]}
        )
        try:
            with transaction.atomic():
                vote = PollVote.objects.create(
                    poll=poll,
                    user=user,
                    tier=tier_of(user, poll.municipality),
                    district=district,
                    created_at=now,
                    receipt=receipt.entry_hash,
                )
        except IntegrityError:
            existing = PollVote.objects.get(poll=poll, user=user)
            raise AlreadyVoted(existing, key="vote", summary=vote_summary(existing)) from None
        PollChoice.objects.bulk_create(
            [PollChoice(vote=vote, option=option, rank=rank) for rank, option in enumerate(chosen, start=1)]
        )
        Poll.objects.filter(pk=poll.pk).update(votes_count=F("votes_count") + 1)
        points_award(
            user=user, municipality=poll.municipality, action=Recognised.VOTE_CAST, subject=poll, now=now
        )
    return receipt
