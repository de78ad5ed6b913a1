from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "veche.polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        from veche.polls import activity  # noqa: F401 - registers with receipts and activity
