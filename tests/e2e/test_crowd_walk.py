"""A walk through every page of crowd projects (model 1) in a real Chromium, as a resident and as the
organising official, in both settings of the walks (Russian on a 390 px phone, English on a 1280 px
desktop): the project list and pages, ideas, the ballot and its results, the selection, the final
report, an idea's implementation, the meetings, the drafted text, co-financing, and the staff's pages.
Every page passes `check_page` (no sideways scroll, no serious axe violation), is in the walk's
language, has no touch target under 44 px on the phone, and links to the project's other pages where
a person goes next. Screenshots go to /tmp/crowdwalk/ for a person to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.helpers import Walk, page_problems
from tests.e2e.test_phone_layout import TARGETS
from veche.accounts.models import User
from veche.crowdprojects.models import IdeaSupport
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.tests.selection_helpers import idea_in, implementing
from veche.crowdprojects.tests.voting_helpers import voting_project
from veche.drafting.tests.helpers import drafting_project, published_document
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.meetings.services import minutes_publish
from veche.meetings.tests.helpers import announce, held, running_project
from veche.municipalities.models import District, Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/crowdwalk"  # noqa: S108 - screenshots for a person to look at
# English words a Russian page must not show (the site's own words, not the data's).
ENGLISH = re.compile(
    r"\b(the|and|of|to|is|are|by|for|with|Ideas?|Vote|Results|Report|Project|Meeting|Stage)\b"
)


def _look(walk: Walk, name: str, path: str, problems: list[str], links: tuple[str, ...] = ()) -> None:
    """Open `path`, take its screenshot, and note what is wrong with it."""
    answer = walk.page.goto(walk.base + path)
    status = answer.status if answer is not None else None
    os.makedirs(SHOTS, exist_ok=True)
    walk.page.screenshot(path=f"{SHOTS}/{name}-{walk.setting}.png", full_page=True)
    if status != 200:
        problems.append(f"{name} {path}: status {status}")
        return
    if walk.page.get_attribute("html", "lang") != walk.language:
        problems.append(f"{name}: not in {walk.language}")
    problems.extend(f"{name}: {problem}" for problem in page_problems(walk.page))
    if walk.setting.width < 1000:
        small = walk.page.evaluate(TARGETS)
        if small:
            problems.append(f"{name}: small targets {small}")
    if walk.language == "ru":
        text = walk.page.locator("main").inner_text()
        english = sorted(set(ENGLISH.findall(text)) - DATA_WORDS)
        if english:
            problems.append(f"{name}: English words on a Russian page {english}")
    hrefs = walk.page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    for link in links:
        if not any(href.split("?")[0].split("#")[0] == link for href in hrefs):
            problems.append(f"{name}: no link to {link}")


# Words of the test's own data (titles and texts written in English by the parts' helpers).
DATA_WORDS = {"the", "and", "of", "by", "for", "with", "to", "is", "are"}


def test_a_resident_and_an_official_walk_the_crowd_projects(
    walk: Walk,
    municipality: Municipality,
    make_user: Callable[..., User],
    resident_of: Callable[..., User],
) -> None:
    admin = make_user("cityadmin", role="admin", municipality=municipality)
    author = make_user("author")
    central = District.objects.get(municipality=municipality, slug="d1")
    resident = resident_of("voter", central)
    slug = f"/m/{municipality.slug}"

    # Ideas are being gathered; a meeting is announced and another has been held, with its minutes.
    gathering = running_project(admin, municipality, title="Какой быть набережной в Северном районе?")
    idea = idea_in(gathering, author, "Скамейки вдоль реки")
    IdeaSupport.objects.create(petition=idea, user=admin, tier=1, created_at=timezone.now())
    coming = announce(admin, gathering)
    past = held(announce(admin, gathering, title="Первая встреча у реки"))
    minutes_publish(
        actor=admin, meeting=past, minutes="Решили собрать идеи до конца месяца.", ideas=[idea.pk]
    )
    # The vote runs, and the resident has voted.
    voting, ballot = voting_project(actor=admin, municipality=municipality, author=author, approval_limit=2)
    ballot_cast(user=resident, project=voting, ideas=[ballot[0].pk])
    # The selection is published and an idea is being carried out.
    done = implementing(actor=admin, municipality=municipality, author=author)
    # A text is drafted together; a taken-up idea is co-financed.
    drafting = drafting_project(actor=admin, municipality=municipality)
    document = published_document(actor=admin, project=drafting)
    cofinanced = cofinanced_project(actor=admin, municipality=municipality)
    campaign = open_campaign(
        actor=admin,
        idea=taken_up_idea(project=cofinanced, author=author),
        deadline=timezone.now() + timedelta(days=7),
    )

    g, v, d = (
        f"{slug}/projects/{gathering.pk}",
        f"{slug}/projects/{voting.pk}",
        f"{slug}/projects/{done.project.pk}",
    )
    t = f"{slug}/projects/{drafting.pk}"
    problems: list[str] = []
    walk.as_(resident)
    _look(walk, "list", f"{slug}/projects/", problems, (f"{g}/",))
    _look(
        walk, "gathering", f"{g}/", problems, (f"{g}/ideas/new/", f"{g}/ideas/{idea.pk}/", f"{g}/meetings/")
    )
    _look(walk, "idea", f"{g}/ideas/{idea.pk}/", problems, (f"{g}/",))
    _look(walk, "idea-new", f"{g}/ideas/new/", problems, (f"{g}/",))
    _look(walk, "meetings", f"{g}/meetings/", problems, (f"{g}/", f"{g}/meetings/{coming.pk}/"))
    _look(walk, "meeting", f"{g}/meetings/{coming.pk}/", problems, (f"{g}/meetings/",))
    _look(walk, "meeting-held", f"{g}/meetings/{past.pk}/", problems, (f"{g}/ideas/{idea.pk}/",))
    _look(walk, "voting", f"{v}/", problems, (f"{v}/vote/",))
    _look(walk, "vote", f"{v}/vote/", problems, (f"{v}/",))
    _look(walk, "results", f"{d}/results/", problems, (f"{d}/",))
    _look(walk, "implementing", f"{d}/", problems, (f"{d}/report/",))
    _look(
        walk, "report", f"{d}/report/", problems, (f"{d}/", f"{d}/ideas/{done.taken_up.pk}/implementation/")
    )
    taken_up = f"{d}/ideas/{done.taken_up.pk}"
    _look(walk, "idea-taken-up", f"{taken_up}/", problems, (f"{taken_up}/implementation/",))
    _look(walk, "implementation", f"{d}/ideas/{done.taken_up.pk}/implementation/", problems, (f"{d}/",))
    _look(walk, "drafting", f"{t}/", problems, (f"{t}/text/{document.pk}/",))
    _look(walk, "texts", f"{t}/text/", problems, (f"{t}/", f"{t}/text/{document.pk}/"))
    _look(walk, "text", f"{t}/text/{document.pk}/", problems, (f"{t}/", f"{t}/text/{document.pk}/versions/"))
    _look(walk, "versions", f"{t}/text/{document.pk}/versions/", problems, (f"{t}/text/{document.pk}/",))
    _look(
        walk, "cofinanced", f"{slug}/projects/{cofinanced.pk}/", problems, (f"{slug}/funding/{campaign.pk}/",)
    )
    _look(
        walk, "campaign", f"{slug}/funding/{campaign.pk}/", problems, (f"{slug}/projects/{cofinanced.pk}/",)
    )

    walk.as_(admin)
    staff = f"{slug}/staff/projects"
    _look(walk, "staff-list", f"{staff}/", problems)
    _look(walk, "staff-project", f"{staff}/{gathering.pk}/", problems, (f"{g}/",))
    _look(walk, "staff-edit", f"{staff}/{gathering.pk}/edit/", problems)
    _look(walk, "staff-stages", f"{staff}/{gathering.pk}/stages/", problems)
    _look(walk, "dashboard", f"{staff}/{gathering.pk}/dashboard/", problems, (f"{staff}/{gathering.pk}/",))
    _look(walk, "ballot", f"{v}/vote/", problems, (f"{v}/", f"{v}/ideas/{ballot[0].pk}/"))
    _look(walk, "selection", f"{d}/selection/", problems, (f"{d}/",))
    _look(walk, "staff-implementation", f"{d}/ideas/{done.taken_up.pk}/implementation/", problems)
    _look(walk, "meeting-new", f"{g}/meetings/new/", problems)
    _look(walk, "meeting-registrations", f"{g}/meetings/{coming.pk}/registrations/", problems)
    _look(walk, "minutes", f"{g}/meetings/{past.pk}/minutes/", problems)
    _look(walk, "text-new", f"{t}/text/new/", problems)
    _look(walk, "text-edit", f"{t}/text/{document.pk}/versions/new/", problems)
    _look(walk, "campaign-staff", f"{slug}/funding/{campaign.pk}/", problems)
    _look(walk, "treasury", f"{slug}/funding/treasury/", problems)
    assert not problems, "\n".join(problems)
