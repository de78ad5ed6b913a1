"""Every write of recognition: awards in the ledger of points (made in the transaction of the action
that earns them), their revocation and restoration when a moderator hides or restores the subject,
the rules a municipal admin tunes, and a person's consent to the public board.

Exactly once. An award is one row per (user, action, subject) (`point_award_once`), a revocation one
per entry it revokes, a restoration one per revocation (the one-to-one links): each is written with
`INSERT ... ON CONFLICT DO NOTHING`, so a second award of the same thing, from a repeated step or a
concurrent twin, writes nothing and reports it. (The database refuses the duplicate as a savepoint
around a plain INSERT would, without a savepoint's two extra statements on the vote's hot path.)

The daily limit. Each award that would carry points first claims a place in the person's counter
for the action and the municipality's day with one conditional upsert (`... DO UPDATE SET awarded =
awarded + 1 WHERE awarded < limit`): its row count says whether the award counts. Concurrent awards
queue on the counter's row (PostgreSQL) or on the write lock (SQLite), so no more than the limit
count however they interleave. An award past the limit is still written, with 0 points and the
reason: the ledger explains why no points came, and badges, which count the actions, still see it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.accounts.models import User
from veche.core.errors import DomainError
from veche.core.text import check_text, visible_length
from veche.ledger.services import chain_name
from veche.municipalities.models import Municipality
from veche.municipalities.services import audited_delete, audited_save, require_admin
from veche.municipalities.zones import local_day
from veche.notifications.messages import Message, encode, message
from veche.recognition import defaults
from veche.recognition.models import (
    POINTED,
    Action,
    BadgeRule,
    BoardConsent,
    DailyAwards,
    Kind,
    PointEntry,
    PointRule,
)

# What an award is for, in the words its ledger line gives.
REASONS = {
    Action.REPORT_FIXED: gettext_noop("Your report was fixed"),
    Action.IDEA_SELECTED: gettext_noop("Your idea was taken up"),
    Action.AMENDMENT_ACCEPTED: gettext_noop("Your amendment was accepted"),
    Action.VOTE_CAST: gettext_noop("You voted"),
    Action.MONITORING_REPORT: gettext_noop("You reported on the work on a taken-up idea"),
    Action.PROJECT_COFINANCED: gettext_noop("A campaign you pledged to reached its target"),
}
NO_POINTS = gettext_noop("{}; the municipality gives no points for this now")
OVER_LIMIT = gettext_noop("{}; no points: only {} a day count, and today's are reached")
HIDDEN = gettext_noop("A moderator hid it: {}")
RESTORED = gettext_noop("A moderator restored it")

# Badge codes taken by the pages under /m/<slug>/badges/.
RESERVED_CODES = frozenset({"points", "board"})


# The label a ledger line names its subject by ("reports.report:12"): the ledger's name of a chain,
# the form `ledger.subjects.describe` reads.
subject_of = chain_name


# Rules.


def recognition_rules_ensure(*, municipality: Municipality) -> None:
    """The municipality's rules, made with the defaults the first time they are needed (once, even at
    the same moment). Point rules are never deleted, so their absence says the municipality is new."""
    if PointRule.objects.filter(municipality=municipality).exists():
        return
    PointRule.objects.bulk_create(
        [
            PointRule(municipality=municipality, action=d.action, points=d.points, daily_limit=d.daily_limit)
            for d in defaults.POINTS
        ],
        ignore_conflicts=True,
    )
    BadgeRule.objects.bulk_create(
        [
            BadgeRule(
                municipality=municipality,
                code=d.code,
                condition=d.condition,
                threshold=d.threshold,
                name=d.name_ru,
                name_ru=d.name_ru,
                name_en=d.name_en,
            )
            for d in defaults.BADGES
        ],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class PointValues:
    points: int
    daily_limit: int
    active: bool


def point_rule_save(
    *, actor: User, rule: PointRule, points: int, daily_limit: int, active: bool
) -> PointRule:
    """Tune one action's points and daily limit, or switch it off; audited."""
    require_admin(actor, rule.municipality)
    fields = {"points": points, "daily_limit": daily_limit, "active": active}
    return audited_save(actor, rule.municipality, rule, fields, "point_rule")


def point_rules_save(
    *, actor: User, municipality: Municipality, rules: Mapping[str, PointValues]
) -> list[PointRule]:
    """Tune several actions at once: every change or none. A refusal names the form's field,
    "<action>_<field>" ("vote_cast_points")."""
    require_admin(actor, municipality)
    recognition_rules_ensure(municipality=municipality)
    with transaction.atomic():
        stored = {
            rule.action: rule
            for rule in PointRule.objects.select_for_update()
            .filter(municipality=municipality)
            .select_related("municipality")
        }
        unknown = sorted(set(rules) - set(stored))
        if unknown:
            raise DomainError(_("Unknown actions: %(actions)s.") % {"actions": ", ".join(unknown)})
        saved = []
        for action, values in rules.items():
            rule = stored[action]
            if (rule.points, rule.daily_limit, rule.active) == (
                values.points,
                values.daily_limit,
                values.active,
            ):
                continue
            try:
                saved.append(
                    point_rule_save(
                        actor=actor,
                        rule=rule,
                        points=values.points,
                        daily_limit=values.daily_limit,
                        active=values.active,
                    )
                )
            except DomainError as error:
                fields = {f"{action}_{name}": texts for name, texts in error.fields.items()}
                raise DomainError(error.message, fields=fields) from None
    return saved


def _optional(text: str | None, field: str, limit: int) -> str | None:
    """A text in one language that may be left out: None when nothing visible is in it."""
    text = check_text(text, field, limit=limit, required=False)
    return text if visible_length(text) else None


def badge_rule_save(
    *,
    actor: User,
    municipality: Municipality,
    badge: BadgeRule | None = None,
    code: str,
    condition: str,
    threshold: int,
    name_ru: str,
    name_en: str | None = None,
    description_ru: str | None = None,
    description_en: str | None = None,
    active: bool = True,
) -> BadgeRule:
    """Add a badge or tune one: its code (its address), condition and threshold, its name and words in
    Russian and English; audited. Badges are computed from the ledger when read, so a new threshold
    holds for everyone at once."""
    require_admin(actor, municipality)
    code = (code or "").strip().lower()
    if code in RESERVED_CODES:
        raise DomainError(fields={"code": [_("This code is taken by a page; choose another.")]})
    others = BadgeRule.objects.filter(municipality=municipality, code=code)
    if badge is not None:
        others = others.exclude(pk=badge.pk)
    if others.exists():
        raise DomainError(fields={"code": [_("Another badge of this municipality has this code.")]})
    fields = {
        "code": code,
        "condition": condition,
        "threshold": threshold,
        "name_ru": check_text(name_ru, "name_ru", limit=200, one_line=True),
        "name_en": _optional(name_en, "name_en", 200),
        "description_ru": _optional(description_ru, "description_ru", 1000),
        "description_en": _optional(description_en, "description_en", 1000),
        "active": active,
    }
    return audited_save(
        actor, municipality, badge or BadgeRule(municipality=municipality), fields, "badge_rule"
    )


def badge_rule_delete(*, actor: User, municipality: Municipality, badge: BadgeRule) -> None:
    """Remove a badge: nobody holds it from now on (badges are read from the ledger, which keeps every
    point); audited."""
    require_admin(actor, municipality)
    audited_delete(actor, municipality, badge, "badge_rule")


# The public board.


def board_consent_set(
    *, user: User, municipality: Municipality, shown: bool, now: datetime | None = None
) -> bool:
    """Show `user` on the municipality's public board (by their public name, with their points and
    badges), or stop showing them. Returns whether they are shown now."""
    with transaction.atomic():
        if shown:
            BoardConsent.objects.get_or_create(
                user=user, municipality=municipality, defaults={"given_at": now or timezone.now()}
            )
        else:
            BoardConsent.objects.filter(user=user, municipality=municipality).delete()
    return shown


# The ledger.


def _insert(entry: PointEntry) -> bool:
    """Write `entry` unless a unique constraint of the ledger holds its twin: True when written."""
    connection = connections[router.db_for_write(PointEntry)]
    fields = [f for f in PointEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
    table = connection.ops.quote_name(PointEntry._meta.db_table)
    places = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({places}) ON CONFLICT DO NOTHING",  # noqa: S608
            values,
        )
        written: bool = cursor.rowcount == 1
    return written


def _claim(user_id: int, municipality_id: int, action: str, day: date, limit: int) -> bool:
    """Count one more award of `action` on `day`, if fewer than `limit` counted: whether it counts."""
    connection = connections[router.db_for_write(DailyAwards)]
    table = connection.ops.quote_name(DailyAwards._meta.db_table)
    day_value = DailyAwards._meta.get_field("day").get_db_prep_save(day, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, municipality_id, action, day, awarded) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, 1) "
            "ON CONFLICT (user_id, municipality_id, action, day) "
            f"DO UPDATE SET awarded = {table}.awarded + 1 WHERE {table}.awarded < %s",
            [user_id, municipality_id, action, day_value, limit],
        )
        counted: bool = cursor.rowcount == 1
    return counted


def _rule(municipality: Municipality, action: str) -> tuple[int, int, bool]:
    """(points, daily limit, active) of `action` in the municipality: one indexed read."""
    read = PointRule.objects.filter(municipality=municipality, action=action).values_list(
        "points", "daily_limit", "active"
    )
    found = list(read[:1])
    if not found:
        recognition_rules_ensure(municipality=municipality)
        found = list(read[:1])
    return found[0] if found else (0, 0, False)


def points_award(
    *,
    user: User,
    municipality: Municipality,
    action: str,
    subject: models.Model,
    now: datetime | None = None,
) -> bool:
    """Record that `user` did `action` for `subject` ("a report of yours fixed": the report), with the
    points the municipality's rule gives; call it inside the transaction of the action itself, so the
    award stands or falls with it. Returns whether it was written now (False: recorded before).

    Cheap, for the hot paths (a vote): one read of the rule, one claim of the daily counter and one
    insert. A switched-off rule, or one without points, skips the claim: the action is recorded with 0
    points and the reason, so that a badge counting it ("voted in every poll of a year") still sees
    it. A subject hidden by a moderator is awarded and revoked at once, so that restoring it gives the
    points back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("points_award must run inside the transaction of the action it rewards")
    now = now or timezone.now()
    base = message(REASONS[Action(action)])
    points = limit = 0
    reason = base
    counted = False
    if action in POINTED:
        points, limit, active = _rule(municipality, action)
        if active and points and limit:
            counted = _claim(user.pk, municipality.pk, action, local_day(municipality, now), limit)
            if not counted:
                reason = message(OVER_LIMIT, base, limit)
        else:
            reason = message(NO_POINTS, base)
    else:
        # Recorded without a rule: its badges are still the municipality's, made when first needed.
        recognition_rules_ensure(municipality=municipality)
    label = subject_of(subject)
    written = _insert(
        PointEntry(
            user_id=user.pk,
            municipality_id=municipality.pk,
            action=action,
            kind=Kind.AWARD,
            points=points if counted else 0,
            subject=label,
            reason=encode(reason),
            created_at=now,
        )
    )
    if not written:
        if counted:
            # The award was there already: the place it claimed today is given back.
            DailyAwards.objects.filter(
                user_id=user.pk,
                municipality_id=municipality.pk,
                action=action,
                day=local_day(municipality, now),
            ).update(awarded=F("awarded") - 1)
        return False
    if getattr(subject, "is_hidden", False):
        award = PointEntry.objects.get(kind=Kind.AWARD, user_id=user.pk, action=action, subject=label)
        _revoke(award, message(HIDDEN, getattr(subject, "hidden_reason", "")), now)
    return True


def _undo(entry: PointEntry, kind: str, reason: Message, now: datetime, **link: int) -> bool:
    """The entry that takes back `entry`'s points (a revocation of an award, a restoration of a
    revocation), linked to it by `link`: one per entry, by its one-to-one link."""
    return _insert(
        PointEntry(
            user_id=entry.user_id,
            municipality_id=entry.municipality_id,
            action=entry.action,
            kind=kind,
            points=-entry.points,
            subject=entry.subject,
            reason=encode(reason),
            created_at=now,
            **link,
        )
    )


def _revoke(entry: PointEntry, reason: Message, now: datetime) -> bool:
    return _undo(entry, Kind.REVOCATION, reason, now, revokes_id=entry.pk)


def _restore(revocation: PointEntry, now: datetime) -> bool:
    return _undo(revocation, Kind.REAWARD, message(RESTORED), now, restores_id=revocation.pk)


def points_on_hidden(content: Any, hidden: bool) -> None:
    """A moderator hid `content` (or restored it), in the transaction that did: every live entry for it
    is revoked with a negative entry, or every revocation is undone with a new award of the same
    points. One read when nothing was ever awarded for it (a comment)."""
    entries = list(PointEntry.objects.filter(subject=subject_of(content)).order_by("pk"))
    if not entries:
        return
    now = timezone.now()
    revoked = {e.revokes_id for e in entries if e.kind == Kind.REVOCATION}
    restored = {e.restores_id for e in entries if e.kind == Kind.REAWARD}
    if hidden:
        reason = message(HIDDEN, getattr(content, "hidden_reason", ""))
        for entry in entries:
            if entry.kind != Kind.REVOCATION and entry.pk not in revoked:
                _revoke(entry, reason, now)
    else:
        for entry in entries:
            if entry.kind == Kind.REVOCATION and entry.pk not in restored:
                _restore(entry, now)
