# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The catalogue of every active municipality's open data in DCAT (JSON-LD), for harvesters.

Titles and descriptions are given in every language of the site (`@language`), so the catalogue
is the same whoever asks; download addresses are absolute. Three queries, whatever the number of
municipalities: the municipalities, the public budgets, the public deliberations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veche.analytics.opendata.datasets import DATASETS, LICENCE_URL
from veche.budgeting.models import Budget
from veche.budgeting.phases import PUBLISHED as BUDGET_PUBLISHED
from veche.deliberation.exports import NAMES as POLIS_FILES
from veche.deliberation.models import Deliberation
from veche.municipalities.models import Municipality

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = {
    "csv": "https://www.iana.org/assignments/media-types/text/csv",
    "geojson": "https://www.iana.org/assignments/media-types/application/geo+json",
    "pb": "https://www.iana.org/assignments/media-types/text/plain",
}
FORMATS = {"csv": "CSV", "geojson": "GeoJSON", "pb": "pabulib"}


def texts(text: Promise | str) -> list[dict[str, str]] | str:
    """A translatable `text` in each of the site's languages, as JSON-LD language-tagged strings; a
    name staff wrote (a budget's, a deliberation's) as it is."""
    if isinstance(text, str):
        return text
    values = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values.append({"@value": str(text), "@language": code})
    return values


def _distribution(url: str, extension: str, title: Promise | str) -> dict[str, Any]:
    return {
        "@type": "dcat:Distribution",
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": MEDIA_TYPES[extension]},
        "dct:format": FORMATS[extension],
        "dct:title": texts(title),
        "dct:license": {"@id": LICENCE_URL},
    }


def catalog(absolute: Callable[[str], str]) -> dict[str, Any]:
    """The DCAT catalogue; `absolute` turns a path into an address (`request.build_absolute_uri`)."""
    municipalities = list(Municipality.objects.filter(is_active=True).order_by("slug"))
    budgets: dict[int, list[Budget]] = defaultdict(list)
    for budget in (
        Budget.objects.filter(process__municipality__is_active=True, process__phase__in=BUDGET_PUBLISHED)
        .select_related("process", "district")
        .order_by("pk")
    ):
        budgets[budget.process.municipality_id].append(budget)
    deliberations: dict[int, list[Deliberation]] = defaultdict(list)
    for deliberation in (
        Deliberation.objects.filter(municipality__is_active=True, published_at__isnull=False)
        .filter(Q(project__isnull=True) | Q(project__published_at__isnull=False))
        .only("pk", "municipality_id", "title")
        .order_by("pk")
    ):
        deliberations[deliberation.municipality_id].append(deliberation)
    datasets: list[dict[str, Any]] = []
    for municipality in municipalities:
        slug = municipality.slug
        publisher = {
            "@type": "foaf:Organization",
            "@id": absolute(reverse("opendata:municipality", args=[slug])),
            "foaf:name": [
                {"@value": name, "@language": code}
                for code, name in (("ru", municipality.name_ru), ("en", municipality.name_en))
                if name
            ],
        }

        def dataset(
            key: str,
            title: Promise | str,
            description: Promise | str,
            distributions: list[dict[str, Any]],
            publisher: dict[str, Any] = publisher,
            slug: str = slug,
        ) -> dict[str, Any]:
            return {
                "@type": "dcat:Dataset",
                "@id": absolute(reverse("opendata:municipality", args=[slug])) + f"#{key}",
                "dct:identifier": f"{slug}/{key}",
                "dct:title": texts(title),
                "dct:description": texts(description),
                "dct:publisher": publisher,
                "dct:license": {"@id": LICENCE_URL},
                "dcat:landingPage": {"@id": absolute(reverse("opendata:municipality", args=[slug]))},
                "dcat:distribution": distributions,
            }

        for item in DATASETS:
            files = [
                _distribution(
                    absolute(reverse("opendata:file", args=[slug, item.name, extension])),
                    extension,
                    f"{item.name}.{extension}",
                )
                for extension in item.formats
            ]
            datasets.append(dataset(item.name, item.title, item.description, files))
        for budget in budgets[municipality.pk]:
            name = budget.process.title + (f" — {budget.district.name_ru}" if budget.district else "")
            url = absolute(reverse("opendata:budget", args=[slug, budget.pk]))
            datasets.append(
                dataset(
                    f"budget-{budget.pk}",
                    name,
                    _("The participatory budget's projects, ballots and winners in the pabulib format."),
                    [_distribution(url, "pb", f"{budget.pk}.pb")],
                )
            )
        for deliberation in deliberations[municipality.pk]:
            files = [
                _distribution(
                    absolute(reverse("opendata:deliberation", args=[slug, deliberation.pk, name])),
                    "csv",
                    f"{name}.csv",
                )
                for name in POLIS_FILES
            ]
            datasets.append(
                dataset(
                    f"deliberation-{deliberation.pk}",
                    deliberation.title,
                    _("The deliberation's statements and votes in the Polis export format."),
                    files,
                )
            )
    return {
        "@context": CONTEXT,
        "@type": "dcat:Catalog",
        "@id": absolute(reverse("opendata:catalog")),
        "dct:title": texts(_("Veche open data")),
        "dct:description": texts(
            _("Open data of the municipalities on Veche: reports, initiatives, polls, budgets and more.")
        ),
        "dct:license": {"@id": LICENCE_URL},
        "dcat:dataset": datasets,
    }
