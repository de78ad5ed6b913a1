"""The co-financing section of a crowd project's page: its campaigns, and for those who run it the
taken-up ideas a campaign may be opened for."""

from typing import Any

from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.sections import Page, register
from veche.funding.access import can_see_campaign
from veche.funding.selectors import campaigns_of_project, ideas_to_fund


def _context(page: Page) -> dict[str, Any] | None:
    user = page.request.user
    shown = [c for c in campaigns_of_project(page.project) if can_see_campaign(user, c)]
    runs = can_run(user, page.project) and any(s.kind == StageKind.COFINANCING for s in page.stages)
    if not shown and not runs:
        return None
    return {"campaigns": shown, "ideas_to_fund": list(ideas_to_fund(page.project)) if runs else []}


register("funding", order=70, template="funding/_section.html", context=_context)
