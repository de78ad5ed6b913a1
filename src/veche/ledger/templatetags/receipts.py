"""Receipts on pages: the code in groups a person can read aloud and compare, and what it counted."""

from django import template

from veche.ledger.subjects import Subject, describe_one

register = template.Library()

GROUP = 4


@register.filter
def receipt_groups(code: str) -> str:
    """ "3f2a9c…" as "3f2a 9c01 …": pasted back with its spaces, the check page still finds it."""
    code = str(code or "")
    return " ".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


@register.simple_tag
def receipt_subject(chain: str) -> Subject:
    """What the chain `chain` counts, in words (`ledger.subjects`)."""
    return describe_one(chain)
