"""Analytics sits on top of the participation apps: none of them imports it."""

import re
from pathlib import Path

import veche

APPS = (
    "reports",
    "appeals",
    "petitions",
    "initiatives",
    "polls",
    "budgeting",
    "crowdprojects",
    "deliberation",
    "funding",
    "drafting",
    "comments",
    "meetings",
    "moderation",
    "municipalities",
    "open311",
    "ledger",
)
IMPORT = re.compile(r"^\s*(from|import)\s+veche\.analytics\b|[\"']veche\.analytics[.\"']", re.MULTILINE)


def test_no_participation_app_imports_analytics() -> None:
    root = Path(veche.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for app in APPS
        for path in sorted((root / app).rglob("*.py"))
        if IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    # The scan does find an import where there is one.
    assert IMPORT.search("from veche.analytics.selectors import totals")
