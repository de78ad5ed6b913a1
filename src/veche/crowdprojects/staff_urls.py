"""The staff pages of crowd projects under /m/<slug>/staff/projects/: those who run projects."""

from django.urls import path

from veche.crowdprojects.views import dashboard, staff

app_name = "crowdprojects_staff"

urlpatterns = [
    path("", staff.project_list, name="list"),
    path("new/", staff.project_create, name="create"),
    path("<int:project_id>/", staff.project_manage, name="project"),
    path("<int:project_id>/edit/", staff.project_edit, name="edit"),
    path("<int:project_id>/stages/", staff.project_stages, name="stages"),
    path("<int:project_id>/publish/", staff.project_publish, name="publish"),
    path("<int:project_id>/dashboard/", dashboard.project_dashboard_page, name="dashboard"),
]
