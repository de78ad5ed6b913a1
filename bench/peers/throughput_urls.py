"""The peers of bench/throughput.py, served by the same processes as Veche, through the same
middleware (under /api/, so the bearer token signs each request in exactly as for Veche's API):

- straightforward: the poll list and the vote as they are usually first written. The list answers
  Veche's JSON (`PollOut`, paged as ninja pages it) but counts each poll's votes with its own
  COUNT(*) and looks the caller's vote up poll by poll; the vote takes a lock (the poll's row with
  SELECT ... FOR UPDATE on PostgreSQL, one lock file for every vote on SQLite), inserts, then
  counts the poll's votes and stores that count. It keeps no ledger entry (Veche's vote appends one
  to the poll's hash chain), which favours it;
- ceiling: a constant small JSON answer, for reads and votes alike: what the middleware, the token
  lookup and gunicorn cost with no view work at all.

Veche's own URLs follow unchanged.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from ninja.responses import NinjaJSONEncoder

from veche.access.functions import access_municipality
from veche.access.roles import is_signed_in
from veche.municipalities.models import District
from veche.polls.api import PollOut
from veche.polls.models import Poll, PollChoice, PollOption, PollTier, PollVote, Status
from veche.urls import urlpatterns as veche_urlpatterns

SQLITE_LOCK = Path("/tmp/veche-bench-throughput.lock")  # noqa: S108 - one lock for the benchmark's processes


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, encoder=NinjaJSONEncoder)


@require_GET
def straight_polls(request: HttpRequest, slug: str) -> JsonResponse:
    municipality = access_municipality(request.user, slug)
    limit = min(max(int(request.GET.get("limit", 100)), 1), 500)
    offset = max(int(request.GET.get("offset", 0)), 0)
    polls = (
        Poll.objects.filter(municipality=municipality, published_at__isnull=False)
        .select_related("municipality")
        .prefetch_related("options", Prefetch("districts", queryset=District.objects.order_by("name")))
        .order_by("-opens_at", "-id")
    )
    items = []
    for poll in polls[offset : offset + limit]:
        poll.votes_count = PollVote.objects.filter(poll=poll).count()
        mine = (
            PollVote.objects.filter(poll=poll, user=request.user).first()
            if is_signed_in(request.user)
            else None
        )
        poll.my_votes = [mine] if mine is not None else []  # type: ignore[attr-defined]  # read before 7d5ab20
        poll.my_choices = (  # type: ignore[attr-defined]
            [choice.option_id for choice in mine.choices.order_by("rank")] if mine is not None else None
        )
        poll.listed_options = [{"id": o.pk, "text": o.text} for o in poll.options.all()]  # type: ignore[attr-defined]
        poll.listed_districts = [d.slug for d in poll.districts.all()]  # type: ignore[attr-defined]
        items.append(PollOut.from_orm(poll).model_dump())
    return _json({"items": items, "count": polls.count()})


@contextmanager
def _global_lock() -> Iterator[None]:
    with SQLITE_LOCK.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


@require_POST
def straight_vote(request: HttpRequest, poll_id: int) -> JsonResponse:
    if not is_signed_in(request.user):
        return _json({"error": {"code": "unauthorized"}}, 401)
    options = json.loads(request.body or b"{}").get("options") or []
    now = timezone.now()
    lock = _global_lock() if connection.vendor == "sqlite" else _no_lock()
    with lock, transaction.atomic():
        poll = Poll.objects.select_for_update().filter(pk=poll_id).first()
        if poll is None:
            return _json({"error": {"code": "not_found"}}, 404)
        if poll.status_at(now) != Status.OPEN:
            return _json({"error": {"code": "not_open"}}, 409)
        if PollVote.objects.filter(poll=poll, user=request.user).exists():
            return _json({"error": {"code": "already_voted"}}, 409)
        chosen = list(PollOption.objects.filter(poll=poll, pk__in=options[:1]))
        if len(options) != 1 or not chosen:
            return _json({"error": {"code": "invalid"}}, 422)
        vote = PollVote.objects.create(poll=poll, user=request.user, tier=PollTier.REGISTERED, created_at=now)
        PollChoice.objects.create(vote=vote, option=chosen[0], rank=1)
        count = PollVote.objects.filter(poll=poll).count()
        Poll.objects.filter(pk=poll.pk).update(votes_count=count)
    return _json({"poll": poll.pk, "options": [chosen[0].pk], "votes_count": count}, 201)


CONSTANT = {"ok": True, "items": [], "count": 0}


def ceiling(request: HttpRequest, rest: str = "") -> JsonResponse:
    return _json(CONSTANT, 201 if request.method == "POST" else 200)


ceiling.csrf_exempt = True  # type: ignore[attr-defined]

urlpatterns = [
    path("api/_bench/straight/municipalities/<slug:slug>/polls", straight_polls),
    path("api/_bench/straight/polls/<int:poll_id>/votes", straight_vote),
    path("api/_bench/ceiling/<path:rest>", ceiling),
    *veche_urlpatterns,
]
