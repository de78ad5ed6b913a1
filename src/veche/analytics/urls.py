"""The public analytics pages: the comparison of municipalities, a municipality's dashboard with
each chart's CSV, and its network of interaction."""

from django.urls import path

from veche.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.comparison, name="comparison"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/network/", views.network, name="network"),
    path("<slug:slug>/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
]
