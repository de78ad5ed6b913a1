"""The pages of crowd projects under /m/<slug>/projects/."""

from django.urls import path

from veche.crowdprojects import views

app_name = "crowdprojects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/ideas/<int:idea_id>/", views.idea_detail, name="idea"),
]
