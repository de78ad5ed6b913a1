"""Appeals can be flagged and hidden like any other content."""

from veche.appeals.models import Appeal
from veche.appeals.services import appeal_url
from veche.moderation.registry import register

register(Appeal, url=appeal_url, excerpt=lambda a: f"{a.title}\n\n{a.body}"[:300], author=lambda a: a.author)
