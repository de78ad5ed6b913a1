"""Every write to a deliberation: the organisers open, edit and publish one and moderate its
statements; residents add statements and vote; the map is recomputed from the votes; a Polis export
is imported.

Rules this module decides:

- Residents take part (vote, add statements) only while the deliberation is open to them
  (`access.can_deliberate`: a project's stage, or a standalone one's dates; the tier; the districts).
- A statement is plain text (no HTML or markup), at most the deliberation's `statement_max_length`
  characters, not the same text as another of the deliberation (casefolded, blanks collapsed). A
  resident's waits for moderation (pending statements are not shown to voters); the organisers' own
  (seeds) are accepted as they are added, and may be added before the deliberation opens.
- A vote is 1 (agree), -1 (disagree) or 0 (pass) on an accepted, visible statement of this
  deliberation. The latest vote counts: a second vote replaces the first in place. The first vote
  (or statement) of a person makes them a participant, exactly once however many arrive at once.
- Every vote locks the deliberation's row first (raising `vote_serial`), then writes the vote: one
  fixed order, so concurrent votes never deadlock; numbers of participants and statements are given
  under the same lock.
- The map is recomputed in the background (`tasks.deliberation_recompute`) once enough votes came
  since the last one, or the last one is old; each run starts from the last run's state (warm start
  and the k smoother).
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.access.predicates import Feature, allows
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.moments import check_moment
from veche.core.text import check_text
from veche.crowdprojects.models import Project, ProjectTier
from veche.deliberation.access import (
    can_deliberate,
    can_moderate_statements,
    can_run_deliberation,
    require_run_deliberation,
)
from veche.deliberation.engine import State, Votes, cluster, place, priorities
from veche.deliberation.engine.polis import Conversation, read_polis
from veche.deliberation.models import (
    REASON_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    STATEMENT_MIN_LIMIT,
    STATUS_OF_MODERATED,
    TITLE_MAX_LENGTH,
    Deliberation,
    DeliberationDistrict,
    Map,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    shown_q,
)
from veche.deliberation.phases import deliberation_phase
from veche.deliberation.selectors import LatestVotes, latest_votes
from veche.municipalities.models import Department, District, Municipality

log = logging.getLogger(__name__)

IMPORT_BATCH = 5000


# Opening, editing and publishing a deliberation.


def _locked(deliberation: Deliberation) -> Deliberation:
    """The deliberation's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("municipality", "project", "project__municipality", "department")
        .get(pk=deliberation.pk)
    )


def _check_settings(
    deliberation: Deliberation,
    *,
    title: str,
    description: str,
    department: Department | None,
    tier: int,
    districts: Sequence[District],
    opens_at: datetime | None,
    closes_at: datetime | None,
    statement_max_length: int,
    residents_add_statements: bool,
) -> list[District]:
    """Every field checked and set on `deliberation` (unsaved), or a DomainError naming the first wrong
    one; the districts chosen. A project's deliberation takes its tier, districts and dates from the
    project: those given here are ignored."""
    deliberation.title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    deliberation.description = check_text(description, "description", required=False)
    if (
        isinstance(statement_max_length, bool)
        or not isinstance(statement_max_length, int)
        or not STATEMENT_MIN_LIMIT <= statement_max_length <= STATEMENT_MAX_LENGTH
    ):
        raise DomainError(
            fields={
                "statement_max_length": [
                    _("Choose from %(low)d to %(high)d characters.")
                    % {"low": STATEMENT_MIN_LIMIT, "high": STATEMENT_MAX_LENGTH}
                ]
            }
        )
    deliberation.statement_max_length = statement_max_length
    deliberation.residents_add_statements = bool(residents_add_statements)
    project = deliberation.project
    if project is not None:
        deliberation.tier = project.tier
        deliberation.department = project.department
        deliberation.opens_at = deliberation.closes_at = None
        return []
    if department is not None and department.municipality_id != deliberation.municipality_id:
        raise DomainError(fields={"department": [_("Choose a department of this municipality.")]})
    deliberation.department = department
    if tier not in ProjectTier.values:
        raise DomainError(fields={"tier": [_("Choose who may take part.")]})
    deliberation.tier = tier
    chosen = {d.pk: d for d in districts}
    if any(d.municipality_id != deliberation.municipality_id for d in chosen.values()):
        raise DomainError(fields={"districts": [_("Choose districts of this municipality.")]})
    if chosen and tier != ProjectTier.VERIFIED:
        raise DomainError(
            fields={
                "tier": [_("A deliberation for some districts is open only to residents verified in them.")]
            }
        )
    if opens_at is not None:
        check_moment(opens_at, field="opens_at")
    if closes_at is not None:
        check_moment(closes_at, field="closes_at")
        if opens_at is not None and closes_at <= opens_at:
            raise DomainError(fields={"closes_at": [_("The deliberation must close after it opens.")]})
    deliberation.opens_at, deliberation.closes_at = opens_at, closes_at
    return list(chosen.values())


def _details(deliberation: Deliberation) -> dict[str, object]:
    return {
        "title": deliberation.title,
        "project": deliberation.project_id,
        "tier": deliberation.tier,
        "department": deliberation.department_id,
        "opens_at": deliberation.opens_at.isoformat() if deliberation.opens_at else None,
        "closes_at": deliberation.closes_at.isoformat() if deliberation.closes_at else None,
        "statement_max_length": deliberation.statement_max_length,
        "residents_add_statements": deliberation.residents_add_statements,
    }


def deliberation_create(
    *,
    actor: User | None,
    municipality: Municipality,
    title: str,
    description: str = "",
    project: Project | None = None,
    department: Department | None = None,
    tier: int = ProjectTier.REGISTERED,
    districts: Sequence[District] = (),
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    statement_max_length: int = 140,
    residents_add_statements: bool = True,
    now: datetime | None = None,
) -> Deliberation:
    """A draft deliberation: of `project` (one per project; those who run the project open it) or
    standalone (those who set projects up, or officials of `department` with "run_projects"). `actor`
    None is the platform itself (the command line, the demo): no one's permission is asked."""
    if project is not None and project.municipality_id != municipality.pk:
        raise NotFound()
    deliberation = Deliberation(
        municipality=municipality,
        project=project,
        department=department,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    if actor is not None and not can_run_deliberation(actor, deliberation):
        raise NotFound()
    chosen = _check_settings(
        deliberation,
        title=title,
        description=description,
        department=department,
        tier=tier,
        districts=districts,
        opens_at=opens_at,
        closes_at=closes_at,
        statement_max_length=statement_max_length,
        residents_add_statements=residents_add_statements,
    )
    try:
        with transaction.atomic():
            deliberation.save()
            DeliberationDistrict.objects.bulk_create(
                [DeliberationDistrict(deliberation=deliberation, district=d) for d in chosen]
            )
            audit_record(
                actor=actor,
                action="deliberation.create",
                municipality=municipality,
                target=deliberation,
                details=_details(deliberation),
            )
    except IntegrityError:
        raise Conflict(_("This project already has a deliberation."), code="exists") from None
    return deliberation


def deliberation_update(
    *,
    actor: User,
    deliberation: Deliberation,
    title: str,
    description: str,
    department: Department | None = None,
    tier: int = ProjectTier.REGISTERED,
    districts: Sequence[District] = (),
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    statement_max_length: int = 140,
    residents_add_statements: bool = True,
) -> Deliberation:
    """Change a deliberation's settings. Once published, who may take part stays as announced."""
    require_run_deliberation(actor, deliberation)
    with transaction.atomic():
        deliberation = _locked(deliberation)
        before = (deliberation.tier, set(deliberation.districts.values_list("pk", flat=True)))
        chosen = _check_settings(
            deliberation,
            title=title,
            description=description,
            department=department,
            tier=tier,
            districts=districts,
            opens_at=opens_at,
            closes_at=closes_at,
            statement_max_length=statement_max_length,
            residents_add_statements=residents_add_statements,
        )
        if (
            deliberation.published_at is not None
            and deliberation.project_id is None
            and before != (deliberation.tier, {d.pk for d in chosen})
        ):
            raise Conflict(
                _("Who may take part cannot change once the deliberation is published."), code="published"
            )
        deliberation.save()
        if deliberation.project_id is None:
            DeliberationDistrict.objects.filter(deliberation=deliberation).delete()
            DeliberationDistrict.objects.bulk_create(
                [DeliberationDistrict(deliberation=deliberation, district=d) for d in chosen]
            )
        audit_record(
            actor=actor,
            action="deliberation.update",
            municipality=deliberation.municipality,
            target=deliberation,
            details=_details(deliberation),
        )
    return deliberation


def deliberation_publish(
    *, actor: User, deliberation: Deliberation, now: datetime | None = None
) -> Deliberation:
    """Make a draft public. A standalone one without an opening time opens now."""
    require_run_deliberation(actor, deliberation)
    now = now or timezone.now()
    with transaction.atomic():
        deliberation = _locked(deliberation)
        if deliberation.published_at is not None:
            return deliberation
        deliberation.published_at = now
        fields = ["published_at"]
        if deliberation.project_id is None and deliberation.opens_at is None:
            if deliberation.closes_at is not None and deliberation.closes_at <= now:
                raise DomainError(fields={"closes_at": [_("The deliberation must close after it opens.")]})
            deliberation.opens_at = now
            fields.append("opens_at")
        deliberation.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="deliberation.publish",
            municipality=deliberation.municipality,
            target=deliberation,
        )
    return deliberation


# Taking part: who may, and the participant a person is.


def require_deliberate(user: User, deliberation: Deliberation, now: datetime) -> None:
    """A resident's write: the deliberation open to them now (`access.can_deliberate`), else Conflict
    "stage_closed" (closed to everyone) or Forbidden ("other_district" when only the district bars)."""
    decision = can_deliberate(user, deliberation, now)
    if decision:
        return
    if decision.closed:
        raise Conflict(decision.reason, code="stage_closed")
    tier_ok = allows(
        user, deliberation.municipality, Feature.DELIBERATE, deliberation_phase(deliberation, now)
    )
    raise Forbidden(decision.reason, code="other_district" if tier_ok else None)


def _next_number(deliberation: Deliberation, counter: str) -> int:
    """The next `last_participant` or `last_statement` of the deliberation, raised with F(): the update
    locks the row until the transaction ends, so no two writers get the same number."""
    Deliberation.objects.filter(pk=deliberation.pk).update(**{counter: F(counter) + 1})
    return int(Deliberation.objects.filter(pk=deliberation.pk).values_list(counter, flat=True).get())


def participant_for(*, user: User, deliberation: Deliberation, now: datetime | None = None) -> Participant:
    """The participant `user` is in `deliberation`, made on first need, exactly once however many of
    their first votes arrive at once. Call it inside the caller's transaction."""
    existing = Participant.objects.filter(deliberation=deliberation, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            number = _next_number(deliberation, "last_participant")
            return Participant.objects.create(
                deliberation=deliberation, number=number, user=user, created_at=now or timezone.now()
            )
    except IntegrityError:
        # Another request made them a participant first (it held the row lock, and its number).
        return Participant.objects.get(deliberation=deliberation, user=user)


def find_participant(*, user: Any, deliberation: Deliberation) -> Participant | None:
    """The participant `user` is, if they have voted or written; None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.filter(deliberation=deliberation, user=user).first()


# Statements.

# What makes text markup rather than a sentence: HTML tags and entities, Markdown links, images,
# emphasis, code and headings. A statement is shown as it is typed, so markup would show as noise.
MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!][^>]*>"  # HTML tags and comments
    r"|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});"  # HTML entities
    r"|!?\[[^\]]*\]\([^)]*\)"  # Markdown links and images
    r"|\*\*|__|```|`[^`]+`"  # Markdown emphasis and code
    r"|^\s*#{1,6}\s"  # Markdown headings
)


def text_key(text: str) -> str:
    """What two statements share when they say the same: the text casefolded, blanks collapsed."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def _check_statement(deliberation: Deliberation, text: str) -> str:
    text = check_text(text, "text", limit=deliberation.statement_max_length)
    text = " ".join(text.split())
    if MARKUP.search(text):
        raise DomainError(
            _("Write the statement as plain text."),
            code="markup",
            fields={"text": [_("Plain text only: no HTML, links in brackets or formatting marks.")]},
        )
    return text


def statement_add(
    *, author: User, deliberation: Deliberation, text: str, now: datetime | None = None
) -> Statement:
    """A statement by `author`. A resident's (while they may take part, if the deliberation lets
    residents add statements) waits for moderation; one by those who run the deliberation (a seed) is
    accepted at once, whenever they add it. The same text twice is refused ("duplicate")."""
    now = now or timezone.now()
    seed = can_run_deliberation(author, deliberation)
    if not seed:
        require_deliberate(author, deliberation, now)
        if not deliberation.residents_add_statements:
            raise Forbidden(
                _("Only the organisers add statements to this deliberation."), code="organisers_only"
            )
    text = _check_statement(deliberation, text)
    key = text_key(text)
    duplicate = Conflict(
        _("This statement is already here: vote on it instead."),
        code="duplicate",
    )
    if Statement.objects.filter(deliberation=deliberation, text_key=key).exists():
        raise duplicate
    try:
        with transaction.atomic():
            number = _next_number(deliberation, "last_statement")
            participant = (
                participant_for(user=author, deliberation=deliberation, now=now) if not seed else None
            )
            statement = Statement.objects.create(
                municipality_id=deliberation.municipality_id,
                deliberation=deliberation,
                number=number,
                text=text,
                text_key=key,
                author=author,
                participant=participant,
                status=StatementStatus.ACCEPTED if seed else StatementStatus.PENDING,
                is_seed=seed,
                moderated_by=author if seed else None,
                moderated_at=now if seed else None,
                created_at=now,
            )
    except IntegrityError:
        raise duplicate from None
    return statement


def map_inputs_changed(statement: Statement) -> None:
    """What the map reads changed without a vote (a statement accepted, rejected, hidden or restored):
    raise the serial, so the next recompute (the tick's, or after the next votes) takes it in."""
    Deliberation.objects.filter(pk=statement.deliberation_id).update(vote_serial=F("vote_serial") + 1)


def statement_moderate(
    *, moderator: User, statement: Statement, accept: bool, reason: str = "", now: datetime | None = None
) -> Statement:
    """Accept a statement (voters see it) or reject it (with a reason its author reads). A decision can
    be changed: a rejected statement accepted later, an accepted one rejected (its votes are kept but
    leave the map)."""
    deliberation = statement.deliberation
    if not can_moderate_statements(moderator, deliberation):
        raise NotFound()
    reason = check_text(reason, "reason", limit=REASON_MAX_LENGTH, required=not accept)
    now = now or timezone.now()
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        statement.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
        statement.moderation_reason = "" if accept else reason
        statement.moderated_by, statement.moderated_at = moderator, now
        statement.save(update_fields=["status", "moderation_reason", "moderated_by", "moderated_at"])
        map_inputs_changed(statement)
        audit_record(
            actor=moderator,
            action="deliberation.statement_accept" if accept else "deliberation.statement_reject",
            municipality=deliberation.municipality,
            target=statement,
            details={"reason": reason} if not accept else None,
        )
    return statement


# Votes.


def check_vote_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in (1, -1, 0):
        raise DomainError(
            _("A vote is 1 (agree), -1 (disagree) or 0 (pass)."),
            code="bad_vote",
            fields={"vote": [_("Choose agree, disagree or pass.")]},
        )
    return value


def _votable(
    deliberation: Deliberation, statement: Statement | int | Any, *, lock: bool = False
) -> Statement:
    """The statement voted on: one of this deliberation's ("unknown_statement" otherwise, by its id or
    the object), shown to voters ("statement_not_shown": pending, rejected or hidden); with `lock`, its
    row locked until the transaction ends, so that its moderation waits for the vote."""
    pk = statement.pk if isinstance(statement, Statement) else statement
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise DomainError(_("No such statement in this deliberation."), code="unknown_statement")
    statements = Statement.objects.select_for_update() if lock else Statement.objects
    found = statements.filter(pk=pk, deliberation=deliberation).first()
    if found is None:
        raise DomainError(
            _("No such statement in this deliberation."),
            code="unknown_statement",
            fields={"statement": [_("No such statement in this deliberation.")]},
        )
    if not found.is_shown:
        raise Conflict(_("This statement is not open to votes."), code="statement_not_shown")
    return found


def vote_cast(
    *,
    user: User,
    deliberation: Deliberation,
    statement: Statement | int,
    value: int,
    now: datetime | None = None,
) -> Vote:
    """`user`'s vote on `statement` (a Statement of this deliberation or its id): 1 agree, -1 disagree,
    0 pass. The latest vote counts (it replaces the one before). Makes `user` a participant on their
    first vote. After commit, asks for the map to be recomputed when enough votes came since it."""
    now = now or timezone.now()
    value = check_vote_value(value)
    require_deliberate(user, deliberation, now)
    found = _votable(deliberation, statement)
    with transaction.atomic():
        # The deliberation's row first, then the statement's, then the vote: one order for every vote,
        # so none deadlock. Both checks are made again under the locks: a statement rejected or the
        # deliberation closed between the first checks and here must refuse the vote, not take it.
        Deliberation.objects.filter(pk=deliberation.pk).update(vote_serial=F("vote_serial") + 1)
        current = Deliberation.objects.select_related("municipality").get(pk=deliberation.pk)
        require_deliberate(user, current, now)
        found = _votable(current, found, lock=True)
        participant = participant_for(user=user, deliberation=deliberation, now=now)
        vote = Vote.objects.filter(participant=participant, statement=found).first()
        if vote is None:
            vote = Vote.objects.create(
                deliberation=deliberation,
                participant=participant,
                statement=found,
                value=value,
                created_at=now,
                updated_at=now,
            )
        else:
            vote.value, vote.updated_at = value, now
            vote.save(update_fields=["value", "updated_at"])
        serial = int(
            Deliberation.objects.filter(pk=deliberation.pk).values_list("vote_serial", flat=True).get()
        )
        deliberation_id = deliberation.pk
        transaction.on_commit(lambda: request_recompute(deliberation_id, serial=serial))
    return vote


def recompute_due(deliberation_id: int, *, serial: int, now: datetime | None = None) -> bool:
    """Whether the map should be recomputed now that the deliberation's votes reached `serial`: at least
    DELIBERATION_RECOMPUTE_VOTES votes since the last map, or any vote since a map older than
    DELIBERATION_MAP_MAX_AGE seconds."""
    last = Map.objects.filter(deliberation_id=deliberation_id).values("vote_serial", "computed_at").first()
    seen = last["vote_serial"] if last else 0
    new = serial - seen
    if new >= settings.DELIBERATION_RECOMPUTE_VOTES:
        return True
    if last is None or new <= 0:
        return False
    now = now or timezone.now()
    return bool(last["computed_at"] <= now - timedelta(seconds=settings.DELIBERATION_MAP_MAX_AGE))


def request_recompute(deliberation_id: int, *, serial: int) -> None:
    """Enqueue the recompute when due (eager without a broker); a failure to enqueue never fails a vote."""
    if not recompute_due(deliberation_id, serial=serial):
        return
    from veche.deliberation.tasks import deliberation_recompute

    try:
        deliberation_recompute.delay(deliberation_id)
    except Exception:  # the broker is down: the beat tick recomputes later
        log.exception("deliberation %s: could not enqueue a recompute", deliberation_id)


# The next statement for a voter, and where they stand.


def next_statement(
    *,
    deliberation: Deliberation,
    participant: Participant | None,
    rng: random.Random | None = None,
) -> Statement | None:
    """The statement to show `participant` next (None: a visitor who has not voted), among the shown
    statements they have not answered: drawn with the map's priorities as weights (statements added
    since the map weigh as much as the heaviest), or, without a map, among those seen least. None when
    they have answered every one."""
    rng = rng or random.Random()  # noqa: S311 - a choice of what to show, not a secret
    statements = Statement.objects.filter(shown_q(), deliberation=deliberation)
    if participant is not None:
        statements = statements.exclude(votes__participant=participant)
    last = Map.objects.filter(deliberation=deliberation).values("result").first()
    weights_of: dict[str, float] = (last["result"] or {}).get("priorities", {}) if last else {}
    if weights_of:
        candidates = list(statements.only("pk", "number"))
        if not candidates:
            return None
        top = max(weights_of.values(), default=1.0) or 1.0
        weights = [max(float(weights_of.get(str(s.number), top)), 1e-9) for s in candidates]
        chosen = rng.choices(candidates, weights=weights, k=1)[0]
    else:
        seen = list(statements.annotate(seen=Count("votes")).values_list("pk", "seen"))
        if not seen:
            return None
        least = min(n for _, n in seen)
        chosen_pk = rng.choice([pk for pk, n in seen if n == least])
        return Statement.objects.get(pk=chosen_pk)
    return Statement.objects.get(pk=chosen.pk)


@dataclass(frozen=True)
class Place:
    """Where a participant stands: their group (None: not in a group) and point on the picture, and
    whether the map placed them (`in_map`) or the last state projected their votes since (`projected`)."""

    group: int | None
    point: tuple[float, float] | None
    in_map: bool
    projected: bool


NOWHERE = Place(group=None, point=None, in_map=False, projected=False)


def participant_place(*, deliberation: Deliberation, participant: Participant | None) -> Place:
    """Where `participant` stands on the last map: the map's own group and point when it counted all
    their votes; otherwise their latest answers projected with the map's state (`engine.place`)."""
    if participant is None:
        return NOWHERE
    last = Map.objects.filter(deliberation=deliberation).first()
    if last is None:
        return NOWHERE
    key = str(participant.number)
    groups = last.result.get("groups", {})
    points = last.result.get("points", {})
    voted_since = Vote.objects.filter(participant=participant, updated_at__gt=last.computed_at).exists()
    if key in groups and not voted_since:
        point = points.get(key)
        return Place(
            group=int(groups[key]),
            point=(float(point[0]), float(point[1])) if point else None,
            in_map=True,
            projected=False,
        )
    answers = dict(
        Vote.objects.filter(participant=participant)
        .filter(shown_q("statement__"))
        .values_list("statement__number", "value")
    )
    if not answers or not last.state:
        return NOWHERE
    x, y, group = place(State.from_json(last.state), {int(n): int(v) for n, v in answers.items()})
    return Place(group=group, point=(float(x), float(y)), in_map=False, projected=True)


# The map.


def _counts(latest: LatestVotes) -> dict[str, list[int]]:
    """Statement number -> [seen, agree, disagree, pass], for every shown statement."""
    counts = {int(n): [0, 0, 0, 0] for n in latest.shown}
    for statement, value in zip(latest.statements.tolist(), latest.values.tolist(), strict=True):
        row = counts[statement]
        row[0] += 1
        row[1 if value == 1 else 2 if value == -1 else 3] += 1
    return {str(n): row for n, row in counts.items()}


def map_recompute(*, deliberation: Deliberation, seed: int = 0, now: datetime | None = None) -> Map:
    """Compute the map from the latest votes, starting from the last map's state (warm start and the
    k smoother), and store it as the deliberation's `Map`. A deliberation too small to group gets a map
    with k = 0 and the engine's reason, not an error. A map computed from older votes never replaces
    one computed from newer ones."""
    # The serial first: votes that arrive while the votes are read count as new for the next run.
    serial = int(Deliberation.objects.filter(pk=deliberation.pk).values_list("vote_serial", flat=True).get())
    last = Map.objects.filter(deliberation=deliberation).first()
    previous = State.from_json(last.state) if last is not None and last.state else None
    latest = latest_votes(deliberation)
    started = time.perf_counter()
    votes = Votes.from_arrays(latest.participants, latest.statements, latest.values, statements=latest.shown)
    result = cluster(votes, previous=previous, seed=seed)
    weights = priorities(votes, result)
    seconds = time.perf_counter() - started
    payload = result.to_json()
    payload["points"] = {
        str(pid): [round(float(x), 6), round(float(y), 6)] for pid, (x, y) in result.points.items()
    }
    payload["centres"] = [[round(float(x), 6), round(float(y), 6)] for x, y in result.centres]
    payload["priorities"] = {str(n): round(float(w), 6) for n, w in weights.items()}
    payload["counts"] = _counts(latest)
    fields = {
        "computed_at": now or timezone.now(),
        "vote_serial": serial,
        "k": result.k,
        "reason": result.reason or "",
        "result": payload,
        "state": result.state.to_json(),
        "seconds": seconds,
        "n_participants": result.n_participants,
        "n_votes": result.n_votes,
    }
    with transaction.atomic():
        current = Map.objects.select_for_update().filter(deliberation=deliberation).first()
        if current is None:
            try:
                with transaction.atomic():
                    return Map.objects.create(deliberation=deliberation, **fields)
            except IntegrityError:
                current = Map.objects.select_for_update().get(deliberation=deliberation)
        if current.vote_serial > serial:
            return current
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
    return current


def map_is_stale(deliberation: Deliberation) -> bool:
    """Whether votes came since the last map (or there is no map and there are votes)."""
    last = Map.objects.filter(deliberation=deliberation).values_list("vote_serial", flat=True).first()
    return deliberation.vote_serial > (last or 0) or (last is None and deliberation.vote_serial > 0)


def maps_refresh(*, now: datetime | None = None) -> int:
    """Recompute every map out of date: votes since it, and older than DELIBERATION_MAP_MAX_AGE (or no
    map at all). The beat tick's work; returns how many were recomputed."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DELIBERATION_MAP_MAX_AGE)
    done = 0
    for deliberation in Deliberation.objects.filter(vote_serial__gt=0).select_related("map"):
        last = getattr(deliberation, "map", None)
        if last is not None and (last.vote_serial >= deliberation.vote_serial or last.computed_at > cutoff):
            continue
        map_recompute(deliberation=deliberation, now=now)
        done += 1
    return done


# Import from Polis's CSV export.


def _moment(timestamp_ms: int | None, default: datetime) -> datetime:
    if not timestamp_ms:
        return default
    try:
        return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return default


VOTE_COLUMNS = ("deliberation_id", "participant_id", "statement_id", "value", "created_at", "updated_at")


def insert_votes_in_bulk(
    rows: list[tuple[int, int, int, int, datetime, datetime]], say: Callable[[str], None]
) -> int:
    """Write imported votes (checked already) past the ORM: a Polis conversation holds hundreds of
    thousands, and building a model and its SQL for each costs most of an import's time. PostgreSQL
    takes them with COPY, SQLite with executemany, in batches."""
    table = Vote._meta.db_table
    columns = ", ".join(VOTE_COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
                    if written % (IMPORT_BATCH * 10) == 0:
                        say(f"{written} votes")
        else:
            adapt = connection.ops.adapt_datetimefield_value
            marks = ", ".join(["%s"] * len(VOTE_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our own table and columns
            for start in range(0, len(rows), IMPORT_BATCH * 10):
                batch = rows[start : start + IMPORT_BATCH * 10]
                cursor.executemany(sql, [(d, p, s, v, adapt(c), adapt(u)) for d, p, s, v, c, u in batch])
                written += len(batch)
                say(f"{written} votes")
    say(f"{written} votes")
    return written


def deliberation_import_polis(
    *,
    actor: User | None,
    source: Path | str | Conversation,
    municipality: Municipality,
    project: Project | None = None,
    title: str = "",
    description: str = "",
    publish: bool = True,
    progress: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> Deliberation:
    """A deliberation made from a Polis export (a folder with comments.csv and votes.csv, or a
    Conversation read already): statements keep Polis's comment ids as numbers and its moderation
    (-1 rejected, 1 accepted, 0 pending), participants its participant ids, and each participant's
    latest vote on a statement counts. All in one transaction: a broken file (PolisError, naming the
    file and line) leaves nothing."""
    now = now or timezone.now()
    say = progress or (lambda _message: None)
    conversation = source if isinstance(source, Conversation) else read_polis(Path(source))
    say(f"read {len(conversation.comments)} statements, {len(conversation.votes)} vote rows")
    if project is not None and not title:
        title = project.title
    with transaction.atomic():
        deliberation = deliberation_create(
            actor=actor,
            municipality=municipality,
            project=project,
            title=title or _("Imported conversation"),
            description=description,
            statement_max_length=STATEMENT_MAX_LENGTH,
            now=now,
        )
        known_comments = {c.id for c in conversation.comments}
        pids = {c.author for c in conversation.comments if c.author is not None and c.author >= 0}
        latest: dict[tuple[int, int], tuple[int, int]] = {}
        # In time order (stable: rows of the same moment keep the file's order), the last of a pair
        # winning, as the engine reads a conversation (`Conversation.matrix`).
        for row in sorted(conversation.votes, key=lambda row: row.timestamp_ms):
            if row.comment in known_comments:
                latest[(row.voter, row.comment)] = (row.vote, row.timestamp_ms)
                pids.add(row.voter)
        participants = [
            Participant(deliberation=deliberation, number=pid, user=None, created_at=now)
            for pid in sorted(pids)
        ]
        Participant.objects.bulk_create(participants, batch_size=IMPORT_BATCH)
        participant_pk = dict(
            Participant.objects.filter(deliberation=deliberation).values_list("number", "pk")
        )
        say(f"{len(participant_pk)} participants")
        keys: set[str] = set()
        statements = []
        for comment in conversation.comments:
            key = text_key(comment.text)
            created = _moment(comment.timestamp_ms, now)
            status = STATUS_OF_MODERATED[comment.moderated]
            statements.append(
                Statement(
                    municipality=municipality,
                    deliberation=deliberation,
                    number=comment.id,
                    text=comment.text,
                    text_key=None if key in keys else key,
                    participant_id=participant_pk.get(comment.author),
                    status=status,
                    moderated_at=created if status != StatementStatus.PENDING else None,
                    created_at=created,
                )
            )
            keys.add(key)
        Statement.objects.bulk_create(statements, batch_size=IMPORT_BATCH)
        statement_pk = dict(Statement.objects.filter(deliberation=deliberation).values_list("number", "pk"))
        say(f"{len(statement_pk)} statements")
        rows = []
        for (voter, comment_id), (value, stamp) in latest.items():
            if isinstance(value, bool) or value not in (1, -1, 0):
                raise DomainError(_("A vote is 1 (agree), -1 (disagree) or 0 (pass)."), code="bad_vote")
            moment = _moment(stamp, now)
            rows.append(
                (deliberation.pk, participant_pk[voter], statement_pk[comment_id], value, moment, moment)
            )
        written = insert_votes_in_bulk(rows, say)
        Deliberation.objects.filter(pk=deliberation.pk).update(
            last_participant=max(pids, default=0),
            last_statement=max(known_comments, default=0),
            vote_serial=written,
            published_at=now if publish else None,
            opens_at=None if project is not None else now,
        )
        deliberation.refresh_from_db()
        audit_record(
            actor=actor,
            action="deliberation.import",
            municipality=municipality,
            target=deliberation,
            details={"statements": len(statements), "participants": len(participants), "votes": written},
        )
    return deliberation


def statements_of(deliberation: Deliberation) -> Iterable[Statement]:
    """The shown statements, in number order (for lists; pages use selectors)."""
    return Statement.objects.filter(shown_q(), deliberation=deliberation).order_by("number")
