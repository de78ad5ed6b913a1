"""Pages of co-financing: a campaign with the pledge form and one's own pledges, its public report,
and the staff's pages (open a campaign, cancel it, the treasury's pledges to mark paid)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.core.forms import form_page, press, submit
from veche.core.http import signed_in
from veche.crowdprojects.access import access_idea, access_project_to_run, can_run
from veche.funding import services
from veche.funding.access import (
    access_campaign,
    access_own_pledge,
    access_pledge_to_confirm,
    access_treasury,
    can_confirm_in,
)
from veche.funding.forms import CampaignForm, ConfirmForm, PledgeForm
from veche.funding.models import Campaign, CampaignStatus, Pledge
from veche.funding.providers import payment_provider
from veche.funding.selectors import campaign_report, pledges_of, pledges_to_confirm, roubles
from veche.municipalities.zones import time_left

PAGE_SIZE = 50


def _campaign_context(
    request: HttpRequest, campaign: Campaign, form: PledgeForm | None = None
) -> dict[str, Any]:
    now = timezone.now()
    provider = payment_provider()
    mine = pledges_of(request.user, campaign)
    return {
        "municipality": campaign.municipality,
        "campaign": campaign,
        "idea": campaign.funded_idea,
        "project": campaign.project,
        "taking": campaign.takes_pledges_at(now),
        "left": time_left(campaign.deadline, municipality=campaign.municipality, now=now),
        "decision": services.pledge_decision(request.user, campaign, now),
        "form": form or PledgeForm(),
        "mine": [(pledge, provider.instructions(pledge)) for pledge in mine],
        "can_run": can_run(request.user, campaign.project),
        "can_confirm": can_confirm_in(request.user, campaign.municipality),
        "Status": CampaignStatus,
    }


def campaign_detail(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    campaign = access_campaign(request.user, campaign_id, municipality=municipality)
    return render(request, "funding/campaign.html", _campaign_context(request, campaign))


def _organisation(data: dict[str, Any]) -> services.Organisation | None:
    name, inn = data.get("organisation_name") or "", data.get("organisation_inn") or ""
    return services.Organisation(name=name, inn=inn) if name.strip() or inn.strip() else None


@login_required
@require_POST
def pledge(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    campaign = access_campaign(request.user, campaign_id, municipality=municipality)
    form = PledgeForm(request.POST)
    submitted = submit(
        request,
        form,
        lambda data: services.pledge_make(
            user=signed_in(request),
            campaign=campaign,
            amount=data["amount"],
            organisation=_organisation(data),
        ),
    )
    if submitted.ok:
        made: Pledge = submitted.result
        messages.success(
            request,
            _("Thank you: you pledged %(amount)s. You pay only if the target is reached.")
            % {"amount": roubles(made.amount)},
        )
        return redirect(campaign.get_absolute_url())
    fresh = access_campaign(request.user, campaign_id, municipality=municipality)
    return render(
        request, "funding/campaign.html", _campaign_context(request, fresh, form), status=submitted.status
    )


@login_required
@require_POST
def pledge_withdraw(request: HttpRequest, slug: str, campaign_id: int, pledge_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    campaign = access_campaign(request.user, campaign_id, municipality=municipality)
    own = access_own_pledge(request.user, pledge_id, campaign=campaign)
    return press(
        request,
        lambda: services.pledge_cancel(user=signed_in(request), pledge=own),
        done=_("Your pledge is withdrawn."),
        back_to=campaign.get_absolute_url(),
    )


def report(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Who pledged, for the public: organisations by name, residents only as numbers."""
    municipality = access_municipality(request.user, slug)
    campaign = access_campaign(request.user, campaign_id, municipality=municipality)
    context = {
        "municipality": municipality,
        "campaign": campaign,
        "report": campaign_report(campaign),
        "Status": CampaignStatus,
    }
    return render(request, "funding/report.html", context)


# Staff pages.


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    idea = access_idea(request.user, idea_id, project=project)
    return form_page(
        request,
        CampaignForm(request.POST or None),
        lambda data: services.campaign_open(
            actor=signed_in(request),
            idea=idea,
            target_amount=data["target_amount"],
            deadline=data["deadline"],
        ),
        done=_("The campaign is open: residents and organisations can pledge now."),
        then=lambda campaign: campaign.get_absolute_url(),
        template="funding/new.html",
        context=lambda: {"municipality": municipality, "project": project, "idea": idea},
    )


@login_required
@require_POST
def campaign_cancel(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    campaign = access_campaign(request.user, campaign_id, municipality=municipality)
    return press(
        request,
        lambda: services.campaign_cancel(actor=signed_in(request), campaign=campaign),
        done=_("The campaign is cancelled; every pledge is released."),
        back_to=campaign.get_absolute_url(),
    )


@login_required
def treasury(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_treasury(request.user, slug)
    page = Paginator(pledges_to_confirm(municipality.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "funding/treasury.html", {"municipality": municipality, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, slug: str, pledge_id: int) -> HttpResponse:
    municipality = access_treasury(request.user, slug)
    pledge = access_pledge_to_confirm(request.user, pledge_id, municipality=municipality)
    return form_page(
        request,
        ConfirmForm(request.POST or None),
        lambda data: services.pledge_confirm(
            actor=signed_in(request), pledge=pledge, reference=data["reference"]
        ),
        done=_("The pledge is marked paid."),
        then=reverse("funding:treasury", args=[slug]),
        template="funding/confirm.html",
        context=lambda: {"municipality": municipality, "pledge": pledge},
    )
