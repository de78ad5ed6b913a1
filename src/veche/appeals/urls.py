"""The appeal pages under /m/<slug>/appeals/."""

from django.urls import path

from veche.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    *views.PAGES.urls(),
    path("<int:petition_id>/close/", views.close, name="close"),
]
