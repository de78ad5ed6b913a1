"""Pages of municipalities: the platform home, a municipality's home and the staff area."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality, access_municipality_object, access_municipality_staff
from veche.access.predicates import Feature, allows
from veche.access.roles import Tier, has_permission, tier_of
from veche.accounts import services as account_services
from veche.accounts.models import User
from veche.comments.forms import CommentForm
from veche.comments.selectors import comments_for
from veche.core.errors import DomainError, NotFound
from veche.core.forms import apply_domain_error, form_page, page_status, press, submit
from veche.core.http import signed_in
from veche.core.models import AuditEntry
from veche.core.text import unstorable
from veche.municipalities import services
from veche.municipalities.forms import BoundaryForm, VerifyResidentForm
from veche.municipalities.live import municipality_live
from veche.municipalities.selectors import municipalities_active
from veche.municipalities.staff import KINDS, StaffKind
from veche.reports.services import REPORTING


def home(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_active().annotate(district_count=Count("districts"))
    return render(request, "municipalities/home.html", {"municipalities": municipalities})


def municipality_home(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    comments = Paginator(
        comments_for(target=municipality, viewer=request.user, replies=False).order_by("-created_at"), 20
    )
    context = {
        "municipality": municipality,
        "districts": municipality.districts.all(),
        "categories": municipality.categories.filter(is_active=True).select_related("department"),
        "comments": comments.get_page(request.GET.get("page")),
        "comment_form": CommentForm(),
        "can_comment": allows(request.user, municipality, Feature.COMMENT),
        "tier": tier_of(request.user, municipality),
        "Tier": Tier,
        "is_staff": has_permission(request.user, municipality, "staff_area"),
        "live": municipality_live(municipality=municipality, viewer=request.user),
        "can_report": allows(request.user, municipality, Feature.SUBMIT, REPORTING),
    }
    return render(request, "municipalities/municipality.html", context)


@login_required
def staff_home(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "staff_area")
    permissions = {
        p: has_permission(request.user, municipality, p)
        for p in (
            "manage_municipality",
            "manage_staff",
            "moderate",
            "verify_residents",
            "view_audit",
            "answer_appeals",
            "run_projects",
        )
    }
    open_flags = municipality.flags.filter(resolved_at__isnull=True).count()
    context = {
        "municipality": municipality,
        "perms": permissions,
        "kinds": KINDS.values(),
        "open_flags": open_flags,
    }
    return render(request, "staff/home.html", context)


@login_required
def staff_list(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    spec = _kind(kind)
    municipality = access_municipality_staff(request.user, slug, spec.permission)
    objects = spec.model._default_manager.filter(municipality=municipality).select_related(*spec.related)
    page = Paginator(objects, 50).get_page(request.GET.get("page"))
    return render(request, "staff/list.html", {"municipality": municipality, "kind": spec, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, slug: str, kind: str, pk: int | None = None) -> HttpResponse:
    spec = _kind(kind)
    municipality = access_municipality_staff(request.user, slug, spec.permission)
    if pk is not None and not spec.editable:
        return redirect("staff_list", slug=slug, kind=kind)
    instance = access_municipality_object(request.user, municipality, spec.model, pk) if pk else None
    form = spec.form(request.POST or None, instance, municipality)

    def save(data: dict[str, Any]) -> None:
        # The form has changed `instance` in memory; the service gets the stored row to compare.
        stored = access_municipality_object(request.user, municipality, spec.model, pk) if pk else None
        spec.save(signed_in(request), municipality, stored, data)

    submitted = submit(request, form, save)
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect("staff_list", slug=slug, kind=kind)
    context = {"municipality": municipality, "kind": spec, "form": form, "object": instance}
    return render(request, "staff/edit.html", context, status=submitted.status)


@login_required
@require_POST
def staff_delete(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    municipality = access_municipality_staff(request.user, slug, spec.permission)
    obj = access_municipality_object(request.user, municipality, spec.model, pk)
    return press(
        request,
        lambda: spec.delete(signed_in(request), municipality, obj),
        done=_("Deleted."),
        back_to=reverse("staff_list", args=[slug, kind]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_verify(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "verify_residents")
    form = VerifyResidentForm(request.POST or None, municipality=municipality)
    refusal: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        resident = User.objects.filter(
            username=form.cleaned_data["username"], deleted_at__isnull=True
        ).first()
        if resident is None:
            form.add_error("username", _("There is no account with this username."))
        else:
            try:
                account_services.verification_in_person(
                    official=signed_in(request),
                    resident=resident,
                    municipality=municipality,
                    district=form.cleaned_data["district"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
                refusal = error
            else:
                messages.success(
                    request, _("%(name)s is now a verified resident.") % {"name": resident.username}
                )
                return redirect("staff_verify", slug=slug)
    return render(
        request,
        "staff/verify.html",
        {"municipality": municipality, "form": form},
        status=page_status(bool(form.errors), refusal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_boundary(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's own boundary: outside it no report is taken."""
    municipality = access_municipality_staff(request.user, slug, "manage_municipality")
    form = BoundaryForm(request.POST or None, municipality=municipality)
    return form_page(
        request,
        form,
        lambda data: services.municipality_boundary_save(
            actor=signed_in(request), municipality=municipality, boundary=data["boundary"]
        ),
        done=_("Saved."),
        then=reverse("staff_home", args=[slug]),
        template="staff/boundary.html",
        context=lambda: {"municipality": municipality},
    )


@login_required
def staff_audit(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "view_audit")
    entries = AuditEntry.objects.filter(municipality=municipality).select_related("actor")
    action = request.GET.get("action", "")[:64]
    if unstorable(action):
        # No action holds a NUL or a broken character: nothing to find, and PostgreSQL refuses the query.
        action = ""
    if action:
        entries = entries.filter(Q(action__startswith=action))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "staff/audit.html", {"municipality": municipality, "page": page, "action": action})


def _kind(kind: str) -> StaffKind:
    if kind not in KINDS:
        raise NotFound()
    return KINDS[kind]
