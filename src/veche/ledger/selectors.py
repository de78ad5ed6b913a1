"""Reads of the ledger: find a receipt, walk a chain, verify it."""

from collections.abc import Iterator

from veche.ledger import chain as hashchain
from veche.ledger.models import LedgerEntry, LedgerHead


def links(chain: str) -> Iterator[hashchain.Link]:
    for entry in LedgerEntry.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=5000):
        yield hashchain.Link(
            chain=entry.chain,
            seq=entry.seq,
            kind=entry.kind,
            payload_digest=entry.payload_digest,
            prev_hash=entry.prev_hash,
            entry_hash=entry.entry_hash,
            created_at=entry.created_at.isoformat(),
        )


def chain_break(chain: str) -> hashchain.Break | None:
    """The first break in `chain`, also checking that its published head is its last entry."""
    found = hashchain.first_break(links(chain))
    if found is not None:
        return found
    head = LedgerHead.objects.filter(chain=chain).first()
    last = LedgerEntry.objects.filter(chain=chain).order_by("-seq").first()
    if head is not None and (last is None or (head.seq, head.head_hash) != (last.seq, last.entry_hash)):
        return hashchain.Break(chain, head.seq, "the published head is not the last entry")
    return None


def find_receipt(entry_hash: str) -> LedgerEntry | None:
    """The entry with this receipt code; spaces and dashes do not count (pages show it in groups)."""
    entry_hash = "".join(entry_hash.split()).replace("-", "").lower()
    if len(entry_hash) != 64 or any(c not in "0123456789abcdef" for c in entry_hash):
        return None
    return LedgerEntry.objects.filter(entry_hash=entry_hash).first()


def all_chains() -> list[str]:
    return list(LedgerHead.objects.order_by("chain").values_list("chain", flat=True))
