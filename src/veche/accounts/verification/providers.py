"""Verification providers: how residence is proven. Pluggable through VERIFICATION_PROVIDERS.

A provider with a `channel` sends a one-time code (through VERIFICATION_CODE_BACKEND) that the
resident types in; one without a channel is used by an official who has seen documents. A city
adds its own (a Gosuslugi login, a bank ID) by writing a provider class and listing it.
"""

from functools import cache

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class VerificationProvider:
    key: str = ""
    label: str | Promise = ""
    channel: str | None = None  # how the code travels; None: no code (in person)


class InPersonProvider(VerificationProvider):
    key = "in_person"
    label = _("in person, by an official")


class LetterCodeProvider(VerificationProvider):
    key = "code_letter"
    label = _("code sent by letter")
    channel = "letter"


class SmsCodeProvider(VerificationProvider):
    key = "code_sms"
    label = _("code sent by SMS")
    channel = "sms"


CHANNEL_LABELS = {"letter": _("letter to my address"), "sms": _("SMS to my phone")}


@cache
def _load(paths: tuple[str, ...]) -> tuple[VerificationProvider, ...]:
    return tuple(import_string(path)() for path in paths)


def enabled_providers() -> tuple[VerificationProvider, ...]:
    return _load(tuple(settings.VERIFICATION_PROVIDERS))


def provider(key: str) -> VerificationProvider | None:
    return next((p for p in enabled_providers() if p.key == key), None)


def code_providers() -> list[VerificationProvider]:
    return [p for p in enabled_providers() if p.channel]


def provider_for_channel(channel: str) -> VerificationProvider | None:
    return next((p for p in code_providers() if p.channel == channel), None)


def label_of(key: str) -> str:
    found = next((p for p in _load(tuple(settings.VERIFICATION_PROVIDERS)) if p.key == key), None)
    return str(found.label) if found else key
