"""The hash chain itself, free of Django: canonical payloads, entry hashes and verification."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def entry_hash(
    *, chain: str, seq: int, kind: str, payload_digest: str, prev_hash: str, created_at: str
) -> str:
    material = "\n".join([chain, str(seq), kind, payload_digest, prev_hash, created_at]).encode()
    return hashlib.sha256(material).hexdigest()


@dataclass(frozen=True)
class Link:
    chain: str
    seq: int
    kind: str
    payload_digest: str
    prev_hash: str
    entry_hash: str
    created_at: str


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    reason: str


def first_break(links: Iterable[Link]) -> Break | None:
    """The first entry that does not follow from the ones before it, or None for an intact chain."""
    expected_prev = GENESIS
    expected_seq = 1
    for link in links:
        if link.seq != expected_seq:
            return Break(link.chain, link.seq, f"sequence jumps from {expected_seq - 1} to {link.seq}")
        if link.prev_hash != expected_prev:
            return Break(link.chain, link.seq, "does not point at the entry before it")
        recomputed = entry_hash(
            chain=link.chain,
            seq=link.seq,
            kind=link.kind,
            payload_digest=link.payload_digest,
            prev_hash=link.prev_hash,
            created_at=link.created_at,
        )
        if recomputed != link.entry_hash:
            return Break(link.chain, link.seq, "its hash does not match its contents")
        expected_prev = link.entry_hash
        expected_seq += 1
    return None
