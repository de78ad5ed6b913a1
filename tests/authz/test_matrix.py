"""The authorization matrix: every URL of the project, every role, the status each must get.

`ROUTES` lists every route of the project, by its full URL name ("accounts:login", "staff_list",
"api:municipality_list") or, for an unnamed one, its pattern; the Django admin is one entry,
"admin". A key "name#variant" adds another case for the same route (a hidden comment, another
municipality's object, a POST to a page that is also shown with GET). A route that the table
does not list fails `test_every_route_is_in_the_matrix`, so no route can be added without deciding
who may use it.

Columns, in order: anonymous, resident (registered), verified resident, moderator, official,
municipal admin, admin of another municipality, platform admin. `LOGIN` is a redirect to the
login page (login_required), `ADMIN_LOGIN` one to the admin's login page. Private and staff
objects answer 404 to those who may not see them, never 403, so nobody can probe for them; 403 is
for an action on something the person does see (signing an appeal without verified residence).
Anonymous API calls that need a person answer 401.

A POST that is refused must change nothing; one that is allowed must change what it says it does.
A cell that fails because of a known bug is listed in BUGS and expected to fail (strict xfail).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.authz.analytics import analytics_routes
from tests.authz.crowd import crowd_routes, crowd_world
from tests.authz.deliberation import (
    deliberation_api_routes,
    deliberation_routes,
    deliberation_staff_routes,
    deliberation_staff_world,
    deliberation_world,
)
from tests.authz.opendata import opendata_routes, opendata_world
from tests.authz.recognition import recognition_routes
from veche.accounts.models import ApiToken, User, Verification
from veche.accounts.services import api_token_create, email_confirmation_token
from veche.appeals.models import Appeal, AppealPolicy
from veche.appeals.models import Status as AppealStatus
from veche.appeals.phases import phase_of
from veche.appeals.services import appeal_create
from veche.budgeting.models import Ballot as BudgetBallot
from veche.budgeting.models import Budget
from veche.budgeting.models import Process as BudgetProcess
from veche.budgeting.models import Proposal as BudgetProposal
from veche.budgeting.models import Tally as BudgetTally
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import PASSWORD, build_municipality, create_user, rolled_back_at_the_end
from veche.initiatives.models import ImplementationMilestone, Initiative, InitiativePolicy
from veche.initiatives.models import Status as InitiativeStatus
from veche.moderation.models import Flag
from veche.municipalities.models import Category, District, Membership, Municipality
from veche.notifications.models import Follow, Notification
from veche.notifications.services import notify
from veche.open311.models import ApiKey, ServiceAttribute
from veche.open311.services import api_key_create, service_attribute_save, service_request_create
from veche.polls.models import Poll, PollOption, PollTier, PollVote
from veche.polls.services import poll_create, poll_publish
from veche.reports.models import Report
from veche.reports.services import report_moderate, report_submit

ROLES = (
    "anonymous",
    "resident",
    "verified",
    "moderator",
    "official",
    "municipal_admin",
    "other_admin",
    "platform_admin",
)

HIDDEN_TEXT = "A hidden comment 7f3a"
HIDDEN_APPEAL = "A hidden appeal 9c1e"
DRAFT_INITIATIVE = "A draft initiative 5b2d"
MODERATORS_SEE = (False, False, False, True, False, True, False, True)  # the hidden comment, in ROLES order

OPEN311_REQUEST = {
    "jurisdiction_id": "{slug}",
    "service_code": "light",
    "lat": "55.75",
    "long": "37.61",
    "description": "A light is out",
}

LOGIN = "login"  # 302 to the site's login page, with ?next=
ADMIN_LOGIN = "admin_login"  # 302 to the Django admin's login page
DENIED = {LOGIN, ADMIN_LOGIN, 401, 403, 404, 405, 409}
POLL_STAFF = (LOGIN, 404, 404, 404, 200, 200, 404, 200)  # officials, municipal and platform admins


def every(status: Any) -> tuple[Any, ...]:
    return (status,) * len(ROLES)


def signed_in(status: Any) -> tuple[Any, ...]:
    """Anonymous visitors are sent to log in; every signed-in role gets `status`."""
    return (LOGIN,) + (status,) * (len(ROLES) - 1)


def api_signed_in(status: Any) -> tuple[Any, ...]:
    return (401,) + (status,) * (len(ROLES) - 1)


@dataclass(frozen=True)
class Case:
    url: str  # with {placeholders} filled from the World
    statuses: tuple[Any, ...]  # one per role, in the order of ROLES
    method: str = "GET"
    api: bool = False  # API routes authenticate with a bearer token
    # "token" (API: a bearer token; pages: the session), or "session-no-csrf": the browser's
    # session cookie on an API write without the CSRF token, as a cross-site form would send it.
    auth: str = "token"
    data: dict[str, Any] = field(default_factory=dict)  # form fields, or the JSON body for the API
    multipart: bool = False  # an API write sent as multipart/form-data, not JSON
    # What the request may change: a POST that is refused must leave it as it was; one that is
    # allowed must change it (changes=True) or must not (changes=False), or, per role, as `changes`
    # says (logging out ends a session only for those who had one).
    state: Callable[[World], Any] | None = None
    changes: bool | tuple[bool, ...] = True
    # Text that only some roles may see in the answer (a hidden comment), and who may.
    needle: str = ""
    sees: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        assert len(self.statuses) == len(ROLES)
        assert self.method == "GET" or self.state is not None, "a POST must say what it changes"
        assert not self.needle or len(self.sees) == len(ROLES)
        assert isinstance(self.changes, bool) or len(self.changes) == len(ROLES)

    def must_change(self, role: str) -> bool:
        expected = self.statuses[ROLES.index(role)]
        if expected in DENIED:
            return False
        return self.changes if isinstance(self.changes, bool) else self.changes[ROLES.index(role)]


@dataclass
class World:
    municipality: Municipality
    other_municipality: Municipality
    inactive: Municipality
    users: dict[str, User | None]
    author: User
    comment: Comment
    hidden: Comment
    foreign_comment: Comment
    district: District
    spare_district: District
    foreign_district: District
    resident_token: ApiToken
    newcomer: User
    public_report: Report
    pending_report: Report
    values: dict[str, Any]


def _unread() -> int:
    return Notification.objects.filter(read_at__isnull=True).count()


def _comments() -> int:
    return Comment.objects.count()


def _flags() -> int:
    return Flag.objects.count()


def _tokens() -> int:
    return ApiToken.objects.count()


def _read_at(w: World) -> Any:
    return Notification.objects.get(pk=w.values["author_notice"]).read_at


def _report(w: World, name: str) -> Report:
    return Report.objects.get(pk=w.values[name])


def _follows(w: World, name: str) -> int:
    return Follow.objects.filter(
        content_type=ContentType.objects.get_for_model(Report), object_id=w.values[name]
    ).count()


def _initiative(w: World, name: str) -> Initiative:
    return Initiative.objects.get(pk=w.values[name])


def _appeal(w: World, name: str) -> Appeal:
    return Appeal.objects.get(pk=w.values[name])


def _hidden(w: World) -> bool:
    return Comment.objects.get(pk=w.comment.pk).hidden_at is not None


BUDGET_SETUP = (LOGIN, 404, 404, 404, 404, 200, 404, 200)  # municipal and platform admins
BUDGET_SETUP_POST = (LOGIN, 404, 404, 404, 404, 302, 404, 302)
BUDGET_RUN_POST = (LOGIN, 404, 404, 404, 302, 302, 404, 302)  # officials too
BUDGET_STAFF_SEES = (404, 404, 404, 404, 200, 200, 404, 200)
BUDGET_FORM = {
    "title": "Matrix budget",
    "description": "",
    "amount": "5000",
    "ballot_kind": "approval",
    "min_projects": "1",
    "max_projects": "2",
    "points_total": "",
    "rule": "greedy",
    "utilities": "cost",
    "tie_breaking": "lexicographic",
    "tier": "2",
}
MATRIX_PB = (
    "\n".join(
        [
            "META",
            "key;value",
            "description;Matrix",
            "country;Russia",
            "unit;Testgrad",
            "instance;2025",
            "num_projects;1",
            "num_votes;1",
            "budget;1000",
            "vote_type;approval",
            "rule;greedy",
            "date_begin;01.01.2025",
            "date_end;02.01.2025",
            "PROJECTS",
            "project_id;cost",
            "a;600",
            "VOTES",
            "voter_id;vote",
            "1;a",
        ]
    )
    + "\n"
)


def _budget_process(w: World, name: str) -> BudgetProcess:
    return BudgetProcess.objects.get(pk=w.values[name])


def _budgeting_world(
    municipality: Municipality,
    other: Municipality,
    admin: User,
    other_admin: User,
    official: User,
    author: User,
) -> dict[str, Any]:
    """A budgeting process in each phase the matrix needs, written directly (the services that
    make them are tested in the app); each has a budget of 1 000 and one proposal of 100."""
    now = timezone.now()

    def make(where: Municipality, actor: User, title: str, phase: str, status: str = "") -> tuple[Any, ...]:
        process = BudgetProcess.objects.create(
            municipality=where,
            title=title,
            phase=phase,
            ballot_kind="approval",
            min_projects=1,
            max_projects=2,
            rule="greedy",
            utilities="cost",
            tie_breaking="lexicographic",
            tier=2,
            created_by=actor,
            created_at=now,
            phase_changed_at=now,
        )
        budget = Budget.objects.create(process=process, amount=1000)
        proposal = None
        if status:
            feasible = status == "feasible"
            proposal = BudgetProposal.objects.create(
                process=process,
                budget=budget,
                author=author,
                title=f"{title}: benches",
                description="Benches.",
                estimated_cost=100,
                status=status,
                reviewed_cost=100 if feasible else None,
                reviewed_by=official if feasible else None,
                created_at=now,
            )
        return process, budget, proposal

    draft, draft_budget, _none = make(municipality, admin, "Set-up", "draft")
    collecting, collecting_budget, submitted = make(
        municipality, admin, "Collecting", "proposals", "submitted"
    )
    review, _budget, waiting = make(municipality, admin, "Reviewing", "review", "submitted")
    voting, voting_budget, option = make(municipality, admin, "Voting", "voting", "feasible")
    counting, counting_budget, counted = make(municipality, admin, "Counting", "counting", "feasible")
    elsewhere, _other_budget, _none = make(other, other_admin, "Elsewhere", "draft")
    return {
        "bp_draft": draft.pk,
        "bp_draft_budget": draft_budget.pk,
        "bp_proposals": collecting.pk,
        "bp_proposals_budget": collecting_budget.pk,
        "bp_proposal": submitted.pk,
        "bp_review": review.pk,
        "bp_review_proposal": waiting.pk,
        "bp_voting": voting.pk,
        "bp_voting_budget": voting_budget.pk,
        "bp_option": option.pk,
        "bp_choice": {"proposal": option.pk},
        "bp_counting": counting.pk,
        "bp_counting_budget": counting_budget.pk,
        "bp_counting_option": counted.pk,
        "bp_other": elsewhere.pk,
        "pb_file": SimpleUploadedFile("matrix.pb", MATRIX_PB.encode(), "text/plain"),
        "paper_file": SimpleUploadedFile("box.csv", f"voter_id;vote\nM1;{counted.pk}\n".encode(), "text/csv"),
    }


ROUTES: dict[str, Case] = {
    # Public pages.
    "home": Case("/", every(200)),
    "healthz": Case("/healthz", every(200)),
    # Operations (veche.ops): readiness for everyone; metrics by address or token, and the test
    # client comes from 127.0.0.1, an allowed address.
    "readyz": Case("/readyz", every(200)),
    "metrics": Case("/metrics", every(200)),
    # Allowed to everyone and changing nothing stored: the state is the language cookie's absence.
    "set_language": Case(
        "/i18n/setlang/",
        every(302),
        "POST",
        data={"language": "en", "next": "/"},
        state=lambda w: None,
        changes=False,
    ),
    # The installable app (core/pwa.py): public, naming nobody; the session state tells each their own.
    "pwa_service_worker": Case("/sw.js", every(200)),
    "pwa_manifest": Case("/manifest.webmanifest", every(200)),
    "pwa_municipality_manifest": Case("/m/{slug}/manifest.webmanifest", every(200)),
    "pwa_municipality_manifest#inactive": Case(
        "/m/{inactive}/manifest.webmanifest", every(404)[:-1] + (200,)
    ),
    "pwa_offline": Case("/offline/", every(200)),
    "pwa_device": Case("/device/", every(200)),
    "pwa_session": Case("/device/session", every(200)),
    "municipality": Case("/m/{slug}/", every(200)),
    "municipality#hidden-comment": Case("/m/{slug}/", every(200), needle=HIDDEN_TEXT, sees=MODERATORS_SEE),
    "municipality#inactive": Case("/m/{inactive}/", every(404)[:-1] + (200,)),
    "comments:detail": Case("/m/{slug}/comments/{comment}/", every(200)),
    # A hidden comment: its author and the municipality's moderators only.
    "comments:detail#hidden": Case("/m/{slug}/comments/{hidden}/", (404, 404, 404, 200, 404, 200, 404, 200)),
    "comments:detail#other-municipality": Case("/m/{slug}/comments/{foreign_comment}/", every(404)),
    # Accounts.
    "accounts:signup": Case("/accounts/signup/", every(200)),
    "accounts:signup_done": Case("/accounts/signup/done/", every(200)),
    "accounts:consent": Case("/accounts/personal-data/", every(200)),
    "accounts:terms": Case("/accounts/terms/", every(200)),
    "accounts:confirm_resend": Case("/accounts/confirm/resend/", every(200)),
    "accounts:confirm": Case("/accounts/confirm/{confirm_token}/", every(302)),
    "accounts:login": Case("/accounts/login/", every(200)),
    # Logging out ends the stored session of whoever had one.
    "accounts:logout": Case(
        "/accounts/logout/",
        every(302),
        "POST",
        state=lambda w: Session.objects.count(),
        changes=(False,) + (True,) * (len(ROLES) - 1),
    ),
    "accounts:profile": Case("/accounts/profile/", signed_in(200)),
    "accounts:activity": Case("/accounts/activity/", signed_in(200)),
    "accounts:token_create": Case(
        "/accounts/tokens/", signed_in(302), "POST", data={"name": "matrix"}, state=lambda w: _tokens()
    ),
    # Someone's own API token: only its owner (the resident) may revoke it.
    "accounts:token_revoke": Case(
        "/accounts/tokens/{resident_token}/revoke/",
        (LOGIN, 302, 404, 404, 404, 404, 404, 404),
        "POST",
        state=lambda w: ApiToken.objects.filter(pk=w.resident_token.pk).exists(),
    ),
    "accounts:delete": Case("/accounts/delete/", signed_in(200)),
    "accounts:verify": Case("/accounts/verify/{slug}/", signed_in(200)),
    "accounts:verify#inactive": Case("/accounts/verify/{inactive}/", (LOGIN,) + every(404)[2:] + (200,)),
    "accounts:password_reset": Case("/accounts/password-reset/", every(200)),
    "accounts:password_reset_done": Case("/accounts/password-reset/sent/", every(200)),
    "accounts:password_reset_confirm": Case("/accounts/password-reset/{uidb64}/{reset_token}/", every(302)),
    "accounts:password_reset_complete": Case("/accounts/password-reset/complete/", every(200)),
    # Notifications.
    "notifications": Case("/notifications/", signed_in(200)),
    "notifications_read": Case("/notifications/read/", signed_in(302), "POST", state=lambda w: _unread()),
    # Someone else's notice, by id: nobody but its recipient marks it read.
    "notifications_read#someone-elses": Case(
        "/notifications/read/",
        signed_in(302),
        "POST",
        data={"id": "{author_notice}"},
        state=_read_at,
        changes=False,
    ),
    # Flagging.
    "flag": Case("/flag/comments.comment/{comment}/", signed_in(200)),
    "flag#post": Case(
        "/flag/comments.comment/{comment}/",
        signed_in(302),
        "POST",
        data={"reason": "spam"},
        state=lambda w: _flags(),
    ),
    "flag#hidden": Case("/flag/comments.comment/{hidden}/", (LOGIN, 404, 404, 200, 404, 200, 404, 200)),
    "flag#not-flaggable": Case("/flag/accounts.user/{resident_id}/", signed_in(404)),
    "flag#inactive-municipality": Case("/flag/comments.comment/{inactive_comment}/", signed_in(404)),
    # Comments.
    "comments:create": Case(
        "/m/{slug}/comments/",
        signed_in(302),
        "POST",
        data={"body": "From the matrix"},
        state=lambda w: _comments(),
    ),
    # Problem reports. A routed report is public; a submitted one is seen only by its author, the
    # municipality's moderators and admins, and platform admins; an official sees a report out of
    # public view only once it is routed to their department (reports/access.py, can_see_report).
    "reports:list": Case("/m/{slug}/reports/", every(200)),
    "reports:map": Case("/m/{slug}/reports/map/", every(200)),
    "reports:map_data": Case("/m/{slug}/reports/map.json?bbox=55,37,56,38&zoom=12", every(200)),
    "reports:feed": Case("/m/{slug}/reports/feed.atom", every(200)),
    "reports:nearby": Case(
        "/m/{slug}/reports/nearby/?category={light}&latitude=55.75&longitude=37.61", every(200)
    ),
    "reports:new": Case("/m/{slug}/reports/new/", signed_in(200)),
    # Without VECHE_GEOCODER_URL (as in the tests) the address search is not there for anyone.
    "reports:geocode": Case("/m/{slug}/reports/geocode/?q=Tverskaya", signed_in(404)),
    "reports:new#post": Case(
        "/m/{slug}/reports/new/",
        signed_in(302),
        "POST",
        # Next to the public report, which the resident has seen (see tests of the duplicates step).
        data={
            "category": "{light}",
            "latitude": "55.75",
            "longitude": "37.61",
            "description": "Dark street",
            "confirm": "{public_report}",
        },
        state=lambda w: Report.objects.count(),
    ),
    "reports:detail": Case("/m/{slug}/reports/{public_report}/", every(200)),
    "reports:detail#submitted": Case(
        "/m/{slug}/reports/{pending_report}/", (404, 404, 404, 200, 404, 200, 404, 200)
    ),
    "reports:detail#other-municipality": Case("/m/{other_slug}/reports/{public_report}/", every(404)),
    "reports:support": Case(
        "/m/{slug}/reports/{public_report}/support/",
        signed_in(302),
        "POST",
        state=lambda w: _report(w, "public_report").supporters_count,
    ),
    # Only open public reports can be supported: the staff who see a submitted one get a message.
    "reports:support#submitted": Case(
        "/m/{slug}/reports/{pending_report}/support/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        state=lambda w: _report(w, "pending_report").supporters_count,
        changes=False,
    ),
    "reports:follow": Case(
        "/m/{slug}/reports/{public_report}/follow/",
        signed_in(302),
        "POST",
        state=lambda w: _follows(w, "public_report"),
    ),
    "reports:follow#submitted": Case(
        "/m/{slug}/reports/{pending_report}/follow/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        state=lambda w: _follows(w, "pending_report"),
    ),
    # The discussion under a public report: every confirmed account. A submitted report takes no
    # comments: those who see it are sent back with a message, the others get 404.
    "reports:comment": Case(
        "/m/{slug}/reports/{public_report}/comments/",
        signed_in(302),
        "POST",
        data={"body": "Same here"},
        state=lambda w: _comments(),
    ),
    "reports:comment#submitted": Case(
        "/m/{slug}/reports/{pending_report}/comments/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        data={"body": "Same here"},
        state=lambda w: _comments(),
        changes=False,
    ),
    # Starting work: the report's department's officials and admins. The others see the public
    # report, so they are told 403 (the report is no secret), and nothing changes.
    "reports:act": Case(
        "/m/{slug}/reports/{public_report}/start/",
        (LOGIN, 403, 403, 403, 302, 302, 403, 302),
        "POST",
        state=lambda w: _report(w, "public_report").status,
    ),
    "reports:act#moderate-submitted": Case(
        "/m/{slug}/reports/{pending_report}/moderate/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        state=lambda w: _report(w, "pending_report").status,
    ),
    "reports:act#unknown-action": Case(
        "/m/{slug}/reports/{public_report}/explode/",
        signed_in(404),
        "POST",
        state=lambda w: _report(w, "public_report").status,
    ),
    "reports_workspace": Case("/m/{slug}/staff/reports/", (LOGIN, 404, 404, 200, 200, 200, 404, 200)),
    "flag#report": Case("/flag/reports.report/{public_report}/", signed_in(200)),
    # A submitted report is not public: flagging must not show it to those who may not see it.
    "flag#report-submitted": Case(
        "/flag/reports.report/{pending_report}/", (LOGIN, 404, 404, 200, 404, 200, 404, 200)
    ),
    # Appeals: public unless a moderator hid them. Publishing needs a confirmed account, signing
    # residence verified here, answering an official or admin; only the author closes one.
    "appeals:list": Case("/m/{slug}/appeals/", every(200)),
    "appeals:list#hidden-appeal": Case(
        "/m/{slug}/appeals/", every(200), needle=HIDDEN_APPEAL, sees=MODERATORS_SEE
    ),
    "appeals:create": Case("/m/{slug}/appeals/new/", signed_in(200)),
    "appeals:create#post": Case(
        "/m/{slug}/appeals/new/",
        signed_in(302),
        "POST",
        data={"title": "Matrix appeal", "body": "Please."},
        state=lambda w: Appeal.objects.count(),
    ),
    "appeals:policy": Case("/m/{slug}/appeals/policy/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "appeals:policy#post": Case(
        "/m/{slug}/appeals/policy/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        data={"signature_threshold": "7", "answer_days": "9"},
        state=lambda w: AppealPolicy.objects.filter(signature_threshold=7).count(),
    ),
    "appeals:detail": Case("/m/{slug}/appeals/{appeal}/", every(200)),
    "appeals:detail#hidden": Case(
        "/m/{slug}/appeals/{hidden_appeal}/", (404, 404, 404, 200, 404, 200, 404, 200)
    ),
    "appeals:detail#other-municipality": Case("/m/{other_slug}/appeals/{appeal}/", every(404)),
    "appeals:sign": Case(
        "/m/{slug}/appeals/{appeal}/sign/",
        (LOGIN, 403, 302, 403, 403, 403, 403, 403),
        "POST",
        state=lambda w: _appeal(w, "appeal").endorsements_count,
    ),
    "appeals:sign#hidden": Case(
        "/m/{slug}/appeals/{hidden_appeal}/sign/",
        (LOGIN, 404, 404, 409, 404, 409, 404, 409),
        "POST",
        state=lambda w: _appeal(w, "hidden_appeal").endorsements_count,
    ),
    "appeals:answer": Case(
        "/m/{slug}/appeals/{answerable_appeal}/answer/", (LOGIN, 404, 404, 404, 200, 200, 404, 200)
    ),
    "appeals:answer#post": Case(
        "/m/{slug}/appeals/{answerable_appeal}/answer/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        data={"answer": "We will keep the square."},
        state=lambda w: _appeal(w, "answerable_appeal").status,
    ),
    "appeals:close": Case(
        "/m/{slug}/appeals/{appeal}/close/",
        (LOGIN,) + every(403)[1:],
        "POST",
        state=lambda w: _appeal(w, "appeal").status,
    ),
    "appeals:comment": Case(
        "/m/{slug}/appeals/{appeal}/comments/",
        signed_in(302),
        "POST",
        data={"body": "Agreed"},
        state=lambda w: _comments(),
    ),
    # A hidden appeal takes no comments: its moderators see it but are sent back with a message.
    "appeals:comment#hidden": Case(
        "/m/{slug}/appeals/{hidden_appeal}/comments/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        data={"body": "Agreed"},
        state=lambda w: _comments(),
        changes=False,
    ),
    # A comment is no more visible than what it is under.
    "comments:detail#under-hidden-appeal": Case(
        "/m/{slug}/comments/{comment_under_hidden_appeal}/", (404, 404, 404, 200, 404, 200, 404, 200)
    ),
    "flag#under-hidden-appeal": Case(
        "/flag/comments.comment/{comment_under_hidden_appeal}/", (LOGIN, 404, 404, 200, 404, 200, 404, 200)
    ),
    # Open311 GeoReport v2: public reads; a client system files requests with a municipality's
    # api_key, never with a session, so every role gets the same answers.
    "open311:root": Case("/open311/v2/", every(200)),
    "open311:discovery": Case("/open311/v2/discovery.json", every(200)),
    # The OpenAPI description of the Open311 endpoints (tests/fuzz reads it): public, as the endpoints.
    "open311:openapi": Case("/open311/v2/openapi.json", every(200)),
    "open311:services": Case("/open311/v2/services.json?jurisdiction_id={slug}", every(200)),
    "open311:service": Case("/open311/v2/services/light.json?jurisdiction_id={slug}", every(200)),
    "open311:requests": Case("/open311/v2/requests.json?jurisdiction_id={slug}", every(200)),
    "open311:requests#post-with-key": Case(
        "/open311/v2/requests.json",
        every(200),
        "POST",
        data={**OPEN311_REQUEST, "api_key": "{open311_key}"},
        state=lambda w: Report.objects.count(),
    ),
    "open311:requests#post-without-key": Case(
        "/open311/v2/requests.json",
        every(403),
        "POST",
        data=OPEN311_REQUEST,
        state=lambda w: Report.objects.count(),
    ),
    "open311:requests#post-other-municipality-key": Case(
        "/open311/v2/requests.json",
        every(403),
        "POST",
        data={**OPEN311_REQUEST, "api_key": "{other_open311_key}"},
        state=lambda w: Report.objects.count(),
    ),
    "open311:request": Case("/open311/v2/requests/{public_report}.json?jurisdiction_id={slug}", every(200)),
    # Open311 shows public reports only, to staff as to everyone.
    "open311:request#submitted": Case(
        "/open311/v2/requests/{pending_report}.json?jurisdiction_id={slug}", every(404)
    ),
    "open311:token": Case("/open311/v2/tokens/{public_report}.json?jurisdiction_id={slug}", every(200)),
    "open311:token#submitted": Case(
        "/open311/v2/tokens/{pending_report}.json?jurisdiction_id={slug}", every(404)
    ),
    "open311:token#issued-awaiting-moderation": Case(
        "/open311/v2/tokens/{open311_pending_token}.json?jurisdiction_id={slug}", every(200)
    ),
    "open311:token#issued-other-municipality": Case(
        "/open311/v2/tokens/{open311_pending_token}.json?jurisdiction_id={other_slug}", every(404)
    ),
    "open311:updates": Case("/open311/v2/servicerequestupdates.json?jurisdiction_id={slug}", every(200)),
    "open311:unknown": Case("/open311/v2/nothing/here.json", every(404)),
    # The municipal admin's Open311 pages.
    "open311_staff": Case("/m/{slug}/staff/open311/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "open311_staff#create-key": Case(
        "/m/{slug}/staff/open311/",
        (LOGIN, 404, 404, 404, 404, 200, 404, 200),
        "POST",
        data={"name": "New CRM"},
        state=lambda w: ApiKey.objects.count(),
    ),
    "open311_key_revoke": Case(
        "/m/{slug}/staff/open311/keys/{open311_key_id}/revoke/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        state=lambda w: ApiKey.objects.get(pk=w.values["open311_key_id"]).revoked_at,
    ),
    "open311_key_revoke#other-municipality": Case(
        "/m/{slug}/staff/open311/keys/{other_open311_key_id}/revoke/",
        signed_in(404),
        "POST",
        state=lambda w: ApiKey.objects.get(pk=w.values["other_open311_key_id"]).revoked_at,
    ),
    "open311_service": Case(
        "/m/{slug}/staff/open311/services/light/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)
    ),
    "open311_attribute": Case(
        "/m/{slug}/staff/open311/services/light/{open311_attribute}/",
        (LOGIN, 404, 404, 404, 404, 200, 404, 200),
    ),
    "open311_attribute#other-municipality": Case(
        "/m/{slug}/staff/open311/services/light/{other_open311_attribute}/", signed_in(404)
    ),
    "open311_attribute_delete": Case(
        "/m/{slug}/staff/open311/services/light/{open311_attribute}/delete/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        state=lambda w: ServiceAttribute.objects.filter(pk=w.values["open311_attribute"]).exists(),
    ),
    # Initiatives: public once published; a draft is its author's alone (the author has no column
    # here). Drafting needs a confirmed account, supporting residence verified here; officials and
    # admins answer, publish the vote's result and keep the milestones.
    "initiatives:list": Case("/m/{slug}/initiatives/", every(200)),
    "initiatives:list#draft": Case(
        "/m/{slug}/initiatives/", every(200), needle=DRAFT_INITIATIVE, sees=(False,) * len(ROLES)
    ),
    "initiatives:create": Case("/m/{slug}/initiatives/new/", signed_in(200)),
    "initiatives:create#post": Case(
        "/m/{slug}/initiatives/new/",
        signed_in(302),
        "POST",
        data={"title": "Matrix initiative", "body": "Do."},
        state=lambda w: Initiative.objects.count(),
    ),
    "initiatives:policy": Case("/m/{slug}/initiatives/policy/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "initiatives:policy#post": Case(
        "/m/{slug}/initiatives/policy/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        data={
            "support_days": "45",
            "threshold_kind": "count",
            "support_threshold": "7",
            "support_percent": "1",
            "scope": "municipality",
            "answer_days": "9",
            "voting_days": "5",
        },
        state=lambda w: InitiativePolicy.objects.filter(support_threshold=7).count(),
    ),
    "initiatives:detail": Case("/m/{slug}/initiatives/{initiative}/", every(200)),
    "initiatives:detail#draft": Case("/m/{slug}/initiatives/{draft_initiative}/", every(404)),
    "initiatives:detail#other-municipality": Case("/m/{other_slug}/initiatives/{initiative}/", every(404)),
    "initiatives:edit": Case("/m/{slug}/initiatives/{draft_initiative}/edit/", (LOGIN,) + every(404)[1:]),
    "initiatives:publish": Case(
        "/m/{slug}/initiatives/{draft_initiative}/publish/",
        (LOGIN,) + every(404)[1:],
        "POST",
        state=lambda w: _initiative(w, "draft_initiative").status,
    ),
    "initiatives:support": Case(
        "/m/{slug}/initiatives/{initiative}/support/",
        (LOGIN, 403, 302, 403, 403, 403, 403, 403),
        "POST",
        state=lambda w: _initiative(w, "initiative").endorsements_count,
    ),
    "initiatives:comment": Case(
        "/m/{slug}/initiatives/{initiative}/comments/",
        signed_in(302),
        "POST",
        data={"body": "Agreed"},
        state=lambda w: _comments(),
    ),
    "initiatives:answer": Case(
        "/m/{slug}/initiatives/{awaiting_initiative}/answer/", (LOGIN, 404, 404, 404, 200, 200, 404, 200)
    ),
    "initiatives:answer#post": Case(
        "/m/{slug}/initiatives/{awaiting_initiative}/answer/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        data={"decision": "reject", "answer": "No money this year."},
        state=lambda w: _initiative(w, "awaiting_initiative").status,
    ),
    "initiatives:decide": Case(
        "/m/{slug}/initiatives/{closed_initiative}/decide/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        data={"option": "{closed_option}"},
        state=lambda w: _initiative(w, "closed_initiative").status,
    ),
    "initiatives:milestones": Case(
        "/m/{slug}/initiatives/{decided_initiative}/milestones/", (LOGIN, 404, 404, 404, 200, 200, 404, 200)
    ),
    "initiatives:milestones#post": Case(
        "/m/{slug}/initiatives/{decided_initiative}/milestones/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        data={"title": "Paint the lines"},
        state=lambda w: ImplementationMilestone.objects.count(),
    ),
    "initiatives:milestone_complete": Case(
        "/m/{slug}/initiatives/{decided_initiative}/milestones/{milestone}/complete/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        state=lambda w: ImplementationMilestone.objects.get(pk=w.values["milestone"]).done_at,
    ),
    # A milestone named under another initiative than its own.
    "initiatives:milestone_complete#other-initiative": Case(
        "/m/{slug}/initiatives/{closed_initiative}/milestones/{milestone}/complete/",
        signed_in(404),
        "POST",
        state=lambda w: ImplementationMilestone.objects.get(pk=w.values["milestone"]).done_at,
    ),
    # The public ledger: anyone checks a receipt and reads the chains' heads.
    "ledger:check": Case("/ledger/", every(200)),
    "ledger:check#unknown-receipt": Case("/ledger/?receipt=no-such-receipt", every(404)),
    "ledger:heads": Case("/ledger/heads.json", every(200)),
    # One entry as JSON (here an unknown one: not found for anyone; the found one: ledger's tests).
    "ledger:entry": Case(f"/ledger/entries/{'0' * 64}.json", every(404)),
    # Official polls: officials and municipal admins run them; a draft is theirs alone. This poll
    # is for verified residents and shows its results only once voting has ended.
    "polls:list": Case("/m/{slug}/polls/", every(200)),
    "polls:detail": Case("/m/{slug}/polls/{open_poll}/", every(200)),
    "polls:detail#draft": Case("/m/{slug}/polls/{draft_poll}/", (404, 404, 404, 404, 200, 200, 404, 200)),
    "polls:vote": Case(
        "/m/{slug}/polls/{open_poll}/vote/",
        (LOGIN, 403, 200, 403, 403, 403, 403, 403),
        "POST",
        data={"options": "{open_poll_option}"},
        state=lambda w: PollVote.objects.count(),
    ),
    "polls:vote#draft": Case(
        "/m/{slug}/polls/{draft_poll}/vote/",
        (LOGIN, 404, 404, 404, 409, 409, 404, 409),
        "POST",
        data={"options": "{draft_poll_option}"},
        state=lambda w: PollVote.objects.count(),
    ),
    "polls:results": Case("/m/{slug}/polls/{open_poll}/results/", (403, 403, 403, 403, 200, 200, 403, 200)),
    "polls:results#draft": Case(
        "/m/{slug}/polls/{draft_poll}/results/", (404, 404, 404, 404, 200, 200, 404, 200)
    ),
    "polls_staff:list": Case("/m/{slug}/staff/polls/", POLL_STAFF),
    "polls_staff:create": Case("/m/{slug}/staff/polls/new/", POLL_STAFF),
    "polls_staff:edit": Case("/m/{slug}/staff/polls/{draft_poll}/", POLL_STAFF),
    "polls_staff:edit#other-municipality": Case("/m/{slug}/staff/polls/{other_poll}/", signed_in(404)),
    "polls_staff:publish": Case(
        "/m/{slug}/staff/polls/{draft_poll}/publish/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        state=lambda w: Poll.objects.get(pk=w.values["draft_poll"]).published_at,
    ),
    "polls_staff:publish#other-municipality": Case(
        "/m/{slug}/staff/polls/{other_poll}/publish/",
        signed_in(404),
        "POST",
        state=lambda w: Poll.objects.get(pk=w.values["other_poll"]).published_at,
    ),
    "polls_staff:close": Case(
        "/m/{slug}/staff/polls/{open_poll}/close/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        state=lambda w: Poll.objects.get(pk=w.values["open_poll"]).closed_at,
    ),
    # Participatory budgeting: admins set processes up and move their phases; officials and admins
    # review, count, import paper ballots and export .pb files. A process in set-up is theirs alone;
    # proposing and voting need residence verified here; results are theirs until published.
    "budgeting:list": Case("/m/{slug}/budgets/", every(200)),
    "budgeting:process": Case("/m/{slug}/budgets/{bp_voting}/", every(200)),
    "budgeting:process#draft": Case("/m/{slug}/budgets/{bp_draft}/", BUDGET_STAFF_SEES),
    "budgeting:process#other-municipality": Case("/m/{slug}/budgets/{bp_other}/", every(404)),
    "budgeting:proposals": Case("/m/{slug}/budgets/{bp_voting}/proposals/", every(200)),
    "budgeting:proposal": Case("/m/{slug}/budgets/{bp_proposals}/proposals/{bp_proposal}/", every(200)),
    "budgeting:propose": Case("/m/{slug}/budgets/{bp_proposals}/proposals/new/", signed_in(200)),
    "budgeting:propose#post": Case(
        "/m/{slug}/budgets/{bp_proposals}/proposals/new/",
        (LOGIN, 403, 302, 403, 403, 403, 403, 403),
        "POST",
        data={
            "budget": "{bp_proposals_budget}",
            "title": "Matrix rink",
            "description": "Ice.",
            "estimated_cost": "100",
        },
        state=lambda w: BudgetProposal.objects.count(),
    ),
    # Only its author (nobody of the roles) withdraws a proposal.
    "budgeting:withdraw": Case(
        "/m/{slug}/budgets/{bp_proposals}/proposals/{bp_proposal}/withdraw/",
        (LOGIN,) + every(403)[1:],
        "POST",
        state=lambda w: BudgetProposal.objects.get(pk=w.values["bp_proposal"]).status,
    ),
    "budgeting:ballot": Case("/m/{slug}/budgets/{bp_voting}/{bp_voting_budget}/ballot/", every(200)),
    "budgeting:vote": Case(
        "/m/{slug}/budgets/{bp_voting}/{bp_voting_budget}/vote/",
        (LOGIN, 403, 200, 403, 403, 403, 403, 403),
        "POST",
        data={"projects": "{bp_option}"},
        state=lambda w: BudgetBallot.objects.count(),
    ),
    "budgeting:vote#counting": Case(
        "/m/{slug}/budgets/{bp_counting}/{bp_counting_budget}/vote/",
        (LOGIN,) + every(409)[1:],
        "POST",
        data={"projects": "{bp_counting_option}"},
        state=lambda w: BudgetBallot.objects.count(),
    ),
    "budgeting:results": Case(
        "/m/{slug}/budgets/{bp_voting}/{bp_voting_budget}/results/", (403, 403, 403, 403, 200, 200, 403, 200)
    ),
    "budgeting_staff:list": Case("/m/{slug}/staff/budgets/", POLL_STAFF),
    "budgeting_staff:create": Case("/m/{slug}/staff/budgets/new/", BUDGET_SETUP),
    "budgeting_staff:create#post": Case(
        "/m/{slug}/staff/budgets/new/",
        BUDGET_SETUP_POST,
        "POST",
        data=BUDGET_FORM,
        state=lambda w: BudgetProcess.objects.count(),
    ),
    "budgeting_staff:import": Case("/m/{slug}/staff/budgets/import/", BUDGET_SETUP),
    "budgeting_staff:import#post": Case(
        "/m/{slug}/staff/budgets/import/",
        BUDGET_SETUP_POST,
        "POST",
        data={"file": "{pb_file}", "rule": "", "utilities": "cost", "tie_breaking": "lexicographic"},
        state=lambda w: BudgetProcess.objects.count(),
    ),
    "budgeting_staff:process": Case("/m/{slug}/staff/budgets/{bp_draft}/", POLL_STAFF),
    "budgeting_staff:process#post": Case(
        "/m/{slug}/staff/budgets/{bp_draft}/",
        BUDGET_SETUP_POST,
        "POST",
        data={**BUDGET_FORM, "title": "Renamed"},
        state=lambda w: _budget_process(w, "bp_draft").title,
    ),
    "budgeting_staff:process#other-municipality": Case("/m/{slug}/staff/budgets/{bp_other}/", signed_in(404)),
    "budgeting_staff:budget": Case(
        "/m/{slug}/staff/budgets/{bp_draft}/budgets/",
        BUDGET_SETUP_POST,
        "POST",
        data={"district": "{district}", "amount": "500"},
        state=lambda w: _budget_process(w, "bp_draft").budgets.count(),
    ),
    "budgeting_staff:phase": Case(
        "/m/{slug}/staff/budgets/{bp_draft}/phase/",
        BUDGET_SETUP_POST,
        "POST",
        data={"to": "proposals"},
        state=lambda w: _budget_process(w, "bp_draft").phase,
    ),
    "budgeting_staff:schedule": Case(
        "/m/{slug}/staff/budgets/{bp_draft}/dates/",
        BUDGET_SETUP_POST,
        "POST",
        data={"voting_closes_at": "2030-06-01T20:00"},
        state=lambda w: _budget_process(w, "bp_draft").voting_closes_at,
    ),
    "budgeting_staff:review": Case("/m/{slug}/staff/budgets/{bp_review}/review/", POLL_STAFF),
    "budgeting_staff:decide": Case(
        "/m/{slug}/staff/budgets/{bp_review}/review/{bp_review_proposal}/",
        BUDGET_RUN_POST,
        "POST",
        data={"decision": "feasible", "cost": "100"},
        state=lambda w: BudgetProposal.objects.get(pk=w.values["bp_review_proposal"]).status,
    ),
    "budgeting_staff:count": Case(
        "/m/{slug}/staff/budgets/{bp_counting}/{bp_counting_budget}/count/",
        BUDGET_RUN_POST,
        "POST",
        data={"rule": "greedy", "utilities": "cost", "tie_breaking": "lexicographic"},
        state=lambda w: BudgetTally.objects.count(),
    ),
    "budgeting_staff:paper": Case(
        "/m/{slug}/staff/budgets/{bp_counting}/{bp_counting_budget}/paper/", POLL_STAFF
    ),
    "budgeting_staff:paper#post": Case(
        "/m/{slug}/staff/budgets/{bp_counting}/{bp_counting_budget}/paper/",
        BUDGET_RUN_POST,
        "POST",
        data={"file": "{paper_file}"},
        state=lambda w: BudgetBallot.objects.count(),
    ),
    "budgeting_staff:export": Case(
        "/m/{slug}/staff/budgets/{bp_counting}/{bp_counting_budget}/export.pb", POLL_STAFF
    ),
    # The staff area.
    "staff_home": Case("/m/{slug}/staff/", (LOGIN, 404, 404, 200, 200, 200, 404, 200)),
    "moderation_queue": Case("/m/{slug}/staff/moderation/", (LOGIN, 404, 404, 200, 404, 200, 404, 200)),
    "moderation_decide": Case(
        "/m/{slug}/staff/moderation/comments.comment/{comment}/hide/",
        (LOGIN, 404, 404, 302, 404, 302, 404, 302),
        "POST",
        data={"reason": "spam"},
        state=_hidden,
    ),
    # Another municipality's comment through this municipality's staff area.
    "moderation_decide#other-municipality": Case(
        "/m/{slug}/staff/moderation/comments.comment/{foreign_comment}/hide/",
        signed_in(404),
        "POST",
        data={"reason": "spam"},
        state=lambda w: Comment.objects.get(pk=w.foreign_comment.pk).hidden_at,
    ),
    "staff_verify": Case("/m/{slug}/staff/verify/", (LOGIN, 404, 404, 404, 200, 200, 404, 200)),
    "staff_verify#post": Case(
        "/m/{slug}/staff/verify/",
        (LOGIN, 404, 404, 404, 302, 302, 404, 302),
        "POST",
        data={"username": "resident", "district": "{district}", "documents_seen": "on"},
        state=lambda w: Verification.objects.filter(user__username="resident").count(),
    ),
    "staff_audit": Case("/m/{slug}/staff/audit/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_list": Case("/m/{slug}/staff/districts/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_list#staff": Case("/m/{slug}/staff/staff/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_list#unknown-kind": Case("/m/{slug}/staff/nonsense/", signed_in(404)),
    "staff_boundary": Case("/m/{slug}/staff/boundary/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_boundary#post": Case(
        "/m/{slug}/staff/boundary/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        # Doubled braces: the matrix fills {placeholders} in its data with str.format.
        data={"boundary": '{{"type": "Polygon", "coordinates": [[[37, 55], [38, 55], [38, 56], [37, 55]]]}}'},
        state=lambda w: Municipality.objects.get(pk=w.municipality.pk).boundary,
    ),
    "staff_new": Case("/m/{slug}/staff/districts/new/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    # Granting a staff role: the one way up, for municipal and platform admins only.
    "staff_new#grant-role": Case(
        "/m/{slug}/staff/staff/new/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        data={"username": "resident", "role": "moderator"},
        state=lambda w: Membership.objects.filter(user__username="resident").count(),
    ),
    "staff_edit": Case("/m/{slug}/staff/districts/{district}/", (LOGIN, 404, 404, 404, 404, 200, 404, 200)),
    "staff_edit#post": Case(
        "/m/{slug}/staff/districts/{district}/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        data={"name_ru": "Переименованный", "name_en": "Renamed", "slug": "renamed", "polygon": ""},
        state=lambda w: District.objects.values_list("name_ru", "name_en").get(pk=w.district.pk),
    ),
    # Another municipality's district through this municipality's staff area.
    "staff_edit#other-municipality": Case("/m/{slug}/staff/districts/{foreign_district}/", signed_in(404)),
    "staff_edit#other-municipality-post": Case(
        "/m/{slug}/staff/districts/{foreign_district}/",
        signed_in(404),
        "POST",
        data={"name_ru": "Захвачен", "name_en": "Taken", "slug": "taken", "polygon": ""},
        state=lambda w: District.objects.values_list("name_ru", "name_en").get(pk=w.foreign_district.pk),
    ),
    "staff_delete": Case(
        "/m/{slug}/staff/districts/{spare_district}/delete/",
        (LOGIN, 404, 404, 404, 404, 302, 404, 302),
        "POST",
        state=lambda w: District.objects.filter(pk=w.spare_district.pk).exists(),
    ),
    "staff_delete#other-municipality": Case(
        "/m/{slug}/staff/districts/{foreign_district}/delete/",
        signed_in(404),
        "POST",
        state=lambda w: District.objects.filter(pk=w.foreign_district.pk).exists(),
    ),
    # The JSON API.
    "api:api-root": Case("/api/v1/", every(404), api=True),
    "api:openapi-json": Case("/api/v1/openapi.json", every(200), api=True),
    "api:openapi-view": Case("/api/v1/docs", every(200), api=True),
    "api:token_create": Case(
        "/api/v1/auth/token",
        every(200),
        "POST",
        api=True,
        data={"username": "resident", "password": PASSWORD},
        state=lambda w: _tokens(),
    ),
    "api:me": Case("/api/v1/me", api_signed_in(200), api=True),
    "api:my_activity": Case("/api/v1/me/activity", api_signed_in(200), api=True),
    "api:municipality_list": Case("/api/v1/municipalities", every(200), api=True),
    "api:municipality_detail": Case("/api/v1/municipalities/{slug}", every(200), api=True),
    "api:municipality_detail#inactive": Case(
        "/api/v1/municipalities/{inactive}", every(404)[:-1] + (200,), api=True
    ),
    "api:comment_list": Case("/api/v1/municipalities/{slug}/comments", every(200), api=True),
    "api:comment_list#hidden-comment": Case(
        "/api/v1/municipalities/{slug}/comments",
        every(200),
        api=True,
        needle=HIDDEN_TEXT,
        sees=MODERATORS_SEE,
    ),
    "api:comment_list#inactive": Case(
        "/api/v1/municipalities/{inactive}/comments", every(404)[:-1] + (200,), api=True
    ),
    "api:comment_post": Case(
        "/api/v1/municipalities/{slug}/comments",
        api_signed_in(201),
        "POST",
        api=True,
        data={"body": "From the API"},
        state=lambda w: _comments(),
    ),
    "api:comment_post#inactive": Case(
        "/api/v1/municipalities/{inactive}/comments",
        (401,) + every(404)[2:] + (201,),
        "POST",
        api=True,
        data={"body": "Into a closed municipality"},
        state=lambda w: _comments(),
    ),
    # The session cookie alone, without the CSRF token, must not write through the API.
    "api:comment_post#session-without-csrf": Case(
        "/api/v1/municipalities/{slug}/comments",
        api_signed_in(403),
        "POST",
        api=True,
        auth="session-no-csrf",
        data={"body": "Cross-site"},
        state=lambda w: _comments(),
    ),
    "api:appeal_list": Case("/api/v1/municipalities/{slug}/appeals", every(200), api=True),
    "api:appeal_list#hidden-appeal": Case(
        "/api/v1/municipalities/{slug}/appeals",
        every(200),
        api=True,
        needle=HIDDEN_APPEAL,
        sees=MODERATORS_SEE,
    ),
    "api:appeal_post": Case(
        "/api/v1/municipalities/{slug}/appeals",
        api_signed_in(201),
        "POST",
        api=True,
        data={"title": "Matrix appeal", "body": "Please."},
        state=lambda w: Appeal.objects.count(),
    ),
    "api:appeal_detail": Case("/api/v1/appeals/{appeal}", every(200), api=True),
    "api:appeal_detail#hidden": Case(
        "/api/v1/appeals/{hidden_appeal}", (404, 404, 404, 200, 404, 200, 404, 200), api=True
    ),
    "api:appeal_detail#inactive-municipality": Case(
        "/api/v1/appeals/{inactive_appeal}", every(404)[:-1] + (200,), api=True
    ),
    "api:appeal_sign": Case(
        "/api/v1/appeals/{appeal}/signatures",
        (401, 403, 201, 403, 403, 403, 403, 403),
        "POST",
        api=True,
        state=lambda w: _appeal(w, "appeal").endorsements_count,
    ),
    "api:appeal_answer": Case(
        "/api/v1/appeals/{answerable_appeal}/answer",
        (401, 404, 404, 404, 200, 200, 404, 200),
        "POST",
        api=True,
        data={"answer": "We will keep the square."},
        state=lambda w: _appeal(w, "answerable_appeal").status,
    ),
    "api:appeal_close": Case(
        "/api/v1/appeals/{appeal}/close",
        (401,) + every(403)[1:],
        "POST",
        api=True,
        state=lambda w: _appeal(w, "appeal").status,
    ),
    "api:initiative_list": Case("/api/v1/municipalities/{slug}/initiatives", every(200), api=True),
    "api:initiative_list#draft": Case(
        "/api/v1/municipalities/{slug}/initiatives",
        every(200),
        api=True,
        needle=DRAFT_INITIATIVE,
        sees=(False,) * len(ROLES),
    ),
    "api:initiative_post": Case(
        "/api/v1/municipalities/{slug}/initiatives",
        api_signed_in(201),
        "POST",
        api=True,
        data={"title": "Matrix initiative", "body": "Do."},
        state=lambda w: Initiative.objects.count(),
    ),
    "api:initiative_detail": Case("/api/v1/initiatives/{initiative}", every(200), api=True),
    "api:initiative_detail#draft": Case("/api/v1/initiatives/{draft_initiative}", every(404), api=True),
    "api:initiative_publish": Case(
        "/api/v1/initiatives/{draft_initiative}/publish",
        (401,) + every(404)[1:],
        "POST",
        api=True,
        state=lambda w: _initiative(w, "draft_initiative").status,
    ),
    "api:initiative_support": Case(
        "/api/v1/initiatives/{initiative}/supports",
        (401, 403, 201, 403, 403, 403, 403, 403),
        "POST",
        api=True,
        state=lambda w: _initiative(w, "initiative").endorsements_count,
    ),
    "api:initiative_answer": Case(
        "/api/v1/initiatives/{awaiting_initiative}/answer",
        (401, 404, 404, 404, 200, 200, 404, 200),
        "POST",
        api=True,
        data={"decision": "reject", "answer": "No money this year."},
        state=lambda w: _initiative(w, "awaiting_initiative").status,
    ),
    "api:poll_list": Case("/api/v1/municipalities/{slug}/polls", every(200), api=True),
    "api:poll_detail": Case("/api/v1/polls/{open_poll}", every(200), api=True),
    "api:poll_detail#draft": Case(
        "/api/v1/polls/{draft_poll}", (404, 404, 404, 404, 200, 200, 404, 200), api=True
    ),
    "api:poll_vote": Case(
        "/api/v1/polls/{open_poll}/votes",
        (401, 403, 201, 403, 403, 403, 403, 403),
        "POST",
        api=True,
        data={"options": ["{open_poll_option}"]},
        state=lambda w: PollVote.objects.count(),
    ),
    "api:poll_results_read": Case(
        "/api/v1/polls/{open_poll}/results", (403, 403, 403, 403, 200, 200, 403, 200), api=True
    ),
    "api:budget_list": Case("/api/v1/municipalities/{slug}/budgets", every(200), api=True),
    "api:budget_detail": Case("/api/v1/budgets/{bp_voting_budget}", every(200), api=True),
    "api:budget_detail#draft": Case("/api/v1/budgets/{bp_draft_budget}", BUDGET_STAFF_SEES, api=True),
    "api:ballot_cast": Case(
        "/api/v1/budgets/{bp_voting_budget}/ballots",
        (401, 403, 201, 403, 403, 403, 403, 403),
        "POST",
        api=True,
        data={"choices": ["{bp_choice}"]},
        state=lambda w: BudgetBallot.objects.count(),
    ),
    "api:budget_results_read": Case(
        "/api/v1/budgets/{bp_voting_budget}/results", (403, 403, 403, 403, 200, 200, 403, 200), api=True
    ),
    "api:flag_post": Case(
        "/api/v1/flags",
        api_signed_in(201),
        "POST",
        api=True,
        data={"content": "comments.comment", "id": "{comment}", "reason": "spam"},
        state=lambda w: _flags(),
    ),
    # A hidden comment: invisible (404) to all but moderators, who cannot flag it (409).
    "api:flag_post#hidden": Case(
        "/api/v1/flags",
        (401, 404, 404, 409, 404, 409, 404, 409),
        "POST",
        api=True,
        data={"content": "comments.comment", "id": "{hidden}", "reason": "spam"},
        state=lambda w: _flags(),
    ),
    "api:flag_post#not-flaggable": Case(
        "/api/v1/flags",
        api_signed_in(404),
        "POST",
        api=True,
        data={"content": "accounts.user", "id": "{resident_id}", "reason": "spam"},
        state=lambda w: _flags(),
    ),
    "api:report_list": Case("/api/v1/municipalities/{slug}/reports", every(200), api=True),
    "api:report_detail": Case("/api/v1/municipalities/{slug}/reports/{public_report}", every(200), api=True),
    "api:report_detail#submitted": Case(
        "/api/v1/municipalities/{slug}/reports/{pending_report}",
        (404, 404, 404, 200, 404, 200, 404, 200),
        api=True,
    ),
    "api:report_create": Case(
        "/api/v1/municipalities/{slug}/reports",
        api_signed_in(201),
        "POST",
        api=True,
        multipart=True,
        data={"category": "light", "latitude": "55.75", "longitude": "37.61", "description": "Dark street"},
        state=lambda w: Report.objects.count(),
    ),
    "api:report_support": Case(
        "/api/v1/municipalities/{slug}/reports/{public_report}/support",
        api_signed_in(200),
        "POST",
        api=True,
        state=lambda w: _report(w, "public_report").supporters_count,
    ),
    "api:report_support#submitted": Case(
        "/api/v1/municipalities/{slug}/reports/{pending_report}/support",
        (401, 404, 404, 409, 404, 409, 404, 409),
        "POST",
        api=True,
        state=lambda w: _report(w, "pending_report").supporters_count,
    ),
    # A visible report, an action the role may not take: 403 (the report itself is no secret).
    "api:report_act": Case(
        "/api/v1/municipalities/{slug}/reports/{public_report}/start",
        (401, 403, 403, 403, 200, 200, 403, 200),
        "POST",
        api=True,
        state=lambda w: _report(w, "public_report").status,
    ),
    "api:report_act#moderate-submitted": Case(
        "/api/v1/municipalities/{slug}/reports/{pending_report}/moderate",
        (401, 404, 404, 200, 404, 200, 404, 200),
        "POST",
        api=True,
        state=lambda w: _report(w, "pending_report").status,
    ),
    "api:flag_post#report-submitted": Case(
        "/api/v1/flags",
        (401, 404, 404, 201, 404, 201, 404, 201),
        "POST",
        api=True,
        data={"content": "reports.report", "id": "{pending_report}", "reason": "spam"},
        state=lambda w: _flags(),
    ),
    "api:queue": Case(
        "/api/v1/municipalities/{slug}/moderation/queue", (401, 404, 404, 200, 404, 200, 404, 200), api=True
    ),
    "api:decide": Case(
        "/api/v1/moderation/comments.comment/{comment}/hide",
        (401, 404, 404, 200, 404, 200, 404, 200),
        "POST",
        api=True,
        data={"reason": "spam"},
        state=_hidden,
    ),
    "api:decide#other-municipality": Case(
        "/api/v1/moderation/comments.comment/{foreign_comment}/hide",
        (401, 404, 404, 404, 404, 404, 200, 200),
        "POST",
        api=True,
        data={"reason": "spam"},
        state=lambda w: Comment.objects.get(pk=w.foreign_comment.pk).hidden_at is not None,
    ),
    "api:notification_list": Case("/api/v1/notifications", api_signed_in(200), api=True),
    "api:mark_read": Case(
        "/api/v1/notifications/read", api_signed_in(200), "POST", api=True, state=lambda w: _unread()
    ),
    "api:mark_read#someone-elses": Case(
        "/api/v1/notifications/read",
        api_signed_in(200),
        "POST",
        api=True,
        data={"ids": ["{author_notice}"]},
        state=_read_at,
        changes=False,
    ),
    # Django admin: platform admins only; one entry for the whole namespace.
    "admin": Case("/admin/", every(ADMIN_LOGIN)[:-1] + (200,)),
    **crowd_routes(Case, every),
    **deliberation_routes(Case, every),
    **deliberation_api_routes(Case, every),
    **deliberation_staff_routes(Case, every),
    **analytics_routes(Case, every),
    **opendata_routes(Case, every),
    **recognition_routes(Case, every, signed_in, api_signed_in),
}


# Walking the URL configuration.


def route_keys(resolver: URLResolver) -> Iterator[tuple[str, str]]:
    """(matrix key, pattern) of every URL pattern under `resolver`, however deeply included."""

    def walk(node: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for entry in node.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                assert isinstance(entry, URLPattern)
                pattern = prefix + str(entry.pattern)
                if namespace.split(":", 1)[0] == "admin":
                    yield "admin", pattern
                elif entry.name:
                    yield namespace + entry.name, pattern
                else:
                    yield pattern, pattern

    yield from walk(resolver, "", "")


def unlisted(resolver: URLResolver) -> dict[str, str]:
    listed = {key.split("#", 1)[0] for key in ROUTES}
    return {key: pattern for key, pattern in route_keys(resolver) if key not in listed}


def test_every_route_is_in_the_matrix() -> None:
    missing = unlisted(get_resolver())
    assert not missing, f"routes without a row in ROUTES (decide who may use them): {missing}"


def test_the_matrix_lists_no_route_that_is_gone() -> None:
    existing = {key for key, _pattern in route_keys(get_resolver())}
    stale = sorted({key.split("#", 1)[0] for key in ROUTES} - existing)
    assert not stale, f"ROUTES lists routes the project no longer has: {stale}"


def test_an_added_route_is_noticed() -> None:
    """The walk finds a route however deeply it is included, named or not."""

    def view(request: Any) -> None:  # pragma: no cover - never called
        return None

    inner = URLResolver(RegexPattern(r"^deep/"), [path("new/", view, name="brand_new"), path("x/", view)])
    nested = URLResolver(RegexPattern(r"^"), [inner, *get_resolver().url_patterns])
    already = unlisted(get_resolver())
    added = {key: pattern for key, pattern in unlisted(nested).items() if key not in already}
    assert added == {"brand_new": "^deep/new/", "^deep/x/": "^deep/x/"}


# The world every cell is checked in.


def build_world() -> World:
    """Everything the cells act on: two municipalities and a closed one, a person in each role, and
    something of every kind in every state the matrix asks about."""
    municipality = build_municipality()
    other_municipality = build_municipality("drugograd", "Другоград", "Otherburg")
    make_user = create_user
    resident = create_user("resident")
    verified_resident = create_user("verified", verified_in=municipality)
    moderator = create_user("moderator", role=Membership.Role.MODERATOR, municipality=municipality)
    official = create_user("official", role=Membership.Role.OFFICIAL, municipality=municipality)
    municipal_admin = create_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    other_admin = create_user("otheradmin", role=Membership.Role.ADMIN, municipality=other_municipality)
    platform_admin = create_user("root", superuser=True)
    inactive = build_municipality("zakryt", "Закрытый", "Closedtown")
    author = make_user("author", verified_in=municipality)
    comment = comment_create(author=author, municipality=municipality, target=municipality, body="Visible")
    hidden = comment_create(author=author, municipality=municipality, target=municipality, body=HIDDEN_TEXT)
    Comment.objects.filter(pk=hidden.pk).update(
        hidden_at=timezone.now(), hidden_reason="spam", hidden_by=municipal_admin
    )
    foreign_comment = comment_create(
        author=author, municipality=other_municipality, target=other_municipality, body="Elsewhere"
    )
    inactive_comment = comment_create(author=author, municipality=inactive, target=inactive, body="Closed")
    appeal = appeal_create(author=author, municipality=municipality, title="Keep the square", body="Please.")
    answerable = appeal_create(author=author, municipality=municipality, title="Answer me", body="Please.")
    Appeal.objects.filter(pk=answerable.pk).update(
        status=AppealStatus.THRESHOLD_REACHED,
        threshold_reached_at=timezone.now(),
        answer_due=timezone.localdate() + timedelta(days=30),
    )
    hidden_appeal = appeal_create(author=author, municipality=municipality, title=HIDDEN_APPEAL, body="Hide.")
    under_hidden_appeal = comment_create(
        author=author,
        municipality=municipality,
        target=hidden_appeal,
        body="Under it",
        phase=phase_of(hidden_appeal),
    )
    Appeal.objects.filter(pk=hidden_appeal.pk).update(
        hidden_at=timezone.now(), hidden_reason="spam", hidden_by=municipal_admin
    )
    inactive_appeal = appeal_create(author=author, municipality=inactive, title="Closed town", body="Please.")
    Municipality.objects.filter(pk=inactive.pk).update(is_active=False)
    spare = District.objects.create(municipality=municipality, name="Запасной", name_en="Spare", slug="spare")
    token, _secret = api_token_create(user=resident, name="private")
    newcomer = make_user("newcomer", confirmed=False)
    light = Category.objects.create(
        municipality=municipality,
        department=municipality.departments.get(),
        slug="light",
        name="Фонарь",
        name_en="Street light",
        photo_required=False,
    )
    public_report = report_submit(
        author=author,
        municipality=municipality,
        category=light,
        latitude=55.75,
        longitude=37.61,
        description="A broken street light",
    )
    report_moderate(moderator=municipal_admin, report=public_report)
    pending_report = report_submit(
        author=author,
        municipality=municipality,
        category=light,
        latitude=55.76,
        longitude=37.62,
        description="Not yet moderated",
    )
    open311_key, open311_secret = api_key_create(actor=municipal_admin, municipality=municipality, name="CRM")
    other_key, other_secret = api_key_create(actor=other_admin, municipality=other_municipality, name="CRM")
    attribute = service_attribute_save(
        actor=municipal_admin, category=light, code="pole", datatype="string", order=1, description="Pole?"
    )
    other_light = Category.objects.create(
        municipality=other_municipality,
        department=other_municipality.departments.get(),
        slug="light",
        name="Фонарь",
        name_en="Street light",
    )
    other_attribute = service_attribute_save(
        actor=other_admin, category=other_light, code="pole", datatype="string", order=1, description="Pole?"
    )
    # Filed by a client system, awaiting moderation: its token answers, its id does not yet.
    pending_token = service_request_create(
        api_key=open311_key, category=light, latitude="55.76", longitude="37.62", attributes={"pole": ["3"]}
    ).open311_token.token

    def poll(municipality: Municipality, actor: User, title: str, publish: bool) -> Poll:
        now = timezone.now()
        made = poll_create(
            actor=actor,
            municipality=municipality,
            title=title,
            description="",
            kind="single",
            options=["A park", "A car park"],
            min_choices=1,
            max_choices=1,
            districts=[],
            tier=PollTier.VERIFIED,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
            live_results=False,
        )
        return poll_publish(actor=actor, poll=made) if publish else made

    open_poll = poll(municipality, municipal_admin, "Park or car park?", publish=True)

    def initiative(title: str, status: str, **fields: Any) -> Initiative:
        """An initiative at a step, written directly (the services reach each step in the app's own
        tests): the cells only ask who may act on it."""
        now = timezone.now()
        if status != InitiativeStatus.DRAFT:
            fields = {
                "published_at": now,
                "support_ends_at": now + timedelta(days=30),
                "threshold": 100,
                **fields,
            }
        return Initiative.objects.create(
            municipality=municipality,
            author=author,
            title=title,
            body="Please.",
            status=status,
            created_at=now,
            **fields,
        )

    def answered(title: str, status: str, **fields: Any) -> Initiative:
        due = timezone.localdate() + timedelta(days=30)
        return initiative(title, status, threshold_reached_at=timezone.now(), answer_due=due, **fields)

    def closed_vote(title: str) -> Poll:
        """A vote on two options that ended yesterday, without votes: both lead, staff choose."""
        now = timezone.now()
        made = Poll.objects.create(
            municipality=municipality,
            title=title,
            kind="single",
            tier=PollTier.VERIFIED,
            opens_at=now - timedelta(days=4),
            closes_at=now - timedelta(days=1),
            created_by=municipal_admin,
            created_at=now - timedelta(days=4),
            published_at=now - timedelta(days=4),
        )
        PollOption.objects.bulk_create(
            [PollOption(poll=made, position=i, text=text) for i, text in enumerate(["Trees", "Benches"], 1)]
        )
        return made

    collecting_initiative = initiative("Plant trees on the square", InitiativeStatus.PUBLISHED)
    draft_initiative = initiative(DRAFT_INITIATIVE, InitiativeStatus.DRAFT)
    awaiting_initiative = answered("Answer this initiative", InitiativeStatus.THRESHOLD_REACHED)
    answered_at = {"answered_at": timezone.now(), "answered_by": municipal_admin, "answer": "Choose."}
    closed_initiative = answered(
        "Decide this initiative", InitiativeStatus.VOTING, poll=closed_vote("Decide"), **answered_at
    )
    decided_poll = closed_vote("Decided")
    decided_initiative = answered(
        "Decided",
        InitiativeStatus.DECIDED,
        poll=decided_poll,
        chosen_option=decided_poll.options.first(),
        decided_at=timezone.now(),
        **answered_at,
    )
    milestone = ImplementationMilestone.objects.create(
        initiative=decided_initiative, title="Plant", created_at=timezone.now(), created_by=municipal_admin
    )
    draft_poll = poll(municipality, municipal_admin, "Not yet", publish=False)
    other_poll = poll(other_municipality, other_admin, "Elsewhere", publish=False)
    users: dict[str, User | None] = {
        "anonymous": None,
        "resident": resident,
        "verified": verified_resident,
        "moderator": moderator,
        "official": official,
        "municipal_admin": municipal_admin,
        "other_admin": other_admin,
        "platform_admin": platform_admin,
    }
    notify(recipients=[u for u in users.values() if u is not None], kind="test", title="Unread")
    [author_notice] = notify(recipients=[author], kind="test", title="The author's own")
    district = municipality.districts.get(slug="d1")
    world = World(
        municipality=municipality,
        other_municipality=other_municipality,
        inactive=inactive,
        users=users,
        author=author,
        comment=comment,
        hidden=hidden,
        foreign_comment=foreign_comment,
        district=district,
        spare_district=spare,
        foreign_district=other_municipality.districts.get(slug="d1"),
        resident_token=token,
        newcomer=newcomer,
        public_report=public_report,
        pending_report=pending_report,
        values={},
    )
    budgeting = _budgeting_world(
        municipality, other_municipality, municipal_admin, other_admin, official, author
    )
    values = {
        **budgeting,
        "slug": municipality.slug,
        "initiative": collecting_initiative.pk,
        "draft_initiative": draft_initiative.pk,
        "awaiting_initiative": awaiting_initiative.pk,
        "closed_initiative": closed_initiative.pk,
        "closed_option": closed_initiative.poll.options.first().pk,
        "decided_initiative": decided_initiative.pk,
        "milestone": milestone.pk,
        "open_poll": open_poll.pk,
        "open_poll_option": open_poll.options.first().pk,
        "draft_poll": draft_poll.pk,
        "draft_poll_option": draft_poll.options.first().pk,
        "other_poll": other_poll.pk,
        "open311_key": open311_secret,
        "open311_pending_token": pending_token,
        "open311_key_id": open311_key.pk,
        "other_open311_key": other_secret,
        "other_open311_key_id": other_key.pk,
        "open311_attribute": attribute.pk,
        "other_open311_attribute": other_attribute.pk,
        "appeal": appeal.pk,
        "answerable_appeal": answerable.pk,
        "hidden_appeal": hidden_appeal.pk,
        "inactive_appeal": inactive_appeal.pk,
        "comment_under_hidden_appeal": under_hidden_appeal.pk,
        "other_slug": other_municipality.slug,
        "light": light.pk,
        "public_report": public_report.pk,
        "pending_report": pending_report.pk,
        "inactive": inactive.slug,
        "comment": comment.pk,
        "hidden": hidden.pk,
        "foreign_comment": foreign_comment.pk,
        "inactive_comment": inactive_comment.pk,
        "district": district.pk,
        "spare_district": spare.pk,
        "foreign_district": world.foreign_district.pk,
        "resident_token": token.pk,
        "resident_id": resident.pk,
        "author_notice": author_notice.pk,
        "confirm_token": email_confirmation_token(newcomer),
        "uidb64": urlsafe_base64_encode(force_bytes(author.pk)),
        "reset_token": default_token_generator.make_token(author),
    }
    crowd = crowd_world(
        values=values,
        municipality=municipality,
        other_municipality=other_municipality,
        municipal_admin=municipal_admin,
        other_admin=other_admin,
        author=author,
    )
    mapping = deliberation_world(
        values=crowd,
        municipality=municipality,
        other_municipality=other_municipality,
        municipal_admin=municipal_admin,
        other_admin=other_admin,
    )
    staffed = deliberation_staff_world(
        values=mapping, municipality=municipality, municipal_admin=municipal_admin, author=author
    )
    world.values = opendata_world(
        values=staffed, municipality=municipality, municipal_admin=municipal_admin, author=author
    )
    return world


@pytest.fixture(scope="module")
def _built_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per module and process in a transaction of its own that is rolled back
    at the end. Each cell runs inside it in the savepoints of its `db` fixture (Django's TestCase),
    rolled back after it, so every cell starts from the same world: nearly 4,000 cells, one build."""
    with rolled_back_at_the_end(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(db: None, _built_world: World) -> World:
    return _built_world


def _fill(value: Any, values: dict[str, Any]) -> Any:
    """A {placeholder} filled with the World's value: the value itself when it is the whole string."""
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        value = values[whole.group(1)] if whole else value.format_map(values)
    if isinstance(value, SimpleUploadedFile):
        # The world's file serves every cell: each request reads a copy of it.
        value.seek(0)
        return SimpleUploadedFile(value.name, value.read(), value.content_type)
    return value


def _client(case: Case, user: User | None) -> Client:
    if user is None:
        return Client()
    if case.auth == "session-no-csrf":
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client
    if case.api:
        _token, secret = api_token_create(user=user, name="matrix")
        return Client(headers={"authorization": f"Bearer {secret}"})
    client = Client()
    client.force_login(user)
    return client


def _request(client: Client, case: Case, url: str, data: dict[str, Any]) -> Any:
    if case.method == "GET":
        return client.get(url)
    if case.method == "PUT":
        return client.put(url, data=data, content_type="application/json")
    if case.api and not case.multipart:
        return client.post(url, data=data, content_type="application/json")
    return client.post(url, data=data)


# Cells that fail because of a bug in the application, each with the bug it shows:
# {(key, role): "bug: ..."}. They run as strict xfails, so a fix makes them fail until removed here.
BUGS: dict[tuple[str, str], str] = {}


def _cell(key: str, role: str) -> Any:
    bug = BUGS.get((key, role))
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(key, role, id=f"{key}-{role}", marks=marks)


CELLS = [_cell(key, role) for key in ROUTES for role in ROLES]


@pytest.mark.parametrize(("key", "role"), CELLS)
def test_cell(world: World, key: str, role: str) -> None:
    case = ROUTES[key]
    expected = case.statuses[ROLES.index(role)]
    url = case.url.format_map(world.values)
    data = {name: _fill(value, world.values) for name, value in case.data.items()}
    client = _client(case, world.users[role])
    before = case.state(world) if case.state else None

    response = _request(client, case, url, data)

    if expected == LOGIN:
        assert response.status_code == 302, f"{case.method} {url} as {role}: {response.status_code}"
        login = reverse("accounts:login")
        assert response["Location"].startswith(f"{login}?next="), response["Location"]
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, f"{case.method} {url} as {role}: {response.status_code}"
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{case.method} {url} as {role}: expected {expected}, got {response.status_code}"
        )
        if expected == 302 and case.method == "POST":
            assert not response["Location"].startswith(reverse("accounts:login"))
    if case.api and response.status_code in {401, 404, 409}:
        body = response.json()
        code = {401: "unauthorized", 404: "not_found"}.get(response.status_code)
        assert code is None or body["error"]["code"] == code, body
    if case.needle:
        shown = case.needle in response.content.decode()
        assert shown == case.sees[ROLES.index(role)], f"{url} as {role}: {case.needle!r} shown={shown}"
    if case.state is not None:
        after = case.state(world)
        if case.must_change(role):
            assert after != before, f"an allowed {case.method} {url} as {role} changed nothing ({before!r})"
        else:
            assert after == before, f"{case.method} {url} as {role} changed {before!r} to {after!r}"
