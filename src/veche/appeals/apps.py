from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "veche.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from veche.appeals import activity, flaggable  # noqa: F401 - registers with moderation, receipts, activity
