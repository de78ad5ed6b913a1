"""Public pages of the ledger: check a receipt; the published heads of every chain."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from veche.ledger.models import LedgerHead
from veche.ledger.selectors import chain_break, find_receipt


def check(request: HttpRequest) -> HttpResponse:
    receipt = request.GET.get("receipt", "")[:200]
    entry = find_receipt(receipt) if receipt else None
    context = {
        "receipt": receipt,
        "entry": entry,
        "searched": bool(receipt),
        "intact": entry is not None and chain_break(entry.chain) is None,
    }
    return render(request, "ledger/check.html", context, status=404 if receipt and entry is None else 200)


def heads(request: HttpRequest) -> JsonResponse:
    """Every chain's newest sequence number and hash: publish these to make rewriting history visible."""
    rows = LedgerHead.objects.order_by("chain").values("chain", "seq", "head_hash", "updated_at")
    return JsonResponse({"heads": [{**row, "updated_at": row["updated_at"].isoformat()} for row in rows]})
