"""The staff pages of deliberations under /m/<slug>/staff/deliberations/: those who run deliberations
and the moderators of their statements."""

from django.urls import path

from veche.deliberation.views import staff

app_name = "deliberation_staff"

urlpatterns = [
    path("", staff.deliberation_list, name="list"),
    path("new/", staff.deliberation_create, name="create"),
    path("import/", staff.polis_import, name="import"),
    path("projects/<int:project_id>/new/", staff.project_deliberation_create, name="project_create"),
    path("<int:deliberation_id>/", staff.deliberation_edit, name="edit"),
    path("<int:deliberation_id>/publish/", staff.deliberation_publish, name="publish"),
    path("<int:deliberation_id>/map/", staff.map_recompute, name="recompute"),
    path("<int:deliberation_id>/statements/", staff.statement_list, name="statements"),
    path("<int:deliberation_id>/statements/new/", staff.statement_seed, name="seed"),
    path(
        "<int:deliberation_id>/statements/<int:statement_id>/",
        staff.statement_moderate,
        name="moderate",
    ),
]
