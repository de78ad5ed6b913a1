"""Votes collected without accounts (paper cards at a meeting, a street survey): each answer sheet
becomes a participant of its own with no user, as an imported Polis participant is.

Kept apart from services.py while the core is still changing; the rules are the same as a vote's: a
value is 1, -1 or 0, on a statement shown to voters, of this deliberation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import DomainError
from veche.deliberation.access import require_run_deliberation
from veche.deliberation.models import Deliberation, Participant, Statement, shown_q
from veche.deliberation.services import IMPORT_BATCH, check_vote_value, insert_votes_in_bulk


def deliberation_add_offline_votes(
    *,
    actor: User | None,
    deliberation: Deliberation,
    sheets: Sequence[Mapping[int, int]],
    now: datetime | None = None,
) -> list[Participant]:
    """One new participant without an account for each sheet (statement number -> 1, -1 or 0), with
    its votes, numbered after the deliberation's last participant. Entered by those who run the
    deliberation (`actor`; None: the platform itself, as the demo does). A wrong value or a statement
    that is not shown is refused, and nothing is stored. The map is not recomputed here: call
    `map_recompute` (or let the tick do it)."""
    if actor is not None:
        require_run_deliberation(actor, deliberation)
    now = now or timezone.now()
    shown = dict(Statement.objects.filter(shown_q(), deliberation=deliberation).values_list("number", "pk"))
    for line, sheet in enumerate(sheets, start=1):
        for number, value in sheet.items():
            check_vote_value(value)
            if number not in shown:
                raise DomainError(
                    _("Sheet %(line)d: no statement %(number)s open to votes.")
                    % {"line": line, "number": number},
                    code="unknown_statement",
                    fields={"statement": [_("No such statement in this deliberation.")]},
                )
    if not sheets:
        return []
    with transaction.atomic():
        # The row's counter raised by all the sheets at once: the update holds the row's lock until
        # the end, so votes and statements arriving meanwhile wait and get numbers after these.
        Deliberation.objects.filter(pk=deliberation.pk).update(
            last_participant=F("last_participant") + len(sheets)
        )
        last = int(
            Deliberation.objects.filter(pk=deliberation.pk).values_list("last_participant", flat=True).get()
        )
        first = last - len(sheets) + 1
        Participant.objects.bulk_create(
            [
                Participant(deliberation=deliberation, number=first + i, user=None, created_at=now)
                for i in range(len(sheets))
            ],
            batch_size=IMPORT_BATCH,
        )
        made = list(
            Participant.objects.filter(
                deliberation=deliberation, number__gte=first, number__lte=last
            ).order_by("number")
        )
        rows = [
            (deliberation.pk, participant.pk, shown[number], value, now, now)
            for participant, sheet in zip(made, sheets, strict=True)
            for number, value in sorted(sheet.items())
        ]
        written = insert_votes_in_bulk(rows, lambda _message: None)
        Deliberation.objects.filter(pk=deliberation.pk).update(vote_serial=F("vote_serial") + written)
        audit_record(
            actor=actor,
            action="deliberation.offline_votes",
            municipality=deliberation.municipality,
            target=deliberation,
            details={"participants": len(made), "votes": written},
        )
    return made
