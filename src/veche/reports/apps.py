from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "veche.reports"
    label = "reports"
    verbose_name = _("Problem reports")

    def ready(self) -> None:
        from veche.reports import activity, flaggable, staff  # noqa: F401 - registers with moderation, staff pages, activity
