"""Appending to a chain, inside the transaction that records the vote, signature or ballot; the one
refusal of a second vote."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from veche.core.errors import Conflict
from veche.ledger import chain as hashchain
from veche.ledger.models import LedgerEntry, LedgerHead


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: where their entry is, its hash, the nonce that hides the content, and
    when it was recorded."""

    chain: str
    seq: int
    entry_hash: str
    nonce: str
    created_at: datetime | None = None

    def __str__(self) -> str:
        return self.entry_hash


class AlreadyVoted(Conflict):
    """The person has voted here before: `cast` is that vote (a poll's vote, a budget's ballot...),
    which stands. Every kind of vote refuses a second one with this: one code, one message, and in
    the API's answer the vote that stands under `key` ("vote", "ballot"), described by `summary`.
    Pages show it with `ledger.casting.cast_vote`."""

    default_code = "already_voted"
    default_message = gettext_lazy("You have already voted here. Your vote stands and cannot be changed.")

    def __init__(self, cast: models.Model, *, key: str, summary: Mapping[str, object]) -> None:
        super().__init__()
        self.cast = cast
        self.key = key
        self.described = dict(summary)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), self.key: self.described}


def chain_name(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def ledger_append(*, chain: str, kind: str, payload: dict[str, Any]) -> Receipt:
    """Append one entry; call it inside the transaction that writes the vote itself.

    The head row is locked first, so concurrent appends to one chain queue up and each gets
    the next sequence number; SQLite's IMMEDIATE transactions serialise them the same way.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger_append must run inside the vote's transaction")
    nonce = secrets.token_hex(16)
    payload_digest = hashchain.digest({**payload, "nonce": nonce})
    head = LedgerHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                head = LedgerHead.objects.create(chain=chain, seq=0, head_hash=hashchain.GENESIS)
        except IntegrityError:
            head = LedgerHead.objects.select_for_update().get(chain=chain)
        head = LedgerHead.objects.select_for_update().get(pk=head.pk)
    seq = head.seq + 1
    created_at = timezone.now()
    stamp = created_at.isoformat()
    entry_hash = hashchain.entry_hash(
        chain=chain,
        seq=seq,
        kind=kind,
        payload_digest=payload_digest,
        prev_hash=head.head_hash,
        created_at=stamp,
    )
    LedgerEntry.objects.create(
        chain=chain,
        seq=seq,
        kind=kind,
        payload_digest=payload_digest,
        prev_hash=head.head_hash,
        entry_hash=entry_hash,
        created_at=created_at,
    )
    head.seq, head.head_hash = seq, entry_hash
    head.save(update_fields=["seq", "head_hash", "updated_at"])
    return Receipt(chain=chain, seq=seq, entry_hash=entry_hash, nonce=nonce, created_at=created_at)
