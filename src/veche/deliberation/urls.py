"""The deliberation pages under /m/<slug>/deliberations/."""

from django.urls import path

from veche.deliberation.views import map as map_views

app_name = "deliberation"

urlpatterns = [
    path("<int:deliberation_id>/map/", map_views.map_page, name="map"),
    path("<int:deliberation_id>/export/<str:name>.csv", map_views.export, name="export"),
]
