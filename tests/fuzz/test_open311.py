"""Fuzzing /open311/v2/ from its OpenAPI description (veche/open311/openapi.py), as test_api does /api/v1/."""

import schemathesis
from hypothesis import HealthCheck, settings

from tests.fuzz.fuzzing import CHECKS, config
from tests.fuzz.world import World
from veche.wsgi import application

MAX_EXAMPLES = 60

schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", application, config=config(MAX_EXAMPLES))


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_open311(case: schemathesis.Case, world: World, db: None) -> None:
    if case.method == "POST" and isinstance(case.body, dict):
        # The municipality's key, so that the POSTs reach the service request's checks.
        case.body["api_key"] = world.api_key
    case.call_and_validate(checks=CHECKS)
