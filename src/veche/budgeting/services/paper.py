"""Paper ballots counted by hand, imported all-or-nothing from a file (read by `engine.paper`)."""

import hashlib
from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.access.roles import Tier
from veche.accounts.models import User
from veche.budgeting import phases
from veche.budgeting.access import can_run_budgets
from veche.budgeting.engine.paper import PaperRow, read_paper
from veche.budgeting.models import (
    CODE_MAX_LENGTH,
    Ballot,
    BallotKind,
    BallotSource,
    Budget,
    PaperBatch,
    Proposal,
)
from veche.budgeting.services.ballots import (
    add_choices_and_receipts,
    ballot_error,
    check_ballot,
    feasible_options,
)
from veche.budgeting.services.common import (
    at_line,
    file_error,
    locked_budget,
    read_upload,
    say_problem,
    wrong_phase,
)
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, NotFound

# The engine's problems of a file's layout (`engine.paper.MESSAGES`), for people.
PROBLEM_MESSAGES = {
    "no_header": gettext_lazy("the header line is missing."),
    "missing_column": gettext_lazy("the header lacks the column %(name)s."),
    "bad_quoting": gettext_lazy("the quoting is broken."),
    "wrong_width": gettext_lazy("%(n)d fields, but the header has %(m)d."),
}


def _row_choices(row: PaperRow, codes: Mapping[str, Proposal], cumulative: bool) -> list[dict[str, int]]:
    """A row as the choices of `check_ballot`, or a DomainError naming what is wrong with it."""
    missing = [code for code in row.vote if code not in codes]
    if missing:
        raise ballot_error(
            _("Project %(id)s is not on this ballot: choose among the feasible projects of this budget.")
            % {"id": missing[0]}
        )
    if not cumulative:
        if row.points is not None and any(p != 1 for p in row.points):
            raise ballot_error(_("Points are given only on a cumulative ballot; send 1 or leave them out."))
        return [{"proposal": codes[code].pk} for code in row.vote]
    if row.points is None or len(row.points) != len(row.vote):
        raise ballot_error(_("Give as many points as there are projects in the vote."))
    values = []
    for value in row.points:
        if value is None or value != value.to_integral_value():
            raise ballot_error(_("Give each project a whole number of points."))
        values.append(int(value))
    return [
        {"proposal": codes[code].pk, "points": value} for code, value in zip(row.vote, values, strict=True)
    ]


def paper_ballots_import(
    *, actor: User, budget: Budget, content: bytes, filename: str = "", now: datetime | None = None
) -> PaperBatch:
    """Import paper ballots counted by hand: a CSV file or a pabulib VOTES section (read by
    `engine.paper.read_paper`).

    Every row is checked like a ballot cast here; every problem is reported with its line
    number, and nothing is imported unless every row is right. A paper ballot's number may be
    imported once per budget, and a file once.
    """
    process = budget.process
    if not can_run_budgets(actor, process.municipality):
        raise NotFound()
    now = now or timezone.now()
    text = read_upload(content)
    digest = hashlib.sha256(content).hexdigest()
    cumulative = process.ballot_kind == BallotKind.CUMULATIVE
    read = read_paper(text, cumulative=cumulative)
    with transaction.atomic():
        budget = locked_budget(budget)
        process = budget.process
        if process.phase not in phases.PAPER_BALLOTS:
            raise wrong_phase(process, _("Paper ballots are imported during voting and counting."))
        earlier = PaperBatch.objects.filter(budget=budget, sha256=digest).first()
        if earlier is not None:
            raise Conflict(
                _("This file was imported on %(day)s; nothing was imported again.")
                % {"day": formats.date_format(timezone.localtime(earlier.imported_at), "DATE_FORMAT")},
                code="already_imported",
            )
        if (process.ballot_kind == BallotKind.CUMULATIVE) != cumulative:
            # The file was read (outside the lock) for settings that have changed since.
            cumulative = not cumulative
            read = read_paper(text, cumulative=cumulative)
        problems = [(p.line, say_problem(p, PROBLEM_MESSAGES)) for p in read.problems]
        options = feasible_options(budget)
        codes = {p.project_id: p for p in options.values()}
        taken = set(
            Ballot.objects.filter(budget=budget).exclude(voter_ref="").values_list("voter_ref", flat=True)
        )
        first_line: dict[str, int] = {}
        checked: list[tuple[PaperRow, list[tuple[Proposal, int]]]] = []
        for row in read.rows:
            if not row.ref or len(row.ref) > CODE_MAX_LENGTH:
                problems.append((row.line, _("the ballot number is missing or too long.")))
                continue
            if row.ref in first_line:
                problems.append(
                    (
                        row.line,
                        _("ballot %(ref)s is already on line %(first)d.")
                        % {"ref": row.ref, "first": first_line[row.ref]},
                    )
                )
                continue
            first_line[row.ref] = row.line
            if row.ref in taken:
                problems.append((row.line, _("ballot %(ref)s was imported before.") % {"ref": row.ref}))
                continue
            try:
                chosen = check_ballot(process, budget, options, _row_choices(row, codes, cumulative))
            except DomainError as error:
                problems.append((row.line, error.summary))
                continue
            checked.append((row, chosen))
        if problems:
            raise file_error(
                [at_line(line, message) for line, message in sorted(problems, key=lambda p: p[0])]
            )
        if not checked:
            raise DomainError(fields={"file": [_("The file has no ballots.")]})
        try:
            with transaction.atomic():
                batch = PaperBatch.objects.create(
                    budget=budget,
                    format=PaperBatch.Format(read.format),
                    filename=filename[:200],
                    sha256=digest,
                    ballots=len(checked),
                    imported_by=actor,
                    imported_at=now,
                )
                ballots = Ballot.objects.bulk_create(
                    [
                        Ballot(
                            process=process,
                            budget=budget,
                            user=None,
                            tier=Tier.VERIFIED,
                            district=budget.district,
                            source=BallotSource.PAPER,
                            voter_ref=row.ref,
                            batch=batch,
                            created_at=now,
                        )
                        for row, _chosen in checked
                    ]
                )
        except IntegrityError:
            raise Conflict(
                _("This file, or some of its ballots, were imported already; nothing was imported."),
                code="already_imported",
            ) from None
        add_choices_and_receipts(
            budget, [(b, chosen) for b, (_row, chosen) in zip(ballots, checked, strict=True)], "paper"
        )
        audit_record(
            actor=actor,
            action="budgeting.paper.import",
            municipality=process.municipality,
            target=budget,
            details={"batch": batch.pk, "file": filename[:200], "sha256": digest, "ballots": len(checked)},
        )
    return batch
