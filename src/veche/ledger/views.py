"""Public pages of the ledger: check a receipt; one entry and the published heads of every chain, as JSON."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from veche.ledger.models import LedgerHead
from veche.ledger.selectors import chain_break, find_receipt
from veche.ledger.subjects import describe_one


def check(request: HttpRequest) -> HttpResponse:
    """Whether a receipt is in the public record and the record unchanged, in plain words. It says what
    the entry counted (a vote in a poll...), never who cast it or how."""
    receipt = request.GET.get("receipt", "")[:200]
    entry = find_receipt(receipt) if receipt else None
    context = {
        "receipt": receipt,
        "entry": entry,
        "subject": describe_one(entry.chain) if entry is not None else None,
        "searched": bool(receipt),
        "intact": entry is not None and chain_break(entry.chain) is None,
    }
    return render(request, "ledger/check.html", context, status=404 if receipt and entry is None else 200)


def entry(request: HttpRequest, receipt: str) -> JsonResponse:
    """One entry as the hash covers it, for checking it independently of this site."""
    found = find_receipt(receipt)
    if found is None:
        raise Http404()
    return JsonResponse(
        {
            "chain": found.chain,
            "seq": found.seq,
            "kind": found.kind,
            "payload_digest": found.payload_digest,
            "prev_hash": found.prev_hash,
            "created_at": found.created_at.isoformat(),
            "entry_hash": found.entry_hash,
        }
    )


def heads(request: HttpRequest) -> JsonResponse:
    """Every chain's newest sequence number and hash: publish these to make rewriting history visible."""
    rows = LedgerHead.objects.order_by("chain").values("chain", "seq", "head_hash", "updated_at")
    return JsonResponse({"heads": [{**row, "updated_at": row["updated_at"].isoformat()} for row in rows]})
