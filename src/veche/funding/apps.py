from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "veche.funding"
    label = "funding"
    verbose_name = _("co-financing")

    def ready(self) -> None:
        # The campaigns' section of a crowd project's page; campaigns named in words.
        from veche.funding import registrations, sections  # noqa: F401
