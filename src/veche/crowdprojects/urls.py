"""The pages of crowd projects under /m/<slug>/projects/."""

from django.urls import path

from veche.crowdprojects.views import projects, voting

app_name = "crowdprojects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("<int:project_id>/", projects.project_detail, name="detail"),
    path("<int:project_id>/ideas/<int:idea_id>/", projects.idea_detail, name="idea"),
    path("<int:project_id>/vote/", voting.ballot, name="vote"),
    path("<int:project_id>/results/", voting.results, name="results"),
]
