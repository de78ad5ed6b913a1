"""What is happening now in a municipality, for its home page: a few of each wing's live items,
read through the wings' own list selectors (the ones their list pages and the API use)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from veche.appeals.models import Appeal
from veche.appeals.models import Status as AppealStatus
from veche.appeals.selectors import appeals_for
from veche.budgeting import phases
from veche.budgeting.models import Process
from veche.budgeting.selectors import processes_for
from veche.crowdprojects.models import Project, ProjectStatus, Stage
from veche.crowdprojects.selectors import projects_for
from veche.crowdprojects.stages import stage_at
from veche.initiatives.models import Initiative
from veche.initiatives.models import Status as InitiativeStatus
from veche.initiatives.selectors import initiatives_for
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day
from veche.polls.models import Poll
from veche.polls.models import Status as PollStatus
from veche.polls.selectors import polls_for
from veche.reports.models import Report
from veche.reports.selectors import public_reports, with_list_relations

# How many of each the page shows; the block links to the full list.
SHOWN = 3
REPORTS_SHOWN = 5


@dataclass(frozen=True)
class Live:
    polls: list[Poll]  # open, closing soonest first
    # Budgeting, newest first, each with the date to show first (as on the list: phases.headline).
    processes: list[tuple[Process, phases.Window | None]]
    projects: list[tuple[Project, Stage | None]]  # crowd projects running now, with the stage that runs
    initiatives: list[Initiative]  # collecting support, the window that ends first first
    appeals: list[Appeal]  # collecting signatures, the most signed first
    reports: list[Report]  # public, newest first
    today: date  # the municipality's day, for the reports' overdue mark


def municipality_live(*, municipality: Municipality, viewer: Any) -> Live:
    """A bounded read: one query per block (two for polls, processes and projects, whose lists prefetch)."""
    now = timezone.now()
    return Live(
        polls=list(
            polls_for(municipality=municipality, viewer=viewer, status=PollStatus.OPEN, now=now)[:SHOWN]
        ),
        # The public view for everyone, staff included: set-up processes belong to the staff pages.
        processes=[
            (p, phases.headline(phases.timetable(p, municipality=municipality, now=now), now=now))
            for p in processes_for(municipality=municipality, viewer=viewer, staff=False)[:SHOWN]
        ],
        projects=[
            (project, stage_at(list(project.stages.all()), now))
            for project in projects_for(
                municipality=municipality, viewer=viewer, status=ProjectStatus.RUNNING, now=now
            )[:SHOWN]
        ],
        initiatives=list(
            initiatives_for(
                municipality=municipality, viewer=viewer, status=InitiativeStatus.PUBLISHED, order="ending"
            )[:SHOWN]
        ),
        appeals=list(
            appeals_for(
                municipality=municipality, viewer=viewer, status=AppealStatus.PUBLISHED, order="signatures"
            )[:SHOWN]
        ),
        reports=list(
            with_list_relations(public_reports(municipality)).order_by("-created_at", "-id")[:REPORTS_SHOWN]
        ),
        today=local_day(municipality),
    )
