"""Initiatives can be flagged and hidden like any other content; drafts stay their author's alone."""

from veche.initiatives.access import can_see_initiative
from veche.initiatives.models import Initiative
from veche.moderation.registry import register


def _url(initiative: Initiative) -> str:
    return f"/m/{initiative.municipality.slug}/initiatives/{initiative.pk}/"


register(
    Initiative,
    url=_url,
    excerpt=lambda i: f"{i.title}\n\n{i.body}"[:300],
    author=lambda i: i.author,
    related=("municipality", "author"),
    visible=can_see_initiative,
)
