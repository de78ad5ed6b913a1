"""GeoReport v2 at /open311/v2/: each resource with a .xml and a .json suffix."""

from django.urls import re_path

from veche.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^$", views.discovery, name="root"),
    re_path(r"^openapi\.json$", views.openapi_description, {"fmt": "json"}, name="openapi"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[-\w]+)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FORMAT, views.request_updates, name="updates"),
    # Any character, a newline too (a percent-encoded %0A): every unknown path answers in the API's format.
    re_path(r"^(?P<path>[\s\S]+)$", views.unknown, name="unknown"),
]
