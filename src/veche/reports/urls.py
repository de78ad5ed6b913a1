from django.urls import path

from veche.reports import views
from veche.reports.feeds import ReportFeed

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("map/", views.report_map, name="map"),
    path("map.json", views.map_data, name="map_data"),
    path("new/", views.report_new, name="new"),
    path("nearby/", views.nearby, name="nearby"),
    path("geocode/", views.geocode, name="geocode"),
    path("feed.atom", ReportFeed(), name="feed"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/support/", views.support, name="support"),
    path("<int:report_id>/follow/", views.follow_toggle, name="follow"),
    # Before the lifecycle's catch-all step below, which would take "comments" for a step's name.
    path("<int:report_id>/comments/", views.comment, name="comment"),
    path("<int:report_id>/<str:action>/", views.act, name="act"),
]
