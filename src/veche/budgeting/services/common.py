"""What the budgeting services share: row locks, the phase refusal, amounts, and uploaded files."""

from collections.abc import Mapping, Sequence
from typing import TypeGuard

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from veche.access.predicates import Feature, allows
from veche.access.roles import verified_district
from veche.accounts.models import User
from veche.budgeting import phases
from veche.budgeting.engine.pabulib import Problem, decode
from veche.budgeting.models import AMOUNT_MAX, Budget, Process, ProcessPhase
from veche.budgeting.selectors import district_refusal, money
from veche.core.errors import Conflict, DomainError, Forbidden

# Uploaded files larger than this are refused before they are read.
FILE_MAX_BYTES = 20 * 1024 * 1024
# At most this many problems of a file are listed; the rest are counted.
PROBLEMS_SHOWN = 50


def is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_amount(value: object, field: str, *, most: int = AMOUNT_MAX, least: int = 1) -> int:
    if not is_int(value) or not least <= value <= most:
        raise DomainError(
            fields={
                field: [
                    _("Give a whole number of roubles from %(min)s to %(max)s.")
                    % {"min": money(least), "max": money(most)}
                ]
            }
        )
    return value


# Rows are locked FOR NO KEY UPDATE (PostgreSQL; SQLite writes one transaction at a time): it
# excludes the other writers of the row but not the inserts of rows that refer to it, which take
# KEY SHARE locks. Locks are taken process first, then its budgets in id order.


def locked_process(process: Process) -> Process:
    """The process's row, locked until the transaction ends."""
    return (
        Process.objects.select_for_update(no_key=True, of=("self",))
        .select_related("municipality")
        .get(pk=process.pk)
    )


def locked_budget(budget: Budget) -> Budget:
    """The budget's row, locked until the transaction ends: ballots, imports and counts queue on it."""
    return (
        Budget.objects.select_for_update(no_key=True, of=("self",))
        .select_related("process__municipality", "district")
        .get(pk=budget.pk)
    )


def wrong_phase(process: Process, what: str) -> Conflict:
    return Conflict(
        _("%(what)s This process is in the phase: %(phase)s.")
        % {"what": what, "phase": ProcessPhase(process.phase).label},
        code="wrong_phase",
    )


def may_take_part(user: User, process: Process, budget: Budget, feature: Feature) -> None:
    """Refuse `user` unless the process's phase, their tier and their district let them `feature`."""
    decision = allows(user, process.municipality, feature, phases.step_of(process))
    if not decision:
        raise Forbidden(decision.reason)
    reason = district_refusal(budget, verified_district(user=user, municipality=process.municipality))
    if reason:
        raise Forbidden(reason, code="other_district")


def read_upload(content: bytes) -> str:
    """An uploaded file's text, or a DomainError on the file field if it is too large or not UTF-8."""
    if len(content) > FILE_MAX_BYTES:
        raise DomainError(
            fields={"file": [_("The file is larger than %(n)d MB.") % {"n": FILE_MAX_BYTES // 2**20}]}
        )
    try:
        return decode(content)
    except UnicodeDecodeError:
        raise DomainError(fields={"file": [_("The file must be UTF-8 text.")]}) from None


def at_line(line: int, problem: str) -> str:
    """A problem of a file, with the line where it shows."""
    return _("line %(line)d: %(problem)s") % {"line": line, "problem": problem}


def say_problem(problem: Problem, messages: Mapping[str, StrOrPromise]) -> str:
    """One of the engine's problems of a file in the reader's language (without its line): `messages`
    are the translations of the engine's MESSAGES of that kind of file, by code."""
    return str(messages[problem.code]) % problem.params


def file_error(problems: Sequence[str]) -> DomainError:
    """The refusal of a whole file: the first PROBLEMS_SHOWN of its problems, and how many in all."""
    total = len(problems)
    shown = list(problems[:PROBLEMS_SHOWN])
    if total > len(shown):
        shown.append(_("… and %(n)d more problems.") % {"n": total - len(shown)})
    return DomainError(
        ngettext(
            "The file has %(n)d problem; nothing was imported.",
            "The file has %(n)d problems; nothing was imported.",
            total,
        )
        % {"n": total},
        code="invalid_file",
        fields={"file": shown},
    )
