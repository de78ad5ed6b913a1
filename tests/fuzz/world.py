"""The data the fuzzing suite runs against: one municipality with something of every kind open.

Built once per module (`conftest.world`) through the services, as the site would build it, so that
the fuzzer's requests reach real objects: `known` maps each path parameter name to the ids that
exist, and the suite's hook mixes them into the generated paths.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from veche.accounts.services import api_token_create
from veche.appeals.services import appeal_create
from veche.budgeting.models import BallotKind, ProcessPhase
from veche.budgeting.services.proposals import proposal_review, proposal_submit
from veche.budgeting.services.setup import process_create, process_move
from veche.budgeting.tests.helpers import CITY_AMOUNT, PROJECTS, settings_for
from veche.comments.services import comment_create
from veche.core.testing import build_municipality, create_user
from veche.deliberation.services import deliberation_create, deliberation_publish
from veche.initiatives.services import initiative_create
from veche.municipalities.models import Category, Membership, Municipality
from veche.open311 import services as open311
from veche.polls.models import Kind, PollTier
from veche.polls.services import poll_create, poll_publish
from veche.reports.services import report_moderate, report_submit


@dataclass
class World:
    municipality: Municipality
    token: str  # a verified resident's API token
    api_key: str  # an Open311 key of the municipality
    # Path parameter name -> values that name existing objects.
    known: dict[str, list[Any]] = field(default_factory=dict)


def build_world() -> World:
    now = timezone.now()
    municipality = build_municipality("fuzzgrad", "Фаззград", "Fuzzgrad")
    pothole = municipality.categories.get(slug="pothole")
    lights = Category.objects.create(
        municipality=municipality,
        department=pothole.department,
        slug="street-light",
        name_ru="Фонарь",
        name_en="Street light",
        answer_days=5,
    )
    admin, moderator, official = (
        create_user(f"fuzz-{role}", verified_in=municipality, role=role, municipality=municipality)
        for role in (Membership.Role.ADMIN, Membership.Role.MODERATOR, Membership.Role.OFFICIAL)
    )
    resident = create_user("fuzz-resident", verified_in=municipality)
    _token, secret = api_token_create(user=resident, name="fuzz")

    # Open311: a key, and a service definition with every datatype.
    _key, api_key = open311.api_key_create(actor=None, municipality=municipality, name="Fuzzer")
    for order, (code, datatype, values) in enumerate(
        [
            ("height", "number", ()),
            ("kind", "singlevaluelist", ({"key": "led", "name": "LED"}, {"key": "lamp", "name": "Lamp"})),
            ("parts", "multivaluelist", ({"key": "pole", "name": "Pole"}, {"key": "wire", "name": "Wire"})),
            ("seen", "datetime", ()),
            ("note", "string", ()),
            ("story", "text", ()),
        ],
        start=1,
    ):
        open311.service_attribute_save(
            actor=None,
            category=lights,
            code=code,
            datatype=datatype,
            order=order,
            description=f"What {code}?",
            values=values,
            required=code == "kind",
        )

    reports = []
    for i in range(3):
        report = report_submit(
            author=resident,
            municipality=municipality,
            category=lights,
            latitude=55.75 + i / 1000,
            longitude=37.61,
            description=f"The street light number {i} is out since Monday.",
        )
        reports.append(report_moderate(moderator=moderator, report=report))
    filed = open311.service_request_create(
        api_key=_key, category=lights, latitude="55.7", longitude="37.6", attributes={"kind": ["led"]}
    )

    poll = poll_create(
        actor=admin,
        municipality=municipality,
        title="Where should the new playground go?",
        description="One playground.",
        kind=Kind.SINGLE,
        options=["By the school", "In the park", "On Garden Street"],
        min_choices=1,
        max_choices=1,
        districts=[],
        tier=PollTier.VERIFIED,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        live_results=True,
    )
    poll = poll_publish(actor=admin, poll=poll, now=now - timedelta(hours=2))

    process = process_create(
        actor=admin,
        municipality=municipality,
        title="Participatory budget",
        description="",
        settings_=settings_for(BallotKind.APPROVAL),
        amount=CITY_AMOUNT,
    )
    process = process_move(actor=admin, process=process, to=ProcessPhase.PROPOSALS)
    city = process.budgets.get(district=None)
    proposals = [
        (
            proposal_submit(
                author=resident,
                process=process,
                budget=city,
                title=title,
                description="Why not.",
                estimated_cost=cost,
            ),
            cost,
        )
        for title, cost in PROJECTS
    ]
    process = process_move(actor=admin, process=process, to=ProcessPhase.REVIEW)
    for proposal, cost in proposals:
        proposal.process = process
        proposal_review(reviewer=official, proposal=proposal, feasible=True, cost=cost, reasons="")
    process = process_move(actor=admin, process=process, to=ProcessPhase.VOTING)

    initiative = initiative_create(
        author=resident,
        municipality=municipality,
        title="Plant lime trees along Garden Street",
        body="The street has no shade at all in summer; lime trees would give it some.",
        publish=True,
    )
    draft = initiative_create(
        author=resident,
        municipality=municipality,
        title="Open a library in the north",
        body="The northern district has no library within walking distance of most homes.",
    )
    appeal = appeal_create(
        author=resident,
        municipality=municipality,
        title="Keep the market on Sundays",
        body="The council plans to close the Sunday market; residents want to keep it open.",
    )
    comment = comment_create(
        author=resident, municipality=municipality, target=municipality, body="A comment on the square."
    )
    deliberation = deliberation_create(
        actor=admin, municipality=municipality, title="How should the park change?"
    )
    deliberation = deliberation_publish(actor=admin, deliberation=deliberation)

    return World(
        municipality=municipality,
        token=secret,
        api_key=api_key,
        known={
            "slug": [municipality.slug],
            "poll_id": [poll.pk],
            "budget_id": [city.pk],
            "initiative_id": [initiative.pk, draft.pk],
            "appeal_id": [appeal.pk],
            "comment_id": [comment.pk],
            "deliberation_id": [deliberation.pk],
            "report_id": [report.pk for report in reports],
            "object_id": [report.pk for report in reports],
            # Open311
            "service_code": ["street-light", "pothole"],
            "jurisdiction_id": [municipality.slug],
            "service_request_id": [str(report.pk) for report in reports],
            "token": [filed.open311_token.token, str(reports[0].pk)],
        },
    )
