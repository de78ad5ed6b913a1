"""Pages of a project's ideas: propose one (with the similar ideas shown while typing), an idea's
page with its support, edit, merge and discussion, and the ideas' section of the project page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veche.access.functions import access_municipality, is_author
from veche.access.predicates import Feature, allows
from veche.access.roles import is_signed_in
from veche.comments.forms import CommentForm
from veche.comments.selectors import THREAD_PAGE_SIZE, comments_for
from veche.core.errors import NotFound
from veche.core.forms import checked, press, submit
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import access_idea, access_project
from veche.crowdprojects.idea_forms import IdeaForm, MergeForm
from veche.crowdprojects.ideas_selectors import SORTS, Similar, ideas_for, project_tags, similar_ideas
from veche.crowdprojects.models import Idea, IdeaRating, IdeaStatus, Project, StageKind
from veche.crowdprojects.sections import Page, register
from veche.crowdprojects.selectors import current_phase
from veche.crowdprojects.services import ideas as services
from veche.crowdprojects.services.assessment import rate_decision
from veche.crowdprojects.services.discussion import comment_decision
from veche.crowdprojects.stages import phase_of
from veche.crowdprojects.wisdom_selectors import arguments_of
from veche.petitions.selectors import endorsement_of
from veche.reports.forms import seen_reports

PAGE_SIZE = 20


def _project(request: HttpRequest, slug: str, project_id: int) -> Project:
    municipality = access_municipality(request.user, slug)
    return access_project(request.user, project_id, municipality=municipality)


def _idea(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> Idea:
    return access_idea(request.user, idea_id, project=_project(request, slug, project_id))


# The section of the project page --------------------------------------------------------------------


def section_context(page: Page) -> dict[str, Any] | None:
    """The project's ideas, by tag, newest or most supported first, a page at a time; nothing for a
    project without an ideas stage."""
    if not any(stage.kind == StageKind.IDEAS for stage in page.stages):
        return None
    request, project = page.request, page.project
    sort = request.GET.get("sort", "new")
    sort = sort if sort in SORTS else "new"
    # A tag is a word: control characters (a NUL, which PostgreSQL cannot compare) match none.
    tag = "".join(c for c in request.GET.get("tag", "")[:30] if c.isprintable())
    ideas = ideas_for(project=project, viewer=request.user, tag=tag, sort=sort)
    phase = phase_of(project, page.current)
    return {
        "ideas": Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page")),
        "idea_sort": sort,
        "idea_tag": " ".join(tag.split()).lower(),
        "idea_tags": project_tags(project),
        "can_propose": allows(request.user, project.municipality, Feature.SUBMIT, phase),
        "IdeaStatus": IdeaStatus,
    }


register("ideas", order=20, template="crowdprojects/ideas/_section.html", context=section_context)


# Proposing an idea ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """Propose an idea. Ideas of the project that look like it are shown while typing (the `similar`
    box, filled by a script); without the script, or when one appeared since, the first send shows
    them and writes nothing until the resident confirms theirs is different (as reports' duplicates)."""
    project = _project(request, slug, project_id)
    user = signed_in(request)
    now = timezone.now()
    phase = current_phase(project, now)
    decision = allows(user, project.municipality, Feature.SUBMIT, phase)
    form = IdeaForm(request.POST or None, request.FILES or None)
    similar: list[Similar] = []
    if request.method == "POST" and decision and form.is_valid():
        data = form.cleaned_data
        similar = similar_ideas(project=project, text=f"{data['title']} {data['body']}")
    seen = seen_reports(request.POST.get("confirm", ""))
    confirming = any(s.idea.pk not in seen for s in similar)
    status = 200
    if request.method == "POST" and not decision:
        status = 409 if decision.closed else 403
    elif not confirming:
        submitted = submit(
            request,
            form,
            lambda data: services.idea_create(
                author=user,
                project=project,
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                photos=data["photos"],
                now=now,
            ),
        )
        if submitted.ok:
            messages.success(request, _("Your idea is published. Ask your neighbours to support it."))
            return redirect(submitted.result.get_absolute_url())
        status = submitted.status
    context = {
        "municipality": project.municipality,
        "project": project,
        "form": form,
        "decision": decision,
        "similar": similar,
        "confirming": confirming,
        "can_support": bool(allows(user, project.municipality, Feature.SUPPORT, phase)),
    }
    return render(request, "crowdprojects/ideas/new.html", context, status=status)


@require_GET
def idea_similar(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """The ideas of the project that look like the draft in `text` (or `title` and `body`): the form's
    box as an HTML fragment, or JSON for a script that asks for it."""
    project = _project(request, slug, project_id)
    rate_limit_request("similar", request)
    text = " ".join(request.GET.get(name, "")[:5000] for name in ("text", "title", "body"))
    similar = similar_ideas(project=project, text=text)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "results": [
                    {
                        "id": s.idea.pk,
                        "title": s.idea.title,
                        "supporters": s.idea.endorsements_count,
                        "url": s.idea.get_absolute_url(),
                        "score": round(s.score, 3),
                    }
                    for s in similar
                ]
            }
        )
    phase = current_phase(project, timezone.now())
    context = {
        "municipality": project.municipality,
        "project": project,
        "similar": similar,
        "can_support": bool(allows(request.user, project.municipality, Feature.SUPPORT, phase)),
    }
    return render(request, "crowdprojects/ideas/_similar.html", context)


# One idea -------------------------------------------------------------------------------------------


def idea_detail(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    idea = _idea(request, slug, project_id, idea_id)
    project, user = idea.project, request.user
    now = timezone.now()
    phase = services.idea_phase(idea, now)
    comments = comments_for(target=idea, viewer=user, replies=False).order_by("created_at", "id")
    rating = IdeaRating.objects.filter(idea=idea, user=user).first() if is_signed_in(user) else None
    may_merge = (
        services.can_merge(user, project) and idea.status == IdeaStatus.PUBLISHED and not idea.is_hidden
    )
    context = {
        "municipality": project.municipality,
        "project": project,
        "idea": idea,
        "IdeaStatus": IdeaStatus,
        "authors": services.idea_authors(idea),
        "photos": list(idea.photos.all()),
        "support": endorsement_of(services.RULES.endorsement, petition=idea, user=user),
        "collecting": Feature.SUPPORT in phase.features,
        "can_support": allows(user, project.municipality, Feature.SUPPORT, phase),
        "closed_reason": services.RULES.not_endorsable["hidden" if idea.is_hidden else idea.status],
        "can_edit": is_author(user, idea)
        and idea.status == IdeaStatus.PUBLISHED
        and current_phase(project, now).name == StageKind.IDEAS,
        "merge_form": MergeForm(idea=idea) if may_merge else None,
        "comments": Paginator(comments, THREAD_PAGE_SIZE).get_page(request.GET.get("page")),
        "comment_form": CommentForm(),
        # The discussion: for, against or neutral, with the stage, the tier and the project's districts.
        "can_comment": comment_decision(user, idea, now),
        "arguments": arguments_of(idea),
        "can_rate": rate_decision(user, idea, now),
        # The rating box appears once an assessment stage has begun (before, it could only say "not
        # now"), as the project page's assessment section does.
        "rating_shown": project.stages.filter(kind=StageKind.ASSESSMENT, starts_at__lte=now).exists(),
        "my_stars": rating.stars if rating is not None else None,
    }
    return render(request, "crowdprojects/idea.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    idea = _idea(request, slug, project_id, idea_id)
    user = signed_in(request)
    if not is_author(user, idea):
        raise NotFound()
    initial = {
        "title": idea.title,
        "body": idea.body,
        "tags": ", ".join(idea.tag_list),
        "latitude": idea.latitude,
        "longitude": idea.longitude,
    }
    form = IdeaForm(request.POST or None, request.FILES or None, initial=initial)
    submitted = submit(
        request,
        form,
        lambda data: services.idea_update(
            author=user,
            idea=idea,
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            photos=data["photos"],
            now=timezone.now(),
        ),
    )
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect(idea.get_absolute_url())
    context = {"municipality": idea.project.municipality, "project": idea.project, "idea": idea, "form": form}
    return render(request, "crowdprojects/ideas/edit.html", context, status=submitted.status)


@login_required
@require_POST
def idea_support(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    """Support the idea: from its page (back to it with the receipt) or from the similar ideas' box of
    the form (in place, `Accept: application/json`); a repeat is told, not refused."""
    idea = _idea(request, slug, project_id, idea_id)

    def act() -> str:
        try:
            services.idea_support(user=signed_in(request), idea=idea, now=timezone.now())
        except services.AlreadySupported as again:
            return str(again.message)
        return _("Thank you. Your support is counted.")

    return press(request, act, done=lambda notice: notice, back_to=idea.get_absolute_url())


@login_required
@require_POST
def idea_merge(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    idea = _idea(request, slug, project_id, idea_id)
    user = signed_in(request)
    if not services.can_merge(user, idea.project):
        raise NotFound()

    def act() -> Idea:
        data = checked(MergeForm(request.POST, idea=idea))
        target = access_idea(user, data["target"], project=idea.project)
        return services.idea_merge(
            actor=user, source=idea, target=target, reason=data["reason"], now=timezone.now()
        )

    return press(
        request,
        act,
        done=_("The ideas are merged. Their authors and supporters are notified."),
        back_to=idea.get_absolute_url(),
        then=lambda target: target.get_absolute_url(),
    )
