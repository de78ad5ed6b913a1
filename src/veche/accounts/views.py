"""Pages of accounts: thin — parse, check access, call a service, render."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView, PasswordResetView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.access.roles import Tier, tier_of
from veche.accounts import services
from veche.accounts.activity import activity_of
from veche.accounts.forms import (
    CodeConfirmForm,
    CodeRequestForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    ResendConfirmationForm,
    SignupForm,
    TokenForm,
)
from veche.accounts.models import User
from veche.accounts.sections import sections_for
from veche.core.errors import DomainError, RateLimited
from veche.core.forms import apply_domain_error, page_status, submit
from veche.core.http import signed_in
from veche.core.ratelimit import client_ip, rate_limit, rate_limit_request
from veche.municipalities.selectors import municipalities_active


def _form_page(
    request: HttpRequest, template: str, context: dict[str, object], failed: bool, error: DomainError | None
) -> HttpResponse:
    """A form page: 400 when it has errors, 429 when a rate limit refused it."""
    return render(request, template, context, status=page_status(failed, error))


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    next_url = services.safe_next(request.POST.get("next") or request.GET.get("next") or "")
    submitted = submit(
        request,
        form,
        lambda data: services.user_signup(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            consent=data["consent"],
            language=get_language() or "",
            next_url=next_url,
        ),
        scope="signup",
    )
    if submitted.ok:
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup_done")
    # The status is the form's own (see `_form_page`), not the one `submit` suggests.
    context = {"form": form, "next": next_url}
    return _form_page(request, "accounts/signup.html", context, bool(form.errors), submitted.refusal)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")})


def _landing(next_url: str) -> str:
    """Where a confirmed newcomer lands: the page they came from, else their city's page (the one
    municipality of the installation), else the list of municipalities."""
    if next_url:
        return next_url
    slugs = list(municipalities_active().values_list("slug", flat=True)[:2])
    return reverse("municipality", args=[slugs[0]]) if len(slugs) == 1 else reverse("home")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: its first use confirms the address and signs its owner in.

    Where someone else is signed in (a shared computer), the address is confirmed but their
    session is kept: a link must not silently swap whose account a browser acts for.
    """
    try:
        confirmed = services.email_confirm(token=token)
    except DomainError as error:
        return render(request, "accounts/confirm_failed.html", {"error": error}, status=400)
    user = confirmed.user
    if not confirmed.first_use:
        return render(request, "accounts/confirm_used.html", status=410)
    if request.user.is_authenticated and request.user.pk != user.pk:
        messages.warning(
            request,
            _(
                "The e-mail address of %(new)s is confirmed. You are still signed in as %(current)s: "
                "log out and log in as %(new)s to use that account."
            )
            % {"new": user.username, "current": signed_in(request).username},
        )
        return redirect(_landing(confirmed.next_url))
    if not request.user.is_authenticated:
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(
        request, _("Your e-mail address is confirmed. Welcome, %(name)s!") % {"name": user.username}
    )
    return redirect(_landing(confirmed.next_url))


def _legal_page(request: HttpRequest, name: str, title: str) -> HttpResponse:
    """A legal text in the reader's language (English where a language has none). An operator
    replaces the wording by overriding `accounts/legal/<name>_<language>.html` in their templates."""
    language = get_language() or settings.LANGUAGE_CODE
    text = select_template([f"accounts/legal/{name}_{language}.html", f"accounts/legal/{name}_en.html"])
    context = {
        "title": title,
        "text": text,
        "operator_name": settings.VECHE_OPERATOR_NAME,
        "operator_contact": settings.VECHE_OPERATOR_CONTACT,
        "consent_version": settings.VECHE_CONSENT_VERSION,
    }
    return render(request, "accounts/legal/page.html", context)


def consent(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, "consent", _("Consent to the processing of personal data"))


def terms(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, "terms", _("Terms of use"))


@require_http_methods(["GET", "POST"])
def confirmation_resend(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rate_limit_request("password_reset", request)
        user = User.objects.filter(email__iexact=form.cleaned_data["email"], deleted_at__isnull=True).first()
        if user is not None:
            services.email_confirmation_send(user=user)
        # The same answer whether or not the address is known.
        messages.info(request, _("If an unconfirmed account uses this address, we have sent it a new link."))
        return redirect("accounts:login")
    return render(request, "accounts/confirm_resend.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            rate_limit("login", f"ip:{client_ip(request)}", request=request)
            rate_limit("login", f"name:{username.lower()}", request=request)
        except RateLimited as error:
            apply_domain_error(form, error)
            return _form_page(request, "accounts/login.html", {"form": form, "next": next_url}, True, error)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, _("The username or password is not right."))
        elif not user.email_confirmed_at:
            form.add_error(None, _("Confirm your e-mail address first: follow the link we sent you."))
        else:
            login(request, user)
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = ""
            return redirect(next_url or "home")
    status = 400 if form.errors else 200
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


class ConfirmingPasswordResetConfirmView(PasswordResetConfirmView):
    """Setting a password from the e-mailed link proves the address, so it confirms it too, and
    it revokes every API token of the account."""

    def form_valid(self, form: "SetPasswordForm[User]") -> HttpResponse:
        response = super().form_valid(form)
        services.password_reset_done(user=form.user)
        return response


class RateLimitedPasswordResetView(PasswordResetView):
    """Django's reset view: the same answer whether or not an account has the address."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        rate_limit_request("password_reset", self.request)
        return super().form_valid(form)


ACTIVITY_PAGE_SIZE = 20


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    """The person's own reports, signatures, supports, votes and ballots, newest first, with receipts."""
    activity: Any = activity_of(signed_in(request))  # a sequence the paginator slices, not a QuerySet
    page = Paginator(activity, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/activity.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "language": user.language,
            "email_notifications": user.email_notifications,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("accounts:profile")
            response.set_cookie("django_language", user.language, samesite="Lax")
            return response
    context = {
        "form": form,
        "token_form": TokenForm(),
        "tokens": user.api_tokens.all(),
        "verifications": user.verifications.select_related("municipality", "district"),
        "memberships": user.memberships.select_related("municipality", "department"),
        "new_token": request.session.pop("new_token", None),
        # What other apps show here (recognition: points and badges).
        "sections": sections_for(user),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            rate_limit_request("write", request)
            _token, secret = services.api_token_create(
                user=signed_in(request), name=form.cleaned_data["name"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            request.session["new_token"] = secret
    else:
        messages.error(request, _("Give the token a name of up to 100 characters."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=signed_in(request), token_id=token_id)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    refusal: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        user = signed_in(request)
        try:
            # Guessing the password here is as limited as at the login form.
            rate_limit("login", f"name:{user.username.lower()}", request=request)
        except DomainError as error:
            refusal = error
            apply_domain_error(form, error)
        else:
            if not user.check_password(form.cleaned_data["password"]):
                form.add_error("password", _("The password is not right."))
            else:
                services.account_delete(user=user)
                logout(request)
                messages.success(
                    request, _("Your account is deleted. What you wrote stays, without your name.")
                )
                return redirect("home")
    return _form_page(request, "accounts/delete.html", {"form": form}, bool(form.errors), refusal)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    user = signed_in(request)
    request_form = CodeRequestForm(municipality=municipality)
    confirm_form = CodeConfirmForm()
    refusal: DomainError | None = None
    if request.method == "POST" and tier_of(user, municipality) < Tier.VERIFIED:
        if "code" in request.POST:
            confirm_form = CodeConfirmForm(request.POST)
            confirmed = submit(
                request,
                confirm_form,
                lambda data: services.verification_code_confirm(
                    user=user, municipality=municipality, code=data["code"]
                ),
            )
            if confirmed.ok:
                messages.success(
                    request, _("You are now a verified resident of %(m)s.") % {"m": municipality.title}
                )
                return redirect("municipality", slug=municipality.slug)
            refusal = confirmed.refusal
        else:
            request_form = CodeRequestForm(request.POST, municipality=municipality)
            requested = submit(
                request,
                request_form,
                lambda data: services.verification_code_request(user=user, municipality=municipality, **data),
                scope="verification_code",
            )
            if requested.ok:
                messages.success(request, _("We are sending you a code. Enter it below when it arrives."))
                return redirect("accounts:verify", slug=municipality.slug)
            refusal = requested.refusal
    context = {
        "municipality": municipality,
        "verified": tier_of(user, municipality) >= Tier.VERIFIED,
        "request_form": request_form,
        "confirm_form": confirm_form,
    }
    failed = bool(request_form.errors or confirm_form.errors)
    return _form_page(request, "accounts/verify.html", context, failed, refusal)
