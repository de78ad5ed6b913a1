"""Polls on receipts, in a person's activity and in recognition: a vote is counted on its poll's chain,
and the polls open to the whole municipality make the series of the "every poll of a year" badge."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import register_counted
from veche.ledger.subjects import register
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of
from veche.polls.models import Poll, PollVote
from veche.recognition.models import Action, Condition
from veche.recognition.registry import register_series

register(
    Poll,
    yours=_("Your vote in the poll “{}”"),
    entry=_("A vote in the poll “{}”"),
    municipality=lambda poll: poll.municipality,
    url=lambda poll: reverse("polls:detail", args=[poll.municipality.slug, poll.pk]),
    related=("municipality",),
    title=lambda poll: poll.title,
)
register_counted("vote", PollVote, subject="poll")


def polls_of_years(
    municipalities: Sequence[Municipality], now: datetime
) -> dict[int, dict[int, frozenset[str]]]:
    """For each municipality, each calendar year that is over (its own clock) and the published polls
    open to all its districts that closed in it, early or on time: one query."""
    zones = {m.pk: zone_of(m) for m in municipalities}
    years: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    # A poll closed before it opened (a published poll cancelled) took no vote: it is nobody's to miss.
    polls = (
        Poll.objects.filter(
            municipality__in=list(zones), published_at__isnull=False, districts__isnull=True, opens_at__lt=now
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=F("opens_at")))
        .values_list("pk", "municipality_id", "closes_at", "closed_at")
    )
    for pk, municipality_id, closes_at, closed_at in polls:
        # Not Poll.ended_at: a poll closed by the nightly task after its end belongs to its end's year.
        ended = min(closes_at, closed_at) if closed_at is not None else closes_at
        zone = zones[municipality_id]
        year = timezone.localtime(ended, zone).year
        if ended <= now and year < timezone.localtime(now, zone).year:
            years[municipality_id][year].add(f"{Poll._meta.label_lower}:{pk}")
    return {m: {year: frozenset(polls) for year, polls in by_year.items()} for m, by_year in years.items()}


register_series(Condition.VOTED_EVERY_POLL_OF_YEAR, action=Action.VOTE_CAST, things=polls_of_years)
