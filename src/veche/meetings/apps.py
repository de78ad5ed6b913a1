from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "veche.meetings"
    label = "meetings"
    verbose_name = _("meetings")

    def ready(self) -> None:
        # The section of the project page and the registrations counted as contributions.
        from veche.meetings import parts  # noqa: F401
