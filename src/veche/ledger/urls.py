from django.urls import path

from veche.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.check, name="check"),
    path("heads.json", views.heads, name="heads"),
    path("entries/<str:receipt>.json", views.entry, name="entry"),
]
