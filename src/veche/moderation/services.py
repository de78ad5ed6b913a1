"""Every write of moderation: flag content, hide and restore it, dismiss flags."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from veche.access.predicates import Feature, allows
from veche.access.roles import has_permission
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.moderation.models import Flag, Moderated
from veche.moderation.registry import for_instance, listeners
from veche.notifications.messages import message
from veche.notifications.services import notify

REASON_MAX = 500


def flag_create(*, reporter: User, content: Moderated, reason: str, note: str = "") -> Flag:
    """Flag `content` for moderators; a person has one open flag per item."""
    municipality = content.municipality  # type: ignore[attr-defined]
    decision = allows(reporter, municipality, Feature.FLAG)
    if not decision:
        raise Forbidden(decision.reason)
    if reason not in Flag.Reason.values:
        raise DomainError(_("Choose a reason."), fields={"reason": [_("Choose a valid reason.")]})
    if len(note) > REASON_MAX:
        raise DomainError(fields={"note": [_("At most 500 characters.")]})
    if content.is_hidden:
        raise Conflict(_("This has already been hidden by a moderator."))
    try:
        with transaction.atomic():
            return Flag.objects.create(
                municipality=municipality,
                content_type=ContentType.objects.get_for_model(content),
                object_id=content.pk,
                reporter=reporter,
                reason=reason,
                note=note.strip(),
            )
    except IntegrityError:
        raise Conflict(
            _("You have already flagged this. Moderators will look at it."), code="already_flagged"
        ) from None


def _require_moderator(moderator: User, content: Moderated) -> None:
    if not has_permission(moderator, content.municipality, "moderate"):  # type: ignore[attr-defined]
        raise NotFound()


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason."), fields={"reason": [_("The author will see this reason.")]})
    if len(reason) > REASON_MAX:
        raise DomainError(fields={"reason": [_("At most 500 characters.")]})
    return reason


def _locked(content: Moderated) -> Moderated:
    locked: Moderated = type(content)._default_manager.select_for_update().get(pk=content.pk)
    return locked


def _set_hidden(moderator: User, content: Moderated, reason: str, *, hide: bool) -> Moderated:
    """Hide or restore `content`, audit it and tell its author why."""
    _require_moderator(moderator, content)
    reason = _clean_reason(reason)
    content = _locked(content)
    if content.is_hidden == hide:
        raise Conflict(_("This is already hidden.") if hide else _("This is not hidden."))
    if hide:
        content.hidden_at, content.hidden_reason, content.hidden_by = timezone.now(), reason, moderator
    else:
        content.hidden_at, content.hidden_reason, content.hidden_by = None, "", None
    content.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    flaggable = for_instance(content)
    if flaggable.on_hidden is not None:
        flaggable.on_hidden(content, hide)
    for listener in listeners():
        listener(content, hide)
    if hide:
        _resolve_flags(content, moderator, Flag.Resolution.HIDDEN)
    audit_record(
        actor=moderator,
        action="content.hide" if hide else "content.restore",
        municipality=content.municipality,  # type: ignore[attr-defined]
        target=content,
        details={"reason": reason},
    )
    author = flaggable.author(content)  # None for a report an Open311 client filed
    notify(
        recipients=[author] if author is not None else [],
        kind="moderation.hidden" if hide else "moderation.restored",
        title=message(
            gettext_noop("A moderator hid what you wrote")
            if hide
            else gettext_noop("A moderator restored what you wrote")
        ),
        body=message(gettext_noop("Reason: {}"), reason),
        url=flaggable.url(content),
    )
    return content


@transaction.atomic
def content_hide(*, moderator: User, content: Moderated, reason: str) -> Moderated:
    """Hide `content` with a reason its author sees; resolves every open flag on it."""
    return _set_hidden(moderator, content, reason, hide=True)


@transaction.atomic
def content_restore(*, moderator: User, content: Moderated, reason: str) -> Moderated:
    """Show hidden content again, with a reason its author sees."""
    return _set_hidden(moderator, content, reason, hide=False)


@transaction.atomic
def flags_dismiss(*, moderator: User, content: Moderated, reason: str = "") -> int:
    """Close every open flag on `content` without hiding it."""
    _require_moderator(moderator, content)
    count = _resolve_flags(content, moderator, Flag.Resolution.DISMISSED)
    if not count:
        raise Conflict(_("There are no open flags on this."))
    municipality = content.municipality  # type: ignore[attr-defined]
    audit_record(
        actor=moderator,
        action="flags.dismiss",
        municipality=municipality,
        target=content,
        details={"reason": reason.strip()[:REASON_MAX], "flags": count},
    )
    return count


def _resolve_flags(content: Moderated, moderator: User, resolution: str) -> int:
    return Flag.objects.filter(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        resolved_at__isnull=True,
    ).update(resolved_at=timezone.now(), resolution=resolution, resolved_by=moderator)
