from django.urls import path

from veche.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_create, name="create"),
    path("policy/", views.policy, name="policy"),
    path("<int:appeal_id>/", views.appeal_detail, name="detail"),
    path("<int:appeal_id>/sign/", views.sign, name="sign"),
    path("<int:appeal_id>/answer/", views.answer, name="answer"),
    path("<int:appeal_id>/close/", views.close, name="close"),
    path("<int:appeal_id>/comments/", views.comment, name="comment"),
]
