"""Pages of reports: the public list, map and report pages, filing a report, its discussion, the
officials' workspace."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veche.access.functions import access_municipality, is_author
from veche.access.predicates import Feature, allows
from veche.comments.forms import CommentForm
from veche.comments.selectors import THREAD_PAGE_SIZE, comments_for
from veche.comments.views import post_comment
from veche.core.errors import DomainError, NotFound
from veche.core.forms import press, submit
from veche.core.geo import geometries_box, point_in_area
from veche.core.http import signed_in
from veche.core.pagination import CappedPaginator
from veche.core.ratelimit import rate_limit_request
from veche.municipalities.selectors import municipality_area
from veche.municipalities.zones import local_day
from veche.notifications.models import Follow
from veche.notifications.services import follow, unfollow
from veche.reports import geocoder, selectors, services
from veche.reports.access import (
    access_report,
    access_report_workspace,
    can_handle_report,
    can_moderate_reports,
)
from veche.reports.forms import (
    AnswerForm,
    BulkForm,
    FilterForm,
    NoteForm,
    ReassignForm,
    ReportForm,
    WorkspaceFilterForm,
    seen_reports,
)
from veche.reports.lifecycle import allowed_actions
from veche.reports.models import AWAITING_ANSWER, PUBLIC, EventKind, Report, ReportEvent, Status
from veche.reports.phases import phase_of

PAGE_SIZE = 20
# Degrees either side of the centre the address search looks in, for a city with no boundary.
GEOCODE_HALF_BOX = 0.3


def _filters(form: FilterForm) -> selectors.ReportFilters:
    if not form.is_valid():
        return selectors.ReportFilters()
    data = form.cleaned_data
    return selectors.ReportFilters(
        category=data.get("category") or "",
        district=data.get("district") or "",
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        department=data.get("department"),
    )


def _query_without_page(request: HttpRequest) -> str:
    """The request's query string, URL-encoded, for the pager to add its page number to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filter_context(request: HttpRequest, municipality: Any) -> dict[str, Any]:
    """What the filters above the list and the map need."""
    return {
        "municipality": municipality,
        "form": FilterForm(request.GET or None),
        "query": _query_without_page(request),
        "categories": municipality.categories.filter(is_active=True),
        "districts": municipality.districts.all(),
    }


def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    context = _filter_context(request, municipality)
    form = context["form"]
    # "Only mine" lists every report of the person's own, those still awaiting moderation too; for
    # anyone not signed in it is ignored.
    mine = form.is_valid() and form.cleaned_data["mine"] and request.user.is_authenticated
    listed = (
        selectors.reports_of(municipality, author=request.user)
        if mine
        else selectors.public_reports(municipality)
    )
    reports = selectors.filter_reports(listed, _filters(form), municipality=municipality)
    # The count stops at 1,000: counting a million public reports on every page costs more than the page.
    context["page"] = CappedPaginator(
        selectors.with_list_relations(reports).order_by("-created_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context["today"] = local_day(municipality)
    context["can_report"] = allows(request.user, municipality, Feature.SUBMIT, services.REPORTING)
    return render(request, "reports/list.html", context)


def report_map(request: HttpRequest, slug: str) -> HttpResponse:
    # The page is the frame; the reports come from map_data. With ?report=ID it opens on that
    # report (if it is on the public map); ?lat=&lon=&zoom= is the script's to read.
    municipality = access_municipality(request.user, slug)
    context = _filter_context(request, municipality)
    query = request.GET.copy()
    for name in ("page", "report", "lat", "lon", "zoom"):
        query.pop(name, None)
    context["query"] = query.urlencode()
    context["statuses"] = [(status.value, status.label) for status in PUBLIC]
    context["focus"] = None
    wanted = request.GET.get("report", "")
    if wanted.isdigit() and len(wanted) < 12:
        found = selectors.public_reports(municipality).filter(pk=int(wanted))
        context["focus"] = found.only("latitude", "longitude").first()
    return render(request, "reports/map.html", context)


@require_GET
def map_data(request: HttpRequest, slug: str) -> JsonResponse:
    municipality = access_municipality(request.user, slug)
    bbox = selectors.valid_bbox(request.GET.get("bbox", ""))
    try:
        zoom = int(request.GET.get("zoom", "12"))
    except ValueError:
        zoom = -1
    if bbox is None or not 0 <= zoom <= 22:
        return JsonResponse(
            {
                "error": {
                    "code": "invalid",
                    "message": _("Give bbox=south,west,north,east and zoom 0-22."),
                    "fields": {},
                }
            },
            status=400,
        )
    if selectors.map_box_too_large(bbox, zoom):
        return JsonResponse(
            {
                "error": {
                    "code": "too_large",
                    "message": _("The box is too large for this zoom: zoom in or ask for a smaller box."),
                    "fields": {"bbox": [_("Too large for this zoom.")]},
                }
            },
            status=400,
        )
    filters = _filters(FilterForm(request.GET))
    return JsonResponse(selectors.map_view(municipality, filters, bbox=bbox, zoom=zoom))


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    user = signed_in(request)
    decision = allows(user, municipality, Feature.SUBMIT, services.REPORTING)
    # No place is filled in for the resident: a report nobody placed would land on the city centre.
    form = ReportForm(request.POST or None, request.FILES or None, municipality=municipality)
    candidates: list[selectors.Candidate] = []
    if request.method == "POST" and decision and form.is_valid():
        data = form.cleaned_data
        candidates = selectors.duplicate_candidates(
            viewer=user, category=data["category"], latitude=data["latitude"], longitude=data["longitude"]
        )
    # Open reports of the kind nearby that the resident has not seen (in the form's box, or on this
    # page shown again): ask before filing, and file nothing yet.
    seen = seen_reports(request.POST.get("confirm", ""))
    confirming = any(c.report.pk not in seen for c in candidates)
    status = 200
    if request.method == "POST" and not decision:
        status = 403
    elif not confirming:
        submitted = submit(
            request,
            form,
            lambda data: services.report_submit(
                author=user,
                municipality=municipality,
                category=data["category"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                address=data["address"],
                district=data["district"],
                description=data["description"],
                photos=data["photos"],
            ),
        )
        if submitted.ok:
            messages.success(
                request, _("Thank you. Your report is registered and will be checked by a moderator.")
            )
            return redirect(services.report_url(submitted.result))
        status = submitted.status
    context = {
        "municipality": municipality,
        "form": form,
        "decision": decision,
        "nearby": candidates,
        "confirming": confirming,
        "can_support": bool(allows(user, municipality, Feature.SUPPORT, services.REPORTING)),
        "geocoder": bool(settings.VECHE_GEOCODER_URL),
        # The choices' slugs, by the ids the form's lists hold: a report kept on the device goes
        # through the API, which names them by slug (report-offline.js).
        "slugs": {
            "categories": _slugs(form.fields["category"]),
            "districts": _slugs(form.fields["district"]),
        },
    }
    return render(request, "reports/new.html", context, status=status)


def _slugs(field: Any) -> dict[str, str]:
    """A choice list's slugs by the ids its options hold."""
    return {str(pk): slug for pk, slug in field.queryset.values_list("pk", "slug")}


def _json_error(
    code: str, message: str, status: int, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)


@login_required
@require_GET
def geocode(request: HttpRequest, slug: str) -> JsonResponse:
    """Places for the address typed on the report form, inside the municipality, from the geocoder
    the site is set up with (VECHE_GEOCODER_URL); 404 when it has none."""
    municipality = access_municipality(request.user, slug)
    if not settings.VECHE_GEOCODER_URL:
        return _json_error("not_found", _("Address search is not set up on this site."), 404)
    query = " ".join(request.GET.get("q", "").split())
    if not 3 <= len(query) <= 200:
        message = _("Type from 3 to 200 characters of the address.")
        return _json_error("invalid", message, 400, {"q": [message]})
    rate_limit_request("geocode", request)
    area = municipality_area(municipality)
    box = geometries_box(area) or (
        municipality.longitude - GEOCODE_HALF_BOX,
        municipality.latitude - GEOCODE_HALF_BOX,
        municipality.longitude + GEOCODE_HALF_BOX,
        municipality.latitude + GEOCODE_HALF_BOX,
    )
    try:
        found = geocoder.geocode(query, box=box, language=get_language() or "ru")
    except geocoder.GeocoderUnavailable:
        # Not the resident's fault and not ours to fail on: the form works without the search.
        message = _("The address search is not answering now. Put the place on the map yourself.")
        return JsonResponse({"candidates": [], "message": message})
    candidates = [
        {"label": c.label, "latitude": c.latitude, "longitude": c.longitude}
        for c in found
        if point_in_area(c.longitude, c.latitude, area)
    ]
    message = "" if candidates else _("Nothing found in %(city)s.") % {"city": municipality.title}
    return JsonResponse({"candidates": candidates, "message": message})


@require_GET
def nearby(request: HttpRequest, slug: str) -> HttpResponse:
    """Open reports of the same category within 50 m, shown on the report form as soon as the category
    and the place are chosen, with what the visitor already did about each."""
    municipality = access_municipality(request.user, slug)
    found: list[selectors.Candidate] = []
    try:
        category = municipality.categories.get(pk=int(request.GET.get("category", "")))
        lat, lon = float(request.GET.get("latitude", "")), float(request.GET.get("longitude", ""))
    except (ValueError, TypeError, OverflowError, municipality.categories.model.DoesNotExist):
        category = None
    if category is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        found = selectors.duplicate_candidates(
            viewer=request.user, category=category, latitude=lat, longitude=lon
        )
    context = {
        "municipality": municipality,
        "nearby": found,
        "can_support": bool(found)
        and bool(allows(request.user, municipality, Feature.SUPPORT, services.REPORTING)),
    }
    return render(request, "reports/_nearby.html", context)


def report_detail(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    report = access_report(request.user, municipality, report_id)
    user = request.user
    events = list(ReportEvent.objects.filter(report=report).select_related("actor", "department"))
    # An answer the author disputed stays on the report until the next one replaces it: the page
    # shows it as the previous answer, with the day of the dispute (the latest one).
    disputes = [e.created_at for e in events if e.kind == EventKind.DISPUTED]
    disputed_at = disputes[-1] if report.answer and report.status in AWAITING_ANSWER and disputes else None
    actions = allowed_actions(report.status)
    staff_actions: list[str] = []
    if can_moderate_reports(user, municipality):
        staff_actions += [a for a in actions if a in ("moderate", "decline")]
    if can_handle_report(user, report):
        staff_actions += [a for a in actions if a in ("start", "resolve", "reject", "reassign")]
    author_actions = [a for a in actions if a in ("confirm", "dispute")] if is_author(user, report) else []
    following = (
        user.is_authenticated
        and Follow.objects.filter(
            user_id=user.pk,
            content_type__app_label="reports",
            content_type__model="report",
            object_id=report.pk,
        ).exists()
    )
    answer_form = AnswerForm(municipality=municipality, category=report.category)
    templates = (
        {str(t.pk): t.body for t in answer_form.fields["template"].queryset}  # type: ignore[attr-defined]
        if "resolve" in staff_actions
        else {}
    )
    comments = comments_for(target=report, viewer=user, replies=False).order_by("created_at", "id")
    context = {
        "municipality": municipality,
        "report": report,
        "answer_templates": templates,
        "events": events,
        "disputed_at": disputed_at,
        "on_public_map": report.status in PUBLIC and not report.is_hidden,
        "photos": report.photos.all(),
        "staff_actions": staff_actions,
        "author_actions": author_actions,
        "note_form": NoteForm(),
        "answer_form": answer_form,
        "reassign_form": ReassignForm(municipality=municipality),
        "following": following,
        "can_support": report.status in AWAITING_ANSWER
        and report.status != Status.SUBMITTED
        and not is_author(user, report)
        and bool(allows(user, municipality, Feature.SUPPORT, services.REPORTING)),
        "overdue": report.is_overdue(local_day(municipality)),
        "comments": Paginator(comments, THREAD_PAGE_SIZE).get_page(request.GET.get("page")),
        "comment_form": CommentForm(),
        "can_comment": allows(user, municipality, Feature.COMMENT, phase_of(report)),
    }
    return render(request, "reports/detail.html", context)


@login_required
@require_POST
def support(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    report = access_report(request.user, municipality, report_id)
    return press(
        request,
        lambda: services.report_support(user=signed_in(request), report=report),
        done=lambda added: (
            _("Thank you, your support is counted.") if added else _("You already support this report.")
        ),
        back_to=services.report_url(report),
    )


@login_required
@require_POST
def follow_toggle(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    report = access_report(request.user, municipality, report_id)
    stop = request.POST.get("follow") == "0"
    return press(
        request,
        lambda: (unfollow if stop else follow)(user=signed_in(request), target=report),
        done=_("You no longer follow this report.") if stop else _("You will be notified of every change."),
        back_to=services.report_url(report),
    )


@login_required
@require_POST
def comment(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    report = access_report(request.user, municipality, report_id)
    return post_comment(
        request,
        municipality,
        report,
        services.report_url(report),
        phase_of(report),
        paged=True,
    )


def _run_action(request: HttpRequest, report: Report, action: str) -> None:
    user = signed_in(request)
    municipality = report.municipality
    if action in ("moderate", "start", "confirm"):
        {
            "moderate": lambda: services.report_moderate(moderator=user, report=report),
            "start": lambda: services.report_start(official=user, report=report),
            "confirm": lambda: services.report_confirm(author=user, report=report),
        }[action]()
        return
    if action in ("decline", "dispute"):
        form: Any = NoteForm(request.POST)
    elif action == "reassign":
        form = ReassignForm(request.POST, municipality=municipality)
    elif action in ("resolve", "reject"):
        form = AnswerForm(request.POST, request.FILES, municipality=municipality, category=report.category)
    else:
        raise NotFound()
    if not form.is_valid():
        raise DomainError(
            _("Check the form: %(errors)s")
            % {
                "errors": "; ".join(
                    f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                    for f, e in form.errors.items()
                )
            }
        )
    note = form.cleaned_data["note"]
    if action == "decline":
        services.report_decline(moderator=user, report=report, reason=note)
    elif action == "dispute":
        services.report_dispute(author=user, report=report, reason=note)
    elif action == "reassign":
        services.report_reassign(
            official=user, report=report, department=form.cleaned_data["department"], reason=note
        )
    elif action == "resolve":
        services.report_resolve(official=user, report=report, answer=note, photos=form.cleaned_data["photos"])
    else:
        services.report_reject(official=user, report=report, reason=note, photos=form.cleaned_data["photos"])


@login_required
@require_POST
def act(request: HttpRequest, slug: str, report_id: int, action: str) -> HttpResponse:
    """One step of the lifecycle taken from the report's page."""
    municipality = access_municipality(request.user, slug)
    report = access_report(request.user, municipality, report_id)
    return press(
        request,
        lambda: _run_action(request, report, action),
        done=_("Done."),
        back_to=services.report_url(report),
    )


@login_required
@require_http_methods(["GET", "POST"])
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The queue of an official's department (all departments for moderators and admins), by deadline."""
    municipality = access_municipality(request.user, slug)
    departments = access_report_workspace(request.user, municipality)
    user = signed_in(request)
    reports = Report.objects.filter(municipality=municipality)
    if departments is not None:
        reports = reports.filter(department_id__in=departments)
    # Without filters the queue shows what is open, on every page of it.
    chosen = request.GET.copy()
    chosen.pop("page", None)
    form = WorkspaceFilterForm(chosen or {"status": "open"})
    filters = _filters(form)
    today = local_day(municipality)
    reports = selectors.filter_reports(reports, filters, municipality=municipality, today=today)
    ordered = selectors.with_list_relations(reports).order_by("answer_due", "created_at", "id")
    page = Paginator(ordered, 50).get_page(request.GET.get("page"))
    page_ids = [r.pk for r in page]
    if request.method == "POST":
        bulk = BulkForm(
            request.POST,
            municipality=municipality,
            report_ids=list(reports.values_list("pk", flat=True)[:1000]),
        )
        if bulk.is_valid():
            done, failed = _bulk(user, bulk.cleaned_data)
            if done:
                messages.success(request, _("Done for %(n)d reports.") % {"n": done})
            for message in failed[:10]:
                messages.error(request, message)
        else:
            messages.error(request, _("Choose reports and an action."))
        return redirect(request.get_full_path())
    context = {
        "municipality": municipality,
        "page": page,
        "form": form,
        "categories": municipality.categories.all(),
        "districts": municipality.districts.all(),
        "today": today,
        "bulk_form": BulkForm(municipality=municipality, report_ids=page_ids),
        "counts": selectors.workspace_counts(
            reports=Report.objects.filter(municipality=municipality)
            if departments is None
            else Report.objects.filter(municipality=municipality, department_id__in=departments),
            today=today,
        ),
        "query": _query_without_page(request),
        # A moderator passing a report sees the open ones of its kind nearby that it may repeat.
        "duplicates": selectors.duplicates_of([r for r in page if r.status == Status.SUBMITTED]),
    }
    return render(request, "reports/workspace.html", context)


def _bulk(user: Any, data: dict[str, Any]) -> tuple[int, list[str]]:
    done, failed = 0, []
    for report in Report.objects.filter(pk__in=data["reports"]).select_related("municipality", "category"):
        try:
            if data["action"] == "moderate":
                services.report_moderate(moderator=user, report=report)
            elif data["action"] == "start":
                services.report_start(official=user, report=report)
            else:
                if data.get("department") is None:
                    raise DomainError(_("Choose a department."))
                services.report_reassign(
                    official=user, report=report, department=data["department"], reason=data.get("note") or ""
                )
        except DomainError as error:
            failed.append(f"#{report.pk}: {error.summary}")
        else:
            done += 1
    return done, failed
