"""Open data's rows of the authorization matrix (`test_matrix.ROUTES`) and their world.

Open data is public and read-only: every role gets the same answer, the one a visitor who is not
signed in gets, with a session or an API token alike. So a draft budget or deliberation that its
staff see on the site is not found here for them either, nor is a deactivated municipality (which
platform admins see elsewhere). The world adds one budget whose results are published, built with
the rest; the deliberations are opinion mapping's (tests/authz/deliberation.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from veche.accounts.models import User
from veche.budgeting.models import Budget, Process, ProcessPhase, Proposal, ProposalStatus
from veche.municipalities.models import Municipality

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case

PREFIX = "opendata_"


def opendata_routes(case: type[Case], every: Any) -> dict[str, Case]:
    base = "/open-data/{slug}/"
    return {
        "opendata:index": case("/open-data/", every(200)),
        "opendata:catalog": case("/open-data/catalog.jsonld", every(200)),
        "opendata:catalog#token": case("/open-data/catalog.jsonld", every(200), api=True),
        "opendata:municipality": case(base, every(200)),
        "opendata:municipality#inactive": case("/open-data/{inactive}/", every(404)),
        "opendata:municipality#unknown": case("/open-data/no-such-town/", every(404)),
        "opendata:file": case(base + "reports.csv", every(200)),
        "opendata:file#geojson": case(base + "reports.geojson", every(200)),
        "opendata:file#token": case(base + "ideas.csv", every(200), api=True),
        "opendata:file#inactive": case("/open-data/{inactive}/reports.csv", every(404)),
        "opendata:file#unknown": case(base + "people.csv", every(404)),
        "opendata:budget": case(base + "budgets/{opendata_budget}.pb", every(200)),
        "opendata:budget#voting": case(base + "budgets/{bp_voting_budget}.pb", every(404)),
        "opendata:budget#draft": case(base + "budgets/{bp_draft_budget}.pb", every(404)),
        "opendata:budget#other-municipality": case(
            "/open-data/{other_slug}/budgets/{opendata_budget}.pb", every(404)
        ),
        "opendata:deliberation": case(base + "deliberations/{deliberation_open}/votes.csv", every(200)),
        "opendata:deliberation#draft": case(
            base + "deliberations/{deliberation_draft}/votes.csv", every(404)
        ),
        "opendata:deliberation#other-municipality": case(
            base + "deliberations/{deliberation_other}/comments.csv", every(404)
        ),
    }


def opendata_world(
    *, values: Mapping[str, Any], municipality: Municipality, municipal_admin: User, author: User
) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        # Written directly, as the matrix's other budgets: the services that get here are the app's.
        now = timezone.now()
        process = Process.objects.create(
            municipality=municipality,
            title="Published",
            phase=ProcessPhase.RESULTS,
            ballot_kind="approval",
            min_projects=1,
            max_projects=2,
            rule="greedy",
            utilities="cost",
            tie_breaking="lexicographic",
            tier=2,
            created_by=municipal_admin,
            created_at=now,
            phase_changed_at=now,
        )
        budget = Budget.objects.create(process=process, amount=1000)
        Proposal.objects.create(
            process=process,
            budget=budget,
            author=author,
            title="Benches",
            description="Benches.",
            estimated_cost=100,
            status=ProposalStatus.FEASIBLE,
            reviewed_cost=100,
            reviewed_by=municipal_admin,
            created_at=now,
        )
        return {"opendata_budget": budget.pk}

    return {**values, **build()}
