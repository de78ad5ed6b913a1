"""Pages of notifications: the list, and marking notices read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from veche.core.http import signed_in
from veche.notifications.selectors import notifications_for
from veche.notifications.services import notifications_mark_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(user=signed_in(request)), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    given = request.POST.getlist("id")
    # Without ids: all notices. With ids that are not notices' (not numbers, past bigint): none.
    ids = [int(i) for i in given if i.isdigit() and len(i) < 19]
    notifications_mark_read(user=signed_in(request), ids=ids if given else None)
    return redirect("notifications")
