"""Pages of recognition: a municipality's badges and public board, a badge's page, a person's ledger
lines, their consent to the board, and the municipal admin's point rules. Thin: parse, check access,
call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.core.forms import press, submit
from veche.core.http import signed_in
from veche.recognition import services
from veche.recognition.access import access_badge, access_recognition_staff
from veche.recognition.conditions import how_earned, rule_words
from veche.recognition.forms import ConsentForm, PointRulesForm
from veche.recognition.selectors import (
    Earned,
    badge_rules,
    board_of,
    board_rows,
    consents_to_board,
    entries_of,
    held_by,
    lines_of,
    point_rules_of,
    rules_ready,
    standing_in,
)

BOARD_PAGE_SIZE = 50
LINES_PAGE_SIZE = 50


def badge_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's badges, how points are given, and below the public board: the people who
    chose to appear on it, by their public name, with their points and badges."""
    municipality = access_municipality(request.user, slug)
    rules_ready(municipality)
    badges = list(badge_rules(municipality))
    page = Paginator(board_rows(municipality), BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "municipality": municipality,
        "badges": [(badge, how_earned(badge, brief=True)) for badge in badges],
        "point_rules": [rule_words(rule) for rule in point_rules_of(municipality)],
        "page": page,
        "board": board_of(municipality, page.object_list, badges),
        "rank_from": page.start_index(),
        "on_board": consents_to_board(request.user, municipality),
    }
    return render(request, "recognition/badges.html", context)


def badge_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One badge: how it is earned, in words made from its rule; and for the signed-in person, since
    when and by what they hold it, or how far they are."""
    municipality = access_municipality(request.user, slug)
    rules_ready(municipality)
    badge = access_badge(request.user, municipality, code)
    held = held_by(standing_in(request.user, municipality), badge)
    context = {
        "municipality": municipality,
        "badge": badge,
        "how_earned": how_earned(badge),
        "held": held,
        "earned": isinstance(held, Earned),
        "lines": lines_of(held.by) if isinstance(held, Earned) else [],
    }
    return render(request, "recognition/badge.html", context)


@login_required
def my_points(request: HttpRequest, slug: str) -> HttpResponse:
    """Every line of the person's ledger in the municipality, newest first: each point explained."""
    municipality = access_municipality(request.user, slug)
    user = signed_in(request)
    page = Paginator(entries_of(user, municipality), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    standing = standing_in(user, municipality)
    context = {
        "municipality": municipality,
        "page": page,
        "lines": lines_of(list(page.object_list)),
        "points": standing.points if standing is not None else 0,
    }
    return render(request, "recognition/points.html", context)


@login_required
@require_POST
def consent(request: HttpRequest, slug: str) -> HttpResponse:
    """Appear on the municipality's public board, or stop appearing there."""
    municipality = access_municipality(request.user, slug)
    form = ConsentForm(request.POST)
    valid = form.is_valid()
    shown = valid and form.cleaned_data["shown"]
    back_to = form.cleaned_data["next"] if valid else ""
    # Back to the page of the button (the board, the profile), never to another site.
    if not back_to.startswith("/") or not url_has_allowed_host_and_scheme(
        back_to, {request.get_host()}, request.is_secure()
    ):
        back_to = reverse("recognition:badges", args=[slug])
    return press(
        request,
        lambda: services.board_consent_set(user=signed_in(request), municipality=municipality, shown=shown),
        done=_("You are shown on the public board.")
        if shown
        else _("You are no longer shown on the public board."),
        back_to=back_to,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_rules(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipal admin's page: points and daily limits of every action; the badges are listed with
    a link to their own staff pages."""
    municipality = access_recognition_staff(request.user, slug)
    form = PointRulesForm(request.POST or None, rules=point_rules_of(municipality))
    submitted = submit(
        request,
        form,
        lambda data: services.point_rules_save(
            actor=signed_in(request), municipality=municipality, rules=form.values()
        ),
    )
    if submitted.ok:
        messages.success(request, _("The point rules are saved."))
        return redirect("recognition_staff:rules", slug=slug)
    badges = badge_rules(municipality, active_only=False)
    context = {
        "municipality": municipality,
        "form": form,
        "badges": [(badge, how_earned(badge, brief=True)) for badge in badges],
    }
    return render(request, "recognition/staff_rules.html", context, status=submitted.status)
