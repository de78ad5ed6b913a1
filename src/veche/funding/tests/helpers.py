"""What the co-financing tests share: a crowd project in its co-financing stage, a taken-up idea, a
campaign for it."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, IdeaStatus, Project, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.funding.models import Campaign
from veche.funding.services import campaign_open
from veche.municipalities.models import Municipality


def cofinanced_project(*, actor: User, municipality: Municipality, **settings: Any) -> Project:
    """A published project of the "cofinanced" template whose co-financing stage runs now (it began a
    day ago and ends in 29 days)."""
    return project_in_stage(
        actor=actor, municipality=municipality, kind=StageKind.COFINANCING, template="cofinanced", **settings
    )


def taken_up_idea(*, project: Project, author: User, title: str = "A fountain by the pond") -> Idea:
    """An idea the selection took up, written directly (the selection's service is another part's)."""
    now = timezone.now()
    return Idea.objects.create(
        municipality=project.municipality,
        project=project,
        author=author,
        title=title,
        body="Clean water for the birds and the children.",
        created_at=now - timedelta(days=20),
        status=IdeaStatus.SELECTED,
        answered_at=now - timedelta(days=2),
    )


def open_campaign(
    *, actor: User, idea: Idea, target: int = 100_000, deadline: datetime | None = None
) -> Campaign:
    return campaign_open(
        actor=actor, idea=idea, target_amount=target, deadline=deadline or timezone.now() + timedelta(days=7)
    )


def past_deadline(campaign: Campaign) -> Campaign:
    """Move the campaign's deadline into the past, as time would (the service refuses such a date)."""
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    campaign.refresh_from_db()
    return campaign
