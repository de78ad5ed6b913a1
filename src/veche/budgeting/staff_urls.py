"""The staff pages of budgeting under /m/<slug>/staff/budgets/: officials and municipal admins."""

from django.urls import path

from veche.budgeting import views

app_name = "budgeting_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("import/", views.staff_import, name="import"),
    path("<int:process_id>/", views.staff_process, name="process"),
    path("<int:process_id>/budgets/", views.staff_budget, name="budget"),
    path("<int:process_id>/phase/", views.staff_phase, name="phase"),
    path("<int:process_id>/dates/", views.staff_schedule, name="schedule"),
    path("<int:process_id>/review/", views.staff_review, name="review"),
    path("<int:process_id>/review/<int:proposal_id>/", views.staff_review_decide, name="decide"),
    path("<int:process_id>/<int:budget_id>/count/", views.staff_count, name="count"),
    path("<int:process_id>/<int:budget_id>/paper/", views.staff_paper, name="paper"),
    path("<int:process_id>/<int:budget_id>/export.pb", views.staff_export, name="export"),
]
