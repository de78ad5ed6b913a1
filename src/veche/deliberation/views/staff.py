"""The staff pages of deliberations under /m/<slug>/staff/deliberations/: the deliberations one runs or
moderates, a new one (standalone, a project's, or imported from Polis), its settings, publishing it,
its statements (moderation and the organisers' own), recomputing its map."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veche.access.roles import OFFICIAL, has_permission
from veche.core.errors import DomainError, NotFound
from veche.core.forms import apply_domain_error, form_page, page_status, press, submit
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import (
    access_project_to_run,
    access_projects_setup,
    access_projects_staff,
    can_set_up_projects,
)
from veche.crowdprojects.models import StageKind
from veche.deliberation import services
from veche.deliberation.access import (
    access_deliberation,
    access_deliberation_to_run,
    access_statement,
    can_moderate_statements,
    can_run_deliberation,
)
from veche.deliberation.engine.polis import Conversation, PolisError, read_comments, read_votes
from veche.deliberation.models import Deliberation, Map, Statement, StatementStatus
from veche.deliberation.staff_forms import (
    DeliberationForm,
    ModerationForm,
    PolisImportForm,
    ProjectDeliberationForm,
    SeedForm,
)
from veche.deliberation.staff_selectors import (
    access_deliberations_staff,
    deliberations_for_staff,
    runs_which,
    statement_counts,
    statements_by_status,
)

PAGE_SIZE = 50


def _edit_url(deliberation: Deliberation) -> str:
    return reverse("deliberation_staff:edit", args=[deliberation.municipality.slug, deliberation.pk])


def _statements_url(deliberation: Deliberation, status: str = StatementStatus.PENDING) -> str:
    url = reverse("deliberation_staff:statements", args=[deliberation.municipality.slug, deliberation.pk])
    return url if status == StatementStatus.PENDING else f"{url}?status={status}"


def public_url(deliberation: Deliberation) -> str:
    """The residents' page of a deliberation ("" while the pages' routes are not installed)."""
    try:
        return deliberation.get_absolute_url()
    except NoReverseMatch:
        return ""


def _form_for(deliberation: Deliberation | None, *args: Any, **kwargs: Any) -> ProjectDeliberationForm:
    standalone = deliberation is None or deliberation.project_id is None
    return (DeliberationForm if standalone else ProjectDeliberationForm)(*args, **kwargs)


@login_required
@require_GET
def deliberation_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_deliberations_staff(request.user, slug)
    page = Paginator(
        deliberations_for_staff(municipality=municipality, viewer=request.user), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    runs = runs_which(municipality=municipality, viewer=request.user)
    rows = [(deliberation, runs(deliberation)) for deliberation in page]
    context = {
        "municipality": municipality,
        "page": page,
        "rows": rows,
        "can_set_up": can_set_up_projects(request.user, municipality),
        "can_open": has_permission(request.user, municipality, "run_projects"),
    }
    return render(request, "deliberation/staff/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A standalone deliberation, as a draft. Officials open one for their own department."""
    municipality = access_projects_staff(request.user, slug)
    form = DeliberationForm(request.POST or None, municipality=municipality)
    if not can_set_up_projects(request.user, municipality):
        # An official opens one for their own department: the choice is among theirs.
        theirs = municipality.departments.filter(officials__user=signed_in(request), officials__role=OFFICIAL)
        form.fields["department"].queryset = theirs.order_by("name")  # type: ignore[attr-defined]
        form.fields["department"].required = True
    return form_page(
        request,
        form,
        lambda _data: services.deliberation_create(
            actor=signed_in(request), municipality=municipality, **form.settings()
        ),
        done=_("The draft is saved. Add the first statements, then publish it."),
        then=_edit_url,
        template="deliberation/staff/edit.html",
        context=lambda: {"municipality": municipality, "deliberation": None, "project": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_deliberation_create(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """The deliberation of a project with an opinion-mapping stage (one per project)."""
    municipality = access_projects_staff(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    if not project.stages.filter(kind=StageKind.DELIBERATION).exists():
        raise NotFound()
    existing = Deliberation.objects.filter(project=project).select_related("municipality").first()
    if existing is not None:
        return redirect(_edit_url(existing))
    form = ProjectDeliberationForm(
        request.POST or None, municipality=municipality, initial={"title": project.title}
    )
    return form_page(
        request,
        form,
        lambda _data: services.deliberation_create(
            actor=signed_in(request), municipality=municipality, project=project, **form.settings()
        ),
        done=_("The draft is saved. Add the first statements, then publish it."),
        then=_edit_url,
        template="deliberation/staff/edit.html",
        context=lambda: {"municipality": municipality, "deliberation": None, "project": project},
    )


def _to_run(request: HttpRequest, slug: str, deliberation_id: int) -> Deliberation:
    municipality = access_deliberations_staff(request.user, slug)
    return access_deliberation_to_run(request.user, deliberation_id, municipality=municipality)


def _last_map(deliberation: Deliberation) -> Map | None:
    return (
        Map.objects.filter(deliberation=deliberation)
        .only("computed_at", "k", "reason", "seconds", "n_participants", "n_votes", "vote_serial")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_edit(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    """A deliberation as those who run it see it: where it stands, its settings, its map."""
    deliberation = _to_run(request, slug, deliberation_id)
    municipality = deliberation.municipality
    form = _form_for(
        deliberation,
        request.POST or None,
        municipality=municipality,
        initial=ProjectDeliberationForm.initial_for(deliberation),
    )

    def context() -> dict[str, Any]:
        return {
            "municipality": municipality,
            "deliberation": deliberation,
            "project": deliberation.project,
            "counts": statement_counts(deliberation),
            "map": _last_map(deliberation),
            "public_url": public_url(deliberation) if deliberation.published_at else "",
            "districts": [d.title for d in deliberation.districts.order_by("name")],
        }

    return form_page(
        request,
        form,
        lambda _data: services.deliberation_update(
            actor=signed_in(request), deliberation=deliberation, **form.settings()
        ),
        done=_("Saved."),
        then=_edit_url,
        template="deliberation/staff/edit.html",
        context=context,
    )


@login_required
@require_POST
def deliberation_publish(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    deliberation = _to_run(request, slug, deliberation_id)
    return press(
        request,
        lambda: services.deliberation_publish(actor=signed_in(request), deliberation=deliberation),
        done=_("The deliberation is published: residents see it and take part while it is open."),
        back_to=_edit_url(deliberation),
    )


@login_required
@require_POST
def map_recompute(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    deliberation = _to_run(request, slug, deliberation_id)
    return press(
        request,
        lambda: services.map_recompute(deliberation=deliberation),
        done=lambda made: _("The map is recomputed: %(k)d groups.") % {"k": made.k},
        back_to=f"{_edit_url(deliberation)}#map",
    )


def _to_moderate(request: HttpRequest, slug: str, deliberation_id: int) -> Deliberation:
    municipality = access_deliberations_staff(request.user, slug)
    deliberation = access_deliberation(request.user, deliberation_id, municipality=municipality)
    if not can_moderate_statements(request.user, deliberation):
        raise NotFound()
    return deliberation


def _status(value: str | None) -> str:
    return value if value in StatementStatus.values else StatementStatus.PENDING


def _statements_page(
    request: HttpRequest,
    deliberation: Deliberation,
    *,
    status: str,
    seed_form: SeedForm | None = None,
    failed: tuple[Statement, ModerationForm] | None = None,
    http_status: int = 200,
) -> HttpResponse:
    page = Paginator(statements_by_status(deliberation, status), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(statement, ModerationForm(auto_id=f"id_%s_{statement.pk}")) for statement in page]
    if failed is not None:
        statement, form = failed
        rows = [(s, form if s.pk == statement.pk else f) for s, f in rows]
        if all(s.pk != statement.pk for s, _f in rows):
            rows.insert(0, failed)
    runs = can_run_deliberation(request.user, deliberation)
    context = {
        "municipality": deliberation.municipality,
        "deliberation": deliberation,
        "status": status,
        "statuses": StatementStatus,
        "counts": statement_counts(deliberation),
        "page": page,
        "rows": rows,
        "runs": runs,
        "seed_form": (seed_form or SeedForm()) if runs else None,
        "public_url": public_url(deliberation) if deliberation.published_at else "",
    }
    return render(request, "deliberation/staff/statements.html", context, status=http_status)


@login_required
@require_GET
def statement_list(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    """The statements by status, those awaiting moderation first; the organisers add their own here."""
    deliberation = _to_moderate(request, slug, deliberation_id)
    return _statements_page(request, deliberation, status=_status(request.GET.get("status")))


@login_required
@require_POST
def statement_seed(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    """A statement of the organisers: accepted as it is added."""
    deliberation = _to_run(request, slug, deliberation_id)
    form = SeedForm(request.POST)
    submitted = submit(
        request,
        form,
        lambda data: services.statement_add(
            author=signed_in(request), deliberation=deliberation, text=data["text"]
        ),
    )
    if submitted.ok:
        messages.success(request, _("The statement is added and shown to voters."))
        return redirect(_statements_url(deliberation, StatementStatus.ACCEPTED))
    return _statements_page(
        request, deliberation, status=StatementStatus.PENDING, seed_form=form, http_status=submitted.status
    )


@login_required
@require_POST
def statement_moderate(
    request: HttpRequest, slug: str, deliberation_id: int, statement_id: int
) -> HttpResponse:
    """Accept a statement, or reject it with the reason its author reads. With htmx the answer is the
    statement's row (and the counts); without, a redirect back to the list it was on."""
    deliberation = _to_moderate(request, slug, deliberation_id)
    statement = access_statement(request.user, statement_id, deliberation=deliberation)
    was = statement.status
    form = ModerationForm(request.POST, auto_id=f"id_%s_{statement.pk}")
    refusal: DomainError | None = None
    if form.is_valid():
        try:
            rate_limit_request("write", request)
            statement = services.statement_moderate(
                moderator=signed_in(request),
                statement=statement,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            if error.status == 404:
                raise
            apply_domain_error(form, error)
            refusal = error
    failed = bool(form.errors) or refusal is not None
    htmx = bool(getattr(request, "htmx", False))
    if not failed:
        if htmx:
            context = {
                "municipality": deliberation.municipality,
                "deliberation": deliberation,
                "statement": statement,
                "form": ModerationForm(auto_id=f"id_%s_{statement.pk}"),
                "counts": statement_counts(deliberation),
                "status": was,
                "statuses": StatementStatus,
                "oob": True,
            }
            return render(request, "deliberation/staff/_moderated.html", context)
        done = (
            _("Accepted: voters see it.") if statement.status == StatementStatus.ACCEPTED else _("Rejected.")
        )
        messages.success(request, done)
        return redirect(f"{_statements_url(deliberation, was)}")
    status = page_status(True, refusal)
    if htmx:
        context = {
            "municipality": deliberation.municipality,
            "deliberation": deliberation,
            "statement": statement,
            "form": form,
            "statuses": StatementStatus,
        }
        return render(request, "deliberation/staff/_statement.html", context, status=status)
    return _statements_page(request, deliberation, status=was, failed=(statement, form), http_status=status)


@login_required
@require_http_methods(["GET", "POST"])
def polis_import(request: HttpRequest, slug: str) -> HttpResponse:
    """A Polis export (comments.csv and votes.csv) as a new standalone deliberation. A broken file is
    named with its line at its field, and nothing is stored."""
    municipality = access_projects_setup(request.user, slug)
    form = PolisImportForm(request.POST or None, request.FILES or None)

    def write(data: dict[str, Any]) -> Deliberation:
        try:
            comments = read_comments(data["comments"])
            votes = read_votes(data["votes"], {comment.id for comment in comments})
            return services.deliberation_import_polis(
                actor=signed_in(request),
                source=Conversation(comments=comments, votes=votes),
                municipality=municipality,
                title=data["title"],
                description=data["description"],
                publish=data["publish"],
            )
        except PolisError as error:
            field = "votes" if error.file == "votes.csv" else "comments"
            raise DomainError(str(error), code="polis", fields={field: [str(error)]}) from None

    return form_page(
        request,
        form,
        write,
        done=_("The conversation is imported. Recompute its map to see the groups."),
        then=_edit_url,
        template="deliberation/staff/import.html",
        context=lambda: {"municipality": municipality},
    )
