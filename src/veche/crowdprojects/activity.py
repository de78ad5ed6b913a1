"""Crowd projects on receipts and in a person's activity: an idea's supports are counted on the idea's
chain (as a petition's endorsements), a project's ballots on the project's chain."""

from django.utils.translation import gettext_lazy as _

from veche.crowdprojects.models import Idea, IdeaSupport, Project
from veche.ledger.subjects import register
from veche.petitions.activity import register_endorsements

register_endorsements(
    Idea,
    IdeaSupport,
    kind="idea_support",
    yours=_("Your support of the idea “{}”"),
    entry=_("A support of the idea “{}”"),
)
register(
    Project,
    yours=_("Your ballot in the crowd project “{}”"),
    entry=_("A ballot in the crowd project “{}”"),
    municipality=lambda project: project.municipality,
    url=lambda project: project.get_absolute_url(),
    related=("municipality",),
    title=lambda project: project.title,
)
