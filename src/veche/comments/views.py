"""Pages of comments: write one under the town square, and one comment's own page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from veche.access.functions import access_comment, access_municipality
from veche.access.predicates import OPEN_DISCUSSION, Phase
from veche.comments.forms import CommentForm
from veche.comments.selectors import comment_page
from veche.comments.services import comment_create
from veche.core.errors import DomainError
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.municipalities.models import Municipality


@login_required
@require_POST
def create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    return post_comment(request, municipality, municipality, reverse("municipality", args=[slug]))


def post_comment(
    request: HttpRequest,
    municipality: Municipality,
    target: models.Model,
    url: str,
    phase: Phase = OPEN_DISCUSSION,
    *,
    paged: bool = False,
) -> HttpResponse:
    """Post the form's comment under `target`, then go back to `url` (at the comment, or the form).

    `paged` is for a page that shows the thread oldest first, THREAD_PAGE_SIZE comments a page: a new
    comment is then on the last page, not the first, and the redirect names the page that holds it.
    Otherwise the comment is taken to be on the first page (a thread shown newest first).
    """
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            rate_limit_request("write", request)
            comment = comment_create(
                author=signed_in(request),
                municipality=municipality,
                target=target,
                body=form.cleaned_data["body"],
                phase=phase,
            )
        except DomainError as error:
            messages.error(request, error.summary)
        else:
            query = ""
            if paged:
                page = comment_page(comment, target=target, viewer=request.user)
                query = f"?page={page}" if page > 1 else ""
            return redirect(f"{url}{query}#comment-{comment.pk}")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{url}#discussion")


def detail(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    comment = access_comment(request.user, municipality, comment_id)
    return render(request, "comments/detail.html", {"municipality": municipality, "comment": comment})
