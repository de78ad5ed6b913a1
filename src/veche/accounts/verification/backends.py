"""Delivery of one-time codes by letter or SMS, chosen like Django's e-mail backends."""

import logging
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeMessage:
    channel: str
    recipient_id: int
    municipality: str
    destination: str  # address or phone; passed on, never stored
    code: str


class CodeBackend(Protocol):
    def send(self, message: CodeMessage) -> None: ...


class ConsoleBackend:
    """Prints the code, for development: the letter or SMS an operator would send."""

    def send(self, message: CodeMessage) -> None:
        logger.warning(
            "Verification code for user %s in %s by %s: %s",
            message.recipient_id,
            message.municipality,
            message.channel,
            message.code,
        )


class LocmemBackend:
    """Keeps codes in memory, for tests."""

    outbox: ClassVar[list[CodeMessage]] = []

    def send(self, message: CodeMessage) -> None:
        self.outbox.append(message)


def get_backend() -> CodeBackend:
    backend: CodeBackend = import_string(settings.VERIFICATION_CODE_BACKEND)()
    return backend
