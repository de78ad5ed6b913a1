"""/open-data/: the municipalities' open datasets and their DCAT catalogue; no sign-in or token."""

from django.urls import URLPattern, URLResolver, path, re_path

from veche.analytics.opendata import views

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("catalog.jsonld", views.catalog, name="catalog"),
    path("<slug:slug>/", views.municipality, name="municipality"),
    path("<slug:slug>/budgets/<str:budget_id>.pb", views.budget, name="budget"),
    re_path(
        r"^(?P<slug>[-\w]+)/deliberations/(?P<deliberation_id>[^/]+)/(?P<name>[-a-z]+)\.csv$",
        views.deliberation,
        name="deliberation",
    ),
    re_path(
        r"^(?P<slug>[-\w]+)/(?P<name>[-a-z]+)\.(?P<extension>csv|geojson)$", views.dataset_file, name="file"
    ),
]
