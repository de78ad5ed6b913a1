"""Crowd projects on receipts and in a person's activity: an idea's supports are counted on the idea's
chain (as a petition's endorsements), a project's ballots on the project's chain; and a monitoring
report named in words where other apps name it by its label (recognition's points for it)."""

from django.utils.translation import gettext_lazy as _

from veche.crowdprojects.models import Idea, IdeaSupport, MonitoringReport, Project
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
register(
    MonitoringReport,
    yours=_("Your monitoring report on “{}”"),
    entry=_("A monitoring report on “{}”"),
    municipality=lambda report: report.municipality,
    url=lambda report: report.get_absolute_url(),
    related=("municipality", "idea"),
    title=lambda report: report.idea.title,
)
