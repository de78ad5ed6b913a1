from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "veche.deliberation"
    label = "deliberation"
    verbose_name = _("opinion mapping")

    def ready(self) -> None:
        # Statements can be flagged and hidden like any other content; the section of a crowd
        # project's page.
        from veche.deliberation import flaggable, sections  # noqa: F401
