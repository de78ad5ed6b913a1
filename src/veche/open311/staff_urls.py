"""The Open311 staff pages under /m/<slug>/staff/open311/."""

from django.urls import path

from veche.open311 import staff_views

urlpatterns = [
    path("", staff_views.open311_home, name="open311_staff"),
    path("keys/<int:pk>/revoke/", staff_views.key_revoke, name="open311_key_revoke"),
    path("services/<slug:category>/", staff_views.service, name="open311_service"),
    path("services/<slug:category>/<int:pk>/", staff_views.attribute_edit, name="open311_attribute"),
    path(
        "services/<slug:category>/<int:pk>/delete/",
        staff_views.attribute_delete,
        name="open311_attribute_delete",
    ),
]
