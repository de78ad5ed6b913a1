"""The residents' pages of opinion mapping under /m/<slug>/deliberations/."""

from django.urls import path

from veche.deliberation.views import map as map_views
from veche.deliberation.views import participate

app_name = "deliberation"


urlpatterns = [
    path("", participate.deliberation_list, name="list"),
    path("<int:deliberation_id>/", participate.deliberation_detail, name="detail"),
    path("<int:deliberation_id>/vote/", participate.vote, name="vote"),
    path("<int:deliberation_id>/statements/new/", participate.statement_new, name="statement_add"),
    path("<int:deliberation_id>/map/", map_views.map_page, name="map"),
    path("<int:deliberation_id>/export/<str:name>.csv", map_views.export, name="export"),
]
