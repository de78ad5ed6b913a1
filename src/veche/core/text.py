"""What people type: one check for every text a service stores (required, length, control characters)."""

from django.conf import settings
from django.utils.translation import gettext as _

from veche.core.errors import DomainError


def check_text(
    value: str | None,
    field: str,
    *,
    limit: int = settings.TEXT_MAX_LENGTH,
    one_line: bool = False,
    required: bool = True,
) -> str:
    """`value` stripped, or a DomainError naming `field`: empty when required, longer than `limit`,
    or holding characters no text should (NUL anywhere; any control character in a one-line text)."""
    value = (value or "").strip()
    if not value and required:
        raise DomainError(_("Fill in the required fields."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        raise DomainError(fields={field: [_("At most %(n)d characters.") % {"n": limit}]})
    forbidden = (lambda c: ord(c) < 32) if one_line else (lambda c: c == "\x00")
    if any(forbidden(c) for c in value):
        raise DomainError(fields={field: [_("The text contains characters that are not allowed.")]})
    return value
