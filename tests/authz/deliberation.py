"""Opinion mapping's rows of the authorization matrix (`test_matrix.ROUTES`) and their world.

The world, built only when a cell names one of its values: an open standalone deliberation of the
municipality with the organisers' statements (seeds), a draft, and a deliberation of another
municipality. Anyone signed in may answer and add statements to the open one (it is for registered
users of any district); a draft is seen only by those who run it (here: the municipal and platform
admins, who set projects up); another municipality's answers 404 under this one's address.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from veche.accounts.models import User
from veche.deliberation.models import Statement, Vote
from veche.deliberation.services import deliberation_create, statement_add
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown
from veche.municipalities.models import Municipality

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case

LOGIN = "login"
PREFIX = "deliberation_"


def _count(model: type[Any]) -> Callable[[Any], int]:
    return lambda _world: model.objects.count()


def deliberation_routes(case: type[Case], every: Any) -> dict[str, Case]:
    base = "/m/{slug}/deliberations/"
    page = base + "{deliberation_open}/"
    draft = base + "{deliberation_draft}/"
    # The draft: those who set projects up (municipal and platform admins) run it and see it.
    draft_seen = (404, 404, 404, 404, 404, 200, 404, 200)
    signed_in_302 = (LOGIN,) + (302,) * 7
    return {
        "deliberation:list": case(base, every(200)),
        "deliberation:detail": case(page, every(200)),
        "deliberation:detail#draft": case(draft, draft_seen),
        "deliberation:detail#other-municipality": case(base + "{deliberation_other}/", every(404)),
        "deliberation:vote": case(
            page + "vote/",
            signed_in_302,
            "POST",
            data={"statement": "{deliberation_statement}", "vote": "1"},
            state=_count(Vote),
        ),
        # Those who run the draft see it, but it is closed to answers until published.
        "deliberation:vote#draft": case(
            draft + "vote/",
            (LOGIN, 404, 404, 404, 404, 409, 404, 409),
            "POST",
            data={"statement": "{deliberation_draft_statement}", "vote": "1"},
            state=_count(Vote),
        ),
        "deliberation:vote#other-municipality": case(
            base + "{deliberation_other}/vote/",
            (LOGIN,) + (404,) * 7,
            "POST",
            data={"statement": "{deliberation_other_statement}", "vote": "1"},
            state=_count(Vote),
        ),
        "deliberation:statement_add": case(
            page + "statements/new/",
            signed_in_302,
            "POST",
            data={"text": "Нужны фонтаны"},
            state=_count(Statement),
        ),
        "deliberation:statement_add#draft": case(
            draft + "statements/new/",
            (LOGIN, 404, 404, 404, 404, 302, 404, 302),
            "POST",
            data={"text": "Нужны фонтаны"},
            state=_count(Statement),
        ),
        # The map and the exports (Polis's CSV): public with the deliberation, a draft's only for
        # those who run it, another municipality's and an unknown file not found.
        "deliberation:map": case(page + "map/", every(200)),
        "deliberation:map#draft": case(draft + "map/", draft_seen),
        "deliberation:map#other-municipality": case(base + "{deliberation_other}/map/", every(404)),
        "deliberation:export": case(page + "export/votes.csv", every(200)),
        "deliberation:export#comments": case(page + "export/comments.csv", every(200)),
        "deliberation:export#participants-votes": case(page + "export/participants-votes.csv", every(200)),
        "deliberation:export#draft": case(draft + "export/comments.csv", draft_seen),
        "deliberation:export#other-municipality": case(
            base + "{deliberation_other}/export/votes.csv", every(404)
        ),
        "deliberation:export#unknown-file": case(page + "export/users.csv", every(404)),
    }


def deliberation_api_routes(case: type[Case], every: Callable[[Any], tuple[Any, ...]]) -> dict[str, Case]:
    signed_in_201 = (401, *every(201)[1:])
    # A draft: 404 to all but those who run it, for whom it is closed (409 stage_closed).
    draft_runs = (401, 404, 404, 404, 404, 409, 404, 409)
    draft_seen = (404, 404, 404, 404, 404, 200, 404, 200)
    one = "/api/v1/deliberations/{deliberation_open}"
    draft = "/api/v1/deliberations/{deliberation_draft}"
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
            data={"statement": "{deliberation_statement}", "vote": 1},
            state=lambda w: Vote.objects.count(),
        ),
        "api:deliberation_vote#draft": case(
            f"{draft}/votes",
            draft_runs,
            "POST",
            api=True,
            data={"statement": "{deliberation_draft_statement}", "vote": -1},
            state=lambda w: Vote.objects.count(),
        ),
        "api:deliberation_vote#other-deliberation": case(
            f"{one}/votes",
            (401, *every(400)[1:]),
            "POST",
            api=True,
            data={"statement": "{deliberation_draft_statement}", "vote": 1},
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
    """The matrix's values with opinion mapping's own (named deliberation_...) built on first need;
    every other value is the wrapped values' (the crowd projects' lazy ones)."""

    def __init__(self, inner: Mapping[str, Any], build: Callable[[], dict[str, Any]]) -> None:
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
    *,
    values: Mapping[str, Any],
    municipality: Municipality,
    other_municipality: Municipality,
    municipal_admin: User,
    other_admin: User,
) -> DeliberationValues:
    def build() -> dict[str, Any]:
        running = open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])
        draft = deliberation_create(actor=municipal_admin, municipality=municipality, title="Черновик")
        draft_statement = statement_add(author=municipal_admin, deliberation=draft, text="Заготовка")
        other = open_deliberation(other_admin, other_municipality, statements=SEEDS[:1])
        return {
            "deliberation_open": running.pk,
            "deliberation_statement": shown(running)[0].pk,
            "deliberation_draft": draft.pk,
            "deliberation_draft_statement": draft_statement.pk,
            "deliberation_other": other.pk,
            "deliberation_other_statement": shown(other)[0].pk,
        }

    return DeliberationValues(values, build)
