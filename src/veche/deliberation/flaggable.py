"""Statements can be flagged and hidden like any other content; a hidden statement leaves the voting
and the map until a moderator restores it."""

from veche.deliberation.access import can_see_statement
from veche.deliberation.models import Statement
from veche.deliberation.services import map_inputs_changed
from veche.moderation.registry import register

register(
    Statement,
    url=lambda statement: f"{statement.deliberation.get_absolute_url()}#statement-{statement.number}",
    excerpt=lambda statement: statement.text[:300],
    author=lambda statement: statement.author,
    related=("municipality", "author", "deliberation", "deliberation__municipality"),
    visible=can_see_statement,
    # Hidden or restored, the statement leaves or rejoins the map at its next recompute.
    on_hidden=lambda statement, _hidden: map_inputs_changed(statement),
)
