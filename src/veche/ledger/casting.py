"""One view body for casting a vote that leaves a receipt in the ledger: a poll's vote, a budget's
ballot, and whatever votes come next (model 1's crowd projects).

Every such page answers the same way: an invalid ballot or a refusal shows the ballot again, a
second vote sends the person back to the vote that stands, and a vote cast shows its receipt, the
only time its secret nonce is ever shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from veche.core.errors import DomainError
from veche.core.forms import apply_domain_error
from veche.core.ratelimit import rate_limit_request
from veche.ledger.services import AlreadyVoted, Receipt

F = TypeVar("F", bound=forms.Form)


@dataclass(frozen=True)
class BallotPage(Generic[F]):
    """Where the answers go.

    `template` and `context(form, error)`: the ballot page, given the form and a refusal's message
    for the top of the ballot (its `vote_error`; empty when the messages are on the form's fields).
    `shows_vote`: the address of the page that shows the person's vote and its receipt hash, where
    a second vote goes back to. `receipt_template` and `receipt_context(receipt)`: the receipt page.
    `render(request, template, context, status=)` renders both (an app may add its own names).
    """

    template: str
    context: Callable[[F, str], dict[str, Any]]
    shows_vote: str
    receipt_template: str
    receipt_context: Callable[[Receipt], dict[str, Any]]
    render: Callable[..., HttpResponse] = render


def cast_vote(
    request: HttpRequest, form: F, cast: Callable[[], Receipt], page: BallotPage[F]
) -> HttpResponse:
    """Carry out a ballot's POST: validate `form`, rate-limit the write, then `cast()` (the service,
    which reads the form's cleaned data) and answer:

    - the form is invalid: the ballot page again, 400, with the form's messages;
    - a second vote (`AlreadyVoted`): its message as a notice, and a redirect (302) to
      `page.shows_vote`; the first vote stands and nothing is written;
    - another refusal: the ballot page with the refusal's status (403 for a voter the vote is not
      for, 409 when voting is closed, 429 for a rate limit, whose Retry-After
      `DomainErrorMiddleware` adds), its field messages on the form or its message on the ballot;
    - cast: the receipt page, 200.
    """
    if not form.is_valid():
        return page.render(request, page.template, page.context(form, ""), status=400)
    try:
        rate_limit_request("write", request)
        receipt = cast()
    except AlreadyVoted as repeat:
        messages.info(request, repeat.message)
        return redirect(page.shows_vote)
    except DomainError as error:
        if error.fields:
            apply_domain_error(form, error)
        context = page.context(form, "" if error.fields else error.message)
        return page.render(request, page.template, context, status=error.status)
    return page.render(request, page.receipt_template, page.receipt_context(receipt))
