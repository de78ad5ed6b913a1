"""Every write to appeals: publish, sign, answer, close, and the municipality's appeal policy."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.access.predicates import Feature, allows
from veche.access.roles import has_permission, holders_of, tier_of
from veche.accounts.models import User
from veche.appeals.access import can_answer_appeals, is_appeal_author
from veche.appeals.models import (
    TITLE_MAX_LENGTH,
    Appeal,
    AppealPolicy,
    AppealSignature,
    Status,
    overdue_on,
)
from veche.appeals.phases import PUBLISHING, phase_of
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.text import check_text
from veche.municipalities.models import Municipality
from veche.municipalities.selectors import municipality_add_working_days
from veche.municipalities.zones import local_day
from veche.notifications.services import follow, notify

# Why an appeal in this state takes no signatures.
NOT_SIGNABLE = {
    "hidden": gettext_lazy("A moderator has hidden this appeal; it cannot be signed."),
    Status.ANSWERED: gettext_lazy("This appeal has been answered; it no longer takes signatures."),
    Status.CLOSED: gettext_lazy("The author has closed this appeal; it no longer takes signatures."),
}


class AlreadySigned(Conflict):
    """The person has signed before; `signature` is that first signature."""

    default_code = "already_signed"
    default_message = gettext_lazy("You have already signed this appeal.")

    def __init__(self, signature: AppealSignature) -> None:
        super().__init__()
        self.signature = signature


# A date written out in the language of whoever reads it (notify renders each notice in theirs).
_lazy_date = lazy(lambda day: formats.date_format(day, "DATE_FORMAT"), str)


def appeal_url(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.municipality.slug, appeal.pk])


def _locked(appeal: Appeal) -> Appeal:
    """The appeal's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("municipality", "author")
        .get(pk=appeal.pk)
    )


def appeal_policy_ensure(*, municipality: Municipality) -> AppealPolicy:
    """The municipality's policy, made with the defaults the first time (once, even at the same moment)."""
    policy, _created = AppealPolicy.objects.get_or_create(municipality=municipality)
    return policy


def appeal_policy_save(
    *, actor: User, municipality: Municipality, signature_threshold: int, answer_days: int
) -> AppealPolicy:
    """A municipal admin sets how many signatures oblige an answer, and in how many working days."""
    if not has_permission(actor, municipality, "manage_municipality"):
        raise NotFound()
    with transaction.atomic():
        policy = appeal_policy_ensure(municipality=municipality)
        policy = AppealPolicy.objects.select_for_update().get(pk=policy.pk)
        before = {"signature_threshold": policy.signature_threshold, "answer_days": policy.answer_days}
        policy.signature_threshold, policy.answer_days = signature_threshold, answer_days
        try:
            policy.full_clean(exclude=["municipality"])
        except ValidationError as exc:
            raise DomainError(_("Check the values."), fields=exc.message_dict) from None
        after = {"signature_threshold": policy.signature_threshold, "answer_days": policy.answer_days}
        policy.save(update_fields=list(after))
        audit_record(
            actor=actor,
            action="appeal_policy.update",
            municipality=municipality,
            target=policy,
            details={"before": before, "after": after},
        )
    return policy


def appeal_create(
    *, author: User, municipality: Municipality, title: str, body: str, now: datetime | None = None
) -> Appeal:
    """Publish an appeal; it collects signatures towards the municipality's current threshold."""
    if not municipality.is_active:
        raise NotFound()
    decision = allows(author, municipality, Feature.SUBMIT, PUBLISHING)
    if not decision:
        raise Forbidden(decision.reason)
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    body = check_text(body, "body")
    with transaction.atomic():
        policy = appeal_policy_ensure(municipality=municipality)
        appeal = Appeal.objects.create(
            municipality=municipality,
            author=author,
            title=title,
            body=body,
            signature_threshold=policy.signature_threshold,
            created_at=now or timezone.now(),
        )
        follow(user=author, target=appeal)
    return appeal


def appeal_sign(*, user: User, appeal: Appeal, now: datetime | None = None) -> AppealSignature:
    """Sign `appeal` once. The signature that reaches the threshold makes an answer due, exactly once.

    Raises AlreadySigned (a Conflict carrying the first signature) when the person signed before.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Every signer waits here for the one before, so each reads the count the last one left.
        appeal = _locked(appeal)
        phase = phase_of(appeal)
        if Feature.SUPPORT not in phase.features:
            reason = NOT_SIGNABLE["hidden" if appeal.is_hidden else appeal.status]
            raise Conflict(reason, code="not_collecting")
        decision = allows(user, appeal.municipality, Feature.SUPPORT, phase)
        if not decision:
            raise Forbidden(decision.reason)
        try:
            with transaction.atomic():
                signature = AppealSignature.objects.create(
                    appeal=appeal, user=user, tier=tier_of(user, appeal.municipality), created_at=now
                )
        except IntegrityError:
            raise AlreadySigned(AppealSignature.objects.get(appeal=appeal, user=user)) from None
        Appeal.objects.filter(pk=appeal.pk).update(signatures_count=F("signatures_count") + 1)
        appeal.refresh_from_db(fields=["signatures_count"])
        if appeal.status == Status.PUBLISHED and appeal.signatures_count >= appeal.signature_threshold:
            _threshold_reached(appeal, now)
    return signature


def _answerers(municipality: Municipality) -> list[User]:
    return list(
        User.objects.filter(
            memberships__municipality=municipality, memberships__role__in=holders_of("answer_appeals")
        )
    )


def _threshold_reached(appeal: Appeal, now: datetime) -> None:
    """Make the answer due and tell the author and those who answer; a second call changes nothing."""
    policy = appeal_policy_ensure(municipality=appeal.municipality)
    due = municipality_add_working_days(
        municipality=appeal.municipality, start=local_day(appeal.municipality, now), days=policy.answer_days
    )
    # The row is locked, and this update claims the step too: only a published appeal moves on.
    claimed = Appeal.objects.filter(pk=appeal.pk, status=Status.PUBLISHED).update(
        status=Status.THRESHOLD_REACHED, threshold_reached_at=now, answer_due=due
    )
    if not claimed:
        return
    appeal.status, appeal.threshold_reached_at, appeal.answer_due = Status.THRESHOLD_REACHED, now, due
    notify(
        recipients=[appeal.author, *_answerers(appeal.municipality)],
        kind="appeal.threshold_reached",
        title=format_lazy(gettext_lazy("The appeal “{}” has collected enough signatures"), appeal.title),
        body=format_lazy(gettext_lazy("An official answer is due by {}."), _lazy_date(due)),
        url=appeal_url(appeal),
    )


def appeal_answer(*, official: User, appeal: Appeal, answer: str, now: datetime | None = None) -> Appeal:
    """Publish the municipality's answer on the appeal's page; the author and every signer are told."""
    if not can_answer_appeals(official, appeal.municipality):
        raise NotFound()
    answer = check_text(answer, "answer")
    now = now or timezone.now()
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.is_hidden:
            raise Conflict(_("A moderator has hidden this appeal; restore it before answering."))
        if appeal.status == Status.ANSWERED:
            raise Conflict(_("This appeal has already been answered."), code="already_answered")
        if appeal.status != Status.THRESHOLD_REACHED:
            raise Conflict(
                _("An answer is due only once the appeal has collected enough signatures."),
                code="invalid_transition",
            )
        appeal.status, appeal.answer, appeal.answered_at, appeal.answered_by = (
            Status.ANSWERED,
            answer,
            now,
            official,
        )
        appeal.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        due = appeal.answer_due
        audit_record(
            actor=official,
            action="appeal.answer",
            municipality=appeal.municipality,
            target=appeal,
            details={
                "signatures": appeal.signatures_count,
                "on_time": due is not None and local_day(appeal.municipality, now) <= due,
            },
        )
        signers = User.objects.filter(appeal_signatures__appeal=appeal)
        notify(
            recipients=[appeal.author, *signers],
            kind="appeal.answered",
            title=format_lazy(gettext_lazy("The municipality has answered the appeal “{}”"), appeal.title),
            body=answer[:500],
            url=appeal_url(appeal),
        )
    return appeal


def appeal_close(*, author: User, appeal: Appeal, now: datetime | None = None) -> Appeal:
    """The author withdraws the appeal: it takes no more signatures and no answer is owed."""
    with transaction.atomic():
        appeal = _locked(appeal)
        if not is_appeal_author(author, appeal):
            raise Forbidden(_("Only the author can close an appeal."))
        if appeal.status == Status.CLOSED:
            raise Conflict(_("This appeal is already closed."))
        if not appeal.is_open:
            raise Conflict(_("An answered appeal cannot be closed."), code="invalid_transition")
        answer_was_due = appeal.status == Status.THRESHOLD_REACHED
        appeal.status, appeal.closed_at = Status.CLOSED, now or timezone.now()
        appeal.save(update_fields=["status", "closed_at"])
        # Signers, and those who owed an answer, learn that none is owed any more.
        signers = list(User.objects.filter(appeal_signatures__appeal=appeal).exclude(pk=author.pk))
        notify(
            recipients=signers + (_answerers(appeal.municipality) if answer_was_due else []),
            kind="appeal.closed",
            title=format_lazy(gettext_lazy("The author has closed the appeal “{}”"), appeal.title),
            url=appeal_url(appeal),
        )
    return appeal


def appeals_escalate_overdue(*, now: datetime | None = None) -> int:
    """Flag appeals whose answer is past its day, once each, and tell those who answer; returns how many.

    The day is the municipality's own. Hidden appeals wait (`overdue_on` leaves them out): nobody can
    answer them until a moderator restores them, and the next run escalates them then if the answer
    is still owed.
    """
    now = now or timezone.now()
    escalated = 0
    waiting = Appeal.objects.filter(status=Status.THRESHOLD_REACHED, escalated_at__isnull=True)
    for municipality in Municipality.objects.filter(pk__in=waiting.values("municipality")).order_by("pk"):
        overdue = waiting.filter(overdue_on(local_day(municipality, now)), municipality=municipality)
        pks = list(overdue.order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        # The same people answer every appeal of the municipality: read them once, not per appeal.
        answerers = _answerers(municipality)
        for pk in pks:
            with transaction.atomic():
                # Claim the row: of two runs at once only one escalates it, and none once it is answered
                # or hidden since `pks` was read (the claim repeats every condition of `overdue`).
                if not overdue.filter(pk=pk).update(escalated_at=now):
                    continue
                appeal = Appeal.objects.select_related("municipality").get(pk=pk)
                notify(
                    recipients=answerers,
                    kind="appeal.overdue",
                    title=format_lazy(gettext_lazy("The appeal “{}” is overdue"), appeal.title),
                    body=format_lazy(
                        gettext_lazy("The official answer was due on {}."), _lazy_date(appeal.answer_due)
                    ),
                    url=appeal_url(appeal),
                )
                escalated += 1
    return escalated
