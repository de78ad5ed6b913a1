"""Polls on receipts and in a person's activity: a vote is counted on its poll's chain."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import register_counted
from veche.ledger.subjects import register
from veche.polls.models import Poll, PollVote

register(
    Poll,
    yours=_("Your vote in the poll “{}”"),
    entry=_("A vote in the poll “{}”"),
    municipality=lambda poll: poll.municipality,
    url=lambda poll: reverse("polls:detail", args=[poll.municipality.slug, poll.pk]),
    related=("municipality",),
    title=lambda poll: poll.title,
)
register_counted("vote", PollVote, subject="poll")
