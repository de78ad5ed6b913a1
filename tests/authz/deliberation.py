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
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.deliberation.models import Deliberation, Map, Statement, Vote
from veche.deliberation.services import deliberation_create, statement_add
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown
from veche.municipalities.models import Municipality

if TYPE_CHECKING:
    from tests.authz.test_matrix import Case, World

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


def deliberation_world(
    *,
    values: Mapping[str, Any],
    municipality: Municipality,
    other_municipality: Municipality,
    municipal_admin: User,
    other_admin: User,
) -> dict[str, Any]:
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

    return {**values, **build()}


# The staff pages (/m/<slug>/staff/deliberations/): the world has a published standalone deliberation of
# the roads department (the fixtures' official works there) with a statement awaiting moderation, a
# draft of the same department, and a project of the roads department with an opinion-mapping stage
# and no deliberation yet. Municipal and platform admins run every deliberation; moderators reach the
# statements (and the list of what they moderate), nothing else.

# Those who run the roads department's deliberations: its official, municipal and platform admins.
RUNS_PAGE = (LOGIN, 404, 404, 404, 200, 200, 404, 200)
RUNS_POST = (LOGIN, 404, 404, 404, 302, 302, 404, 302)
# ... and the municipality's moderators, who accept and reject statements.
MODERATES_PAGE = (LOGIN, 404, 404, 200, 200, 200, 404, 200)
MODERATES_POST = (LOGIN, 404, 404, 302, 302, 302, 404, 302)
# Those who set projects up: municipal and platform admins.
SETS_UP_PAGE = (LOGIN, 404, 404, 404, 404, 200, 404, 200)
SETS_UP_POST = (LOGIN, 404, 404, 404, 404, 302, 404, 302)

STAFF = "/m/{slug}/staff/deliberations"


def _deliberation(w: World, name: str) -> Deliberation:
    return Deliberation.objects.get(pk=w.values[name])


def _statements(w: World) -> int:
    return Statement.objects.filter(deliberation_id=w.values["staff_deliberation"]).count()


def _maps(w: World) -> int:
    return Map.objects.filter(deliberation_id=w.values["staff_deliberation"]).count()


def _status(w: World) -> str:
    return Statement.objects.get(pk=w.values["staff_pending_statement"]).status


def _project_deliberations(w: World) -> int:
    return Deliberation.objects.filter(project_id=w.values["staff_mapping_project"]).count()


def deliberation_staff_routes(case: type[Case], every: Any) -> dict[str, Case]:
    settings = {
        "title": "A clearer question",
        "description": "",
        "department": "{staff_roads}",
        "tier": "1",
        "opens_at": "",
        "closes_at": "",
        "statement_max_length": "140",
        "residents_add_statements": "on",
    }
    return {
        "deliberation_staff:list": case(f"{STAFF}/", MODERATES_PAGE),
        "deliberation_staff:create": case(f"{STAFF}/new/", RUNS_PAGE),
        "deliberation_staff:create#post": case(
            f"{STAFF}/new/",
            RUNS_POST,
            "POST",
            data={**settings, "title": "A new question"},
            state=lambda w: Deliberation.objects.filter(title="A new question").count(),
        ),
        "deliberation_staff:import": case(f"{STAFF}/import/", SETS_UP_PAGE),
        "deliberation_staff:project_create": case(
            f"{STAFF}/projects/{{staff_mapping_project}}/new/", RUNS_PAGE
        ),
        "deliberation_staff:project_create#post": case(
            f"{STAFF}/projects/{{staff_mapping_project}}/new/",
            RUNS_POST,
            "POST",
            data={"title": "Where do we agree?", "statement_max_length": "140"},
            state=_project_deliberations,
        ),
        "deliberation_staff:edit": case(f"{STAFF}/{{staff_deliberation}}/", RUNS_PAGE),
        "deliberation_staff:edit#draft": case(f"{STAFF}/{{staff_draft_deliberation}}/", RUNS_PAGE),
        "deliberation_staff:edit#post": case(
            f"{STAFF}/{{staff_draft_deliberation}}/",
            RUNS_POST,
            "POST",
            data=settings,
            state=lambda w: _deliberation(w, "staff_draft_deliberation").title,
        ),
        "deliberation_staff:publish": case(
            f"{STAFF}/{{staff_draft_deliberation}}/publish/",
            RUNS_POST,
            "POST",
            state=lambda w: _deliberation(w, "staff_draft_deliberation").published_at,
        ),
        "deliberation_staff:recompute": case(
            f"{STAFF}/{{staff_deliberation}}/map/", RUNS_POST, "POST", state=_maps
        ),
        "deliberation_staff:statements": case(f"{STAFF}/{{staff_deliberation}}/statements/", MODERATES_PAGE),
        "deliberation_staff:statements#draft": case(
            f"{STAFF}/{{staff_draft_deliberation}}/statements/", RUNS_PAGE
        ),
        "deliberation_staff:seed": case(
            f"{STAFF}/{{staff_deliberation}}/statements/new/",
            RUNS_POST,
            "POST",
            data={"text": "Paths need lights"},
            state=_statements,
        ),
        "deliberation_staff:moderate": case(
            f"{STAFF}/{{staff_deliberation}}/statements/{{staff_pending_statement}}/",
            MODERATES_POST,
            "POST",
            data={"decision": "accept"},
            state=_status,
        ),
        "deliberation_staff:moderate#reject": case(
            f"{STAFF}/{{staff_deliberation}}/statements/{{staff_pending_statement}}/",
            MODERATES_POST,
            "POST",
            data={"decision": "reject", "reason": "Said already"},
            state=_status,
        ),
    }


def deliberation_staff_world(
    *, values: Mapping[str, Any], municipality: Municipality, municipal_admin: User, author: User
) -> dict[str, Any]:
    """The world's values with the staff pages' part."""

    def build() -> dict[str, Any]:
        roads = municipality.departments.get(name_en="Roads")
        running = open_deliberation(municipal_admin, municipality, department=roads, statements=SEEDS[:2])
        # The author's residence is verified in the municipality: they may add a statement.
        pending = statement_add(author=author, deliberation=running, text="Benches by the water")
        draft = deliberation_create(
            actor=municipal_admin, municipality=municipality, title="Not yet", department=roads
        )
        project = project_in_stage(
            actor=municipal_admin,
            municipality=municipality,
            kind=StageKind.IDEAS,
            template="deliberation",
            title="Mapped project",
            department=roads,
        )
        return {
            "staff_roads": roads.pk,
            "staff_deliberation": running.pk,
            "staff_pending_statement": pending.pk,
            "staff_draft_deliberation": draft.pk,
            "staff_mapping_project": project.pk,
        }

    return {**values, **build()}
