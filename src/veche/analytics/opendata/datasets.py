# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The open datasets of a municipality: what each holds (the data dictionary) and its rows.

Open data is what an anonymous visitor may see on the site, whoever asks: published, not hidden,
results only once they are public. Rows carry no person: no author, name, e-mail, phone, device or
Open311 reporter field, and no per-person vote (votes are counted per option or idea). Coordinates
are rounded to 3 decimals (some 100 m). Times are ISO 8601 in UTC, dates ISO 8601 in the
municipality's calendar. The large tables are read with `.iterator()` over `values_list`, so an
export holds one chunk at a time.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veche.budgeting.access import results_public as budget_results_public
from veche.budgeting.models import Budget
from veche.budgeting.phases import PUBLISHED as BUDGET_PUBLISHED
from veche.core.spreadsheet import neutralise
from veche.crowdprojects.models import CrowdBallotChoice, Idea, Project
from veche.crowdprojects.services.voting import results_public as crowd_results_public
from veche.deliberation.models import Deliberation
from veche.initiatives.models import Initiative
from veche.initiatives.models import Status as InitiativeStatus
from veche.municipalities.models import Category, Department, District, Municipality
from veche.municipalities.zones import zone_of
from veche.polls.models import Kind, Poll, PollChoice, PollOption, PollVote, status_q
from veche.polls.models import Status as PollStatus
from veche.reports.selectors import public_reports

CHUNK = 2000  # rows read from the database, and written, at a time
PLACES = 3  # decimals kept of a coordinate: about 110 m of latitude
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"
# Whoever asks, open data is what a visitor who is not signed in sees.
NOBODY = AnonymousUser()


@dataclass(frozen=True)
class Column:
    name: str  # the header, never translated
    type: str  # integer, number, string, boolean, date, datetime
    meaning: Promise
    unit: Promise | str = ""


@dataclass(frozen=True)
class Dataset:
    """One file of a municipality, `/open-data/<slug>/<name>.<format>`."""

    name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    rows: Callable[[Municipality], Iterator[Sequence[Any]]]
    formats: tuple[str, ...] = ("csv",)


# Values ---------------------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str:
    """A time in UTC, ISO 8601 to the second with a Z (what spreadsheets and parsers read alike)."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, PLACES)


def _cell(value: Any) -> Any:
    """A CSV cell: text neutralised against spreadsheet formulas, None empty, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


def csv_pieces(dataset: Dataset, municipality: Municipality) -> Iterator[str]:
    """The dataset as CSV text in pieces of CHUNK rows, the header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in dataset.columns])
    for count, row in enumerate(dataset.rows(municipality), 1):
        writer.writerow([_cell(value) for value in row])
        if count % CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _names(
    model: type[Category] | type[District] | type[Department], municipality: Municipality
) -> dict[int, str]:
    return dict(model.objects.filter(municipality=municipality).order_by().values_list("pk", "name_ru"))


def _codes(model: type[Category] | type[District], municipality: Municipality) -> dict[int, str]:
    return dict(model.objects.filter(municipality=municipality).order_by().values_list("pk", "slug"))


# Reports --------------------------------------------------------------------------------------------

REPORT_FIELDS = (
    "pk",
    "status",
    "category_id",
    "district_id",
    "department_id",
    "created_at",
    "answer_due",
    "answered_at",
    "closed_at",
    "supporters_count",
    "latitude",
    "longitude",
    "description",
)


@dataclass(frozen=True)
class ReportRow:
    values: tuple[Any, ...]  # in REPORT_COLUMNS' order, without the coordinates
    longitude: float
    latitude: float


def report_rows(municipality: Municipality) -> Iterator[ReportRow]:
    """The public reports (moderated, not hidden), oldest first, as the open data writes them."""
    categories = _codes(Category, municipality)
    category_names = _names(Category, municipality)
    districts = _codes(District, municipality)
    departments = _names(Department, municipality)
    zone = zone_of(municipality)
    rows = public_reports(municipality).order_by("pk").values_list(*REPORT_FIELDS)
    for (
        pk,
        status,
        category,
        district,
        department,
        created,
        due,
        answered,
        closed,
        supporters,
        latitude,
        longitude,
        description,
    ) in rows.iterator(chunk_size=CHUNK):
        in_time = None if answered is None else timezone.localdate(answered, zone) <= due
        yield ReportRow(
            values=(
                pk,
                status,
                categories.get(category, ""),
                category_names.get(category, ""),
                districts.get(district, "") if district else "",
                departments.get(department, "") if department else "",
                _moment(created),
                _day(due),
                _moment(answered),
                _flag(in_time),
                _moment(closed),
                supporters,
                description,
            ),
            longitude=round(longitude, PLACES),
            latitude=round(latitude, PLACES),
        )


def _reports(municipality: Municipality) -> Iterator[Sequence[Any]]:
    for row in report_rows(municipality):
        yield (*row.values, row.latitude, row.longitude)


REPORT_PROPERTIES = (
    Column("id", "integer", _("The report's number on the site")),
    Column(
        "status", "string", _("Where the report stands: routed, in_progress, resolved, rejected or closed")
    ),
    Column("category", "string", _("The category's code")),
    Column("category_name", "string", _("The category's name, in Russian")),
    Column("district", "string", _("The district's code; empty when the place is in none")),
    Column("department", "string", _("The department that answers for it, in Russian")),
    Column("created_at", "datetime", _("When it was sent"), "UTC"),
    Column("answer_due", "date", _("The last day for the answer, in the municipality's calendar")),
    Column(
        "answered_at",
        "datetime",
        _("When the city answered (resolved or rejected); after a dispute, its latest answer"),
        "UTC",
    ),
    Column(
        "answered_in_time",
        "boolean",
        _("Whether that answer came on or before the last day; empty until answered"),
    ),
    Column("closed_at", "datetime", _("When the report was closed"), "UTC"),
    Column("supporters", "integer", _("Residents who said they have the same problem"), _("people")),
    Column("description", "string", _("The problem in the author's words, as the site shows it")),
)
COORDINATES = (
    Column(
        "latitude",
        "number",
        _("Latitude of the place, rounded to 3 decimals (about 100 m)"),
        _("degrees, WGS 84"),
    ),
    Column("longitude", "number", _("Longitude of the place, rounded to 3 decimals"), _("degrees, WGS 84")),
)


def geojson_pieces(municipality: Municipality) -> Iterator[str]:
    """The public reports as an RFC 7946 FeatureCollection of points, [longitude, latitude]."""
    names = [column.name for column in REPORT_PROPERTIES]
    yield '{"type":"FeatureCollection","features":['
    batch: list[str] = []
    first = True
    for row in report_rows(municipality):
        feature = {
            "type": "Feature",
            "id": row.values[0],
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
            "properties": {
                name: (value if value != "" else None) for name, value in zip(names, row.values, strict=True)
            },
        }
        batch.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        if len(batch) >= CHUNK:
            yield ("" if first else ",") + ",".join(batch)
            first = False
            batch = []
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield "]}\n"


# Initiatives ----------------------------------------------------------------------------------------


def public_initiatives(municipality: Municipality) -> QuerySet[Initiative]:
    """Published initiatives a moderator did not hide (`initiatives.access.can_see_initiative`)."""
    return Initiative.objects.filter(municipality=municipality, hidden_at__isnull=True).exclude(
        status=InitiativeStatus.DRAFT
    )


def _initiatives(municipality: Municipality) -> Iterator[Sequence[Any]]:
    districts = _codes(District, municipality)
    rows = (
        public_initiatives(municipality)
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "title",
            "body",
            "district_id",
            "published_at",
            "support_ends_at",
            "threshold",
            "endorsements_count",
            "threshold_reached_at",
            "answer_due",
            "answered_at",
            "poll_id",
            "decided_at",
            "implemented_at",
        )
    )
    for (
        pk,
        status,
        title,
        body,
        district,
        published,
        ends,
        threshold,
        supports,
        reached,
        due,
        answered,
        poll,
        decided,
        implemented,
    ) in rows.iterator(chunk_size=CHUNK):
        yield (
            pk,
            status,
            title,
            body,
            districts.get(district, "") if district else "",
            _moment(published),
            _moment(ends),
            threshold,
            supports,
            _moment(reached),
            _day(due),
            _moment(answered),
            poll,
            _moment(decided),
            _moment(implemented),
        )


INITIATIVE_COLUMNS = (
    Column("id", "integer", _("The initiative's number on the site")),
    Column(
        "status",
        "string",
        _(
            "Where it stands: published, threshold_reached, rejected, accepted, voting, decided, "
            "implemented or archived"
        ),
    ),
    Column("title", "string", _("Its title")),
    Column("text", "string", _("Its text, as the site shows it")),
    Column("district", "string", _("The district's code when it concerns one district")),
    Column("published_at", "datetime", _("When it was published"), "UTC"),
    Column("support_ends_at", "datetime", _("When collecting support ends"), "UTC"),
    Column("threshold", "integer", _("Supporters it needs"), _("people")),
    Column("supporters", "integer", _("Supporters so far"), _("people")),
    Column("threshold_reached_at", "datetime", _("When it reached the threshold"), "UTC"),
    Column("answer_due", "date", _("The last day for the official answer")),
    Column("answered_at", "datetime", _("When the city answered"), "UTC"),
    Column("poll", "integer", _("The poll on its options (an id of polls.csv)")),
    Column("decided_at", "datetime", _("When the option was chosen"), "UTC"),
    Column("implemented_at", "datetime", _("When it was carried out"), "UTC"),
)


# Polls ----------------------------------------------------------------------------------------------


def public_polls(municipality: Municipality) -> QuerySet[Poll]:
    return Poll.objects.filter(municipality=municipality, published_at__isnull=False)


def results_public_q(now: datetime) -> Q:
    """The polls whose results are public at `now`, as `polls.access.results_public` decides."""
    return status_q(PollStatus.CLOSED, now) | Q(published_at__isnull=False, live_results=True)


def _polls(municipality: Municipality) -> Iterator[Sequence[Any]]:
    now = timezone.now()
    public = set(public_polls(municipality).filter(results_public_q(now)).values_list("pk", flat=True))
    voters = dict(
        PollVote.objects.filter(poll__municipality=municipality, poll_id__in=public)
        .values("poll_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("poll_id", "n")
    )
    polls = public_polls(municipality).order_by("pk")
    for poll in polls.only(
        "pk", "title", "kind", "opens_at", "closes_at", "closed_at", "published_at"
    ).iterator(chunk_size=CHUNK):
        shown = poll.pk in public
        yield (
            poll.pk,
            poll.title,
            poll.kind,
            poll.status_at(now),
            _moment(poll.opens_at),
            _moment(poll.closes_at),
            _moment(poll.closed_at),
            _flag(shown),
            voters.get(poll.pk, 0) if shown else "",
        )


POLL_COLUMNS = (
    Column("id", "integer", _("The poll's number on the site")),
    Column("title", "string", _("The question")),
    Column("kind", "string", _("single, multiple or ranked choice")),
    Column("status", "string", _("scheduled, open or closed")),
    Column("opens_at", "datetime", _("When voting opens"), "UTC"),
    Column("closes_at", "datetime", _("When voting closes"), "UTC"),
    Column("closed_at", "datetime", _("When it was closed early, if it was"), "UTC"),
    Column("results_public", "boolean", _("Whether its results are published (poll-results.csv)")),
    Column("voters", "integer", _("Residents who voted; empty until the results are public"), _("people")),
)


def _poll_results(municipality: Municipality) -> Iterator[Sequence[Any]]:
    polls = dict(
        public_polls(municipality).filter(results_public_q(timezone.now())).values_list("pk", "kind")
    )
    options = list(
        PollOption.objects.filter(poll_id__in=polls)
        .order_by("poll_id", "position")
        .values_list("pk", "poll_id", "position", "text")
    )
    per_poll: dict[int, int] = defaultdict(int)
    for _pk, poll, _position, _text in options:
        per_poll[poll] += 1
    ranks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for option, rank, n in (
        PollChoice.objects.filter(option__poll_id__in=polls)
        .values("option_id", "rank")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("option_id", "rank", "n")
    ):
        ranks[option].append((rank, n))
    for pk, poll, position, text in options:
        counted = ranks.get(pk, [])
        ranked = polls[poll] == Kind.RANKED
        chosen = sum(n for _rank, n in counted)
        first = sum(n for rank, n in counted if rank == 1)
        # As `polls.selectors.poll_results`: rank 1 earns (options - 1) points, each next one fewer.
        borda = sum(n * (per_poll[poll] - rank) for rank, n in counted)
        yield (poll, pk, position, text, chosen, first if ranked else "", borda if ranked else "")


POLL_RESULT_COLUMNS = (
    Column("poll", "integer", _("The poll (an id of polls.csv)")),
    Column("option", "integer", _("The option's id")),
    Column("position", "integer", _("The option's place on the ballot")),
    Column("text", "string", _("The option")),
    Column("votes", "integer", _("Ballots that chose it (in a ranked poll: ranked it at all)"), _("ballots")),
    Column("first_choices", "integer", _("Ranked polls: ballots that ranked it first"), _("ballots")),
    Column("borda", "integer", _("Ranked polls: the Borda score"), _("points")),
)


# Participatory budgets and deliberations (files of their own, in their apps' formats) ------------------


def public_budgets(municipality: Municipality) -> QuerySet[Budget]:
    """Budgets of processes whose results are published (`budgeting.access.results_public`)."""
    return (
        Budget.objects.filter(process__municipality=municipality, process__phase__in=BUDGET_PUBLISHED)
        .select_related("process", "district")
        .order_by("process_id", "pk")
    )


def is_public_budget(budget: Budget) -> bool:
    return budget_results_public(budget.process)


def public_deliberations(municipality: Municipality) -> QuerySet[Deliberation]:
    """Published deliberations, of a published project when they belong to one
    (`deliberation.access.can_see_deliberation` for a visitor)."""
    return (
        Deliberation.objects.filter(municipality=municipality, published_at__isnull=False)
        .filter(Q(project__isnull=True) | Q(project__published_at__isnull=False))
        .order_by("pk")
    )


# Crowd projects -------------------------------------------------------------------------------------


def public_projects(municipality: Municipality) -> QuerySet[Project]:
    return Project.objects.filter(municipality=municipality, published_at__isnull=False)


def public_ideas(municipality: Municipality) -> QuerySet[Idea]:
    """Ideas of published projects that a moderator did not hide (`crowdprojects.access.can_see_idea`)."""
    return Idea.objects.filter(
        municipality=municipality, project__published_at__isnull=False, hidden_at__isnull=True
    )


def _projects(municipality: Municipality) -> Iterator[Sequence[Any]]:
    departments = _names(Department, municipality)
    rows = (
        public_projects(municipality)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "description",
            "department_id",
            "voting_method",
            "published_at",
            "starts_at",
            "ends_at",
        )
    )
    for pk, title, description, department, method, published, starts, ends in rows.iterator(
        chunk_size=CHUNK
    ):
        yield (
            pk,
            title,
            description,
            departments.get(department, "") if department else "",
            method,
            _moment(published),
            _moment(starts),
            _moment(ends),
        )


PROJECT_COLUMNS = (
    Column("id", "integer", _("The project's number on the site")),
    Column("title", "string", _("The question the project asks")),
    Column("description", "string", _("Its description")),
    Column("department", "string", _("The organising department, in Russian")),
    Column("voting_method", "string", _("How residents vote on ideas: approval or rating")),
    Column("published_at", "datetime", _("When it was published"), "UTC"),
    Column("starts_at", "datetime", _("When its first stage starts"), "UTC"),
    Column("ends_at", "datetime", _("When its last stage ends"), "UTC"),
)


def _ideas(municipality: Municipality) -> Iterator[Sequence[Any]]:
    rows = (
        public_ideas(municipality)
        .order_by("pk")
        .values_list(
            "pk",
            "project_id",
            "status",
            "title",
            "body",
            "tags",
            "created_at",
            "endorsements_count",
            "merged_into_id",
            "latitude",
            "longitude",
        )
    )
    for (
        pk,
        project,
        status,
        title,
        body,
        tags,
        created,
        supports,
        merged,
        latitude,
        longitude,
    ) in rows.iterator(chunk_size=CHUNK):
        yield (
            pk,
            project,
            status,
            title,
            body,
            tags,
            _moment(created),
            supports,
            merged,
            _round(latitude),
            _round(longitude),
        )


IDEA_COLUMNS = (
    Column("id", "integer", _("The idea's number on the site")),
    Column("project", "integer", _("The project (an id of projects.csv)")),
    Column("status", "string", _("published, selected, not_selected or merged")),
    Column("title", "string", _("Its title")),
    Column("text", "string", _("Its text, as the site shows it")),
    Column("tags", "string", _("Tags, separated by commas")),
    Column("created_at", "datetime", _("When it was proposed"), "UTC"),
    Column("supporters", "integer", _("Residents who supported it"), _("people")),
    Column("merged_into", "integer", _("The idea it was merged into, if it was")),
    *COORDINATES,
)


def _project_votes(municipality: Municipality) -> Iterator[Sequence[Any]]:
    now = timezone.now()
    projects = public_projects(municipality).prefetch_related("stages").order_by("pk")
    counted = [
        project.pk
        for project in projects
        if crowd_results_public(project, sorted(project.stages.all(), key=lambda s: s.position), now)
    ]
    rows = (
        CrowdBallotChoice.objects.filter(ballot__project_id__in=counted, idea__hidden_at__isnull=True)
        .values("ballot__project_id", "idea_id")
        .annotate(ballots=Count("pk"), ratings=Count("rating"), average=Avg("rating"))
        .order_by("ballot__project_id", "idea_id")
    )
    for row in rows:
        average = row["average"]
        yield (
            row["ballot__project_id"],
            row["idea_id"],
            row["ballots"],
            row["ratings"],
            "" if average is None else round(float(average), 2),
        )


PROJECT_VOTE_COLUMNS = (
    Column("project", "integer", _("The project (an id of projects.csv)")),
    Column("idea", "integer", _("The idea (an id of ideas.csv)")),
    Column("ballots", "integer", _("Ballots that chose or rated the idea"), _("ballots")),
    Column("ratings", "integer", _("Rating projects: ballots that gave it stars"), _("ballots")),
    Column("average_rating", "number", _("Rating projects: the mean rating"), _("stars, 1 to 5")),
)


def _decisions(municipality: Municipality) -> Iterator[Sequence[Any]]:
    departments = _names(Department, municipality)
    rows = (
        public_ideas(municipality)
        .filter(status__in=Idea.ANSWERED, decision__isnull=False)
        .order_by("pk")
        .values_list(
            "project_id",
            "pk",
            "decision__selected",
            "decision__department_id",
            "decision__planned_by",
            "answered_at",
        )
    )
    for project, idea, selected, department, planned, answered in rows.iterator(chunk_size=CHUNK):
        yield (
            project,
            idea,
            _flag(selected),
            departments.get(department, "") if department else "",
            _day(planned),
            _moment(answered),
        )


DECISION_COLUMNS = (
    Column("project", "integer", _("The project (an id of projects.csv)")),
    Column("idea", "integer", _("The idea (an id of ideas.csv)")),
    Column("selected", "boolean", _("Whether the organiser took the idea up")),
    Column("department", "string", _("The department that carries it out, in Russian")),
    Column("planned_by", "date", _("When it is to be done by")),
    Column("decided_at", "datetime", _("When the decision was published"), "UTC"),
)


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "reports",
        _("Reports of problems"),
        _("Residents' reports of problems in the city that passed moderation, with their answers' dates."),
        (*REPORT_PROPERTIES, *COORDINATES),
        _reports,
        ("csv", "geojson"),
    ),
    Dataset(
        "initiatives",
        _("Initiatives"),
        _("Residents' initiatives, their support and what became of them."),
        INITIATIVE_COLUMNS,
        _initiatives,
    ),
    Dataset("polls", _("Polls"), _("The polls the city published."), POLL_COLUMNS, _polls),
    Dataset(
        "poll-results",
        _("Poll results"),
        _("Votes per option of every poll whose results are published."),
        POLL_RESULT_COLUMNS,
        _poll_results,
    ),
    Dataset("projects", _("Crowd projects"), _("The published crowd projects."), PROJECT_COLUMNS, _projects),
    Dataset(
        "ideas",
        _("Ideas of crowd projects"),
        _("Residents' ideas in the crowd projects."),
        IDEA_COLUMNS,
        _ideas,
    ),
    Dataset(
        "project-votes",
        _("Votes on ideas"),
        _("Ballots per idea of every crowd project whose voting has ended (counted, never per person)."),
        PROJECT_VOTE_COLUMNS,
        _project_votes,
    ),
    Dataset(
        "decisions",
        _("Decisions on ideas"),
        _("Which ideas the organisers took up after the vote, who carries them out and by when."),
        DECISION_COLUMNS,
        _decisions,
    ),
)
BY_NAME = {dataset.name: dataset for dataset in DATASETS}
