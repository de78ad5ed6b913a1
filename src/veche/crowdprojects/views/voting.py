"""Pages of a project's voting: the ballot (with "you have voted" once cast), the receipt, the results."""

from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from veche.access.functions import access_municipality
from veche.access.roles import Tier, tier_of
from veche.core.errors import Forbidden
from veche.core.http import signed_in
from veche.crowdprojects.access import access_project, can_run
from veche.crowdprojects.models import RATING_MAX, RATING_MIN, Idea, Project, StageKind, VotingMethod
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services import voting as services
from veche.crowdprojects.stages import stage_at
from veche.crowdprojects.voting_selectors import ballot_of, ballot_results
from veche.ledger.casting import BallotPage, cast_vote
from veche.ledger.services import Receipt

RATINGS = [("", _("no rating"))] + [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]


class _IdeaChoices(forms.TypedMultipleChoiceField):
    """Checkboxes whose ids the service checks (an idea no longer on the ballot, another project's),
    so a page and the API refuse a ballot with the same message."""

    def valid_value(self, value: Any) -> bool:
        return True


class CrowdBallotForm(forms.Form):
    """An approval ballot (a checkbox per idea) or a rating ballot (five radio buttons per idea, "no
    rating" by default). The limits are the service's to check, so its messages are the same here
    and in the API. No JavaScript needed."""

    def __init__(self, *args: Any, project: Project, ideas: list[Idea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.ideas = ideas
        if project.voting_method == VotingMethod.APPROVAL:
            self.fields["ideas"] = _IdeaChoices(
                label=project.title,
                choices=[(idea.pk, idea.title) for idea in ideas],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            for idea in ideas:
                self.fields[f"rating_{idea.pk}"] = forms.TypedChoiceField(
                    label=idea.title,
                    choices=RATINGS,
                    coerce=int,
                    required=False,
                    empty_value=None,
                    initial="",
                    widget=forms.RadioSelect,
                )

    def rating_fields(self) -> list[tuple[Idea, forms.BoundField]]:
        names = [(idea, f"rating_{idea.pk}") for idea in self.ideas]
        return [(idea, self[name]) for idea, name in names if name in self.fields]

    def cast(self) -> dict[str, Any]:
        """The service's arguments: `ideas` or `ratings`."""
        data = self.cleaned_data
        if self.project.voting_method == VotingMethod.APPROVAL:
            return {"ideas": [int(pk) for pk in data.get("ideas") or []]}
        given = {idea.pk: data.get(f"rating_{idea.pk}") for idea in self.ideas}
        return {"ratings": {pk: rating for pk, rating in given.items() if rating is not None}}


def _ballot_context(
    request: HttpRequest, project: Project, *, form: CrowdBallotForm | None = None, error: str = ""
) -> dict[str, Any]:
    now = timezone.now()
    stages = stages_of(project)
    current = stage_at(stages, now)
    voting = services.voting_stages(stages)
    ideas = list(services.ballot_ideas(project).select_related("municipality"))
    public = services.results_public(project, stages, now)
    return {
        "municipality": project.municipality,
        "project": project,
        "open": current is not None and current.kind == StageKind.VOTING,
        "stage": current if current is not None and current.kind == StageKind.VOTING else None,
        "next_stage": next((s for s in voting if s.starts_at > now), None),
        "ideas": ideas,
        "ballot": ballot_of(project=project, user=request.user),
        "form": form or CrowdBallotForm(project=project, ideas=ideas),
        "can_vote": services.vote_decision(request.user, project, current),
        "needs_verification": tier_of(request.user, project.municipality) == Tier.REGISTERED
        and project.tier == Tier.VERIFIED,
        "can_see_results": public or can_run(request.user, project),
        "results_public": public,
        "rating": project.voting_method == VotingMethod.RATING,
        "vote_error": error,
    }


@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """The ballot, or the ballot cast; a POST casts it and shows the receipt, once."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    if request.method == "GET":
        return render(request, "crowdprojects/voting/ballot.html", _ballot_context(request, project))
    form = CrowdBallotForm(request.POST, project=project, ideas=list(services.ballot_ideas(project)))
    return cast_vote(
        request,
        form,
        lambda: services.ballot_cast(user=signed_in(request), project=project, **form.cast()),
        BallotPage(
            template="crowdprojects/voting/ballot.html",
            context=lambda form, error: _ballot_context(request, project, form=form, error=error),
            shows_vote=reverse("crowdprojects:vote", args=[municipality.slug, project.pk]),
            receipt_template="crowdprojects/voting/receipt.html",
            receipt_context=lambda receipt: _receipt_context(request, project, receipt),
        ),
    )


def _receipt_context(request: HttpRequest, project: Project, receipt: Receipt) -> dict[str, Any]:
    return {
        "municipality": project.municipality,
        "project": project,
        "receipt": receipt,
        "ballot": ballot_of(project=project, user=request.user),
        "rating": project.voting_method == VotingMethod.RATING,
    }


def results(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    now = timezone.now()
    stages = stages_of(project)
    public = services.results_public(project, stages, now)
    if not public and not can_run(request.user, project):
        raise Forbidden(services.results_hidden_reason(project, stages), code="results_not_public")
    current = stage_at(stages, now)
    context = {
        "municipality": municipality,
        "project": project,
        "results": ballot_results(project=project),
        "results_public": public,
        "voting_now": current is not None and current.kind == StageKind.VOTING,
    }
    return render(request, "crowdprojects/voting/results.html", context)
