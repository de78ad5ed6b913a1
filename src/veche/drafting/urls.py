"""The pages of a project's drafted texts, under /m/<slug>/projects/<project_id>/text/."""

from django.urls import path

from veche.drafting import views

app_name = "drafting"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_create, name="create"),
    path("<int:document_id>/", views.document_detail, name="document"),
    path("<int:document_id>/edit/", views.document_edit, name="edit"),
    path("<int:document_id>/publish/", views.document_publish, name="publish"),
    path("<int:document_id>/versions/", views.version_list, name="versions"),
    path("<int:document_id>/versions/new/", views.version_create, name="version_new"),
    path("<int:document_id>/compare/", views.version_compare, name="compare"),
    path("<int:document_id>/sections/<int:key>/", views.section_detail, name="section"),
    path("<int:document_id>/sections/<int:key>/comments/", views.section_comment, name="comment"),
    path("<int:document_id>/sections/<int:key>/amend/", views.amendment_create, name="amend"),
    path("<int:document_id>/amendments/<int:amendment_id>/support/", views.amendment_support, name="support"),
    path(
        "<int:document_id>/amendments/<int:amendment_id>/withdraw/", views.amendment_withdraw, name="withdraw"
    ),
    path("<int:document_id>/amendments/<int:amendment_id>/decide/", views.amendment_decide, name="decide"),
]
