"""The appeal pages under /m/<slug>/appeals/."""

from django.urls import path

from veche.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_create, name="create"),
    path("policy/", views.policy, name="policy"),
    *views.PAGES.urls(endorse="sign"),
    path("<int:appeal_id>/answer/", views.answer, name="answer"),
    path("<int:appeal_id>/close/", views.close, name="close"),
]
