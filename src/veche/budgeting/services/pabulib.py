"""Pabulib files: a budget exported as a .pb file, and a process made from one to count it here."""

import hashlib
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.access.roles import Tier
from veche.accounts.models import User
from veche.budgeting.access import can_run_budgets, can_set_up_budgets
from veche.budgeting.engine import Election, ParseError, parse_pb, validate_pb, write_pb
from veche.budgeting.models import (
    AMOUNT_MAX,
    CODE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Ballot,
    BallotKind,
    BallotSource,
    Budget,
    PaperBatch,
    Process,
    ProcessPhase,
    ProcessTier,
    Proposal,
    ProposalStatus,
    Rule,
    TieBreaking,
    Utilities,
)
from veche.budgeting.selectors import RULES_OF_PABULIB, budget_election
from veche.budgeting.services.ballots import add_choices_and_receipts
from veche.budgeting.services.common import at_line, file_error, read_upload, say_problem
from veche.budgeting.services.setup import Settings, assign_settings, check_settings, process_details
from veche.core.audit import audit_record
from veche.core.errors import NotFound
from veche.municipalities.models import Municipality


def budget_export_pb(*, actor: User, budget: Budget) -> str:
    """The budget as a pabulib file (its feasible projects, every ballot, and the newest count's
    winners as `selected`); the export is recorded in the audit log."""
    if not can_run_budgets(actor, budget.process.municipality):
        raise NotFound()
    election = budget_election(budget=budget, selected=True)
    text = write_pb(election)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="budgeting.export",
            municipality=budget.process.municipality,
            target=budget,
            details={"ballots": len(election.voters), "sha256": hashlib.sha256(text.encode()).hexdigest()},
        )
    return text


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _imported_settings(election: Election, rule: str | None, utilities: str, tie_breaking: str) -> Settings:
    meta = election.meta
    cumulative = election.vote_type == "cumulative"

    def number(key: str) -> int | None:
        text = (meta.get(key) or "").strip()
        return int(text) if text.isdigit() else None

    kind = (
        BallotKind.CUMULATIVE
        if cumulative
        else (BallotKind.KNAPSACK if number("max_sum_cost") is not None else BallotKind.APPROVAL)
    )
    high: int | None
    if election.vote_type == "choose-1":
        low, high = 1, 1
    else:
        low, high = number("min_length") or 0, number("max_length")
    if high is not None and high < max(low, 1):
        high = None
    points = None
    if cumulative:
        points = (
            number("max_sum_points")
            or max((int(sum(v.points or ())) for v in election.voters), default=1)
            or 1
        )
    return Settings(
        ballot_kind=kind,
        min_projects=low,
        max_projects=high,
        points_total=points,
        rule=rule or RULES_OF_PABULIB.get(meta.get("rule", ""), Rule.MES_ADD1),
        utilities=utilities,
        tie_breaking=tie_breaking,
        tier=ProcessTier.VERIFIED,
    )


# The engine's problems of a .pb file (`engine.pabulib.MESSAGES`), for people.
PROBLEM_MESSAGES = {
    "bad_quoting": gettext_lazy("the quoting is broken."),
    "section_repeated": gettext_lazy("the section %(name)s appears a second time."),
    "section_order": gettext_lazy("the section %(name)s must come before %(later)s."),
    "text_before_meta": gettext_lazy("there is text before the META section."),
    "section_missing": gettext_lazy("the section %(name)s is missing."),
    "no_header": gettext_lazy("the section %(name)s has no header line."),
    "column_missing": gettext_lazy("the header of %(name)s lacks the column %(column)s."),
    "column_repeated": gettext_lazy("the header of %(name)s repeats the column %(column)s."),
    "wrong_width": gettext_lazy("a row of %(name)s has %(n)d fields, but the header has %(m)d."),
    "key_repeated": gettext_lazy("the META key %(key)s appears a second time."),
    "key_missing": gettext_lazy("META lacks the mandatory key %(key)s."),
    "count_not_whole": gettext_lazy("%(key)s must be a whole number, not %(value)s."),
    "budget_negative": gettext_lazy("the budget must not be negative."),
    "budget_not_number": gettext_lazy("the budget is not a number: %(value)s."),
    "unknown_vote_type": gettext_lazy("the vote type %(value)s is unknown."),
    "count_mismatch": gettext_lazy("%(key)s is %(declared)s, but %(section)s has %(actual)d rows."),
    "project_id_empty": gettext_lazy("the project id is empty."),
    "project_repeated": gettext_lazy("project %(id)s is already on line %(first)d."),
    "cost_not_number": gettext_lazy("the cost of project %(id)s is not a number: %(value)s."),
    "cost_negative": gettext_lazy("the cost of project %(id)s is negative: %(value)s."),
    "votes_not_whole": gettext_lazy("the votes of project %(id)s are not a whole number: %(value)s."),
    "score_not_number": gettext_lazy("the score of project %(id)s is not a number: %(value)s."),
    "selected_not_flag": gettext_lazy("selected of project %(id)s must be 0 or 1, not %(value)s."),
    "voter_repeated": gettext_lazy("voter %(id)s is already on line %(first)d."),
    "unknown_project": gettext_lazy("the vote names project %(id)s, which is not in the file."),
    "project_twice": gettext_lazy("the vote names the same project twice."),
    "points_not_numbers": gettext_lazy("the points are not numbers: %(value)s."),
    "points_mismatch": gettext_lazy("%(n)d points for %(m)d projects in the vote."),
    "points_missing": gettext_lazy("the points are missing for a vote of type %(vote_type)s."),
}


def _election_problems(election: Election) -> list[str]:
    """What a valid pabulib file may hold but a process here cannot: with line numbers."""
    problems = []
    if election.vote_type not in ("approval", "cumulative", "choose-1"):
        problems.append(
            _("META: the vote type %(type)s is not supported; approval, choose-1 and cumulative are.")
            % {"type": election.vote_type}
        )
    budget = election.budget
    if not _whole(budget) or not 1 <= budget <= AMOUNT_MAX:
        problems.append(_("META: the budget must be a whole number of roubles, at least 1."))
    for project in election.projects.values():
        where = {"line": project.line, "id": project.project_id}
        if len(project.project_id) > CODE_MAX_LENGTH:
            problems.append(_("line %(line)d: the project id is longer than 64 characters.") % where)
        if not _whole(project.cost):
            problems.append(_("line %(line)d: the cost of project %(id)s is not a whole number.") % where)
        elif project.cost > budget:
            problems.append(_("line %(line)d: project %(id)s costs more than the whole budget.") % where)
    for voter in election.voters:
        where = {"line": voter.line}
        if not voter.voter_id or len(voter.voter_id) > CODE_MAX_LENGTH:
            problems.append(_("line %(line)d: the voter id is empty or longer than 64 characters.") % where)
        if voter.points is not None and any(not _whole(p) or p < 0 for p in voter.points):
            problems.append(_("line %(line)d: points must be whole numbers, 0 or more.") % where)
    return problems


def process_import_pb(
    *,
    actor: User,
    municipality: Municipality,
    content: bytes,
    filename: str = "",
    rule: str | None = None,
    utilities: str = Utilities.COST,
    tie_breaking: str = TieBreaking.LEXICOGRAPHIC,
    now: datetime | None = None,
) -> Process:
    """Make a process, in the counting phase, from a pabulib file: its budget, its projects (all
    feasible, at their cost) and its ballots, so that it can be counted here. The rule is the
    file's (META `rule`) unless one is given. A district named in META makes it that district's
    budget. Every problem of the file is reported with its line number; nothing is imported then."""
    if not can_set_up_budgets(actor, municipality):
        raise NotFound()
    now = now or timezone.now()
    text = read_upload(content)
    problems = validate_pb(text)
    if problems:
        raise file_error([at_line(p.line, say_problem(p, PROBLEM_MESSAGES)) for p in problems])
    try:
        election = parse_pb(text)
    except ParseError as error:  # pragma: no cover - validate_pb found nothing
        raise file_error(
            [at_line(p.line, say_problem(p, PROBLEM_MESSAGES)) for p in error.problems]
        ) from None
    found = _election_problems(election)
    if found:
        raise file_error(found)
    options = check_settings(_imported_settings(election, rule, utilities, tie_breaking))
    meta = election.meta
    named = (meta.get("district") or meta.get("subunit") or "").strip().casefold()
    district = next(
        (
            d
            for d in municipality.districts.all()
            if named and named in {d.name_ru.casefold(), (d.name_en or "").casefold(), d.slug}
        ),
        None,
    )
    title = " ".join(filter(None, [meta.get("description", ""), meta.get("instance", "")])).strip()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        process = Process(
            municipality=municipality,
            title=title[:TITLE_MAX_LENGTH] or filename[:TITLE_MAX_LENGTH] or "pabulib",
            description=_("Imported from the pabulib file %(file)s (SHA-256 %(sha)s) for counting.")
            % {"file": filename or "—", "sha": digest},
            phase=ProcessPhase.COUNTING,
            created_by=actor,
            created_at=now,
            phase_changed_at=now,
            source_sha256=digest,
        )
        assign_settings(process, options)
        process.save()
        budget = Budget.objects.create(process=process, district=district, amount=int(election.budget))
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    process=process,
                    budget=budget,
                    author=None,
                    code=project.project_id,
                    title=(project.name or project.project_id)[:TITLE_MAX_LENGTH],
                    description=(project.name or "")[: settings.TEXT_MAX_LENGTH]
                    if len(project.name or "") > TITLE_MAX_LENGTH
                    else "",
                    estimated_cost=int(project.cost),
                    reviewed_cost=int(project.cost),
                    status=ProposalStatus.FEASIBLE,
                    reviewed_by=actor,
                    reviewed_at=now,
                    created_at=now,
                )
                for project in election.projects.values()
            ]
        )
        codes = {p.code: p for p in proposals}
        batch = PaperBatch.objects.create(
            budget=budget,
            format=PaperBatch.Format.PABULIB,
            filename=filename[:200],
            sha256=digest,
            ballots=len(election.voters),
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
                    district=district,
                    source=BallotSource.PABULIB,
                    voter_ref=voter.voter_id,
                    batch=batch,
                    created_at=now,
                )
                for voter in election.voters
            ],
            batch_size=2000,
        )
        made = []
        for ballot, voter in zip(ballots, election.voters, strict=True):
            points = voter.points or tuple(Decimal(1) for _code in voter.vote)
            made.append(
                (ballot, [(codes[code], int(p)) for code, p in zip(voter.vote, points, strict=True) if p > 0])
            )
        add_choices_and_receipts(budget, made, "import")
        audit_record(
            actor=actor,
            action="budgeting.import",
            municipality=municipality,
            target=process,
            details={
                "file": filename[:200],
                "sha256": digest,
                "projects": len(proposals),
                "ballots": len(ballots),
                **process_details(process),
            },
        )
    return process
