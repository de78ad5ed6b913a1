"""The initiative pages under /m/<slug>/initiatives/."""

from django.urls import path

from veche.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    *views.PAGES.urls(),
    path("<int:initiative_id>/edit/", views.initiative_edit, name="edit"),
    path("<int:petition_id>/publish/", views.publish, name="publish"),
    path("<int:initiative_id>/decide/", views.decide, name="decide"),
    path("<int:initiative_id>/milestones/", views.milestones, name="milestones"),
    path(
        "<int:initiative_id>/milestones/<int:milestone_id>/complete/",
        views.milestone_complete,
        name="milestone_complete",
    ),
]
