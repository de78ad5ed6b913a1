"""Pages of appeals: the list and closing are the appeals' own; publishing, one appeal, signing, the
answer and the policy are every petition's (`petitions.views.PetitionPages`)."""

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from veche.access.functions import access_municipality
from veche.access.predicates import Feature, allows
from veche.access.roles import has_permission
from veche.accounts.models import User
from veche.appeals import services
from veche.appeals.access import access_appeal, access_appeal_to_answer, can_answer_appeals
from veche.appeals.forms import AnswerForm, AppealFilterForm, AppealForm, AppealPolicyForm
from veche.appeals.models import Appeal, Status
from veche.appeals.phases import PUBLISHING
from veche.appeals.selectors import appeal_policy_of, appeals_for, appeals_overdue_count
from veche.municipalities.models import Municipality
from veche.petitions.views import PetitionPages

PAGE_SIZE = 20


def appeal_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    filters = AppealFilterForm(request.GET, viewer=request.user)
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


class AppealPages(PetitionPages):
    """An appeal is published at once by anyone with a confirmed account, and signed by verified residents."""

    rules = services.RULES
    statuses = Status
    access = staticmethod(access_appeal)

    # Publishing.
    created = _("Your appeal is published. Now ask your neighbours to sign it.")

    def create_form(self, request: HttpRequest, municipality: Municipality) -> forms.Form:
        return AppealForm(request.POST or None)

    def create(self, author: User, municipality: Municipality, data: dict[str, Any]) -> Appeal:
        return services.appeal_create(author=author, municipality=municipality, **data)

    def create_context(self, request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
        return {
            "can_publish": allows(request.user, municipality, Feature.SUBMIT, PUBLISHING),
            "policy": appeal_policy_of(municipality=municipality),
        }

    # Signing.
    endorse_action = "sign"
    thanks = _("Thank you. Your signature is counted.")

    # The answer.
    access_to_answer = staticmethod(access_appeal_to_answer)
    answer_form = AnswerForm
    answered = _("The answer is published. The author and every signer are notified.")

    def answer(self, official: User, petition: Any, form: AnswerForm) -> Appeal:
        return services.appeal_answer(official=official, appeal=petition, answer=form.cleaned_data["answer"])

    # The policy.

    def policy_form(self, request: HttpRequest, municipality: Municipality) -> forms.Form:
        current = appeal_policy_of(municipality=municipality)
        initial = {"signature_threshold": current.signature_threshold, "answer_days": current.answer_days}
        return AppealPolicyForm(request.POST or None, initial=initial)

    def save_policy(self, actor: User, municipality: Municipality, form: AppealPolicyForm) -> object:
        return services.appeal_policy_save(actor=actor, municipality=municipality, **form.cleaned_data)


PAGES = AppealPages()

# The author withdraws the appeal.
close = PAGES.button(
    lambda author, appeal: services.appeal_close(author=author, appeal=appeal),
    done=_("The appeal is closed. It no longer takes signatures."),
)
