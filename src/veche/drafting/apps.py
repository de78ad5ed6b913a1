from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "veche.drafting"
    label = "drafting"
    verbose_name = _("drafting a text")

    def ready(self) -> None:
        # The document's section of the project page, amendments as moderated content and as a
        # contribution to the project's figures.
        from veche.drafting import registrations  # noqa: F401
