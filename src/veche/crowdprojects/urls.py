"""The pages of crowd projects under /m/<slug>/projects/."""

from django.urls import path

from veche.crowdprojects.views import assessment, discussion, ideas, projects, selection, voting

app_name = "crowdprojects"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("<int:project_id>/", projects.project_detail, name="detail"),
    # The selection, the final report and the implementation.
    path("<int:project_id>/selection/", selection.selection_page, name="selection"),
    path(
        "<int:project_id>/selection/ideas/<int:idea_id>/", selection.selection_decide, name="selection_decide"
    ),
    path("<int:project_id>/selection/publish/", selection.selection_publish, name="selection_publish"),
    path("<int:project_id>/report/", selection.report, name="report"),
    path("<int:project_id>/report/print/", selection.report, name="report_print"),
    path(
        "<int:project_id>/ideas/<int:idea_id>/implementation/",
        selection.implementation,
        name="implementation",
    ),
    path(
        "<int:project_id>/ideas/<int:idea_id>/implementation/milestones/",
        selection.milestone_add,
        name="milestone_add",
    ),
    path(
        "<int:project_id>/ideas/<int:idea_id>/implementation/milestones/<int:milestone_id>/update/",
        selection.milestone_update,
        name="milestone_update",
    ),
    path(
        "<int:project_id>/ideas/<int:idea_id>/implementation/milestones/<int:milestone_id>/complete/",
        selection.milestone_complete,
        name="milestone_complete",
    ),
    path(
        "<int:project_id>/ideas/<int:idea_id>/implementation/monitoring/",
        selection.monitoring_file,
        name="monitoring",
    ),
    path("<int:project_id>/ideas/<int:idea_id>/implementation/rating/", selection.result_rate, name="rating"),
    path("<int:project_id>/ideas/new/", ideas.idea_new, name="idea_new"),
    path("<int:project_id>/ideas/similar/", ideas.idea_similar, name="idea_similar"),
    path("<int:project_id>/ideas/<int:idea_id>/", ideas.idea_detail, name="idea"),
    path("<int:project_id>/ideas/<int:idea_id>/edit/", ideas.idea_edit, name="idea_edit"),
    path("<int:project_id>/ideas/<int:idea_id>/support/", ideas.idea_support, name="idea_support"),
    path("<int:project_id>/ideas/<int:idea_id>/merge/", ideas.idea_merge, name="idea_merge"),
    path("<int:project_id>/follow/", projects.follow_toggle, name="follow"),
    path("<int:project_id>/vote/", voting.ballot, name="vote"),
    path("<int:project_id>/results/", voting.results, name="results"),
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
