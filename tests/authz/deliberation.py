"""The deliberations' rows of the authorization matrix (`test_matrix.ROUTES`) and their world.

The world has a published standalone deliberation of the municipality, open now to registered users,
with one statement of the organisers (accepted), and a draft with one statement: made by the
municipal admin, so those who set projects up (municipal and platform admins) run them. Built only
when a cell names one of their values (keys starting "dlb_").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from veche.accounts.models import User
from veche.deliberation.models import Statement, Vote
from veche.deliberation.services import deliberation_create, statement_add
from veche.deliberation.tests.helpers import open_deliberation
from veche.municipalities.models import Municipality

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case

PREFIX = "dlb_"


def deliberation_api_routes(case: type[Case], every: Callable[[Any], tuple[Any, ...]]) -> dict[str, Case]:
    signed_in_201 = (401, *every(201)[1:])
    # A draft: 404 to all but those who run it, for whom it is closed (409 stage_closed).
    draft_runs = (401, 404, 404, 404, 404, 409, 404, 409)
    draft_seen = (404, 404, 404, 404, 404, 200, 404, 200)
    one = "/api/v1/deliberations/{dlb_open}"
    draft = "/api/v1/deliberations/{dlb_draft}"
    return {
        "api:deliberation_list": case("/api/v1/municipalities/{slug}/deliberations", every(200), api=True),
        "api:deliberation_detail": case(one, every(200), api=True),
        "api:deliberation_detail#draft": case(draft, draft_seen, api=True),
        "api:deliberation_statements": case(f"{one}/statements", every(200), api=True),
        "api:deliberation_statements#draft": case(f"{draft}/statements", draft_seen, api=True),
        "api:deliberation_next": case(f"{one}/next", every(200), api=True),
        "api:deliberation_groups": case(f"{one}/groups", every(200), api=True),
        "api:deliberation_me": case(f"{one}/me", (401, *every(200)[1:]), api=True),
        "api:deliberation_vote": case(
            f"{one}/votes",
            signed_in_201,
            "POST",
            api=True,
            data={"statement": "{dlb_open_statement}", "vote": 1},
            state=lambda w: Vote.objects.count(),
        ),
        "api:deliberation_vote#draft": case(
            f"{draft}/votes",
            draft_runs,
            "POST",
            api=True,
            data={"statement": "{dlb_draft_statement}", "vote": -1},
            state=lambda w: Vote.objects.count(),
        ),
        "api:deliberation_vote#other-deliberation": case(
            f"{one}/votes",
            (401, *every(400)[1:]),
            "POST",
            api=True,
            data={"statement": "{dlb_draft_statement}", "vote": 1},
            state=lambda w: Vote.objects.count(),
            changes=False,
        ),
        "api:deliberation_statement_add": case(
            f"{one}/statements",
            signed_in_201,
            "POST",
            api=True,
            data={"text": "A fountain by the gate"},
            state=lambda w: Statement.objects.count(),
        ),
    }


class DeliberationValues(dict[str, Any]):
    """The world's values, with the deliberations' built the first time a cell names one; every other
    key is looked up in `inner` (the crowd projects' lazy values)."""

    def __init__(self, inner: dict[str, Any], build: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self._inner = inner
        self._build: Callable[[], dict[str, Any]] | None = build

    def __missing__(self, key: str) -> Any:
        if key.startswith(PREFIX) and self._build is not None:
            build, self._build = self._build, None
            self.update(build())
            if key in self:
                return self[key]
        return self._inner[key]


def deliberation_world(
    *, values: dict[str, Any], municipality: Municipality, municipal_admin: User
) -> DeliberationValues:
    def build() -> dict[str, Any]:
        running = open_deliberation(municipal_admin, municipality, statements=("More benches by the river",))
        draft = deliberation_create(actor=municipal_admin, municipality=municipality, title="Not yet")
        seed = statement_add(author=municipal_admin, deliberation=draft, text="A draft's statement")
        return {
            "dlb_open": running.pk,
            "dlb_open_statement": Statement.objects.get(deliberation=running).pk,
            "dlb_draft": draft.pk,
            "dlb_draft_statement": seed.pk,
        }

    return DeliberationValues(values, build)
