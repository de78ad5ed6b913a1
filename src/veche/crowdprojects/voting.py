"""Voting's registrations: its section of the project page, its figure of each idea ("votes"), its
contribution (the ballots, with tier and district), and ballots in a person's activity."""

from typing import Any

from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import register_counted
from veche.crowdprojects import sections, tallies
from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import CrowdBallot, CrowdBallotChoice, Project, StageKind, VotingMethod
from veche.crowdprojects.services.voting import results_public, vote_decision, voting_stages
from veche.crowdprojects.voting_selectors import ballot_of


def _votes(project: Project) -> dict[int, float]:
    """Approval: the voters who chose each idea; rating: each idea's mean rating."""
    choices = CrowdBallotChoice.objects.filter(ballot__project=project).values("idea").order_by()
    if project.voting_method == VotingMethod.RATING:
        rows = choices.annotate(v=Avg("rating")).values_list("idea", "v")
        return {idea: round(float(v), 2) for idea, v in rows if v is not None}
    return dict(choices.annotate(v=Count("id")).values_list("idea", "v"))


def _votes_shown(project: Project, viewer: Any) -> bool:
    """Running votes are secret until voting ends, as the results are; organisers see them."""
    stages = list(project.stages.all())
    return results_public(project, stages, timezone.now()) or can_run(viewer, project)


def _section(page: sections.Page) -> dict[str, Any] | None:
    voting = voting_stages(page.stages)
    if not voting or page.project.published_at is None:
        return None
    now = timezone.now()
    user = page.request.user
    open_now = page.current is not None and page.current.kind == StageKind.VOTING
    public = results_public(page.project, page.stages, now)
    return {
        "stage": page.current if open_now else voting[-1],
        "open": open_now,
        "upcoming": voting[-1].starts_at > now,
        "ballot": ballot_of(project=page.project, user=user),
        "can_vote": vote_decision(user, page.project, page.current) if open_now else None,
        "results_public": public,
        "can_see_results": public or can_run(user, page.project),
    }


sections.register("voting", order=50, template="crowdprojects/voting/_section.html", context=_section)
tallies.register_figure("votes", label=_("votes"), order=50, values=_votes, shown=_votes_shown)
tallies.register_contribution(
    "ballots",
    label=_("ballots"),
    order=50,
    rows=lambda project: CrowdBallot.objects.filter(project=project).values(
        "created_at", "user_id", "tier", "district_id"
    ),
    has_tier=True,
    has_district=True,
)
register_counted("crowd_ballot", CrowdBallot, subject="project")
