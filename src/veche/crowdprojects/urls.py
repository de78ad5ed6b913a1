"""The pages of crowd projects under /m/<slug>/projects/."""

from django.urls import path

from veche.crowdprojects.views import ideas, projects

app_name = "crowdprojects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("<int:project_id>/", projects.project_detail, name="detail"),
    path("<int:project_id>/ideas/new/", ideas.idea_new, name="idea_new"),
    path("<int:project_id>/ideas/similar/", ideas.idea_similar, name="idea_similar"),
    path("<int:project_id>/ideas/<int:idea_id>/", ideas.idea_detail, name="idea"),
    path("<int:project_id>/ideas/<int:idea_id>/edit/", ideas.idea_edit, name="idea_edit"),
    path("<int:project_id>/ideas/<int:idea_id>/support/", ideas.idea_support, name="idea_support"),
    path("<int:project_id>/ideas/<int:idea_id>/merge/", ideas.idea_merge, name="idea_merge"),
    path("<int:project_id>/ideas/<int:idea_id>/comments/", ideas.idea_comment, name="idea_comment"),
]
