"""Pages of appeals: the list, one appeal, publishing, signing, answering, closing, and the policy."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality, access_municipality_staff
from veche.access.predicates import Feature, allows
from veche.access.roles import has_permission
from veche.appeals import services
from veche.appeals.access import access_appeal, access_appeal_to_answer, can_answer_appeals, is_appeal_author
from veche.appeals.forms import AnswerForm, AppealFilterForm, AppealForm, AppealPolicyForm
from veche.appeals.models import Appeal, Status
from veche.appeals.phases import PUBLISHING, phase_of
from veche.appeals.selectors import (
    appeal_policy_of,
    appeal_signature_of,
    appeals_for,
    appeals_overdue_count,
)
from veche.comments.forms import CommentForm
from veche.comments.selectors import THREAD_PAGE_SIZE, comments_for
from veche.core.forms import press, submit
from veche.core.http import signed_in
from veche.municipalities.zones import local_day
from veche.petitions.views import PetitionPages, endorse_box_context

PAGE_SIZE = 20


def appeal_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    filters = AppealFilterForm(request.GET)
    appeals = appeals_for(municipality=municipality, viewer=request.user, **filters.filters())
    can_answer = can_answer_appeals(request.user, municipality)
    context = {
        "municipality": municipality,
        "page": Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "policy": appeal_policy_of(municipality=municipality),
        "can_publish": allows(request.user, municipality, Feature.SUBMIT, PUBLISHING),
        "can_manage": has_permission(request.user, municipality, "manage_municipality"),
        # Those who owe the answers see how many are late.
        "overdue_count": appeals_overdue_count(municipality=municipality) if can_answer else None,
        "Status": Status,
    }
    return render(request, "appeals/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    form = AppealForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: services.appeal_create(author=signed_in(request), municipality=municipality, **data),
    )
    if submitted.ok:
        messages.success(request, _("Your appeal is published. Now ask your neighbours to sign it."))
        return redirect(services.appeal_url(submitted.result))
    context = {
        "municipality": municipality,
        "form": form,
        "can_publish": allows(request.user, municipality, Feature.SUBMIT, PUBLISHING),
        "policy": appeal_policy_of(municipality=municipality),
    }
    return render(request, "appeals/create.html", context, status=submitted.status)


@login_required
@require_POST
def close(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    appeal = access_appeal(request.user, appeal_id, municipality=municipality)
    return press(
        request,
        lambda: services.appeal_close(author=signed_in(request), appeal=appeal),
        done=_("The appeal is closed. It no longer takes signatures."),
        back_to=services.appeal_url(appeal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    appeal = access_appeal_to_answer(request.user, appeal_id, municipality=municipality)
    form = AnswerForm(request.POST or None)
    submitted = submit(
        request,
        form,
        lambda data: services.appeal_answer(
            official=signed_in(request), appeal=appeal, answer=data["answer"]
        ),
    )
    if submitted.ok:
        messages.success(request, _("The answer is published. The author and every signer are notified."))
        return redirect(services.appeal_url(appeal))
    context = {"municipality": municipality, "appeal": appeal, "form": form, "Status": Status}
    return render(request, "appeals/answer.html", context, status=submitted.status)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality_staff(request.user, slug, "manage_municipality")
    current = appeal_policy_of(municipality=municipality)
    form = AppealPolicyForm(
        request.POST or None,
        initial={"signature_threshold": current.signature_threshold, "answer_days": current.answer_days},
    )
    submitted = submit(
        request,
        form,
        lambda data: services.appeal_policy_save(actor=signed_in(request), municipality=municipality, **data),
    )
    if submitted.ok:
        messages.success(request, _("Saved."))
        return redirect("appeals:policy", slug=slug)
    context = {"municipality": municipality, "form": form}
    return render(request, "appeals/policy.html", context, status=submitted.status)


def _sign_context(
    request: HttpRequest, appeal: Appeal, *, error: str = "", notice: str = ""
) -> dict[str, Any]:
    return {
        **endorse_box_context(
            request,
            appeal,
            phase_of(appeal),
            endorsement=appeal_signature_of(appeal=appeal, user=request.user),
            error=error,
            notice=notice,
        ),
        "appeal": appeal,
        "Status": Status,
    }


def _detail_context(request: HttpRequest, appeal: Appeal, *, endorse_error: str = "") -> dict[str, Any]:
    user = request.user
    municipality = appeal.municipality
    comments = comments_for(target=appeal, viewer=user).order_by("created_at", "id")
    return {
        **_sign_context(request, appeal, error=endorse_error),
        "comments": Paginator(comments, THREAD_PAGE_SIZE).get_page(request.GET.get("page")),
        "comment_form": CommentForm(),
        "can_comment": allows(user, municipality, Feature.COMMENT, phase_of(appeal)),
        "can_answer": can_answer_appeals(user, municipality),
        "is_author": is_appeal_author(user, appeal),
        "overdue": appeal.is_overdue(local_day(municipality)),
    }


PAGES = PetitionPages(
    access=access_appeal,
    phase_of=phase_of,
    page_template="appeals/detail.html",
    page_context=_detail_context,
    box_template="appeals/_sign.html",
    box_context=_sign_context,
    endorse=lambda user, appeal: services.appeal_sign(user=user, appeal=appeal),
    thanks=gettext_lazy("Thank you. Your signature is counted."),
)
