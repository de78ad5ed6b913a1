"""Text cells of exported files made safe for spreadsheets (CSV / formula injection).

One neutraliser for every export: open data, analytics tables, the crowd-project dashboard, Polis
files and pabulib files. This module imports nothing, so the Django-free engines
(`veche.budgeting.engine`, `veche.deliberation.engine`) use it too (`veche.core` imports no Django
at package level)."""

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell made safe for spreadsheets: one single quote before a formula start (= + - @ tab CR).

    A text that already starts with quotes followed by a formula start gets one more quote, so that
    `unneutralise` gives back exactly what was written."""
    return "'" + text if text.lstrip("'")[:1] in FORMULA_STARTS and text else text


def unneutralise(text: str) -> str:
    """The inverse of `neutralise`, used by readers of the files this project writes."""
    if text.startswith("'") and text.lstrip("'")[:1] in FORMULA_STARTS and text.lstrip("'"):
        return text[1:]
    return text
