"""The municipal admin's point rules under /m/<slug>/staff/recognition/ (the badges have the staff
pages of every set-up object: /m/<slug>/staff/badges/)."""

from django.urls import path

from veche.recognition import views

app_name = "recognition_staff"

urlpatterns = [
    path("", views.staff_rules, name="rules"),
]
