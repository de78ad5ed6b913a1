"""Every schema class of the API has its own OpenAPI component name: two classes of one name (polls'
and budgeting's results, say) would show one of them for both, a schema violation for clients."""

import typing
from collections import defaultdict

from django.test import Client
from pydantic import BaseModel

from veche.api.api import api


def _models_in(annotation: object, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        if annotation.__module__.startswith("veche."):
            found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def api_schema_classes() -> set[type[BaseModel]]:
    """The schema classes named by any operation's responses or parameters, and those inside them."""
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models_in(model, found)
    return found


def test_no_two_schema_classes_share_a_component_name(client: Client) -> None:
    classes = api_schema_classes()
    assert len(classes) > 20  # the walk reaches the real schemas
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in classes:
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}

    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(by_name) <= set(components)


def test_poll_and_budget_results_are_two_components(client: Client) -> None:
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "ResultsOut" not in components and "ReceiptOut" not in components
    assert components["PollResultsOut"] != components["BudgetResultsOut"]
    assert components["PollReceiptOut"] != components["BudgetReceiptOut"]
