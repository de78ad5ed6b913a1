"""An OpenAPI 3.1 description of the GeoReport v2 server, served at /open311/v2/openapi.json.

GeoReport has no OpenAPI description of its own; this one says what `views` answers, each resource
under its `.json` and its `.xml` name, so that clients can be generated from it and the fuzzing suite
(tests/fuzz/) can check every answer against it. The JSON answers are described field by field; an
XML answer carries the same document (see `formats`), described here by its root element only.
"""

from typing import Any

from veche.open311.documents import UPDATE_STATES
from veche.open311.models import Datatype
from veche.open311.params import DEFAULT_RADIUS_M, MAX_RADIUS_M, MAX_RESULTS

FORMATS = {"json": "application/json", "xml": "text/xml"}


def _nullable(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **more}


TEXT = _nullable("string")
MOMENT = _nullable("string", format="date-time")

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status of the answer."},
            "description": {"type": "string"},
        },
    },
    "Errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Error"}},
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": {"type": "string", "format": "date-time"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string", "format": "date-time"},
                        "type": {"enum": ["production", "test"]},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": TEXT,
            "metadata": {
                "type": "boolean",
                "description": "Whether the service has a definition (attributes).",
            },
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": TEXT,
            "group": TEXT,
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "variable",
                        "code",
                        "datatype",
                        "required",
                        "order",
                        "description",
                        "values",
                    ],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {"enum": list(Datatype.values)},
                        "required": {"type": "boolean"},
                        "datatype_description": TEXT,
                        "order": {"type": "integer", "minimum": 1},
                        "description": {"type": "string"},
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name"],
                                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    },
    "ServiceRequest": {
        "type": "object",
        "required": ["service_request_id", "status", "requested_datetime", "updated_datetime"],
        "properties": {
            "service_request_id": {"type": "string", "pattern": "^[0-9]+$"},
            "status": {"enum": ["open", "closed"]},
            "status_notes": TEXT,
            "service_name": TEXT,
            "service_code": TEXT,
            "description": TEXT,
            "agency_responsible": TEXT,
            "service_notice": TEXT,
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": MOMENT,
            "address": TEXT,
            "address_id": TEXT,
            "zipcode": TEXT,
            "lat": _nullable("number", description="Empty when only an address was sent."),
            "long": _nullable("number"),
            "media_url": TEXT,
            "extended_attributes": {
                "type": "object",
                "description": "With extensions=true.",
                "properties": {"channel": TEXT, "district": TEXT},
            },
            "notes": {
                "type": "array",
                "description": "With extensions=true: the request's history, oldest first.",
                "items": {
                    "type": "object",
                    "required": ["datetime", "type"],
                    "properties": {
                        "datetime": {"type": "string", "format": "date-time"},
                        "description": TEXT,
                        "type": {"type": "string"},
                    },
                },
            },
        },
    },
    "CreatedRequest": {
        "type": "object",
        "description": "A token while the request awaits moderation (always, today); its id, were it "
        "public at once.",
        "required": ["service_notice", "account_id"],
        "properties": {
            "token": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "service_request_id": {"type": "string", "pattern": "^[0-9]+$"},
            "service_notice": TEXT,
            "account_id": TEXT,
        },
        "oneOf": [{"required": ["token"]}, {"required": ["service_request_id"]}],
    },
    "TokenAnswer": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {
            "service_request_id": _nullable(
                "string", description="None until a moderator passes the request."
            ),
            "token": {"type": "string"},
        },
    },
    "RequestUpdate": {
        "type": "object",
        "required": ["update_id", "service_request_id", "status", "updated_datetime"],
        "properties": {
            "update_id": {"type": "string"},
            "service_request_id": {"type": "string"},
            "status": {"enum": sorted({*UPDATE_STATES.values(), "internal_referral"})},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "description": TEXT,
            "media_url": TEXT,
        },
    },
}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


JURISDICTION = _query(
    "jurisdiction_id",
    "The municipality's code, as in /m/<code>/; may be left out while one municipality is active.",
)
EXTENSIONS = _query("extensions", "true adds extended_attributes and notes.", enum=["true", "false"])
DATES = [
    _query(
        "start_date", "W3C date-time; requested (updated) on or after it.", type="string", format="date-time"
    ),
    _query("end_date", "W3C date-time; at most 90 days after start_date.", type="string", format="date-time"),
]
PAGING = [
    _query("page", "The page, from 1.", type="integer", minimum=1, maximum=1_000_000),
    _query(
        "page_size",
        f"Requests a page, at most {MAX_RESULTS} (the default).",
        type="integer",
        minimum=1,
        maximum=MAX_RESULTS,
    ),
]
REQUEST_FILTERS = [
    _query(
        "service_request_id",
        f"Comma-separated ids (at most {MAX_RESULTS}); overrides every other filter.",
        type="string",
        pattern=r"^\s*[0-9]+\s*(,\s*[0-9]+\s*)*$",
    ),
    _query("service_code", "Comma-separated service codes.", type="string"),
    _query(
        "status",
        "open, closed, or both comma-separated.",
        type="string",
        pattern="^(open|closed)(,(open|closed))?$",
    ),
    *DATES,
    *PAGING,
    _query(
        "lat", "Latitude of the centre of a radius search (WGS84).", type="number", minimum=-90, maximum=90
    ),
    _query("long", "Longitude of the centre.", type="number", minimum=-180, maximum=180),
    _query(
        "radius",
        f"Metres, default {DEFAULT_RADIUS_M}; needs lat and long.",
        type="number",
        minimum=1,
        maximum=MAX_RADIUS_M,
    ),
    EXTENSIONS,
]

# Everything a POST takes, form-encoded; api_key may come in the query string instead.
CREATE_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": {"type": "string", "description": "A key the municipality issued."},
        "jurisdiction_id": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": {"type": "string", "maxLength": 300},
        "address_id": {"type": "string", "maxLength": 100},
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "device_id": {"type": "string", "maxLength": 100},
        "account_id": {"type": "string", "maxLength": 100},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string", "maxLength": 50},
        "description": {"type": "string", "maxLength": 4000},
        "media_url": {"type": "string", "format": "uri", "maxLength": 500},
    },
    "patternProperties": {
        r"^attribute\[[^\[\]]+\](\[\])?$": {
            "description": "attribute[CODE]=v; attribute[CODE][]=v for each value of a multivaluelist.",
            "type": "string",
        }
    },
    "additionalProperties": False,
}


def _responses(fmt: str, ok: str | None, *, codes: tuple[int, ...], root: str) -> dict[str, Any]:
    def body(schema_name: str, element: str) -> dict[str, Any]:
        if fmt == "json":
            return {FORMATS[fmt]: {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}
        return {
            FORMATS[fmt]: {
                "schema": {"type": "string", "description": f"<{element}>: the same document as XML."}
            }
        }

    answers: dict[str, Any] = {}
    if ok is not None:
        answers["200"] = {"description": "OK", "content": body(ok, root)}
    reasons = {
        400: "A parameter is wrong, or the method is not taken here; one error per wrong parameter.",
        403: "The api_key is missing, wrong or revoked.",
        404: "No such jurisdiction, service, request or token.",
        429: "Past the rate limit; Retry-After says when to try again.",
    }
    for code in codes:
        answers[str(code)] = {"description": reasons[code], "content": body("Errors", "errors")}
    return answers


def _operation(
    summary: str, fmt: str, ok: str, root: str, *, parameters: list[Any], codes: tuple[int, ...]
) -> dict[str, Any]:
    return {
        "summary": summary,
        "operationId": f"{summary.lower().replace(' ', '_')}_{fmt}",
        "parameters": parameters,
        "responses": _responses(fmt, ok, codes=codes, root=root),
    }


def _path(name: str, description: str, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


# Each GET resource: its path (without the format), summary, 200 document, XML root, parameters,
# and the errors it answers.
RESOURCES: list[tuple[str, str, str, str, list[Any], tuple[int, ...]]] = [
    ("/discovery", "Discovery", "Discovery", "discovery", [], (400,)),
    ("/services", "Service list", "Services", "services", [JURISDICTION], (400, 404)),
    (
        "/services/{service_code}",
        "Service definition",
        "ServiceDefinition",
        "service_definition",
        [_path("service_code", "The service's code."), JURISDICTION],
        (400, 404),
    ),
    (
        "/requests",
        "Service requests",
        "ServiceRequests",
        "service_requests",
        [JURISDICTION, *REQUEST_FILTERS],
        (400, 404),
    ),
    (
        "/requests/{service_request_id}",
        "Service request",
        "ServiceRequests",
        "service_requests",
        [_path("service_request_id", "The request's id."), JURISDICTION, EXTENSIONS],
        (400, 404),
    ),
    (
        "/tokens/{token}",
        "Service request id from token",
        "TokenAnswers",
        "service_requests",
        [_path("token", "The token a POST answered."), JURISDICTION],
        (400, 404),
    ),
    (
        "/servicerequestupdates",
        "Service request updates",
        "RequestUpdates",
        "service_requests_updates",
        [JURISDICTION, *DATES, *PAGING],
        (400, 404),
    ),
]


def paths() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for fmt in FORMATS:
        for path, summary, document, root, parameters, codes in RESOURCES:
            found[f"{path}.{fmt}"] = {
                "get": _operation(summary, fmt, document, root, parameters=parameters, codes=codes)
            }
        found[f"/requests.{fmt}"]["post"] = {
            **_operation(
                "Create service request",
                fmt,
                "CreatedRequests",
                "service_requests",
                parameters=[],
                codes=(400, 403, 404, 429),
            ),
            "requestBody": {
                "required": True,
                "content": {"application/x-www-form-urlencoded": {"schema": CREATE_FORM}},
            },
        }
    return found


def description() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Veche Open311 GeoReport v2",
            "version": "2",
            "description": (
                "GeoReport v2 (http://wiki.open311.org/GeoReport_v2) with mySociety's "
                "servicerequestupdates; what each field means here is in docs/open311.md. Every "
                "resource answers as .json and as .xml; errors are a list of {code, description}."
            ),
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": paths(),
        "components": {
            "schemas": {
                **SCHEMAS,
                "Services": _list_of("Service"),
                "ServiceRequests": _list_of("ServiceRequest"),
                "CreatedRequests": {**_list_of("CreatedRequest"), "minItems": 1, "maxItems": 1},
                "TokenAnswers": {**_list_of("TokenAnswer"), "minItems": 1, "maxItems": 1},
                "RequestUpdates": _list_of("RequestUpdate"),
            }
        },
    }
