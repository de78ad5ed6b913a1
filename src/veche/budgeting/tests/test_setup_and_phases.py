"""Setting a process up, its budgets, and moving it through its phases (admins only)."""

import pytest

from veche.access.predicates import Feature, allows
from veche.budgeting import phases
from veche.budgeting.models import BallotKind, Budget, Process, ProcessPhase
from veche.budgeting.services.setup import budget_save, process_create, process_move, process_update
from veche.budgeting.tests.helpers import CITY_AMOUNT, settings_for
from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.models import AuditEntry


def create(actor, municipality, **changes):
    kind = changes.pop("kind", BallotKind.APPROVAL)
    return process_create(
        actor=actor,
        municipality=municipality,
        title=changes.pop("title", "People's budget"),
        description="",
        settings_=settings_for(kind, **changes),
        amount=changes.pop("amount", CITY_AMOUNT) if "amount" in changes else CITY_AMOUNT,
    )


def test_an_admin_sets_up_a_process_with_a_city_and_a_district_budget(municipality, municipal_admin, central):
    process = create(municipal_admin, municipality)

    district = budget_save(actor=municipal_admin, process=process, district=central, amount=5000)

    assert process.phase == ProcessPhase.DRAFT and process.tier == 2
    assert [(b.district_id, b.amount) for b in Budget.objects.filter(process=process)] == [
        (None, CITY_AMOUNT),
        (central.pk, 5000),
    ]
    assert district.scope == central.title
    assert AuditEntry.objects.filter(action="budgeting.process.create").count() == 1
    assert AuditEntry.objects.filter(action="budgeting.budget.save").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "lottery"}, "ballot_kind"),
        ({"min_projects": 4, "max_projects": 3}, "max_projects"),
        ({"kind": BallotKind.CUMULATIVE, "points_total": None}, "points_total"),
        ({"rule": "borda"}, "rule"),
        ({"utilities": "happiness"}, "utilities"),
        ({"tie_breaking": "coin"}, "tie_breaking"),
        ({"tier": 0}, "tier"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(municipality, municipal_admin, changes, field):
    with pytest.raises(DomainError) as refused:
        create(municipal_admin, municipality, **changes)

    assert field in refused.value.fields
    assert not Process.objects.exists() and not Budget.objects.exists()


def test_only_admins_set_up_and_officials_cannot(municipality, official, verified_resident, municipal_admin):
    for actor in (official, verified_resident):
        with pytest.raises(NotFound):
            create(actor, municipality)
    process = create(municipal_admin, municipality)
    with pytest.raises(NotFound):
        process_move(actor=official, process=process, to=ProcessPhase.PROPOSALS)
    assert not Process.objects.exclude(pk=process.pk).exists()
    assert Process.objects.get().phase == ProcessPhase.DRAFT


def test_a_district_of_another_municipality_is_refused(municipality, other_municipality, municipal_admin):
    process = create(municipal_admin, municipality)
    with pytest.raises(DomainError) as refused:
        budget_save(
            actor=municipal_admin, process=process, district=other_municipality.districts.first(), amount=100
        )
    assert "district" in refused.value.fields and Budget.objects.count() == 1


def test_phases_move_one_step_at_a_time_and_each_move_is_audited(make_process, municipal_admin):
    process = make_process(ProcessPhase.PROPOSALS)

    with pytest.raises(Conflict) as skipped:
        process_move(actor=municipal_admin, process=process, to=ProcessPhase.VOTING)
    # Voting cannot open while proposals wait for review.
    process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.REVIEW)
    with pytest.raises(Conflict) as waiting:
        process_move(actor=municipal_admin, process=process, to=ProcessPhase.VOTING)

    assert skipped.value.code == "bad_transition" and waiting.value.code == "not_ready"
    assert waiting.value.message == "Перед началом голосования проверьте все проекты: ещё 5 ожидают проверки."
    assert Process.objects.get(pk=process.pk).phase == ProcessPhase.REVIEW
    moves = AuditEntry.objects.filter(action="budgeting.process.phase", target_id=str(process.pk))
    assert [m.details["to"] for m in moves.order_by("id")] == [ProcessPhase.PROPOSALS, ProcessPhase.REVIEW]


def test_results_are_published_only_once_every_budget_is_counted(make_process, municipal_admin):
    process = make_process(ProcessPhase.COUNTING, district_budget=True)

    with pytest.raises(Conflict) as refused:
        process_move(actor=municipal_admin, process=process, to=ProcessPhase.RESULTS)

    assert refused.value.message == (
        "Прежде чем публиковать результаты, подсчитайте голоса по бюджету (весь город) "
        "со всеми его бюллетенями."
    )


def test_what_each_phase_opens_is_data(make_process, verified_resident, resident, municipality):
    process = make_process(ProcessPhase.PROPOSALS)
    voting = make_process(ProcessPhase.VOTING)

    assert allows(verified_resident, municipality, Feature.SUBMIT, phases.step_of(process))
    assert not allows(verified_resident, municipality, Feature.VOTE, phases.step_of(process))
    assert allows(verified_resident, municipality, Feature.VOTE, phases.step_of(voting))
    # The process asks for verified residents: a registered one is told so.
    refused = allows(resident, municipality, Feature.VOTE, phases.step_of(voting))
    assert not refused and refused.reason == "Это доступно только подтверждённым жителям этого города."
    assert all(set(targets) <= set(ProcessPhase.values) for targets in phases.TRANSITIONS.values())


def test_settings_are_fixed_once_voting_opens(make_process, municipal_admin):
    process = make_process(ProcessPhase.VOTING)

    with pytest.raises(Conflict):
        process_update(
            actor=municipal_admin,
            process=process,
            title="Changed",
            description="",
            settings_=settings_for(max_projects=5),
        )

    assert Process.objects.get(pk=process.pk).max_projects == 3
