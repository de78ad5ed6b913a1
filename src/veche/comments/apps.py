from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "veche.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from veche.comments import flaggable  # noqa: F401 - registers comments with moderation
