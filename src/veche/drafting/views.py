"""Pages of a drafted text under /m/<slug>/projects/<project_id>/text/: the document, a section with
its discussion and amendments, proposing and supporting amendments, versions and their comparison,
and the organiser's pages (write, publish, decide, publish a version)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.access.predicates import Feature, allows
from veche.comments.forms import CommentForm
from veche.comments.selectors import THREAD_PAGE_SIZE, comments_for
from veche.comments.views import post_comment
from veche.core.errors import NotFound
from veche.core.forms import checked, form_page, press, submit
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import access_project, can_run
from veche.crowdprojects.models import Project
from veche.drafting import services
from veche.drafting.access import (
    access_amendment,
    access_document,
    access_document_to_run,
    access_section,
    access_version,
)
from veche.drafting.forms import AmendmentForm, DecisionForm, DocumentForm, VersionForm
from veche.drafting.models import Amendment, AmendmentKind, AmendmentStatus, Document, Version
from veche.drafting.selectors import (
    compare_versions,
    documents_for,
    section_rows,
    sections_of,
    supported_by,
    versions_of,
    visible_amendments,
    waiting,
)
from veche.drafting.splitting import Part, join_parts
from veche.municipalities.models import Municipality


def _project(request: HttpRequest, slug: str, project_id: int) -> tuple[Municipality, Project]:
    municipality = access_municipality(request.user, slug)
    return municipality, access_project(request.user, project_id, municipality=municipality)


def _base(municipality: Municipality, project: Project, **more: Any) -> dict[str, Any]:
    return {"municipality": municipality, "project": project, **more}


def _version(request: HttpRequest, document: Document, name: str = "version") -> Version:
    """The version a page names with ?version=, else the latest."""
    number = request.GET.get(name)
    return access_version(document, number) if number else services.latest_version(document)


def document_list(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    runs = can_run(request.user, project)
    documents = list(documents_for(project=project, viewer=request.user, runs=runs))
    return render(
        request, "drafting/list.html", _base(municipality, project, documents=documents, can_run=runs)
    )


def document_detail(request: HttpRequest, slug: str, project_id: int, document_id: int) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    version = _version(request, document)
    latest = services.latest_version(document)
    phase = services.drafting_phase(project)
    context = _base(
        municipality,
        project,
        document=document,
        version=version,
        latest=latest,
        rows=section_rows(version, viewer=request.user),
        can_run=can_run(request.user, project),
        can_amend=allows(request.user, municipality, Feature.AMEND, phase),
        waiting=waiting(document).count(),
    )
    return render(request, "drafting/document.html", context)


def _section_context(
    request: HttpRequest, slug: str, project_id: int, document_id: int, key: int
) -> dict[str, Any]:
    municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    version = _version(request, document)
    latest = services.latest_version(document)
    section = access_section(version, key)
    amendments = list(
        visible_amendments(document=document, viewer=request.user)
        .filter(section_key=section.key)
        .order_by("-supporters_count", "created_at", "id")
    )
    phase = services.drafting_phase(project)
    thread = comments_for(target=section, viewer=request.user).order_by("created_at", "id")
    comments = Paginator(thread, THREAD_PAGE_SIZE).get_page(request.GET.get("page"))
    return _base(
        municipality,
        project,
        document=document,
        version=version,
        latest=latest,
        section=section,
        amendments=amendments,
        supported=supported_by(request.user, amendments),
        can_run=can_run(request.user, project),
        can_amend=allows(request.user, municipality, Feature.AMEND, phase),
        can_support=allows(request.user, municipality, Feature.AMEND, phase),
        can_comment=allows(request.user, municipality, Feature.COMMENT, phase)
        if version.pk == latest.pk and document.published_at
        else None,
        comment_form=CommentForm(),
        comments=comments,
        heading=_("Discussion of this section"),
        post_url=reverse("drafting:comment", args=[slug, project.pk, document.pk, section.key]),
        Status=AmendmentStatus,
        Kind=AmendmentKind,
        decision_form=DecisionForm(),
    )


def section_detail(
    request: HttpRequest, slug: str, project_id: int, document_id: int, key: int
) -> HttpResponse:
    return render(
        request, "drafting/section.html", _section_context(request, slug, project_id, document_id, key)
    )


@login_required
@require_POST
def section_comment(
    request: HttpRequest, slug: str, project_id: int, document_id: int, key: int
) -> HttpResponse:
    """A comment under the latest wording of a section, while the drafting stage runs."""
    municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    if document.published_at is None:
        raise NotFound()
    section = access_section(services.latest_version(document), key)
    url = reverse("drafting:section", args=[slug, project.pk, document.pk, section.key])
    return post_comment(
        request,
        municipality,
        section,
        url,
        services.drafting_phase(project),
        paged=True,
        create=services.section_comment,
    )


@login_required
@require_http_methods(["GET", "POST"])
def amendment_create(
    request: HttpRequest, slug: str, project_id: int, document_id: int, key: int
) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    if document.published_at is None:
        raise NotFound()
    latest = services.latest_version(document)
    section = access_section(latest, key)
    form = AmendmentForm(request.POST or None, initial={"body": section.body})
    section_url = reverse("drafting:section", args=[slug, project.pk, document.pk, section.key])
    return form_page(
        request,
        form,
        lambda data: services.amendment_propose(
            author=signed_in(request),
            section=section,
            kind=data["kind"],
            body=data["body"],
            heading=data["heading"],
            rationale=data["rationale"],
        ),
        done=_("Your amendment is proposed. Others can now support it."),
        then=lambda amendment: f"{section_url}#amendment-{amendment.pk}",
        template="drafting/amend.html",
        context=lambda: _base(
            municipality,
            project,
            document=document,
            section=section,
            can_amend=allows(request.user, municipality, Feature.AMEND, services.drafting_phase(project)),
        ),
    )


def _press_amendment(
    request: HttpRequest,
    names: tuple[str, int, int, int],
    act: Callable[[Amendment], object],
    *,
    done: str,
) -> HttpResponse:
    """A resident's button on an amendment (support, withdraw): the amendment the URL names, `act` on it
    through `press`, back to it on its section's page."""
    slug, project_id, document_id, amendment_id = names
    _municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    amendment = access_amendment(request.user, amendment_id, document=document)
    back = reverse("drafting:section", args=[slug, project.pk, document.pk, amendment.section_key])
    return press(request, lambda: act(amendment), done=done, back_to=f"{back}#amendment-{amendment.pk}")


@login_required
@require_POST
def amendment_support(
    request: HttpRequest, slug: str, project_id: int, document_id: int, amendment_id: int
) -> HttpResponse:
    return _press_amendment(
        request,
        (slug, project_id, document_id, amendment_id),
        lambda amendment: services.amendment_support(user=signed_in(request), amendment=amendment),
        done=_("You support the amendment."),
    )


@login_required
@require_POST
def amendment_withdraw(
    request: HttpRequest, slug: str, project_id: int, document_id: int, amendment_id: int
) -> HttpResponse:
    return _press_amendment(
        request,
        (slug, project_id, document_id, amendment_id),
        lambda amendment: services.amendment_withdraw(actor=signed_in(request), amendment=amendment),
        done=_("Your amendment is withdrawn."),
    )


@login_required
@require_POST
def amendment_decide(
    request: HttpRequest, slug: str, project_id: int, document_id: int, amendment_id: int
) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    document = access_document_to_run(request.user, document_id, project=project)
    amendment = access_amendment(request.user, amendment_id, document=document)
    form = DecisionForm(request.POST)
    back = reverse("drafting:section", args=[slug, project.pk, document.pk, amendment.section_key])

    def decide() -> object:
        data = checked(form)
        return services.amendment_decide(
            actor=signed_in(request),
            amendment=amendment,
            accept=data["decision"] == "accept",
            reason=data["reason"],
        )

    return press(
        request,
        decide,
        done=_("Decided: amendment #%(id)d.") % {"id": amendment.pk},
        back_to=f"{back}#amendment-{amendment.pk}",
        about=f"#{amendment.pk}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    if not can_run(request.user, project):
        raise NotFound()
    form = DocumentForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.document_create(
            actor=signed_in(request), project=project, title=data["title"], text=data["text"]
        ),
        done=_("The document is saved as a draft. Check its sections, then publish it."),
        then=lambda document: document.get_absolute_url(),
        template="drafting/edit.html",
        context=lambda: _base(municipality, project, document=None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, slug: str, project_id: int, document_id: int) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    document = access_document_to_run(request.user, document_id, project=project)
    if document.published_at is not None:
        messages.error(request, _("A published document changes only by amendments, in a new version."))
        return redirect(document.get_absolute_url())
    parts = [Part(s.number, s.heading, s.body) for s in sections_of(services.latest_version(document))]
    form = DocumentForm(request.POST or None, initial={"title": document.title, "text": join_parts(parts)})
    return form_page(
        request,
        form,
        lambda data: services.document_update(
            actor=signed_in(request), document=document, title=data["title"], text=data["text"]
        ),
        done=_("The draft is saved."),
        then=document.get_absolute_url(),
        template="drafting/edit.html",
        context=lambda: _base(municipality, project, document=document),
    )


@login_required
@require_POST
def document_publish(request: HttpRequest, slug: str, project_id: int, document_id: int) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    document = access_document_to_run(request.user, document_id, project=project)
    return press(
        request,
        lambda: services.document_publish(actor=signed_in(request), document=document),
        done=_("The document is published as version 1."),
        back_to=document.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_create(request: HttpRequest, slug: str, project_id: int, document_id: int) -> HttpResponse:
    """The organiser's page of a new version: the accepted amendments it will apply, and a note."""
    municipality, project = _project(request, slug, project_id)
    document = access_document_to_run(request.user, document_id, project=project)
    form = VersionForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: services.version_publish(actor=signed_in(request), document=document, note=data["note"]),
    )
    if submitted.ok:
        version = submitted.result
        messages.success(request, _("Version %(n)d is published.") % {"n": version.number})
        url = reverse("drafting:compare", args=[slug, project.pk, document.pk])
        return redirect(f"{url}?from={version.number - 1}&to={version.number}")
    context = _base(
        municipality,
        project,
        document=document,
        form=form,
        latest=services.latest_version(document),
        waiting=list(waiting(document).select_related("author", "section")),
        Kind=AmendmentKind,
    )
    return render(request, "drafting/version_new.html", context, status=submitted.status)


def version_list(request: HttpRequest, slug: str, project_id: int, document_id: int) -> HttpResponse:
    municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    versions = versions_of(document)
    return render(
        request,
        "drafting/versions.html",
        _base(
            municipality,
            project,
            document=document,
            versions=versions,
            can_run=can_run(request.user, project),
        ),
    )


def version_compare(request: HttpRequest, slug: str, project_id: int, document_id: int) -> HttpResponse:
    """Two versions section by section: ?from=1&to=3 (by default the one before the latest and the latest)."""
    municipality, project = _project(request, slug, project_id)
    document = access_document(request.user, document_id, project=project)
    versions = versions_of(document)
    latest = versions[-1]
    to = _version(request, document, "to") if request.GET.get("to") else latest
    if request.GET.get("from"):
        start = _version(request, document, "from")
    else:
        start = next((v for v in versions if v.number == to.number - 1), to)
    rate_limit_request("compare", request)
    diffs = compare_versions(document, start, to)
    context = _base(
        municipality,
        project,
        document=document,
        versions=versions,
        start=start,
        to=to,
        diffs=diffs,
        changed=sum(1 for d in diffs if d.status != "unchanged"),
    )
    return render(request, "drafting/compare.html", context)
