"""The co-financing pages under /m/<slug>/funding/: campaigns, pledging, and the staff's pages."""

from django.urls import path

from veche.funding import views

app_name = "funding"

urlpatterns = [
    path("<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("<int:campaign_id>/pledge/", views.pledge, name="pledge"),
    path("<int:campaign_id>/pledges/<int:pledge_id>/withdraw/", views.pledge_withdraw, name="withdraw"),
    path("<int:campaign_id>/report/", views.report, name="report"),
    path("<int:campaign_id>/cancel/", views.campaign_cancel, name="cancel"),
    path("new/<int:project_id>/<int:idea_id>/", views.campaign_new, name="new"),
    path("treasury/", views.treasury, name="treasury"),
    path("treasury/<int:pledge_id>/", views.confirm, name="confirm"),
]
