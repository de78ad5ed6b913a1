"""How each petition app is driven by the shared tests (here, in tests/concurrency and tests/authz), and
what the petition tests share: the threshold, a Thursday before a holiday, who was told of something."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from veche.accounts.models import User
from veche.appeals import services as appeals
from veche.appeals.models import Appeal, AppealSignature
from veche.appeals.phases import phase_of as appeal_phase_of
from veche.appeals.selectors import appeals_overdue_count
from veche.initiatives import services as initiatives
from veche.initiatives.models import Initiative, InitiativeSupport, Scope, ThresholdKind
from veche.initiatives.phases import phase_of as initiative_phase_of
from veche.initiatives.selectors import initiatives_overdue_count
from veche.municipalities.models import Municipality
from veche.notifications.models import Notification
from veche.petitions.services import AlreadyEndorsed

THRESHOLD = 3
# A Thursday before the 1 May holiday (noon in Moscow).
THURSDAY = datetime(2026, 4, 30, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Kind:
    name: str  # the notification prefix and the word in the pages
    path: str  # under /m/<slug>/ and the API's /api/v1/
    endorse_path: str  # the page's action, the API's collection
    api_endorse: str
    count_key: str  # the API's name for the count
    answer_action: str  # the audit log's
    already: type[AlreadyEndorsed]
    set_policy: Callable[[Municipality, User], Any]
    publish: Callable[..., Any]
    endorse: Callable[..., Any]
    answer: Callable[..., Any]
    escalate: Callable[..., int]
    overdue_count: Callable[..., int]
    # What the list tells those who answer when one of them is past its day (in Russian, the site's language).
    one_past_deadline: str
    # What a person who endorsed before is told.
    already_said: str
    # The answer page's form, filled in; and whether endorsers hear that the threshold is reached.
    answer_data: dict[str, str]
    endorsers_hear_of_the_threshold: bool
    model: type[Any]
    endorsement_model: type[Any]
    phase_of: Callable[[Any], Any]

    def tick_says(self, n: int) -> str:
        return f"escalated {n} overdue {self.path}"


def _appeal_policy(municipality: Municipality, admin: User) -> Any:
    return appeals.appeal_policy_save(
        actor=admin, municipality=municipality, signature_threshold=THRESHOLD, answer_days=10
    )


def _initiative_policy(municipality: Municipality, admin: User) -> Any:
    return initiatives.initiative_policy_save(
        actor=admin,
        municipality=municipality,
        support_days=30,
        threshold_kind=ThresholdKind.COUNT,
        support_threshold=THRESHOLD,
        support_percent=Decimal("1.00"),
        scope=Scope.MUNICIPALITY,
        answer_days=10,
        voting_days=7,
    )


def _publish_appeal(*, body: str = "Please.", **fields: Any) -> Any:
    """An appeal by `author` in `municipality` with its `title` (and `now`, `body` when given)."""
    return appeals.appeal_create(body=body, **fields)


def _publish_initiative(*, body: str = "Please.", **fields: Any) -> Any:
    """An initiative, published at once: as `_publish_appeal`."""
    return initiatives.initiative_create(body=body, publish=True, **fields)


KINDS = {
    "appeal": Kind(
        name="appeal",
        path="appeals",
        endorse_path="sign",
        api_endorse="signatures",
        count_key="signatures_count",
        answer_action="appeal.answer",
        already=appeals.AlreadySigned,
        set_policy=_appeal_policy,
        publish=_publish_appeal,
        endorse=lambda *, user, petition, now=None: appeals.appeal_sign(user=user, appeal=petition, now=now),
        answer=lambda *, official, petition, now=None: appeals.appeal_answer(
            official=official, appeal=petition, answer="Revoked.", now=now
        ),
        escalate=appeals.appeals_escalate_overdue,
        overdue_count=appeals_overdue_count,
        one_past_deadline="Срок ответа истёк у 1 петиции.",
        already_said="Вы уже подписали эту петицию.",
        answer_data={"answer": "Not mine to give"},
        endorsers_hear_of_the_threshold=False,
        model=Appeal,
        endorsement_model=AppealSignature,
        phase_of=appeal_phase_of,
    ),
    "initiative": Kind(
        name="initiative",
        path="initiatives",
        endorse_path="support",
        api_endorse="supports",
        count_key="supporters_count",
        answer_action="initiative.reject",
        already=initiatives.AlreadySupported,
        set_policy=_initiative_policy,
        publish=_publish_initiative,
        endorse=lambda *, user, petition, now=None: initiatives.initiative_support(
            user=user, initiative=petition, now=now
        ),
        answer=lambda *, official, petition, now=None: initiatives.initiative_reject(
            official=official, initiative=petition, reasons="Not this year.", now=now
        ),
        escalate=initiatives.initiatives_escalate_overdue,
        overdue_count=initiatives_overdue_count,
        one_past_deadline="Срок ответа истёк у 1 инициативы.",
        already_said="Вы уже поддержали эту инициативу.",
        answer_data={"decision": "reject", "answer": "Not mine to give"},
        endorsers_hear_of_the_threshold=True,
        model=Initiative,
        endorsement_model=InitiativeSupport,
        phase_of=initiative_phase_of,
    ),
}


def policy_fixture(name: str) -> Any:
    """A `policy` fixture: the kind's policy of THRESHOLD endorsements and ten working days to answer."""

    @pytest.fixture
    def policy(municipality: Municipality, municipal_admin: User) -> Any:
        return KINDS[name].set_policy(municipality, municipal_admin)

    return policy


def reach_threshold(kind: Kind, petition: Any, endorsers: list[User], now: datetime) -> Any:
    for endorser in endorsers[:THRESHOLD]:
        kind.endorse(user=endorser, petition=petition, now=now)
    petition.refresh_from_db()
    assert petition.status == "threshold_reached" and petition.answer_due is not None
    return petition


def notices(kind: str) -> list[str]:
    """Who was told of `kind` ("appeal.answered"), by username."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))
