"""What people type: one check for every text a service stores (required, length, control characters)."""

import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from veche.core.errors import DomainError

# What takes no room on the screen: format characters (zero-width spaces and joiners, direction
# marks), combining marks standing alone, and blanks that are symbols rather than spaces (the braille
# blank U+2800, the Hangul fillers). Control characters are left to each text's own rule (refused in
# one-line texts; an Open311 description of them is kept, and written out without them).
INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
BLANK_SYMBOLS = frozenset({"\u2800", "\u3164", "\uffa0", "\u115f", "\u1160"})


def unstorable(text: str) -> bool:
    """Whether `text` holds what no database column stores: a NUL (PostgreSQL refuses the query) or
    an unpaired surrogate (UTF-8 cannot encode it)."""
    return "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text)


def visible_length(value: str) -> int:
    """How many characters of `value` a reader sees, a run of spaces counting as one: a text of
    zero-width spaces is empty, and forty of them do not pass for a forty-character description."""
    kept = "".join(
        c for c in value if unicodedata.category(c) not in INVISIBLE_CATEGORIES and c not in BLANK_SYMBOLS
    )
    return len(" ".join(kept.split()))


def check_text(
    value: str | None,
    field: str,
    *,
    limit: int = settings.TEXT_MAX_LENGTH,
    one_line: bool = False,
    required: bool = True,
) -> str:
    """`value` stripped, or a DomainError naming `field`: empty (nothing visible) when required, longer
    than `limit`, or holding characters no text should (NUL anywhere; any control character in a
    one-line text)."""
    value = (value or "").strip()
    if required and not visible_length(value):
        raise DomainError(_("Fill in the required fields."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        raise DomainError(fields={field: [_("At most %(n)d characters.") % {"n": limit}]})
    forbidden = (lambda c: ord(c) < 32) if one_line else (lambda c: c == "\x00")
    if any(forbidden(c) for c in value):
        raise DomainError(fields={field: [_("The text contains characters that are not allowed.")]})
    return value
