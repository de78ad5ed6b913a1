"""Reads of a project's voting that pages and the API share: a person's ballot and the results."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.access.roles import Tier, is_signed_in
from veche.crowdprojects.models import (
    CrowdBallot,
    CrowdBallotChoice,
    Idea,
    Project,
    ProjectTier,
    VotingMethod,
)
from veche.crowdprojects.services.voting import ON_THE_BALLOT
from veche.municipalities.models import District
from veche.polls.selectors import NO_DISTRICT


def ballot_of(*, project: Project, user: Any) -> CrowdBallot | None:
    """`user`'s ballot in `project` with its ideas, if they voted."""
    if not is_signed_in(user):
        return None
    choices = CrowdBallotChoice.objects.select_related("idea").order_by("id")
    return (
        CrowdBallot.objects.filter(project=project, user=user)
        .prefetch_related(Prefetch("choices", queryset=choices))
        .first()
    )


@dataclass(frozen=True)
class IdeaResult:
    id: int
    title: str
    url: str
    # Approval: the voters who chose the idea. Rating: the voters who rated it.
    votes: int
    share: float  # votes / voters, 0..1
    mean: float | None  # rating: the mean rating (None when nobody rated it)
    total: int | None  # rating: the sum of its ratings

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)


@dataclass(frozen=True)
class Turnout:
    name: str
    slug: str | None  # a district's slug; None for voters with no verified district, or a tier
    voters: int
    share: float

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)


@dataclass(frozen=True)
class Results:
    project: Project
    voters: int
    ideas: list[IdeaResult]  # leading ideas first
    by_district: list[Turnout]
    by_tier: list[Turnout]

    @property
    def rating(self) -> bool:
        return self.project.voting_method == VotingMethod.RATING

    @property
    def counting(self) -> str:
        """How the numbers were counted, in a sentence for people."""
        if self.rating:
            return _(
                "Each voter could rate any of the ideas from 1 to 5. The table shows for each idea the "
                "mean of its ratings, how many voters rated it, and the sum of the ratings; it is "
                "ordered by the mean rating."
            )
        return _(
            "Each voter could choose up to %(n)d ideas, so the shares add up to more than 100%%: each "
            "is the share of voters who chose the idea."
        ) % {"n": self.project.approval_limit}


HIDDEN_IDEA = gettext_lazy("An idea hidden by a moderator")


def _share(n: int, voters: int) -> float:
    return n / voters if voters else 0.0


def ballot_results(*, project: Project) -> Results:
    """Per idea: approvals, or ratings' count, mean and sum; the voters, by district and by tier.
    Ideas on the ballot and every idea that has votes (one hidden since) are listed; a fixed number
    of queries, whatever the number of ideas and voters."""
    counts = {
        row["idea"]: row
        for row in CrowdBallotChoice.objects.filter(ballot__project=project)
        .values("idea")
        .annotate(n=Count("id"), mean=Avg("rating"), total=Sum("rating"))
        .order_by()
    }
    ideas = Idea.objects.filter(project=project).filter(
        # Decided ideas were on the ballot too: the selection answers them after the vote.
        Q(status__in=(*ON_THE_BALLOT, *Idea.ANSWERED), hidden_at__isnull=True) | Q(pk__in=list(counts))
    )
    ballots = CrowdBallot.objects.filter(project=project)
    voters = ballots.count()
    rating = project.voting_method == VotingMethod.RATING
    rows = []
    for idea in ideas.select_related("municipality").order_by("created_at", "id"):
        row = counts.get(idea.pk, {"n": 0, "mean": None, "total": None})
        # A hidden idea's votes still count; its title and page are for its author and moderators.
        hidden = idea.hidden_at is not None
        rows.append(
            IdeaResult(
                id=idea.pk,
                title=str(HIDDEN_IDEA) if hidden else idea.title,
                url="" if hidden else idea.get_absolute_url(),
                votes=row["n"],
                share=_share(row["n"], voters),
                mean=(round(float(row["mean"]), 2) if row["mean"] is not None else None) if rating else None,
                total=(row["total"] or 0) if rating else None,
            )
        )
    rows.sort(key=lambda r: (-(r.mean or 0), -r.votes) if rating else (-r.votes,))
    by_district = dict(ballots.values_list("district").annotate(n=Count("id")).order_by())
    scope = list(project.districts.all())
    districts = scope or list(District.objects.filter(municipality_id=project.municipality_id))
    known = {d.pk for d in districts}
    extra = [pk for pk in by_district if pk is not None and pk not in known]
    districts += list(District.objects.filter(pk__in=extra))
    districts.sort(key=lambda d: d.title)
    turnout = [
        Turnout(d.title, d.slug, by_district.get(d.pk, 0), _share(by_district.get(d.pk, 0), voters))
        for d in districts
    ]
    if by_district.get(None):
        turnout.append(Turnout(str(NO_DISTRICT), None, by_district[None], _share(by_district[None], voters)))
    by_tier = dict(ballots.values_list("tier").annotate(n=Count("id")).order_by())
    tiers = [
        Turnout(str(label), tier.name.lower(), by_tier.get(tier, 0), _share(by_tier.get(tier, 0), voters))
        for tier, label in (
            (Tier.VERIFIED, ProjectTier.VERIFIED.label),
            (Tier.REGISTERED, ProjectTier.REGISTERED.label),
        )
    ]
    return Results(project=project, voters=voters, ideas=rows, by_district=turnout, by_tier=tiers)
