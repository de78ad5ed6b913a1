"""CrowdWisdom's discussion pages: a comment under an idea (with a side, or a reply)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from veche.access.functions import access_municipality
from veche.comments.views import post_comment
from veche.crowdprojects.access import access_idea, access_project
from veche.crowdprojects.selectors import current_phase
from veche.crowdprojects.services.discussion import idea_comment


@login_required
@require_POST
def comment(request: HttpRequest, slug: str, project_id: int, idea_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project(request.user, project_id, municipality=municipality)
    idea = access_idea(request.user, idea_id, project=project)
    return post_comment(
        request,
        municipality,
        idea,
        idea.get_absolute_url(),
        current_phase(project),
        paged=True,
        create=idea_comment,
    )
