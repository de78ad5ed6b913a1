"""The pages of a crowd project's meetings under /m/<slug>/projects/<project_id>/meetings/."""

from django.urls import path

from veche.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar.ics", views.project_ics, name="calendar"),
    path("new/", views.meeting_create, name="create"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:meeting_id>/register/", views.register, name="register"),
    path("<int:meeting_id>/unregister/", views.unregister, name="unregister"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:meeting_id>/registrations/", views.meeting_registrations, name="registrations"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
]
