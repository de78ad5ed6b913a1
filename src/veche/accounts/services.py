"""Every write to accounts: sign-up, confirmation, profile, deletion, tokens, verification."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.roles import forget_cached_access, has_permission
from veche.accounts.models import ApiToken, User, Verification, VerificationCode
from veche.accounts.tokens import new_token
from veche.accounts.verification.backends import CodeMessage, get_backend
from veche.accounts.verification.providers import provider as enabled_provider
from veche.accounts.verification.providers import provider_for_channel
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.sanitize import plain_text
from veche.municipalities.models import District, Municipality

CONFIRM_SALT = "veche.accounts.confirm-email"
USERNAME_MAX = 50
ACCOUNT_PAGES = "/accounts/"


def _send(user: User, subject: str, template: str, context: dict[str, object]) -> None:
    with translation.override(user.language):
        body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
        send_mail(_(subject), body, None, [user.email])


def _validate_username(username: str) -> str:
    username = username.strip()
    field = User._meta.get_field("username")
    try:
        for validator in field.validators:
            validator(username)
    except ValidationError as exc:
        raise DomainError(fields={"username": exc.messages}) from None
    if not username or len(username) > USERNAME_MAX:
        raise DomainError(fields={"username": [_("Use 1 to 50 letters, digits and @/./+/-/_.")]})
    return username


def user_signup(
    *, username: str, email: str, password: str, consent: bool, language: str = "", next_url: str = ""
) -> User | None:
    """Create an account, record the holder's consent to the processing of their personal data
    (152-FZ: no consent, no account) and send the confirmation link, which leads to `next_url`.

    A second sign-up with a known e-mail address creates nothing and returns None; the owner of
    the address gets a letter instead, so the form never tells whether an address is registered.
    Nor does its time: the password is hashed on that path too, as costly as a new account's.
    """
    if consent is not True:
        raise DomainError(
            fields={
                "consent": [
                    _("Without your consent to the processing of personal data we cannot create an account.")
                ]
            },
            code="consent_required",
        )
    username = _validate_username(username)
    email = User.objects.normalize_email(email.strip()).lower()
    candidate = User(username=username, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise DomainError(fields={"password1": exc.messages}) from None
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    # A taken name is refused whatever the address, so the answer does not tell the address either.
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(fields={"username": [_("This username is taken.")]})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User(
                    username=username,
                    email=email,
                    language=language,
                    consent_given_at=timezone.now(),
                    consent_version=settings.VECHE_CONSENT_VERSION,
                )
                user.set_password(password)
                user.save()
        except IntegrityError:
            # Someone signed up at the same moment: with this e-mail (handled below) or this name.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise DomainError(fields={"username": [_("This username is taken.")]}) from None
        else:
            email_confirmation_send(user=user, next_url=next_url)
            return user
    else:
        make_password(password)  # the hashing a new account costs, so the time tells nothing
    _send(
        existing,
        gettext_noop("Someone tried to sign up with your e-mail"),
        "accounts/email/already_registered.txt",
        {"login_url": reverse("accounts:login"), "reset_url": reverse("accounts:password_reset")},
    )
    return None


def safe_next(next_url: str) -> str:
    """`next_url` if it is a path on this site, else "" (a link must not lead elsewhere)."""
    next_url = (next_url or "").strip()
    if len(next_url) > 500 or not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        return ""
    if not next_url.startswith("/") or next_url.startswith(ACCOUNT_PAGES):
        # Landing back on the sign-up or log-in form, signed in, would only puzzle.
        return ""
    return next_url


def email_confirmation_token(user: User, next_url: str = "") -> str:
    payload: dict[str, object] = {"u": user.pk, "e": user.email}
    if safe_next(next_url):
        payload["n"] = safe_next(next_url)
    return signing.dumps(payload, salt=CONFIRM_SALT)


def email_confirmation_send(*, user: User, next_url: str = "") -> None:
    if user.email_confirmed_at or not user.email:
        return
    url = reverse("accounts:confirm", args=[email_confirmation_token(user, next_url)])
    _send(user, gettext_noop("Confirm your e-mail address"), "accounts/email/confirm.txt", {"url": url})


@dataclass(frozen=True)
class Confirmed:
    """What a confirmation link did: whose address, where it leads, and whether this use
    confirmed it (False when the link had been used, or the address was confirmed otherwise)."""

    user: User
    next_url: str
    first_use: bool


def email_confirm(*, token: str) -> Confirmed:
    """Confirm the address a link was sent to. Only the first use confirms (and so may sign the
    person in); a link used again finds the address confirmed and says so."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError(_("This link has expired. Ask for a new one."), code="expired") from None
    except signing.BadSignature:
        raise DomainError(_("This link is not valid."), code="invalid_token") from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e"), deleted_at__isnull=True).first()
    if user is None or not user.is_active:
        raise DomainError(_("This link is not valid."), code="invalid_token")
    # One UPDATE decides which of two clicks at the same moment is the first.
    first_use = bool(
        User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(
            email_confirmed_at=timezone.now()
        )
    )
    user.refresh_from_db()
    return Confirmed(user=user, next_url=safe_next(str(data.get("n") or "")), first_use=first_use)


def password_reset_done(*, user: User) -> None:
    """After a password is set through the e-mailed reset link: the link proves the address, and
    every API token ends, as the sessions do (a token may have leaked with the old password)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(
            email_confirmed_at=timezone.now()
        )
        api_tokens_revoke_all(user=user)


def api_tokens_revoke_all(*, user: User) -> None:
    """Revoke every API token of `user` (a new password or a deleted account ends them all)."""
    ApiToken.objects.filter(user=user).delete()


def profile_update(*, user: User, display_name: str, language: str, email_notifications: bool) -> User:
    display_name = plain_text(display_name)
    if len(display_name) > 100:
        raise DomainError(fields={"display_name": [_("At most 100 characters.")]})
    if language not in dict(settings.LANGUAGES):
        raise DomainError(fields={"language": [_("Choose a language from the list.")]})
    user.display_name = display_name
    user.language = language
    user.email_notifications = email_notifications
    user.save(update_fields=["display_name", "language", "email_notifications"])
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Anonymise the account: what it wrote stays, who wrote it does not."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at:
        return
    user.username = f"deleted-{user.pk}-{secrets.token_hex(4)}"
    user.email = ""
    user.first_name = user.last_name = user.display_name = ""
    user.is_active = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    api_tokens_revoke_all(user=user)
    VerificationCode.objects.filter(user=user).delete()
    user.memberships.all().delete()
    from veche.notifications.models import Follow, Notification

    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and never stored."""
    name = plain_text(name) or _("API token")
    if len(name) > 100:
        raise DomainError(fields={"name": [_("At most 100 characters.")]})
    if user.api_tokens.count() >= 20:
        raise Conflict(_("You have 20 tokens already. Revoke one first."))
    token, prefix, key_hash = new_token()
    api_token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=key_hash)
    return api_token, token


def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound()


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def verification_code_request(
    *, user: User, municipality: Municipality, district: District, channel: str, destination: str
) -> VerificationCode:
    """Send a one-time code to the resident's address or phone through the configured backend."""
    if Verification.objects.filter(user=user, municipality=municipality).exists():
        raise Conflict(_("You are already a verified resident here."))
    if district.municipality_id != municipality.pk:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    if provider_for_channel(channel) is None:
        raise DomainError(fields={"channel": [_("Choose how to receive the code.")]})
    destination = plain_text(destination)
    if not destination or len(destination) > 300:
        raise DomainError(
            fields={"destination": [_("Give your postal address or phone (up to 300 characters).")]}
        )
    code = f"{secrets.randbelow(10**8):08d}"
    record = VerificationCode.objects.create(
        user=user,
        municipality=municipality,
        district=district,
        channel=channel,
        code_hash=_code_hash(code),
        expires_at=timezone.now() + timedelta(seconds=settings.VERIFICATION_CODE_TTL),
    )
    message = CodeMessage(channel, user.pk, municipality.slug, destination, code)
    transaction.on_commit(lambda: get_backend().send(message))
    return record


def verification_code_confirm(*, user: User, municipality: Municipality, code: str) -> Verification:
    """Verify residence with the newest unexpired code; a few wrong tries burn the code."""
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, municipality=municipality, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if record is None or record.attempts >= settings.VERIFICATION_CODE_ATTEMPTS:
            raise DomainError(_("There is no valid code. Ask for a new one."), code="no_code")
        if not hmac.compare_digest(record.code_hash, _code_hash(code.strip())):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            error = DomainError(fields={"code": [_("This code is not right.")]}, code="wrong_code")
        else:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
            code_provider = provider_for_channel(record.channel)
            if code_provider is None:
                raise DomainError(_("This way of verifying is no longer offered. Ask for a new code."))
            return _verify(user, municipality, record.district, code_provider.key, verified_by=None)
    raise error


def verification_in_person(
    *, official: User, resident: User, municipality: Municipality, district: District
) -> Verification:
    """An official who has seen the resident's documents verifies them."""
    if not has_permission(official, municipality, "verify_residents"):
        raise NotFound()
    if enabled_provider(Verification.Provider.IN_PERSON) is None:
        raise Forbidden(_("In-person verification is not offered here."))
    if district.municipality_id != municipality.pk:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    if not resident.is_active or resident.deleted_at:
        raise NotFound()
    with transaction.atomic():
        verification = _verify(resident, municipality, district, Verification.Provider.IN_PERSON, official)
        audit_record(
            actor=official,
            action="resident.verify",
            municipality=municipality,
            target=resident,
            details={"district": district.slug},
        )
    return verification


def _verify(
    user: User, municipality: Municipality, district: District, provider: str, verified_by: User | None
) -> Verification:
    try:
        with transaction.atomic():
            verification = Verification.objects.create(
                user=user,
                municipality=municipality,
                district=district,
                provider=provider,
                verified_by=verified_by,
            )
    except IntegrityError:
        raise Conflict(_("This person is already a verified resident here.")) from None
    forget_cached_access(user)
    return verification
