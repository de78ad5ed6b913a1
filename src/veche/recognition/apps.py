from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "veche.recognition"
    label = "recognition"
    verbose_name = _("Recognition for taking part")

    def ready(self) -> None:
        from veche.moderation.registry import listen
        from veche.recognition import profile, staff  # noqa: F401 - the profile's section, the badges' staff pages
        from veche.recognition.services import points_on_hidden

        # Hiding an item revokes the points it earned; restoring it gives them back.
        listen(points_on_hidden)
