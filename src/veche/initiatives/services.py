"""Every write to initiatives: drafts, publishing, support, the answer, the vote's result, milestones.

The lifecycle: draft → published (collecting support within a window) → threshold reached (an
answer is due) → rejected, or accepted with a vote on ready-made options → voting → decided →
implemented. Initiatives that do not reach their threshold within the window are archived.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from veche.access.predicates import Feature, admits_district, allows
from veche.access.roles import has_permission, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.images import reencode_image
from veche.core.text import check_text
from veche.initiatives.access import can_answer_initiatives, is_initiative_author
from veche.initiatives.models import (
    PHOTOS_MAX,
    RESIDENTS_MAX,
    VOTING_DAYS_MAX,
    DistrictResidents,
    ImplementationMilestone,
    Initiative,
    InitiativePolicy,
    InitiativeSupport,
    MilestonePhoto,
    Scope,
    Status,
    ThresholdKind,
)
from veche.initiatives.phases import DRAFTING, PUBLISHING, phase_of
from veche.initiatives.selectors import threshold_for, vote_leaders
from veche.municipalities.models import District, Municipality
from veche.municipalities.zones import zone_of
from veche.notifications.messages import message
from veche.notifications.services import follow, notify
from veche.petitions.models import TITLE_MAX_LENGTH
from veche.petitions.services import (
    AlreadyEndorsed,
    Outcome,
    PetitionRules,
    petition_answer,
    petition_answerable,
    petition_endorse,
    petition_locked,
    petition_policy_ensure,
    petition_record_answer,
    petition_text,
    petition_writable,
    petitions_escalate_overdue,
)
from veche.polls.models import Kind, PollTier
from veche.polls.models import Status as PollStatus
from veche.polls.services import poll_create, poll_publish

OPTIONS_MIN = 2

# Why an initiative in this state takes no support.
NOT_SUPPORTABLE = {
    "hidden": gettext_lazy("A moderator has hidden this initiative; it cannot be supported."),
    Status.DRAFT: gettext_lazy("This initiative is a draft; it cannot be supported yet."),
    Status.REJECTED: gettext_lazy(
        "The municipality has answered this initiative; it no longer takes support."
    ),
    Status.ACCEPTED: gettext_lazy(
        "The municipality has answered this initiative; it no longer takes support."
    ),
    Status.VOTING: gettext_lazy("The municipality has answered this initiative; it no longer takes support."),
    Status.DECIDED: gettext_lazy(
        "The municipality has answered this initiative; it no longer takes support."
    ),
    Status.IMPLEMENTED: gettext_lazy("This initiative has been carried out; it no longer takes support."),
    Status.ARCHIVED: gettext_lazy("This initiative is archived; it no longer takes support."),
}


class AlreadySupported(AlreadyEndorsed):
    """The person has supported the initiative before; `endorsement` is that first support."""

    default_code = "already_supported"
    default_message = gettext_lazy("You already support this initiative.")


def initiative_url(initiative: Initiative) -> str:
    return initiative.get_absolute_url()


def _local_time(municipality: Municipality, moment: datetime) -> datetime:
    return timezone.localtime(moment, zone_of(municipality))


def _check_district(municipality: Municipality, district: District | None, policy: InitiativePolicy) -> None:
    if district is not None and district.municipality_id != municipality.pk:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    if district is None and policy.scope == Scope.DISTRICT:
        raise DomainError(
            fields={"district": [_("Initiatives here are for one district: choose the district.")]}
        )


def _check_photos(photos: Sequence[UploadedFile]) -> "list[ContentFile[bytes]]":
    """Re-encode every photo before anything is written, so a broken file leaves nothing behind."""
    if len(photos) > PHOTOS_MAX:
        raise DomainError(fields={"photos": [_("At most %(n)d photos.") % {"n": PHOTOS_MAX}]})
    return [reencode_image(upload) for upload in photos]


def _save_photos(
    milestone: ImplementationMilestone, encoded: "list[ContentFile[bytes]]", now: datetime
) -> None:
    for content in encoded:
        MilestonePhoto.objects.create(milestone=milestone, image=content, created_at=now)


def _locked(initiative: Initiative) -> Initiative:
    locked: Initiative = petition_locked(RULES, initiative)
    return locked


def _audience(initiative: Initiative) -> list[User]:
    """Who hears of each step: the author, every supporter, and whoever follows the initiative."""
    followers = Q(
        follows__content_type=ContentType.objects.get_for_model(Initiative), follows__object_id=initiative.pk
    )
    supporters = Q(pk__in=InitiativeSupport.objects.filter(petition=initiative).values("user"))
    return list(User.objects.filter(Q(pk=initiative.author_id) | supporters | followers).distinct())


# The municipality's policy.


def initiative_policy_save(
    *,
    actor: User,
    municipality: Municipality,
    support_days: int,
    threshold_kind: str,
    support_threshold: int,
    support_percent: Decimal,
    scope: str,
    answer_days: int,
    voting_days: int,
    district_residents: Mapping[int, int | None] | None = None,
) -> InitiativePolicy:
    """A municipal admin sets the support window, the threshold, whose residents count, and deadlines.

    `district_residents` maps district ids to their number of residents (None forgets one); a
    threshold set as a share of each district's residents needs every district's number.
    """
    if not has_permission(actor, municipality, "manage_municipality"):
        raise NotFound()
    residents = dict(district_residents or {})
    districts = {d.pk: d for d in District.objects.filter(municipality=municipality)}
    if any(pk not in districts for pk in residents):
        raise DomainError(
            fields={"district_residents": [_("Give numbers for this municipality's districts.")]}
        )
    for count in residents.values():
        if count is not None and not 1 <= count <= RESIDENTS_MAX:
            raise DomainError(
                fields={
                    "district_residents": [
                        _("A district's residents: from 1 to %(n)d.") % {"n": RESIDENTS_MAX}
                    ]
                }
            )
    with transaction.atomic():
        policy = petition_policy_ensure(InitiativePolicy, municipality=municipality)
        policy = InitiativePolicy.objects.select_for_update().get(pk=policy.pk)
        fields = [
            "support_days",
            "threshold_kind",
            "support_threshold",
            "support_percent",
            "scope",
            "answer_days",
            "voting_days",
        ]
        before = {name: str(getattr(policy, name)) for name in fields}
        policy.support_days, policy.threshold_kind = support_days, threshold_kind
        policy.support_threshold, policy.support_percent = support_threshold, support_percent
        policy.scope, policy.answer_days, policy.voting_days = scope, answer_days, voting_days
        try:
            policy.full_clean(exclude=["municipality"])
        except ValidationError as exc:
            raise DomainError(_("Check the values."), fields=exc.message_dict) from None
        # The numbers as they will stand: the stored ones, changed by those given.
        stored = dict(DistrictResidents.objects.filter(policy=policy).values_list("district_id", "residents"))
        for pk, count in residents.items():
            if count is None:
                stored.pop(pk, None)
            else:
                stored[pk] = count
        if policy.threshold_kind == ThresholdKind.SHARE:
            if policy.scope == Scope.MUNICIPALITY and not municipality.population:
                raise DomainError(
                    fields={
                        "threshold_kind": [
                            _(
                                "The municipality's population is not set, so a share of it cannot be "
                                "counted. Set the population or give a number of supporters."
                            )
                        ]
                    }
                )
            if policy.scope == Scope.DISTRICT and set(districts) - set(stored):
                raise DomainError(
                    fields={"district_residents": [_("Give the number of residents of every district.")]}
                )
        policy.save(update_fields=fields)
        DistrictResidents.objects.filter(policy=policy).exclude(district_id__in=list(stored)).delete()
        for pk, count in stored.items():
            DistrictResidents.objects.update_or_create(
                policy=policy, district_id=pk, defaults={"residents": count}
            )
        after = {name: str(getattr(policy, name)) for name in fields}
        audit_record(
            actor=actor,
            action="initiative_policy.update",
            municipality=municipality,
            target=policy,
            details={
                "before": before,
                "after": after,
                "district_residents": {str(pk): n for pk, n in sorted(stored.items())},
            },
        )
    return policy


# The author: a draft, then publishing it.


def initiative_create(
    *,
    author: User,
    municipality: Municipality,
    title: str,
    body: str,
    district: District | None = None,
    publish: bool = False,
    now: datetime | None = None,
) -> Initiative:
    """Start a draft: only its author sees it until it is published (at once, with `publish`)."""
    title, body = petition_writable(
        author=author, municipality=municipality, phase=DRAFTING, title=title, body=body
    )
    with transaction.atomic():
        policy = petition_policy_ensure(InitiativePolicy, municipality=municipality)
        _check_district(municipality, district, policy)
        initiative = Initiative.objects.create(
            municipality=municipality,
            author=author,
            title=title,
            body=body,
            district=district,
            created_at=now or timezone.now(),
        )
        follow(user=author, target=initiative)
        if publish:
            # In the same transaction: a refused publication leaves no draft behind.
            initiative = initiative_publish(author=author, initiative=initiative, now=now)
    return initiative


def initiative_update(
    *, author: User, initiative: Initiative, title: str, body: str, district: District | None = None
) -> Initiative:
    """Change a draft; once published an initiative is what its supporters supported."""
    if not is_initiative_author(author, initiative):
        raise NotFound()
    title, body = petition_text(title=title, body=body)
    with transaction.atomic():
        initiative = _locked(initiative)
        if not is_initiative_author(author, initiative):
            raise NotFound()
        if not initiative.is_draft:
            raise Conflict(_("A published initiative cannot be changed."), code="not_draft")
        _check_district(
            initiative.municipality,
            district,
            petition_policy_ensure(InitiativePolicy, municipality=initiative.municipality),
        )
        initiative.title, initiative.body, initiative.district = title, body, district
        initiative.save(update_fields=["title", "body", "district"])
    return initiative


def initiative_publish(*, author: User, initiative: Initiative, now: datetime | None = None) -> Initiative:
    """Publish a draft: it collects support for the policy's window, towards a threshold fixed now."""
    now = now or timezone.now()
    with transaction.atomic():
        initiative = _locked(initiative)
        if not is_initiative_author(author, initiative):
            raise NotFound()
        if not initiative.is_draft:
            raise Conflict(_("This initiative is already published."), code="not_draft")
        municipality = initiative.municipality
        if not municipality.is_active:
            raise NotFound()
        decision = allows(author, municipality, Feature.SUBMIT, PUBLISHING)
        if not decision:
            raise Forbidden(decision.reason)
        policy = petition_policy_ensure(InitiativePolicy, municipality=municipality)
        _check_district(municipality, initiative.district, policy)
        threshold = threshold_for(policy=policy, municipality=municipality, district=initiative.district)
        if threshold is None:
            raise Conflict(
                _(
                    "The municipality has not said how many residents it has, so the support needed "
                    "cannot be counted yet. Please try again later."
                ),
                code="residents_unknown",
            )
        initiative.status = Status.PUBLISHED
        initiative.published_at = now
        initiative.support_ends_at = now + timedelta(days=policy.support_days)
        initiative.threshold = threshold
        initiative.save(update_fields=["status", "published_at", "support_ends_at", "threshold"])
    return initiative


# Support.


def district_refusal(initiative: Initiative, district: District | None) -> str:
    """Why a resident verified in `district` may not support `initiative` ("" if they may)."""
    if initiative.district_id is None or admits_district((initiative.district_id,), district):
        return ""
    return _("Only residents verified in the district %(name)s can support this initiative.") % {
        "name": initiative.district.title if initiative.district else ""
    }


def _window_refusal(initiative: Initiative, user: User, now: datetime) -> None:
    ends = initiative.support_ends_at
    if ends is not None and now >= ends:
        when = formats.date_format(_local_time(initiative.municipality, ends), "DATETIME_FORMAT")
        raise Conflict(
            _("The time to support this initiative ended on %(when)s.") % {"when": when},
            code="window_closed",
        )


def _admit_district(initiative: Initiative, user: User) -> dict[str, object]:
    """Only residents of a district's initiative's district support it; the support keeps their district."""
    district = verified_district(user=user, municipality=initiative.municipality)
    refusal = district_refusal(initiative, district)
    if refusal:
        raise Forbidden(refusal, code="other_district")
    return {"district": district}


def _ledger_district(initiative: Initiative, support: InitiativeSupport) -> dict[str, object]:
    """A support's ledger entry holds the district it was given from."""
    return {"district": support.district_id}


def _follow(initiative: Initiative, support: InitiativeSupport) -> None:
    """The supporter follows the initiative."""
    follow(user=support.user, target=initiative)


RULES = PetitionRules(
    model=Initiative,
    endorsement=InitiativeSupport,
    phase_of=phase_of,
    already=AlreadySupported,
    not_endorsable=NOT_SUPPORTABLE,
    answer_permission="answer_initiatives",
    policy=InitiativePolicy,
    audit_count="supporters",
    reached_title=gettext_noop("The initiative “{}” has collected enough support"),
    reached_body=gettext_noop("The municipality's answer is due by {}."),
    overdue_title=gettext_noop("The initiative “{}” is overdue"),
    answer_refusals={
        "hidden": gettext_lazy("A moderator has hidden this initiative; restore it before answering."),
        "answered": gettext_lazy("This initiative has already been answered."),
        "early": gettext_lazy("An answer is due only once the initiative has collected enough support."),
    },
    reached_audience=_audience,
    answer_audience=_audience,
    related=("municipality", "author", "district", "poll", "chosen_option"),
    refuse=_window_refusal,
    admit=_admit_district,
    after_endorse=_follow,
    ledger_kind="support",
    ledger_payload=_ledger_district,
)

# The refusal of an initiative (its acceptance opens a vote: `initiative_accept`).
REJECTED = Outcome(
    Status.REJECTED,
    "initiative.reject",
    "initiative.rejected",
    gettext_noop("The municipality has rejected the initiative “{}”"),
)


def initiative_support(
    *, user: User, initiative: Initiative, now: datetime | None = None
) -> InitiativeSupport:
    """Support `initiative` once (`petitions.services.petition_endorse`): within its window, from its
    district if it has one; the support goes on its hash chain and the supporter gets a receipt.

    The support that reaches the threshold makes an answer due, exactly once however many arrive
    at the same moment. Raises AlreadySupported (a Conflict carrying the first support) on a repeat,
    whatever the initiative's state.
    """
    return petition_endorse(rules=RULES, user=user, petition=initiative, now=now or timezone.now())


def initiative_reject(
    *, official: User, initiative: Initiative, reasons: str, now: datetime | None = None
) -> Initiative:
    """Refuse the initiative, with the reasons published on its page; everyone concerned is told."""
    rejected: Initiative = petition_answer(
        RULES, REJECTED, official=official, petition=initiative, answer=reasons, now=now
    )
    return rejected


def initiative_accept(
    *,
    official: User,
    initiative: Initiative,
    answer: str,
    options: Sequence[str],
    opens_at: datetime | None = None,
    voting_days: int | None = None,
    now: datetime | None = None,
) -> Initiative:
    """Accept the initiative with at least two ready-made ways to carry it out, and open a vote on them.

    The vote is a single-choice poll for verified residents (of the initiative's district, if it
    has one), opening at once or at `opens_at`, for `voting_days` (the policy's, if not given).
    """
    if not can_answer_initiatives(official, initiative.municipality):
        raise NotFound()
    answer = check_text(answer, "answer")
    texts = [text.strip() for text in options if text and text.strip()]
    if len(texts) < OPTIONS_MIN:
        raise DomainError(
            _("Give the residents a choice."),
            fields={"options": [_("Give at least two ready-made options to vote on.")]},
        )
    now = now or timezone.now()
    if opens_at is not None and timezone.is_naive(opens_at):
        raise ValueError("opens_at must be timezone-aware")
    if opens_at is not None and opens_at < now:
        raise DomainError(
            fields={"opens_at": [_("Choose a time from now on, or leave it empty to open the vote at once.")]}
        )
    opens = opens_at or now
    with transaction.atomic():
        initiative = petition_answerable(RULES, initiative)
        days = (
            voting_days
            or petition_policy_ensure(InitiativePolicy, municipality=initiative.municipality).voting_days
        )
        if not 1 <= days <= VOTING_DAYS_MAX:
            raise DomainError(fields={"voting_days": [_("From 1 to %(n)d days.") % {"n": VOTING_DAYS_MAX}]})
        poll = poll_create(
            actor=official,
            municipality=initiative.municipality,
            title=initiative.title,
            description=answer,
            kind=Kind.SINGLE,
            options=texts,
            min_choices=1,
            max_choices=1,
            districts=[initiative.district] if initiative.district else [],
            tier=PollTier.VERIFIED,
            opens_at=opens,
            closes_at=opens + timedelta(days=days),
            live_results=False,
            origin=initiative,
            now=now,
        )
        poll = poll_publish(actor=official, poll=poll, now=now)
        voting_now = poll.status_at(now) == PollStatus.OPEN
        initiative.poll = poll
        details = petition_record_answer(
            rules=RULES,
            petition=initiative,
            official=official,
            status=Status.VOTING if voting_now else Status.ACCEPTED,
            answer=answer,
            now=now,
            also=("poll",),
        )
        audit_record(
            actor=official,
            action="initiative.accept",
            municipality=initiative.municipality,
            target=initiative,
            details={**details, "poll": poll.pk, "options": texts},
        )
        when = _local_time(initiative.municipality, poll.opens_at)
        notify(
            recipients=_audience(initiative),
            kind="initiative.accepted",
            title=message(
                gettext_noop("The municipality has accepted the initiative “{}”"), initiative.title
            ),
            body=(
                message(
                    gettext_noop("Residents now choose how to carry it out: the vote on the options is open.")
                )
                if voting_now
                else message(
                    gettext_noop("Residents will choose how to carry it out: the vote opens on {}."), when
                )
            ),
            url=initiative_url(initiative),
        )
    return initiative


# The vote's result.


def initiative_decide(
    *, official: User, initiative: Initiative, option_id: int | None = None, now: datetime | None = None
) -> Initiative:
    """Publish the option the residents chose, once the vote has closed.

    When options tie for the most votes, the official names one of them (`option_id`).
    """
    if not can_answer_initiatives(official, initiative.municipality):
        raise NotFound()
    with transaction.atomic():
        return _decide(initiative, actor=official, option_id=option_id, now=now or timezone.now())


def _decide(
    initiative: Initiative, *, actor: User | None, option_id: int | None, now: datetime
) -> Initiative:
    initiative = _locked(initiative)
    if initiative.status in (Status.DECIDED, Status.IMPLEMENTED):
        raise Conflict(_("The result of this vote is already published."), code="already_decided")
    if initiative.status not in (Status.ACCEPTED, Status.VOTING) or initiative.poll is None:
        raise Conflict(_("This initiative has no vote on options to decide."), code="invalid_transition")
    poll = initiative.poll
    if poll.status_at(now) != PollStatus.CLOSED:
        when = formats.date_format(_local_time(initiative.municipality, poll.ended_at), "DATETIME_FORMAT")
        raise Conflict(_("The vote is still open until %(when)s.") % {"when": when}, code="vote_open")
    leaders = vote_leaders(poll=poll)
    if option_id is None:
        if len(leaders) != 1:
            raise Conflict(
                _("Several options have the most votes: choose which one is carried out."), code="tie"
            )
        chosen = leaders[0]
    else:
        found = [option for option in leaders if option.id == option_id]
        if not found:
            raise DomainError(fields={"option": [_("Choose one of the options with the most votes.")]})
        chosen = found[0]
    initiative.status, initiative.chosen_option_id, initiative.decided_at = Status.DECIDED, chosen.id, now
    initiative.save(update_fields=["status", "chosen_option", "decided_at"])
    audit_record(
        actor=actor,
        action="initiative.decide",
        municipality=initiative.municipality,
        target=initiative,
        details={"option": chosen.id, "votes": chosen.votes, "tie": len(leaders) > 1, "poll": poll.pk},
    )
    notify(
        recipients=_audience(initiative),
        kind="initiative.decided",
        title=message(gettext_noop("Residents have chosen how to carry out “{}”"), initiative.title),
        body=chosen.text,
        url=initiative_url(initiative),
    )
    return initiative


# Implementation.


def _implementing(initiative: Initiative) -> Initiative:
    initiative = _locked(initiative)
    if initiative.status == Status.IMPLEMENTED:
        raise Conflict(_("This initiative is already implemented."), code="already_implemented")
    if initiative.status != Status.DECIDED:
        raise Conflict(
            _("Milestones are kept once the residents have chosen an option."), code="invalid_transition"
        )
    return initiative


def milestone_add(
    *,
    official: User,
    initiative: Initiative,
    title: str,
    description: str = "",
    due: date | None = None,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> ImplementationMilestone:
    """Plan a step of carrying out the chosen option."""
    if not can_answer_initiatives(official, initiative.municipality):
        raise NotFound()
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    description = (description or "").strip()
    if description:
        description = check_text(description, "description")
    encoded = _check_photos(photos)
    now = now or timezone.now()
    with transaction.atomic():
        initiative = _implementing(initiative)
        milestone = ImplementationMilestone.objects.create(
            initiative=initiative,
            title=title,
            description=description,
            due=due,
            created_at=now,
            created_by=official,
        )
        _save_photos(milestone, encoded, now)
        audit_record(
            actor=official,
            action="initiative.milestone_add",
            municipality=initiative.municipality,
            target=initiative,
            details={"milestone": milestone.pk, "title": title, "due": due.isoformat() if due else None},
        )
    return milestone


def milestone_complete(
    *,
    official: User,
    milestone: ImplementationMilestone,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> ImplementationMilestone:
    """Mark a milestone done, with photos of the work; the last one done makes the initiative implemented."""
    if not can_answer_initiatives(official, milestone.initiative.municipality):
        raise NotFound()
    encoded = _check_photos(photos)
    now = now or timezone.now()
    with transaction.atomic():
        initiative = _implementing(milestone.initiative)
        milestone = ImplementationMilestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.initiative_id != initiative.pk:
            raise NotFound()
        if milestone.done_at is not None:
            raise Conflict(_("This milestone is already done."), code="already_done")
        milestone.done_at, milestone.completed_by = now, official
        milestone.save(update_fields=["done_at", "completed_by"])
        _save_photos(milestone, encoded, now)
        milestone.initiative = initiative
        remaining = ImplementationMilestone.objects.filter(
            initiative=initiative, done_at__isnull=True
        ).count()
        audit_record(
            actor=official,
            action="initiative.milestone_complete",
            municipality=initiative.municipality,
            target=initiative,
            details={"milestone": milestone.pk, "photos": len(encoded), "remaining": remaining},
        )
        if remaining:
            notify(
                recipients=_audience(initiative),
                kind="initiative.milestone",
                title=message(gettext_noop("“{}”: a step is done"), initiative.title),
                body=milestone.title,
                url=initiative_url(initiative),
            )
            return milestone
        Initiative.objects.filter(pk=initiative.pk).update(status=Status.IMPLEMENTED, implemented_at=now)
        initiative.status, initiative.implemented_at = Status.IMPLEMENTED, now
        notify(
            recipients=_audience(initiative),
            kind="initiative.implemented",
            title=message(gettext_noop("The initiative “{}” is implemented"), initiative.title),
            body=milestone.title,
            url=initiative_url(initiative),
        )
    return milestone


# Scheduled work.


def initiatives_archive_expired(*, now: datetime | None = None) -> int:
    """Archive initiatives whose support window ended short of the threshold; they are kept, not deleted."""
    now = now or timezone.now()
    expired = Initiative.objects.filter(status=Status.PUBLISHED, support_ends_at__lte=now)
    archived = 0
    for pk in expired.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            # Claims the step: a support that reached the threshold first leaves nothing to claim.
            claimed = Initiative.objects.filter(
                pk=pk, status=Status.PUBLISHED, support_ends_at__lte=now
            ).update(status=Status.ARCHIVED, archived_at=now)
            if not claimed:
                continue
            initiative = Initiative.objects.select_related("municipality").get(pk=pk)
            notify(
                recipients=_audience(initiative),
                kind="initiative.archived",
                title=message(gettext_noop("The initiative “{}” is archived"), initiative.title),
                body=message(
                    gettext_noop("It did not collect enough support in time. It stays on the site.")
                ),
                url=initiative_url(initiative),
            )
            archived += 1
    return archived


def initiatives_open_voting(*, now: datetime | None = None) -> int:
    """Move accepted initiatives whose vote has opened to voting, telling everyone concerned once."""
    now = now or timezone.now()
    opened = 0
    due = Initiative.objects.filter(status=Status.ACCEPTED, poll__opens_at__lte=now)
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            if not Initiative.objects.filter(pk=pk, status=Status.ACCEPTED).update(status=Status.VOTING):
                continue
            initiative = Initiative.objects.select_related("municipality", "poll").get(pk=pk)
            if initiative.poll is not None and initiative.poll.status_at(now) == PollStatus.OPEN:
                notify(
                    recipients=_audience(initiative),
                    kind="initiative.voting",
                    title=message(gettext_noop("Vote on how to carry out “{}”"), initiative.title),
                    body=message(gettext_noop("The vote on the ready-made options is open.")),
                    url=initiative_url(initiative),
                )
            opened += 1
    return opened


def initiatives_decide_closed(*, now: datetime | None = None) -> int:
    """Publish the result of every closed vote with a clear winner; a tie waits for an official."""
    now = now or timezone.now()
    closed = Initiative.objects.filter(status__in=[Status.ACCEPTED, Status.VOTING]).filter(
        Q(poll__closed_at__isnull=False) | Q(poll__closes_at__lte=now)
    )
    decided = 0
    for initiative in closed.order_by("pk"):
        try:
            with transaction.atomic():
                _decide(initiative, actor=None, option_id=None, now=now)
        except Conflict:
            continue  # a tie, or decided meanwhile by an official
        decided += 1
    return decided


def initiatives_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate the initiatives whose answer is past its day (`petitions_escalate_overdue`); how many."""
    return petitions_escalate_overdue(rules=RULES, now=now or timezone.now())


def initiatives_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Everything scheduled: archive expired initiatives, open votes, publish the results of closed ones,
    and escalate those whose answer is overdue."""
    now = now or timezone.now()
    return {
        "archived": initiatives_archive_expired(now=now),
        "voting": initiatives_open_voting(now=now),
        "decided": initiatives_decide_closed(now=now),
        "escalated": initiatives_escalate_overdue(now=now),
    }
