"""Pages of comments: write one under the town square, and one comment's own page."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from veche.access.functions import access_comment, access_municipality
from veche.access.predicates import OPEN_DISCUSSION, Phase
from veche.comments.forms import CommentForm, ReactionForm, ThreadFields
from veche.comments.models import Comment
from veche.comments.selectors import comment_page
from veche.comments.services import comment_create, comment_react
from veche.core.errors import DomainError
from veche.core.forms import checked, press
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
    create: Callable[..., Comment] = comment_create,
) -> HttpResponse:
    """Post the form's comment under `target`, then go back to `url` (at the comment, or the form).

    `paged` is for a page that shows the thread oldest first, THREAD_PAGE_SIZE comments a page: a new
    comment is then on the last page, not the first, and the redirect names the page that holds it.
    Otherwise the comment is taken to be on the first page (a thread shown newest first).
    The form may answer a comment (`parent_id`) and take a side (`stance`, where the target uses them).
    `create` is the service that writes it: `comment_create`, or a wing's own that checks more first
    (a crowd project's districts) and then calls it.
    """
    form = CommentForm(request.POST)
    extra = ThreadFields(request.POST)
    if form.is_valid() and extra.is_valid():
        try:
            rate_limit_request("write", request)
            comment = create(
                author=signed_in(request),
                municipality=municipality,
                target=target,
                body=form.cleaned_data["body"],
                phase=phase,
                parent_id=extra.cleaned_data["parent_id"],
                stance=extra.cleaned_data["stance"] or "",
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
        errors = [*form.errors.values(), *extra.errors.values()]
        messages.error(request, " ".join(str(e) for field_errors in errors for e in field_errors))
    return redirect(f"{url}#discussion")


def detail(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    comment = access_comment(request.user, municipality, comment_id)
    return render(request, "comments/detail.html", {"municipality": municipality, "comment": comment})


@login_required
@require_POST
def react(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    """Mark a comment ("I agree", "useful") or take the mark back; back to the thread it is in (htmx
    swaps the marks in place), or JSON for a script that asks for it."""
    municipality = access_municipality(request.user, slug)
    comment = access_comment(request.user, municipality, comment_id)
    target = comment.target
    url = getattr(target, "get_absolute_url", None)
    back = (url() if callable(url) else reverse("municipality", args=[slug])) + f"#comment-{comment.pk}"
    form = ReactionForm(request.POST)
    return press(
        request,
        lambda: comment_react(user=signed_in(request), comment=comment, kind=checked(form)["kind"]),
        done=lambda marked: "",
        back_to=back,
    )
