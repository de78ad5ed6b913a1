from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrowdProjectsConfig(AppConfig):
    name = "veche.crowdprojects"
    label = "crowdprojects"
    verbose_name = _("crowd projects")

    def ready(self) -> None:
        # Each part of a project (ideas, voting, meetings...) registers its section of the project page
        # and its moderated content when its module is imported.
        from veche.crowdprojects import activity, flaggable, selection_parts, tallies, voting, wisdom  # noqa: F401
        from veche.crowdprojects.views import ideas  # noqa: F401 - the ideas' section
