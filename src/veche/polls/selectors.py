"""Reads of polls shared by pages and the API: lists, a person's vote, and the results."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.access.roles import is_signed_in
from veche.municipalities.models import District, Municipality
from veche.polls.models import Kind, Poll, PollChoice, PollDistrict, PollOption, PollVote, Status, status_q

# The order of each tab: what closes soonest, what opens soonest, what closed last.
ORDERINGS: dict[str, tuple[str, ...]] = {
    Status.OPEN: ("closes_at", "id"),
    Status.SCHEDULED: ("opens_at", "id"),
    Status.CLOSED: ("-closes_at", "-id"),
    "": ("-opens_at", "-id"),
}
LISTED = (Status.OPEN, Status.SCHEDULED, Status.CLOSED)
NO_DISTRICT = gettext_lazy("Registered voters and residents with no district")


def with_listing(polls: Iterable[Poll], viewer: Any) -> list[Poll]:
    """`polls` (a page of them), each carrying what the API shows besides its own row: `with_parts`'
    attributes and `my_choices`, the option ids `viewer` chose in ballot order (None if they did
    not vote)."""
    page = with_parts(polls)
    mine = choices_of(page, viewer)
    for poll in page:
        poll.my_choices = mine.get(poll.pk)  # type: ignore[attr-defined]
    return page


def choices_of(polls: list[Poll], viewer: Any) -> dict[int, list[int]]:
    """The option ids `viewer` chose in each of `polls` they voted in, in ballot order: one query.
    (The LEFT JOIN keeps SQLite's order: the vote by its (poll, user) index, then its choices; the
    join the other way round took 75 ms there. Joined to the polls' counts as well, it cost
    PostgreSQL twice the planning.)"""
    if not polls or not is_signed_in(viewer):
        return {}
    marks = ", ".join(["%s"] * len(polls))
    sql = (
        f"SELECT v.poll_id, c.option_id FROM {PollVote._meta.db_table} v "  # noqa: S608 - table names
        f"LEFT JOIN {PollChoice._meta.db_table} c ON c.vote_id = v.id "
        f"WHERE v.user_id = %s AND v.poll_id IN ({marks}) ORDER BY v.poll_id, c.rank"
    )
    choices: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.pk, *(poll.pk for poll in polls)])
        for poll_id, option_id in cursor.fetchall():
            if option_id is not None:  # a vote has its choices; the LEFT JOIN would say None else
                choices.setdefault(poll_id, []).append(option_id)
    return choices


def with_parts(polls: Iterable[Poll]) -> list[Poll]:
    """`polls`, each carrying its options and districts, read for the whole page in two or three plain
    queries (a prefetch per relation cost more in Python than the rest of the page):

    - `listed_options`: its options in order, as {"id", "text"};
    - `listed_districts`: the slugs of the districts it is limited to, by name.
    """
    page = list(polls)
    ids = [poll.pk for poll in page]
    options: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = PollOption.objects.filter(poll_id__in=ids).order_by("poll_id", "position")
    for pk, poll_id, text in rows.values_list("pk", "poll_id", "text"):
        options[poll_id].append({"id": pk, "text": text})
    limits = list(PollDistrict.objects.filter(poll_id__in=ids).values_list("poll_id", "district_id"))
    slugs = dict(
        District.objects.filter(pk__in={district for _poll, district in limits})
        .order_by("name")
        .values_list("pk", "slug")
        if limits
        else ()
    )
    order = {pk: place for place, pk in enumerate(slugs)}
    districts: dict[int, list[int]] = defaultdict(list)
    for poll_id, district_id in limits:
        districts[poll_id].append(district_id)
    for poll in page:
        poll.listed_options = options[poll.pk]  # type: ignore[attr-defined]
        poll.listed_districts = [slugs[d] for d in sorted(districts[poll.pk], key=order.__getitem__)]  # type: ignore[attr-defined]
    return page


def polls_for(*, municipality: Municipality, viewer: Any, status: str = "", now: datetime) -> QuerySet[Poll]:
    """Published polls of `municipality` (in `status` at `now` if given), each annotated with
    `voted` (whether `viewer` voted in it) and carrying its districts."""
    polls = Poll.objects.filter(municipality=municipality).filter(status_q(status, now) if status else Q())
    if not status:
        polls = polls.filter(published_at__isnull=False)
    voted = (
        Exists(PollVote.objects.filter(poll=OuterRef("pk"), user=viewer))
        if is_signed_in(viewer)
        else Value(False)
    )
    return (
        polls.select_related("municipality")
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("name")))
        .annotate(voted=voted)
        .order_by(*ORDERINGS.get(status, ORDERINGS[""]))
    )


def polls_to_manage(*, municipality: Municipality) -> QuerySet[Poll]:
    """Every poll of `municipality` for the staff page: drafts first, then the newest published."""
    return Poll.objects.filter(municipality=municipality).order_by(
        F("published_at").desc(nulls_first=True), "-created_at", "-id"
    )


def poll_vote_of(*, poll: Poll, user: Any) -> PollVote | None:
    """`user`'s vote in `poll`, with its options in ballot order, if they voted."""
    if not is_signed_in(user):
        return None
    return (
        PollVote.objects.filter(poll=poll, user=user)
        .prefetch_related(
            Prefetch("choices", queryset=PollChoice.objects.select_related("option").order_by("rank"))
        )
        .first()
    )


@dataclass(frozen=True)
class OptionResult:
    id: int
    text: str
    # Ballots that chose the option; in a ranked poll, ballots that ranked it first.
    votes: int
    share: float  # of all voters, 0..1
    ranked_by: int  # ballots that ranked it at all (ranked polls)
    borda: int | None  # ranked polls only

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)


@dataclass(frozen=True)
class DistrictTurnout:
    district: District | None  # None: voters with no verified district
    voters: int
    share: float  # of all voters, 0..1

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)

    @property
    def name(self) -> str:
        return self.district.title if self.district is not None else str(NO_DISTRICT)

    @property
    def slug(self) -> str | None:
        return self.district.slug if self.district is not None else None


@dataclass(frozen=True)
class Results:
    poll: Poll
    voters: int
    options: list[OptionResult]  # in the poll's order
    turnout: list[DistrictTurnout]
    borda_points: int  # what a first place earns in a ranked poll: options - 1

    @property
    def counting(self) -> str:
        """How the numbers were counted, in a sentence for people."""
        if self.poll.kind == Kind.SINGLE:
            return _("Each voter chose one option; the table shows how many chose each.")
        if self.poll.kind == Kind.MULTIPLE:
            return _(
                "Each voter could choose several options, so the shares add up to more than 100%: "
                "each is the share of voters who chose the option."
            )
        return _(
            "Two counts are shown. First preferences: how many voters ranked the option first. "
            "Borda score: on each ballot an option ranked first earns %(points)d points, the next "
            "one point fewer, and so on; unranked options earn nothing. The table is ordered by the "
            "Borda score."
        ) % {"points": self.borda_points}

    @property
    def ordered(self) -> list[OptionResult]:
        """Leading options first: by Borda score in a ranked poll, else by votes."""
        if self.poll.kind == Kind.RANKED:
            return sorted(self.options, key=lambda o: (-(o.borda or 0), -o.votes))
        return sorted(self.options, key=lambda o: -o.votes)


def poll_results(*, poll: Poll) -> Results:
    """Counts per option, and voters per district of their verification."""
    options = list(PollOption.objects.filter(poll=poll).order_by("position"))
    points = len(options) - 1
    counts = {
        row["option"]: row
        for row in PollChoice.objects.filter(option__poll=poll)
        .values("option")
        .annotate(
            chosen=Count("id"),
            first=Count("id", filter=Q(rank=1)),
            # rank 1 earns `points`, rank 2 one fewer…; ranks never exceed the number of options.
            borda=Sum(Value(len(options), output_field=IntegerField()) - F("rank")),
        )
        .order_by()
    }
    voters = PollVote.objects.filter(poll=poll).count()
    ranked = poll.kind == Kind.RANKED

    def share(n: int) -> float:
        return n / voters if voters else 0.0

    results = []
    for option in options:
        row = counts.get(option.pk, {"chosen": 0, "first": 0, "borda": 0})
        votes = row["first"] if ranked else row["chosen"]
        results.append(
            OptionResult(
                id=option.pk,
                text=option.text,
                votes=votes,
                share=share(votes),
                ranked_by=row["chosen"],
                borda=(row["borda"] or 0) if ranked else None,
            )
        )
    by_district = dict(
        PollVote.objects.filter(poll=poll).values_list("district").annotate(n=Count("id")).order_by()
    )
    scope = list(poll.districts.all())
    districts = scope or list(District.objects.filter(municipality_id=poll.municipality_id))
    known = {d.pk for d in districts}
    # Districts outside the list (a district since removed from the scope) still count.
    extra = [pk for pk in by_district if pk is not None and pk not in known]
    districts += list(District.objects.filter(pk__in=extra))
    districts.sort(key=lambda d: d.title)  # by name in the reader's language
    turnout = [
        DistrictTurnout(d, by_district.get(d.pk, 0), share(by_district.get(d.pk, 0))) for d in districts
    ]
    if by_district.get(None):
        turnout.append(DistrictTurnout(None, by_district[None], share(by_district[None])))
    return Results(poll=poll, voters=voters, options=results, turnout=turnout, borda_points=points)
