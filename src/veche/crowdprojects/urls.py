"""The pages of crowd projects under /m/<slug>/projects/."""

from django.urls import path

from veche.crowdprojects.views import assessment, discussion, projects  # CrowdWisdom

app_name = "crowdprojects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("<int:project_id>/", projects.project_detail, name="detail"),
    path("<int:project_id>/ideas/<int:idea_id>/", projects.idea_detail, name="idea"),
]

# CrowdWisdom: discussion and assessment.
urlpatterns += [
    path("<int:project_id>/ideas/<int:idea_id>/comments/", discussion.comment, name="idea_comment"),
    path("<int:project_id>/ideas/<int:idea_id>/rating/", assessment.rate, name="idea_rate"),
    path("<int:project_id>/assessment/", assessment.assessment, name="assessment"),
    path("<int:project_id>/assessment/manage/", assessment.manage, name="assessment_manage"),
    path("<int:project_id>/assessment/criteria/", assessment.criterion_new, name="criterion_add"),
    path(
        "<int:project_id>/assessment/criteria/<int:criterion_id>/remove/",
        assessment.criterion_delete,
        name="criterion_remove",
    ),
    path("<int:project_id>/assessment/experts/", assessment.expert_new, name="expert_invite"),
    path(
        "<int:project_id>/assessment/experts/<int:expert_id>/remove/",
        assessment.expert_delete,
        name="expert_remove",
    ),
    path("<int:project_id>/assessment/score/", assessment.score, name="assessment_score"),
]
