from django.urls import path

from veche.comments import views

app_name = "comments"

urlpatterns = [
    path("", views.create, name="create"),
    path("<int:comment_id>/", views.detail, name="detail"),
    path("<int:comment_id>/react/", views.react, name="react"),
]
