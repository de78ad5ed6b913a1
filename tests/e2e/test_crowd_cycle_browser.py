"""A crowd project's whole cycle in a real Chromium (issue 12, "Done when"): one project made from the
"full" template goes through its stages, the timeline moved between steps so that the next stage runs
now. A verified resident, in Russian on a 390 px phone, proposes an idea through the form, supports
another, comments on one with a side, rates one, casts an approval ballot and files a monitoring
report with a photo; the organiser (the municipal admin), in English on a 1280 px desktop, merges two
duplicate ideas, decides every idea with a reason, publishes the selection, adds a milestone and
reports its progress. After every step the database holds what was done exactly once, and the page
shows it. Every page on the way is checked (tests/e2e/helpers.py). Screenshots go to /tmp/crowd-cycle/.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext

from tests.e2e.helpers import ENGLISH_DESKTOP, RUSSIAN_PHONE, Setting, Walk
from veche.accounts.models import User
from veche.comments.models import Comment
from veche.core.testing import jpeg_bytes
from veche.crowdprojects.models import (
    CrowdBallot,
    Decision,
    Idea,
    IdeaRating,
    IdeaStatus,
    IdeaSupport,
    Milestone,
    MilestoneUpdate,
    MonitoringReport,
    Project,
    Stage,
    StageKind,
)
from veche.crowdprojects.services.ideas import idea_create, idea_support
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.ledger.models import LedgerEntry
from veche.municipalities.models import District, Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/crowd-cycle"  # noqa: S108 - screenshots for a person to look at


def stage_runs_now(project: Project, kind: str) -> None:
    """Move the project's whole timeline so that its stage of `kind` began a minute ago (the stages
    before it are over, those after it to come). Written directly: the services refuse past dates."""
    stages = list(Stage.objects.filter(project=project).order_by("position"))
    stage = next(s for s in stages if s.kind == kind)
    shift = stage.starts_at - (timezone.now() - timedelta(minutes=1))
    for s in stages:
        s.starts_at -= shift
        s.ends_at -= shift
    Stage.objects.bulk_update(stages, ["starts_at", "ends_at"])
    Project.objects.filter(pk=project.pk).update(starts_at=stages[0].starts_at, ends_at=stages[-1].ends_at)


def test_a_crowd_project_from_the_first_idea_to_monitoring(
    walker: Callable[[Setting], Walk],
    municipality: Municipality,
    central: District,
    resident_of: Callable[..., User],
    municipal_admin: User,
) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    slug = municipality.slug
    project = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.IDEAS,
        title="Набережная Северного района",
    )
    base = f"/m/{slug}/projects/{project.pk}"
    anna = resident_of("anna", central)
    boris, vera, gleb = (resident_of(name, central) for name in ("boris", "vera", "gleb"))
    now = timezone.now()
    benches = idea_create(
        author=boris, project=project, title="Скамейки у реки", body="Поставить скамейки вдоль реки.", now=now
    )
    lights = idea_create(
        author=boris,
        project=project,
        title="Фонари вдоль набережной",
        body="Набережная тёмная по вечерам: нужны фонари.",
        now=now,
    )
    lamps = idea_create(
        author=vera,
        project=project,
        title="Освещение набережной",
        body="Вечером по набережной страшно ходить, повесьте освещение.",
        now=now,
    )
    # Gleb supports both duplicates; after the merge he counts once.
    idea_support(user=gleb, idea=lights, now=now)
    idea_support(user=gleb, idea=lamps, now=now)

    resident = walker(RUSSIAN_PHONE)
    resident.as_(anna)
    organiser = walker(ENGLISH_DESKTOP)
    organiser.as_(municipal_admin)
    page = resident.page

    # Ideas: Anna proposes an idea through the form …
    resident.open(f"{base}/ideas/new/")
    page.fill("[name=title]", "Велодорожка вдоль воды")
    page.fill("[name=body]", "Отдельная велодорожка от моста до парка, с разметкой.")
    resident.press("Publish the idea")
    mine = Idea.objects.get(project=project, author=anna)
    assert mine.title == "Велодорожка вдоль воды"
    assert Idea.objects.filter(project=project, author=anna).count() == 1
    assert resident.url == f"{base}/ideas/{mine.pk}/"
    assert page.locator("#idea-title").inner_text() == "Велодорожка вдоль воды"

    # … and supports Boris's benches.
    resident.open(f"{base}/ideas/{benches.pk}/")
    resident.press("Support this idea")
    assert IdeaSupport.objects.filter(petition=benches, user=anna).count() == 1
    assert page.locator("#idea-support").get_attribute("data-supporters") == "1"

    # The organiser merges the duplicate lamps into the lights.
    opage = organiser.page
    organiser.open(f"{base}/ideas/{lamps.pk}/")
    opage.select_option("#merge [name=target]", str(lights.pk))
    opage.fill("#merge [name=reason]", "The same request for lights on the embankment.")
    organiser.press(organiser.button("Merge", within=opage.locator("#merge")))
    assert organiser.url == f"{base}/ideas/{lights.pk}/"
    lamps.refresh_from_db()
    lights.refresh_from_db()
    assert lamps.status == IdeaStatus.MERGED and lamps.merged_into_id == lights.pk
    assert IdeaSupport.objects.filter(petition=lights, user=gleb).count() == 1
    assert lights.endorsements_count == 1
    assert opage.locator("#idea-support").get_attribute("data-supporters") == "1"
    organiser.open(f"{base}/ideas/{lamps.pk}/")
    merged = opage.locator("#merged-into")
    assert organiser._("Merged into") in merged.inner_text()
    assert merged.get_by_role("link", name=lights.title).is_visible()

    # Discussion: Anna comments on the benches, for the idea.
    stage_runs_now(project, StageKind.DISCUSSION)
    resident.open(f"{base}/ideas/{benches.pk}/")
    discussion = page.locator("#discussion")
    discussion.locator("textarea[name=body]").fill("Очень нужно: пожилым людям негде присесть.")
    discussion.get_by_label(resident._("for the idea"), exact=True).check()
    resident.press(resident.button("Post", within=discussion))
    comments = Comment.objects.filter(author=anna)
    assert comments.count() == 1
    comment = comments.get()
    assert comment.stance == "for" and comment.target == benches
    assert page.locator("#arguments [data-stance=for]").get_attribute("data-count") == "1"
    assert "пожилым людям" in page.locator("#discussion").inner_text()
    page.screenshot(path=f"{SHOTS}/idea-ru.png", full_page=True)

    # Assessment: Anna rates the lights 4 of 5 (htmx swaps the rating box).
    stage_runs_now(project, StageKind.ASSESSMENT)
    resident.open(f"{base}/ideas/{lights.pk}/")
    rating = page.locator("#rating")
    rating.get_by_label("4", exact=True).check()
    resident.button("Rate", within=rating).click()
    page.locator("#rating [data-stars='4']").wait_for()
    resident.check()
    assert IdeaRating.objects.filter(user=anna).count() == 1
    assert IdeaRating.objects.get(user=anna).idea_id == lights.pk
    assert IdeaRating.objects.get(user=anna).stars == 4

    # Voting: Anna approves the benches and the lights and sees her receipt.
    stage_runs_now(project, StageKind.VOTING)
    resident.open(f"{base}/vote/")
    page.screenshot(path=f"{SHOTS}/ballot-ru.png", full_page=True)
    ballot_form = page.locator("#ballot form")
    ballot_form.get_by_label(benches.title).check()
    ballot_form.get_by_label(lights.title).check()
    resident.press("Cast my ballot")
    ballot = CrowdBallot.objects.get(project=project, user=anna)
    assert CrowdBallot.objects.filter(user=anna).count() == 1
    assert {c.idea_id for c in ballot.choices.all()} == {benches.pk, lights.pk}
    assert ballot.receipt and LedgerEntry.objects.filter(entry_hash=ballot.receipt).count() == 1
    assert page.get_by_role("heading", name=resident._("Your ballot is counted")).is_visible()
    assert ballot.receipt in page.content()
    page.screenshot(path=f"{SHOTS}/receipt-ru.png", full_page=True)

    # Selection: the organiser decides every idea with a reason and publishes.
    stage_runs_now(project, StageKind.SELECTION)
    organiser.open(f"{base}/selection/")
    to_decide = [benches, lights, mine]
    reasons = {
        benches.pk: "Benches are cheap and the most supported idea.",
        lights.pk: "Lighting is already in the city's plan for next year.",
        mine.pk: "The embankment is too narrow for a separate cycle lane.",
    }
    for idea in to_decide:
        row = opage.locator(f"#idea-{idea.pk}")
        chosen = "yes" if idea == benches else "no"
        row.locator(f"input[name=decision][value={chosen}]").check()
        row.locator("[name=reason]").fill(reasons[idea.pk])
        if chosen == "yes":
            row.locator("[name=department]").select_option(label="Roads")
            row.locator("[name=planned_by]").fill((timezone.localdate() + timedelta(days=120)).isoformat())
        organiser.press(organiser.button("Save the decision", within=row))
    decisions = Decision.objects.filter(idea__project=project)
    assert decisions.count() == 3
    for decision in decisions.select_related("idea", "department"):
        assert decision.idea.answer == reasons[decision.idea_id]  # the reason is the idea's answer
        assert decision.selected == (decision.idea_id == benches.pk)
    assert decisions.get(selected=True).department == municipality.departments.get(name_en="Roads")
    assert opage.locator("[data-undecided]").get_attribute("data-undecided") == "0"
    organiser.press("Publish the selection")
    benches.refresh_from_db()
    mine.refresh_from_db()
    assert benches.status == IdeaStatus.SELECTED
    assert mine.status != IdeaStatus.SELECTED
    organiser.open(f"{base}/selection/")
    assert organiser._("The selection was published on") in opage.locator(".notice.ok").inner_text()

    # Implementation: the organiser adds a milestone to the benches and reports its progress.
    stage_runs_now(project, StageKind.IMPLEMENTATION)
    organiser.open(f"{base}/ideas/{benches.pk}/implementation/")
    section = opage.locator("#milestones")
    section.locator("[name=title]").fill("Order the benches")
    section.locator("[name=due_on]").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    organiser.press(organiser.button("Add", within=section))
    milestone = Milestone.objects.get(idea=benches)
    assert milestone.title == "Order the benches"
    row = opage.locator(f"#milestone-{milestone.pk}")
    row.locator("summary").click()
    row.locator("[name=text]").fill("Twelve benches ordered from the city's supplier.")
    row.locator("[name=progress]").fill("40")
    organiser.press(organiser.button("Publish the update", within=row))
    milestone.refresh_from_db()
    assert milestone.progress == 40
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 1
    assert opage.locator(f"#milestone-{milestone.pk}").get_attribute("data-progress") == "40"

    # Anna files a monitoring report with a photo on the benches' implementation page.
    resident.open(f"{base}/ideas/{benches.pk}/implementation/")
    assert page.locator(f"#milestone-{milestone.pk}").get_attribute("data-progress") == "40"
    monitoring = page.locator("#monitoring")
    monitoring.locator("input[name=verdict][value=partly]").check()
    monitoring.locator("[name=text]").fill("Две скамейки уже стоят у моста, остальных пока нет.")
    monitoring.locator("[name=photos]").set_input_files(
        [{"name": "bench.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    with translation.override(resident.language):
        send = pgettext("monitoring", "Send the report")
    resident.press(monitoring.get_by_role("button", name=send, exact=True))
    reports = MonitoringReport.objects.filter(idea=benches)
    assert reports.count() == 1
    report = reports.get()
    assert report.author == anna and report.verdict == "partly"
    assert report.photos.count() == 1
    resident.open(f"{base}/ideas/{benches.pk}/implementation/")
    shown = page.locator(f"#report-{report.pk}")
    assert "Две скамейки" in shown.inner_text()
    assert shown.locator("img").count() == 1
    page.screenshot(path=f"{SHOTS}/implementation-ru.png", full_page=True)
