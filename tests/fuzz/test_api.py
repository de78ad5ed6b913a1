"""Fuzzing /api/v1/ from its own OpenAPI description (schemathesis), in process, on a fixed seed."""

import schemathesis
from hypothesis import HealthCheck, settings

from tests.fuzz.fuzzing import CHECKS, config
from tests.fuzz.world import World
from veche.wsgi import application

MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config(MAX_EXAMPLES))


@schema.parametrize()
# The world and `db` are the same for every example of an operation, on purpose: see conftest.world.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case: schemathesis.Case, world: World, db: None) -> None:
    # A verified resident's token on every request, so that the writes get past authentication.
    case.call_and_validate(headers={"Authorization": f"Bearer {world.token}"}, checks=CHECKS)
