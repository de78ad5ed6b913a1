"""Ideas can be flagged and hidden like any other content; a hidden idea is out of every list, vote
and count until a moderator restores it."""

from veche.crowdprojects.models import Idea
from veche.moderation.registry import register

register(
    Idea,
    url=lambda idea: idea.get_absolute_url(),
    excerpt=lambda idea: f"{idea.title}\n\n{idea.body}"[:300],
    author=lambda idea: idea.author,
    related=("municipality", "author"),
)
