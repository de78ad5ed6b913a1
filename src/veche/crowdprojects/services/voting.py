"""Voting in a crowd project (CrowdVoting): one ballot per person, cast while a voting stage runs.

A project votes by approval (choose 1 to `approval_limit` ideas) or by rating (give any of the ideas
1 to 5); its `voting_method` says which. The ballot, its choices and its entry on the project's
hash chain are written in one transaction, queued on the project's row, so a second ballot of the
same person, however many arrive at once, is refused with `AlreadyVoted` and the first one stands.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.access.predicates import Decision, Feature, admits_district, allows
from veche.access.roles import Person, tier_of, verified_district
from veche.accounts.models import User
from veche.core.errors import Conflict, DomainError, Forbidden
from veche.crowdprojects.models import (
    RATING_MAX,
    RATING_MIN,
    CrowdBallot,
    CrowdBallotChoice,
    Idea,
    IdeaStatus,
    Project,
    ProjectDistrict,
    Stage,
    StageKind,
    VotingMethod,
)
from veche.crowdprojects.selectors import current_phase
from veche.crowdprojects.stages import phase_of
from veche.ledger.services import AlreadyVoted, Receipt, chain_name, ledger_append
from veche.municipalities.zones import zone_of
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award

# Ideas a resident can vote for: proposed, not hidden by a moderator, not merged into another.
ON_THE_BALLOT = (IdeaStatus.PUBLISHED, IdeaStatus.THRESHOLD_REACHED)


def ballot_ideas(project: Project) -> QuerySet[Idea]:
    """The ideas on the project's ballot, in the order the ballot shows them (oldest first)."""
    return Idea.objects.filter(project=project, status__in=ON_THE_BALLOT, hidden_at__isnull=True).order_by(
        "created_at", "id"
    )


def ballot_summary(ballot: CrowdBallot) -> dict[str, object]:
    """What the API says about a ballot: the ideas chosen (approval) or rated (rating), when, and its
    receipt."""
    choices = list(ballot.choices.order_by("id").values_list("idea_id", "rating"))
    approval = all(rating is None for _idea, rating in choices)
    return {
        "project": ballot.project_id,
        "ideas": [idea for idea, _rating in choices] if approval else None,
        "ratings": None if approval else {str(idea): rating for idea, rating in choices},
        "created_at": ballot.created_at.isoformat(),
        "receipt": ballot.receipt,
    }


def voting_stages(stages: Sequence[Stage]) -> list[Stage]:
    return [stage for stage in stages if stage.kind == StageKind.VOTING]


def results_public(project: Project, stages: Sequence[Stage], now: datetime) -> bool:
    """The results are public once the project's (last) voting stage has ended."""
    voting = voting_stages(stages)
    return project.published_at is not None and bool(voting) and voting[-1].ends_at <= now


def results_hidden_reason(project: Project, stages: Sequence[Stage]) -> str:
    voting = voting_stages(stages)
    if not voting:
        return _("This project has no voting stage.")
    local = timezone.localtime(voting[-1].ends_at, zone_of(project.municipality))
    return _("The results will be published when voting ends, %(when)s.") % {
        "when": formats.date_format(local, "DATETIME_FORMAT")
    }


def district_refusal(project: Project, user: Person) -> str:
    """Why `user` may not vote in a project for some districts ("" if they may)."""
    scope = set(ProjectDistrict.objects.filter(project=project).values_list("district_id", flat=True))
    if admits_district(scope, verified_district(user=user, municipality=project.municipality)):
        return ""
    names = ", ".join(sorted(str(d.title) for d in project.districts.all()))
    return _("Only residents verified in these districts can vote: %(names)s.") % {"names": names}


def vote_decision(user: Person, project: Project, current: Stage | None) -> Decision:
    """Whether `user` may vote now: the stage and the project's tier, then its districts."""
    decision = allows(user, project.municipality, Feature.VOTE, phase_of(project, current))
    if not decision:
        return decision
    reason = district_refusal(project, user)
    return Decision(False, reason) if reason else decision


def _error(field: str, message: str) -> DomainError:
    return DomainError(_("Check your ballot."), code="invalid_ballot", fields={field: [message]})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_approval(
    project: Project, ideas: object, on_ballot: Mapping[int, Idea]
) -> list[tuple[Idea, None]]:
    if not isinstance(ideas, list | tuple) or not all(_is_int(i) for i in ideas):
        raise _error("ideas", _("Send the chosen ideas as a list of idea ids."))
    if len(set(ideas)) != len(ideas):
        raise _error("ideas", _("Each idea can be chosen only once."))
    if any(i not in on_ballot for i in ideas):
        raise _error("ideas", _("Choose among the ideas on this project's ballot."))
    limit = project.approval_limit
    if not 1 <= len(ideas) <= limit:
        raise _error(
            "ideas",
            ngettext("Choose %(n)d idea.", "Choose from 1 to %(n)d ideas.", limit) % {"n": limit},
        )
    return [(on_ballot[i], None) for i in ideas]


def _idea_id(key: object) -> int | None:
    if _is_int(key):
        return key  # type: ignore[return-value]
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) < 19:
        return int(key)
    return None


def _check_ratings(ratings: object, on_ballot: Mapping[int, Idea]) -> list[tuple[Idea, int]]:
    if not isinstance(ratings, Mapping):
        raise _error("ratings", _("Send the ratings as an object of idea ids and ratings from 1 to 5."))
    given: dict[int, int] = {}
    for key, value in ratings.items():
        idea = _idea_id(key)
        if idea is None:
            raise _error("ratings", _("Send the ratings as an object of idea ids and ratings from 1 to 5."))
        if idea in given:
            raise _error("ratings", _("Each idea can be rated only once."))
        if not _is_int(value) or not RATING_MIN <= value <= RATING_MAX:
            raise _error("ratings", _("Give each idea a rating from 1 to 5."))
        given[idea] = value
    if not given:
        raise _error("ratings", _("Rate at least one idea."))
    if any(idea not in on_ballot for idea in given):
        raise _error("ratings", _("Rate the ideas on this project's ballot."))
    return [(on_ballot[idea], rating) for idea, rating in given.items()]


def _check_ballot(project: Project, ideas: object, ratings: object) -> list[tuple[Idea, int | None]]:
    """The ballot's choices, or a DomainError saying on its field what is wrong with it."""
    if project.voting_method == VotingMethod.APPROVAL:
        if ratings is not None or ideas is None:
            raise _error("ideas", _("This project votes by approval: choose ideas, do not rate them."))
    elif ideas is not None or ratings is None:
        raise _error(
            "ratings", _("This project votes by rating: rate ideas 1 to 5, do not just choose them.")
        )
    on_ballot = {idea.pk: idea for idea in ballot_ideas(project)}
    if project.voting_method == VotingMethod.APPROVAL:
        return list(_check_approval(project, ideas, on_ballot))
    return list(_check_ratings(ratings, on_ballot))


def _locked(project: Project) -> Project:
    """The project's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return Project.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=project.pk)


def ballot_cast(
    *,
    user: User,
    project: Project,
    ideas: Sequence[int] | None = None,
    ratings: Mapping[Any, int] | None = None,
    now: datetime | None = None,
) -> Receipt:
    """Vote once in the project's voting stage: `ideas` (ids) for an approval vote, `ratings`
    ({idea id: 1..5}) for a rating vote.

    The ballot and its ledger entry are written in one transaction and the receipt returned.
    Raises AlreadyVoted (a Conflict carrying the standing ballot under "ballot") when the person
    voted before, however many of their requests arrive at the same moment; Conflict outside a
    voting stage; Forbidden below the project's tier or outside its districts; DomainError with
    field messages for a bad ballot. Nothing is written on a refusal.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Voters queue on the project's row: a change of the timeline cannot slip in between.
        project = _locked(project)
        decision = allows(user, project.municipality, Feature.VOTE, current_phase(project, now))
        if not decision and decision.closed:
            raise Conflict(decision.reason or _("Voting is not open now."), code="not_voting")
        existing = CrowdBallot.objects.filter(project=project, user=user).first()
        if existing is not None:
            raise AlreadyVoted(existing, key="ballot", summary=ballot_summary(existing))
        if not decision:
            raise Forbidden(decision.reason)
        reason = district_refusal(project, user)
        if reason:
            raise Forbidden(reason, code="other_district")
        chosen = _check_ballot(project, ideas, ratings)
        try:
            with transaction.atomic():
                ballot = CrowdBallot.objects.create(
                    project=project,
                    user=user,
                    tier=tier_of(user, project.municipality),
                    district=verified_district(user=user, municipality=project.municipality),
                    created_at=now,
                )
        except IntegrityError:
            existing = CrowdBallot.objects.get(project=project, user=user)
            raise AlreadyVoted(existing, key="ballot", summary=ballot_summary(existing)) from None
        CrowdBallotChoice.objects.bulk_create(
            [CrowdBallotChoice(ballot=ballot, idea=idea, rating=rating) for idea, rating in chosen]
        )
        payload: dict[str, Any] = {"project": project.pk, "method": project.voting_method}
        if project.voting_method == VotingMethod.APPROVAL:
            payload["ideas"] = [idea.pk for idea, _rating in chosen]
        else:
            payload["ratings"] = [[idea.pk, rating] for idea, rating in chosen]
        receipt = ledger_append(chain=chain_name(project), kind="ballot", payload=payload)
        ballot.receipt = receipt.entry_hash
        ballot.save(update_fields=["receipt"])
        points_award(
            user=user,
            municipality=project.municipality,
            action=Recognised.VOTE_CAST,
            subject=project,
            now=now,
        )
    return receipt
