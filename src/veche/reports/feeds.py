"""The Atom feed of a municipality's reports: new and changed, newest first."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from veche.access.functions import access_municipality
from veche.municipalities.models import Municipality
from veche.reports.models import Report, Status
from veche.reports.selectors import public_reports
from veche.reports.services import report_url


class ReportFeed(Feed[Report, Municipality]):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Municipality:
        return access_municipality(request.user, kwargs["slug"])

    def title(self, obj: Municipality) -> str:
        return _("Reports in %(name)s") % {"name": obj.title}

    def link(self, obj: Municipality) -> str:
        return reverse("reports:list", args=[obj.slug])

    def subtitle(self, obj: Municipality) -> str:
        return _("Problems residents reported and how the city answered.")

    def items(self, obj: Municipality) -> Any:
        return (
            public_reports(obj).select_related("category", "municipality").order_by("-updated_at", "-id")[:50]
        )

    def item_title(self, item: Report) -> str:
        return f"#{item.pk} {item.category.title}: {Status(item.status).label}"

    def item_description(self, item: Report) -> str:
        return item.description

    def item_link(self, item: Report) -> str:
        return report_url(item)

    def item_updateddate(self, item: Report) -> Any:
        return item.updated_at

    def item_pubdate(self, item: Report) -> Any:
        return item.created_at
