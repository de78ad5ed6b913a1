"""The municipal admin's Open311 pages: API keys (each shown once) and the services' definitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality_staff
from veche.core.errors import DomainError, NotFound
from veche.core.forms import apply_domain_error
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.municipalities.models import Category, Municipality
from veche.open311 import documents, services
from veche.open311.forms import ApiKeyForm, ServiceAttributeForm
from veche.open311.models import ApiKey, ServiceAttribute

PERMISSION = "manage_municipality"


def _category(municipality: Municipality, slug: str) -> Category:
    category = (
        Category.objects.filter(municipality=municipality, slug=slug).select_related("municipality").first()
    )
    if category is None:
        raise NotFound()
    return category


def _attribute(category: Category, pk: int) -> ServiceAttribute:
    attribute = ServiceAttribute.objects.filter(category=category, pk=pk).select_related("category").first()
    if attribute is None:
        raise NotFound()
    return attribute


@login_required
@require_http_methods(["GET", "POST"])
def open311_home(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, PERMISSION)
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_request("write", request)
            _api_key, new_key = services.api_key_create(
                actor=signed_in(request), municipality=municipality, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            form = ApiKeyForm()
    context = {
        "municipality": municipality,
        "form": form,
        "new_key": new_key,
        "keys": ApiKey.objects.filter(municipality=municipality).select_related("created_by"),
        "categories": Category.objects.filter(municipality=municipality)
        .annotate(attribute_count=Count("open311_attributes"))
        .order_by("name"),
        "endpoint": documents.base_url(),
    }
    response = render(request, "open311/home.html", context, status=400 if form.errors else 200)
    if new_key is not None:
        response["Cache-Control"] = "no-store"  # the key is shown once; no cache keeps it
    return response


@login_required
@require_POST
def key_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, PERMISSION)
    api_key = ApiKey.objects.filter(municipality=municipality, pk=pk).select_related("municipality").first()
    if api_key is None:
        raise NotFound()
    try:
        services.api_key_revoke(actor=signed_in(request), api_key=api_key)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The key %(prefix)s… no longer works.") % {"prefix": api_key.prefix})
    return redirect("open311_staff", slug=slug)


def _save(
    request: HttpRequest, form: ServiceAttributeForm, category: Category, attribute: ServiceAttribute | None
) -> bool:
    if not form.is_valid():
        return False
    try:
        rate_limit_request("write", request)
        services.service_attribute_save(
            actor=signed_in(request), category=category, attribute=attribute, **form.cleaned_data
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def service(request: HttpRequest, slug: str, category: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, PERMISSION)
    found = _category(municipality, category)
    attributes = list(found.open311_attributes.order_by("order", "pk"))
    next_order = max((a.order for a in attributes), default=0) + 1
    form = ServiceAttributeForm(request.POST or None, initial={"order": next_order, "variable": True})
    if request.method == "POST" and _save(request, form, found, None):
        return redirect("open311_service", slug=slug, category=found.slug)
    context = {"municipality": municipality, "category": found, "attributes": attributes, "form": form}
    return render(request, "open311/service.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def attribute_edit(request: HttpRequest, slug: str, category: str, pk: int) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, PERMISSION)
    found = _category(municipality, category)
    attribute = _attribute(found, pk)
    form = ServiceAttributeForm(request.POST or None, attribute=attribute)
    if request.method == "POST" and _save(request, form, found, attribute):
        return redirect("open311_service", slug=slug, category=found.slug)
    context = {"municipality": municipality, "category": found, "attribute": attribute, "form": form}
    return render(request, "open311/attribute.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def attribute_delete(request: HttpRequest, slug: str, category: str, pk: int) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, PERMISSION)
    found = _category(municipality, category)
    services.service_attribute_delete(actor=signed_in(request), attribute=_attribute(found, pk))
    messages.success(request, _("Deleted."))
    return redirect("open311_service", slug=slug, category=found.slug)
