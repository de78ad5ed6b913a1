"""Every write to appeals: publish, sign, answer, close, and the municipality's appeal policy."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from veche.access.roles import has_permission
from veche.accounts.models import User
from veche.appeals.access import is_appeal_author
from veche.appeals.models import Appeal, AppealPolicy, AppealSignature, Status
from veche.appeals.phases import PUBLISHING, phase_of
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.municipalities.models import Municipality
from veche.notifications.messages import message
from veche.notifications.services import follow, notify
from veche.petitions.services import (
    AlreadyEndorsed,
    Outcome,
    PetitionRules,
    petition_answer,
    petition_answerers,
    petition_endorse,
    petition_endorsers,
    petition_locked,
    petition_policy_ensure,
    petition_writable,
    petitions_escalate_overdue,
)

# Why an appeal in this state takes no signatures.
NOT_SIGNABLE = {
    "hidden": gettext_lazy("A moderator has hidden this appeal; it cannot be signed."),
    Status.ANSWERED: gettext_lazy("This appeal has been answered; it no longer takes signatures."),
    Status.CLOSED: gettext_lazy("The author has closed this appeal; it no longer takes signatures."),
}


class AlreadySigned(AlreadyEndorsed):
    """The person has signed before; `endorsement` is that first signature."""

    default_code = "already_signed"
    default_message = gettext_lazy("You have already signed this appeal.")


def appeal_url(appeal: Appeal) -> str:
    return appeal.get_absolute_url()


def _signers(appeal: Appeal) -> list[User]:
    return list(petition_endorsers(RULES, appeal))


RULES = PetitionRules(
    model=Appeal,
    endorsement=AppealSignature,
    phase_of=phase_of,
    already=AlreadySigned,
    not_endorsable=NOT_SIGNABLE,
    answer_permission="answer_appeals",
    policy=AppealPolicy,
    audit_count="signatures",
    reached_title=gettext_noop("The appeal “{}” has collected enough signatures"),
    reached_body=gettext_noop("An official answer is due by {}."),
    overdue_title=gettext_noop("The appeal “{}” is overdue"),
    answer_refusals={
        "hidden": gettext_lazy("A moderator has hidden this appeal; restore it before answering."),
        "answered": gettext_lazy("This appeal has already been answered."),
        "early": gettext_lazy("An answer is due only once the appeal has collected enough signatures."),
    },
    reached_audience=lambda appeal: [appeal.author],
    answer_audience=lambda appeal: [appeal.author, *_signers(appeal)],
    ledger_kind="signature",
)

# The answer an appeal gets.
ANSWERED = Outcome(
    Status.ANSWERED,
    "appeal.answer",
    "appeal.answered",
    gettext_noop("The municipality has answered the appeal “{}”"),
)


def appeal_policy_save(
    *, actor: User, municipality: Municipality, signature_threshold: int, answer_days: int
) -> AppealPolicy:
    """A municipal admin sets how many signatures oblige an answer, and in how many working days."""
    if not has_permission(actor, municipality, "manage_municipality"):
        raise NotFound()
    with transaction.atomic():
        policy = petition_policy_ensure(AppealPolicy, municipality=municipality)
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
    title, body = petition_writable(
        author=author, municipality=municipality, phase=PUBLISHING, title=title, body=body
    )
    with transaction.atomic():
        policy = petition_policy_ensure(AppealPolicy, municipality=municipality)
        appeal = Appeal.objects.create(
            municipality=municipality,
            author=author,
            title=title,
            body=body,
            threshold=policy.signature_threshold,
            created_at=now or timezone.now(),
        )
        follow(user=author, target=appeal)
    return appeal


def appeal_sign(*, user: User, appeal: Appeal, now: datetime | None = None) -> AppealSignature:
    """Sign `appeal` once (`petitions.services.petition_endorse`). The signature that reaches the
    threshold makes an answer due, exactly once.

    Raises AlreadySigned (a Conflict carrying the first signature) when the person signed before,
    whatever the appeal's state.
    """
    return petition_endorse(rules=RULES, user=user, petition=appeal, now=now or timezone.now())


def appeal_answer(*, official: User, appeal: Appeal, answer: str, now: datetime | None = None) -> Appeal:
    """Publish the municipality's answer on the appeal's page; the author and every signer are told."""
    answered: Appeal = petition_answer(
        RULES, ANSWERED, official=official, petition=appeal, answer=answer, now=now
    )
    return answered


def appeal_close(*, author: User, appeal: Appeal, now: datetime | None = None) -> Appeal:
    """The author withdraws the appeal: it takes no more signatures and no answer is owed."""
    with transaction.atomic():
        appeal = petition_locked(RULES, appeal)
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
        signers = list(petition_endorsers(RULES, appeal).exclude(pk=author.pk))
        notify(
            recipients=signers + (petition_answerers(RULES, appeal.municipality) if answer_was_due else []),
            kind="appeal.closed",
            title=message(gettext_noop("The author has closed the appeal “{}”"), appeal.title),
            url=appeal_url(appeal),
        )
    return appeal


def appeals_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate the appeals whose answer is past its day (`petitions_escalate_overdue`); how many."""
    return petitions_escalate_overdue(rules=RULES, now=now or timezone.now())
