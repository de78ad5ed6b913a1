"""CrowdWisdom's assessment pages: rate an idea, the published assessment, the organisers' criteria and
experts, and an expert's scoring page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veche.access.functions import access_municipality, parse_pk
from veche.accounts.models import User
from veche.core.errors import DomainError, NotFound
from veche.core.forms import checked, page_status, press, submit
from veche.core.http import signed_in
from veche.crowdprojects.access import access_idea, access_project, access_project_to_run, can_run
from veche.crowdprojects.forms_wisdom import CriterionForm, ExpertForm, RatingForm, ScoresForm
from veche.crowdprojects.models import Criterion, ExpertScore, Idea, Project, ProjectExpert
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services.assessment import (
    criterion_add,
    criterion_remove,
    expert_invite,
    expert_remove,
    expert_score,
    idea_rate,
)
from veche.crowdprojects.wisdom_selectors import (
    assessment_of,
    assessment_stage,
    expert_of,
    listed_ideas,
    scores_public,
)


def _project(request: HttpRequest, slug: str, project_id: int) -> Project:
    municipality = access_municipality(request.user, slug)
    return access_project(request.user, project_id, municipality=municipality)


def _staff_project(request: HttpRequest, slug: str, project_id: int) -> Project:
    municipality = access_municipality(request.user, slug)
    return access_project_to_run(request.user, project_id, municipality=municipality)


def _manage_url(project: Project) -> str:
    return reverse("crowdprojects:assessment_manage", args=[project.municipality.slug, project.pk])


@login_required
@require_POST
def rate(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    """Rate an idea 1 to 5 (the include `crowdprojects/assessment/_rate.html`); again to change it."""
    project = _project(request, slug, project_id)
    idea = access_idea(request.user, idea_id, project=project)
    form = RatingForm(request.POST)

    def act() -> bool:
        stars = checked(form, _("Choose from 1 to 5 stars."))["stars"]
        return idea_rate(user=signed_in(request), idea=idea, stars=stars)[1]

    # From the project page's assessment section, back there; otherwise to the idea.
    from_project = request.POST.get("back") == "project"
    back = f"{project.get_absolute_url()}#assessment" if from_project else f"{idea.get_absolute_url()}#rating"
    return press(
        request,
        act,
        done=lambda new: _("Thank you for your rating.") if new else _("Your rating is changed."),
        back_to=back,
    )


@require_GET
def assessment(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    project = _project(request, slug, project_id)
    stages = stages_of(project)
    now = timezone.now()
    public = scores_public(request.user, project, stages, now)
    result = assessment_of(project, public=public)
    context = {
        "municipality": project.municipality,
        "project": project,
        "assessment": result,
        "stage": assessment_stage(stages),
        "can_run": can_run(request.user, project),
        "expert": expert_of(request.user, project),
    }
    return render(request, "crowdprojects/assessment/assessment.html", context)


def _manage_page(
    request: HttpRequest,
    project: Project,
    *,
    criterion_form: CriterionForm | None = None,
    expert_form: ExpertForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "municipality": project.municipality,
        "project": project,
        "criteria": list(Criterion.objects.filter(project=project)),
        "experts": list(ProjectExpert.objects.filter(project=project).select_related("user")),
        "criterion_form": criterion_form or CriterionForm(),
        "expert_form": expert_form or ExpertForm(),
    }
    return render(request, "crowdprojects/assessment/manage.html", context, status=status)


@login_required
@require_GET
def manage(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    return _manage_page(request, _staff_project(request, slug, project_id))


@login_required
@require_POST
def criterion_new(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    project = _staff_project(request, slug, project_id)
    form = CriterionForm(request.POST)
    submitted = submit(
        request,
        form,
        lambda data: criterion_add(
            actor=signed_in(request),
            project=project,
            name=data["name"],
            description=data["description"],
            weight=data["weight"],
        ),
    )
    if submitted.ok:
        messages.success(request, _("The criterion is added."))
        return redirect(_manage_url(project))
    status = page_status(True, submitted.refusal)
    return _manage_page(request, project, criterion_form=form, status=status)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, slug: str, project_id: int, criterion_id: int) -> HttpResponse:
    project = _staff_project(request, slug, project_id)
    criterion = Criterion.objects.filter(project=project, pk=parse_pk(criterion_id)).first()
    if criterion is None:
        raise NotFound()
    return press(
        request,
        lambda: criterion_remove(actor=signed_in(request), criterion=criterion),
        done=_("The criterion is removed."),
        back_to=_manage_url(project),
    )


def _account(text: str) -> User:
    user = User.objects.filter(Q(username__iexact=text) | Q(email__iexact=text)).first()
    if user is None:
        raise DomainError(fields={"account": [_("There is no account with this name or e-mail address.")]})
    return user


@login_required
@require_POST
def expert_new(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    project = _staff_project(request, slug, project_id)
    form = ExpertForm(request.POST)
    submitted = submit(
        request,
        form,
        lambda data: expert_invite(
            actor=signed_in(request),
            project=project,
            user=_account(data["account"].strip()),
            public_name=data["public_name"],
            affiliation=data["affiliation"],
        ),
    )
    if submitted.ok:
        messages.success(request, _("The expert is invited."))
        return redirect(_manage_url(project))
    return _manage_page(request, project, expert_form=form, status=page_status(True, submitted.refusal))


@login_required
@require_POST
def expert_delete(request: HttpRequest, slug: str, project_id: int, expert_id: int) -> HttpResponse:
    project = _staff_project(request, slug, project_id)
    expert = ProjectExpert.objects.filter(project=project, pk=parse_pk(expert_id)).first()
    if expert is None:
        raise NotFound()
    return press(
        request,
        lambda: expert_remove(actor=signed_in(request), expert=expert),
        done=_("The expert is removed."),
        back_to=_manage_url(project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """An invited expert's page: one form per idea with every criterion; each form is sent on its own."""
    project = _project(request, slug, project_id)
    expert = expert_of(request.user, project)
    if expert is None:
        raise NotFound()
    criteria = list(Criterion.objects.filter(project=project))
    ideas = list(listed_ideas(project))
    given: dict[int, dict[str, Any]] = {}
    for row in ExpertScore.objects.filter(expert=expert):
        given.setdefault(row.idea_id, {})[f"score_{row.criterion_id}"] = row.score
        given[row.idea_id][f"comment_{row.criterion_id}"] = row.comment
    posted = parse_pk(request.POST.get("idea")) if request.method == "POST" else None
    forms = []
    status = 200
    for idea in ideas:
        prefix = f"idea{idea.pk}"
        if posted == idea.pk:
            form = ScoresForm(request.POST, criteria=criteria, prefix=prefix)

            def write(_data: dict[str, Any], idea: Idea = idea, form: ScoresForm = form) -> object:
                return expert_score(actor=signed_in(request), idea=idea, scores=form.scores())

            submitted = submit(request, form, write)
            if submitted.ok:
                messages.success(request, _("Your scores of “%(title)s” are saved.") % {"title": idea.title})
                url = reverse("crowdprojects:assessment_score", args=[slug, project.pk])
                return redirect(f"{url}#idea-{idea.pk}")
            status = page_status(True, submitted.refusal)
        else:
            form = ScoresForm(initial=given.get(idea.pk, {}), criteria=criteria, prefix=prefix)
        forms.append((idea, form))
    if request.method == "POST" and posted not in {idea.pk for idea in ideas}:
        raise NotFound()
    context = {
        "municipality": project.municipality,
        "project": project,
        "expert": expert,
        "criteria": criteria,
        "forms": forms,
    }
    return render(request, "crowdprojects/assessment/score.html", context, status=status)
