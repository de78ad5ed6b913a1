from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrowdProjectsConfig(AppConfig):
    name = "veche.crowdprojects"
    label = "crowdprojects"
    verbose_name = _("crowd projects")

    def ready(self) -> None:
        # Each part of a project (ideas, voting, meetings...) registers its section of the project page
        # and its moderated content when its module is imported.
        from veche.crowdprojects import activity, flaggable, tallies, wisdom  # noqa: F401
