"""A person's points and badges on their profile page (`accounts.sections`), for each municipality
where they have any: the badges with when and by what they were earned, the latest ledger lines, and
whether they appear on the municipality's public board."""

from typing import Any

from veche.accounts.models import User
from veche.accounts.sections import register
from veche.recognition.selectors import boards_consented, lines_of, standings_of

LATEST = 5


def _context(user: User) -> dict[str, Any] | None:
    standings = standings_of(user)
    if not standings:
        return None
    latest = {s.municipality.pk: list(reversed(s.entries))[:LATEST] for s in standings}
    # Every line the section shows, put in words at once: one query per kind of subject.
    shown = [entry for s in standings for entry in latest[s.municipality.pk]]
    shown += [entry for s in standings for earned in s.earned for entry in earned.by]
    lines = {line.entry.pk: line for line in lines_of(shown)}
    consented = boards_consented(user)
    return {
        "places": [
            {
                "standing": standing,
                "earned": [(earned, [lines[e.pk] for e in earned.by]) for earned in standing.earned],
                "latest": [lines[e.pk] for e in latest[standing.municipality.pk]],
                "more": len(standing.entries) > LATEST,
                "on_board": standing.municipality.pk in consented,
            }
            for standing in standings
        ]
    }


register("recognition", order=50, template="recognition/_profile_section.html", context=_context)
