"""Exported files (CSV, pabulib) neutralise spreadsheet formulas that people wrote: every free-text
column of every table is filled with formulas, then every export the matrix lists is read."""

from __future__ import annotations

import csv
import io

from django.apps import apps
from django.db import IntegrityError, models, transaction

from tests.authz.test_matrix import World
from tests.hostile.corpus import FORMULAS, formula_cells
from tests.hostile.walk import Findings, built, check_answer, client_for, filled, rolled_back, walked

EXPORTS = {
    key: (case, role)
    for key, (case, role) in walked(api=False).items()
    if case.method == "GET" and any(mark in case.url for mark in (".csv", ".pb", "format=csv"))
}


def _write_formulas() -> int:
    """Every free-text column (text, or a string of 20 characters or more without choices, not
    unique) of every row set to a formula; a column whose constraint refuses it is left."""
    written = 0
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "contenttypes", "auth", "admin"}:
            continue
        for field in model._meta.concrete_fields:
            free = isinstance(field, models.TextField) or (
                isinstance(field, models.CharField) and (field.max_length or 0) >= 20
            )
            if not free or field.choices or field.unique or field.primary_key:
                continue
            formula = FORMULAS[written % len(FORMULAS)][: getattr(field, "max_length", None) or 200]
            try:
                with transaction.atomic():
                    written += model._default_manager.update(**{field.name: formula})
            except (IntegrityError, ValueError, TypeError):  # TypeError: an append-only table
                continue
    return written


def test_exports_neutralise_formulas(world: World) -> None:
    world, findings = built(world, api=False), Findings()
    assert EXPORTS, "no export found among the matrix's routes"
    with rolled_back():
        written = _write_formulas()
        for key, (case, role) in EXPORTS.items():
            url, _data = filled(case, world)
            path, _, query = url.partition("?")
            response = client_for(world, role).get(path, QUERY_STRING=query)
            check_answer(findings, f"GET {url} as {role} ({key})", response, kind="page")
            if response.status_code == 200 and ".pb" in path:
                body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
                rows = csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
                for cell in formula_cells(iter(rows))[:3]:
                    findings.add(url, f"pabulib cell a spreadsheet would run: {cell[:60]!r}")
    print(f"\n{written} cells written with formulas; {len(EXPORTS)} exports read: {sorted(EXPORTS)}")
    assert not findings.problems, findings.report()
