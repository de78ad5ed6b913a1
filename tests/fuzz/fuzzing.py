"""What both fuzzed schemas share: the checks, the seed, and the schemathesis configuration."""

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# No 5xx; every answer's status, content type and (JSON) body as the description says.
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
SEED = 15


def config(max_examples: int) -> schemathesis.Config:
    """Positive and negative data, derandomised from SEED: every run sends the same requests.
    The coverage phase (boundary values of every parameter, unbounded in number) and the stateful
    phase are off, so that the number of requests is set by `max_examples` alone."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
