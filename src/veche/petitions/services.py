"""The writes every petition shares: endorse, reach the threshold once, answer, escalate overdue ones.

Each app (appeals, initiatives) describes itself once in a `PetitionRules` and calls these with it;
it keeps in its own services only what is its own (an appeal's closing by its author, an
initiative's drafts, window, district rule and vote on options).

The rules every petition follows:

- Endorsing locks the petition row first, so every endorser reads the count the one before left.
  The endorsement goes on the petition's hash chain in its transaction and keeps its receipt.
  A person who has endorsed before gets their first endorsement back as the app's "already"
  conflict (`AlreadyEndorsed`) whatever the petition's state: a double submit, or a second tab
  sent after the petition stopped collecting, is not an error, and the pages and the API answer
  it as a repeat (200 with the first endorsement), never 409. Only then is the phase checked
  (409 `not_collecting` for anyone new), the app's own refusals (an initiative's support window,
  its district), and the tier. One person, one endorsement is a unique constraint; an
  `IntegrityError` becomes the same "already" conflict.
- The endorsement that reaches the threshold makes the answer due, exactly once: a conditional
  UPDATE claims the step from the collecting status. The day is counted in the municipality's
  working days from its own today.
- An overdue petition (`Petition.is_overdue` / `Petition.overdue_on`; hidden ones are not overdue)
  is escalated once by the app's tick: per row a conditional UPDATE that repeats every overdue
  condition claims it, so two ticks, or a tick racing an answer or a hiding, notify at most once
  and never about an answered or hidden one.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from veche.access.predicates import Feature, Phase, allows
from veche.access.roles import has_permission, holders_of, tier_of
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, Forbidden, NotFound
from veche.core.sanitize import markdown_text
from veche.core.text import check_text
from veche.ledger.services import chain_name, ledger_append
from veche.municipalities.models import Municipality
from veche.municipalities.selectors import municipality_add_working_days
from veche.municipalities.zones import local_day
from veche.notifications.messages import message
from veche.notifications.services import notify
from veche.petitions.models import TITLE_MAX_LENGTH, Endorsement, Petition, PetitionPolicy

Policy = TypeVar("Policy", bound=PetitionPolicy)
E = TypeVar("E", bound=Endorsement)


class AlreadyEndorsed(Conflict):
    """The person has endorsed before; `endorsement` is that first endorsement."""

    def __init__(self, endorsement: Endorsement) -> None:
        super().__init__()
        self.endorsement = endorsement


def _no_refusal(petition: Any, user: User, now: datetime) -> None:
    return None


def _no_extra(petition: Any, user: User) -> dict[str, Any]:
    return {}


def _nothing_after(petition: Any, endorsement: Any) -> None:
    return None


@dataclass(frozen=True)
class PetitionRules(Generic[E]):
    """What one kind of petition is: its models, phases, words, and the hooks for what is its own."""

    model: type[Petition]
    endorsement: type[E]
    phase_of: Callable[[Any], Phase]
    already: type[AlreadyEndorsed]
    # Why a petition in a state takes no endorsements, by status (and "hidden").
    not_endorsable: Mapping[str, str | Promise]
    # Who answers: a permission of the roles table.
    answer_permission: str
    # The kind's policy, whose answer deadline (in working days) the threshold starts.
    policy: type[PetitionPolicy]
    # What the audit log calls the count ("signatures", "supporters"), as it always has.
    audit_count: str
    # Titles and bodies of notices (message ids: veche.notifications.messages) with one "{}": the
    # petition's title, then the answer's day.
    reached_title: str
    reached_body: str
    overdue_title: str
    # Why no answer can be given now: "hidden", "answered", "early".
    answer_refusals: Mapping[str, str | Promise]
    # Who hears that the threshold is reached, besides those who answer; and who hears the answer.
    reached_audience: Callable[[Any], list[User]]
    answer_audience: Callable[[Any], list[User]]
    overdue_body: str = gettext_noop("The official answer was due on {}.")
    # Related rows read with the locked petition.
    related: tuple[str, ...] = ("municipality", "author")
    # The app's own refusals: before the tier is checked (a closed window: raise a Conflict), and
    # after it (who may endorse: raise Forbidden, or return the extra fields of the endorsement).
    refuse: Callable[[Any, User, datetime], None] = field(default=_no_refusal)
    admit: Callable[[Any, User], dict[str, Any]] = field(default=_no_extra)
    # After the endorsement is stored, counted and on the ledger, in the same transaction.
    after_endorse: Callable[[Any, Any], None] = field(default=_nothing_after)
    # The kind of its ledger entries, and what an entry holds besides the petition's id (a district).
    ledger_kind: str = "endorsement"
    ledger_payload: Callable[[Any, Any], dict[str, Any]] = field(default=_no_extra)


def petition_text(*, title: str, body: str) -> tuple[str, str]:
    """A petition's title (one line) and text as they will be stored, or a DomainError on their fields."""
    return check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True), check_text(body, "body")


def petition_writable(
    *, author: User, municipality: Municipality, phase: Phase, title: str, body: str
) -> tuple[str, str]:
    """What every new petition is checked for before it is written: a live municipality (else NotFound),
    an author who may submit in `phase` (else Forbidden, with the reason), and its `petition_text`."""
    if not municipality.is_active:
        raise NotFound()
    decision = allows(author, municipality, Feature.SUBMIT, phase)
    if not decision:
        raise Forbidden(decision.reason)
    return petition_text(title=title, body=body)


def petition_policy_ensure(model: type[Policy], *, municipality: Municipality) -> Policy:
    """The municipality's policy of a kind, made with the defaults the first time (once, even at the
    same moment)."""
    policy, _created = model._default_manager.get_or_create(municipality=municipality)
    return policy


def _endorsements(rules: PetitionRules[Any]) -> Any:
    """The app's endorsements; untyped, since `petition` is declared by each app, not the abstract model."""
    return rules.endorsement._default_manager


def petition_locked(rules: PetitionRules[Any], petition: Petition) -> Any:
    """The petition's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return (
        rules.model._default_manager.select_for_update(of=("self",))
        .select_related(*rules.related)
        .get(pk=petition.pk)
    )


def petition_answerers(rules: PetitionRules[Any], municipality: Municipality) -> list[User]:
    """Everyone who answers this kind of petition in `municipality`."""
    return list(
        User.objects.filter(
            memberships__municipality=municipality,
            memberships__role__in=holders_of(rules.answer_permission),
        ).distinct()
    )


def petition_endorsers(rules: PetitionRules[Any], petition: Petition) -> QuerySet[User]:
    """The people who endorsed `petition`."""
    return User.objects.filter(pk__in=_endorsements(rules).filter(petition=petition).values("user"))


def petition_endorse(*, rules: PetitionRules[E], user: User, petition: Petition, now: datetime) -> E:
    """Endorse `petition` once, as the module says; returns the endorsement, its `petition` the locked row."""
    with transaction.atomic():
        petition = petition_locked(rules, petition)
        endorsements = _endorsements(rules)
        first = endorsements.filter(petition=petition, user=user).first()
        if first is not None:
            raise rules.already(first)
        phase = rules.phase_of(petition)
        if Feature.SUPPORT not in phase.features:
            reason = rules.not_endorsable["hidden" if petition.is_hidden else petition.status]
            raise Conflict(reason, code="not_collecting")
        rules.refuse(petition, user, now)
        decision = allows(user, petition.municipality, Feature.SUPPORT, phase)
        if not decision:
            raise Forbidden(decision.reason)
        extra = rules.admit(petition, user)
        try:
            with transaction.atomic():
                endorsement: E = endorsements.create(
                    petition=petition,
                    user=user,
                    tier=tier_of(user, petition.municipality),
                    created_at=now,
                    **extra,
                )
        except IntegrityError:
            raise rules.already(endorsements.get(petition=petition, user=user)) from None
        counted = rules.model._default_manager.filter(pk=petition.pk)
        counted.update(endorsements_count=F("endorsements_count") + 1)
        petition.refresh_from_db(fields=["endorsements_count"])
        _record_on_ledger(rules, petition, endorsement)
        rules.after_endorse(petition, endorsement)
        threshold = petition.threshold
        if (
            petition.status == rules.model.COLLECTING
            and threshold is not None
            and petition.endorsements_count >= threshold
        ):
            petition_threshold_reached(rules=rules, petition=petition, now=now)
    endorsement.petition = petition  # type: ignore[attr-defined]  # each app declares `petition`
    return endorsement


def _record_on_ledger(rules: PetitionRules[Any], petition: Petition, endorsement: Endorsement) -> None:
    """The endorsement goes on the petition's hash chain, and keeps its receipt, in its transaction."""
    payload: dict[str, Any] = {str(rules.model._meta.model_name): petition.pk}
    payload.update(rules.ledger_payload(petition, endorsement))
    receipt = ledger_append(chain=chain_name(petition), kind=rules.ledger_kind, payload=payload)
    endorsement.receipt = receipt.entry_hash
    endorsement.save(update_fields=["receipt"])


def petition_threshold_reached(*, rules: PetitionRules[Any], petition: Petition, now: datetime) -> bool:
    """Make the answer due and tell who must hear; True the once it happens, False on every later call."""
    municipality = petition.municipality
    due = municipality_add_working_days(
        municipality=municipality,
        start=local_day(municipality, now),
        days=petition_policy_ensure(rules.policy, municipality=municipality).answer_days,
    )
    # The row is locked, and this update claims the step too: only a collecting petition moves on.
    model = rules.model
    claimed = model._default_manager.filter(pk=petition.pk, status=model.COLLECTING).update(
        status=model.AWAITING_ANSWER, threshold_reached_at=now, answer_due=due
    )
    if not claimed:
        return False
    petition.status, petition.threshold_reached_at, petition.answer_due = model.AWAITING_ANSWER, now, due
    notify(
        recipients=[*rules.reached_audience(petition), *petition_answerers(rules, municipality)],
        kind=f"{model._meta.model_name}.threshold_reached",
        title=message(rules.reached_title, petition.title),
        body=message(rules.reached_body, due),
        url=petition.get_absolute_url(),
    )
    return True


def petition_answerable(rules: PetitionRules[Any], petition: Petition) -> Any:
    """The locked petition, if it owes an answer now; a Conflict saying why not otherwise."""
    petition = petition_locked(rules, petition)
    refusals = rules.answer_refusals
    if petition.is_hidden:
        raise Conflict(refusals["hidden"])
    if petition.status in rules.model.ANSWERED:
        raise Conflict(refusals["answered"], code="already_answered")
    if petition.status not in rules.model.OWES_ANSWER:
        raise Conflict(refusals["early"], code="invalid_transition")
    return petition


def petition_record_answer(
    *,
    rules: PetitionRules[Any],
    petition: Petition,
    official: User,
    status: str,
    answer: str,
    now: datetime,
    also: tuple[str, ...] = (),
) -> dict[str, object]:
    """Store the answer on the locked petition (and the fields in `also`); returns the audit's details."""
    petition.status, petition.answer = status, answer
    petition.answered_at, petition.answered_by = now, official
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by", *also])
    due: date | None = petition.answer_due
    return {
        rules.audit_count: petition.endorsements_count,
        "on_time": due is not None and local_day(petition.municipality, now) <= due,
    }


@dataclass(frozen=True)
class Outcome:
    """What an answer does: the status it moves the petition to, the audit log's action, and the notice
    those who hear the answer get (its kind, and its title with one "{}": the petition's title)."""

    status: str
    action: str
    notice: str
    title: str


def petition_answer(
    rules: PetitionRules[Any],
    outcome: Outcome,
    *,
    official: User,
    petition: Petition,
    answer: str,
    now: datetime | None = None,
) -> Any:
    """Publish the municipality's `answer` on the petition's page, as `outcome` says: for those who answer
    (NotFound for anyone else), once it owes one (`petition_answerable`); audited, and told to the kind's
    `answer_audience`. Returns the petition as it now stands."""
    if not has_permission(official, petition.municipality, rules.answer_permission):
        raise NotFound()
    answer = check_text(answer, "answer")
    now = now or timezone.now()
    with transaction.atomic():
        petition = petition_answerable(rules, petition)
        details = petition_record_answer(
            rules=rules, petition=petition, official=official, status=outcome.status, answer=answer, now=now
        )
        audit_record(
            actor=official,
            action=outcome.action,
            municipality=petition.municipality,
            target=petition,
            details=details,
        )
        notify(
            recipients=rules.answer_audience(petition),
            kind=outcome.notice,
            title=message(outcome.title, petition.title),
            body=markdown_text(answer)[:500],
            url=petition.get_absolute_url(),
        )
    return petition


def petitions_escalate_overdue(*, rules: PetitionRules[Any], now: datetime) -> int:
    """Flag petitions whose answer is past its day, once each, and tell those who answer; returns how many.

    The day is the municipality's own. Hidden petitions wait (`overdue_on` leaves them out): nobody
    can answer them until a moderator restores them, and the next run escalates them then if the
    answer is still owed.
    """
    model = rules.model
    escalated = 0
    waiting = model._default_manager.filter(status__in=model.OWES_ANSWER, escalated_at__isnull=True)
    for municipality in Municipality.objects.filter(pk__in=waiting.values("municipality")).order_by("pk"):
        overdue = waiting.filter(model.overdue_on(local_day(municipality, now)), municipality=municipality)
        pks = list(overdue.order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        # The same people answer every petition of the municipality: read them once, not per petition.
        answerers = petition_answerers(rules, municipality)
        for pk in pks:
            with transaction.atomic():
                # Claim the row: of two runs at once only one escalates it, and none once it is answered
                # or hidden since `pks` was read (the claim repeats every condition of `overdue`).
                if not overdue.filter(pk=pk).update(escalated_at=now):
                    continue
                petition = model._default_manager.select_related("municipality").get(pk=pk)
                notify(
                    recipients=answerers,
                    kind=f"{model._meta.model_name}.overdue",
                    title=message(rules.overdue_title, petition.title),
                    body=message(rules.overdue_body, petition.answer_due),
                    url=petition.get_absolute_url(),
                )
                escalated += 1
    return escalated
