"""The site's URLs: pages, the JSON API, Django admin for platform admins."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from veche.api.api import api
from veche.core import pwa
from veche.core import views as core_views
from veche.moderation import views as moderation_views
from veche.municipalities import views as municipality_views
from veche.notifications import views as notification_views
from veche.ops import views as ops_views
from veche.reports import views as report_views

municipality_patterns: list[URLPattern | URLResolver] = [
    path("", municipality_views.municipality_home, name="municipality"),
    path("manifest.webmanifest", pwa.municipality_manifest, name="pwa_municipality_manifest"),
    path("comments/", include("veche.comments.urls")),
    path("appeals/", include("veche.appeals.urls")),
    path("budgets/", include("veche.budgeting.urls")),
    path("polls/", include("veche.polls.urls")),
    path("initiatives/", include("veche.initiatives.urls")),
    path("projects/", include("veche.crowdprojects.urls")),
    path("deliberations/", include("veche.deliberation.urls")),
    path("funding/", include("veche.funding.urls")),
    path("projects/<int:project_id>/text/", include("veche.drafting.urls")),
    path("projects/<int:project_id>/meetings/", include("veche.meetings.urls")),
    path("reports/", include("veche.reports.urls")),
    path("badges/", include("veche.recognition.urls")),
    path("staff/", municipality_views.staff_home, name="staff_home"),
    path("staff/moderation/", moderation_views.queue, name="moderation_queue"),
    path(
        "staff/moderation/<str:label>/<int:object_id>/<str:action>/",
        moderation_views.decide,
        name="moderation_decide",
    ),
    path("staff/verify/", municipality_views.staff_verify, name="staff_verify"),
    path("staff/reports/", report_views.workspace, name="reports_workspace"),
    path("staff/audit/", municipality_views.staff_audit, name="staff_audit"),
    path("staff/boundary/", municipality_views.staff_boundary, name="staff_boundary"),
    path("staff/open311/", include("veche.open311.staff_urls")),
    path("staff/polls/", include("veche.polls.staff_urls")),
    path("staff/budgets/", include("veche.budgeting.staff_urls")),
    path("staff/projects/", include("veche.crowdprojects.staff_urls")),
    path("staff/deliberations/", include("veche.deliberation.staff_urls")),
    path("staff/recognition/", include("veche.recognition.staff_urls")),
    path("staff/<str:kind>/", municipality_views.staff_list, name="staff_list"),
    path("staff/<str:kind>/new/", municipality_views.staff_edit, name="staff_new"),
    path("staff/<str:kind>/<int:pk>/", municipality_views.staff_edit, name="staff_edit"),
    path("staff/<str:kind>/<int:pk>/delete/", municipality_views.staff_delete, name="staff_delete"),
]

urlpatterns = [
    path("", municipality_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # The installable app (core/pwa.py): the worker is served from the root so that it serves the whole site.
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("device/", pwa.device, name="pwa_device"),
    path("device/session", pwa.session, name="pwa_session"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("veche.accounts.urls")),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read/", notification_views.mark_read, name="notifications_read"),
    path("flag/<str:label>/<int:object_id>/", moderation_views.flag, name="flag"),
    path("ledger/", include("veche.ledger.urls")),
    path("analytics/", include("veche.analytics.urls")),
    path("open-data/", include("veche.analytics.opendata.urls")),
    path("m/<slug:slug>/", include(municipality_patterns)),
    path("api/v1/", api.urls),
    path("open311/v2/", include("veche.open311.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or getattr(settings, "VECHE_SERVE_MEDIA", False):
    # Uploads on this machine's disk when nothing is in front to serve them (make dev, make run);
    # behind nginx, nginx serves /media/ (docs/deployment.md).
    from django.views.static import serve

    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media")
    )

handler404 = "veche.core.views.not_found"
handler500 = "veche.core.views.server_error"
