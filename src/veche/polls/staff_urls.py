"""The staff pages of polls under /m/<slug>/staff/polls/: officials and municipal admins."""

from django.urls import path

from veche.polls import views

app_name = "polls_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:poll_id>/", views.staff_edit, name="edit"),
    path("<int:poll_id>/publish/", views.staff_publish, name="publish"),
    path("<int:poll_id>/close/", views.staff_close, name="close"),
]
