"""Recognition's pages under /m/<slug>/badges/ (a badge's code cannot be "points" or "board":
`services.RESERVED_CODES`)."""

from django.urls import path

from veche.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.badge_list, name="badges"),
    path("points/", views.my_points, name="points"),
    path("board/consent/", views.consent, name="consent"),
    path("<slug:code>/", views.badge_detail, name="badge"),
]
