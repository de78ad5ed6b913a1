"""The budgeting pages under /m/<slug>/budgets/."""

from django.urls import path

from veche.budgeting import views

app_name = "budgeting"

urlpatterns = [
    path("", views.process_list, name="list"),
    path("<int:process_id>/", views.process_detail, name="process"),
    path("<int:process_id>/proposals/", views.proposal_list, name="proposals"),
    path("<int:process_id>/proposals/new/", views.proposal_create, name="propose"),
    path("<int:process_id>/proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("<int:process_id>/proposals/<int:proposal_id>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<int:process_id>/<int:budget_id>/ballot/", views.ballot, name="ballot"),
    path("<int:process_id>/<int:budget_id>/vote/", views.vote, name="vote"),
    path("<int:process_id>/<int:budget_id>/results/", views.results, name="results"),
]
