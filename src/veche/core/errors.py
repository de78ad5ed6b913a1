"""The one domain error type; pages and the API turn it into a response in one place each."""

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is for people, `code` for programs."""

    status = 400
    default_code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str | Promise]] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.code = code or self.default_code
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        super().__init__(self.message)

    @property
    def summary(self) -> str:
        """One line for a flash message: the field messages when there are any, else the message."""
        return " ".join(m for messages in self.fields.values() for m in messages) or self.message

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ServerError(DomainError):
    """What a person is told when the server failed (the 500 pages): nothing of the failure itself."""

    status = 500
    default_code = "server_error"
    default_message = _("We have been told and will look into it. Please try again later.")


class NotFound(DomainError):
    """Absent and not allowed look the same, so nobody can probe for private objects."""

    status = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Forbidden(DomainError):
    """The object is visible but the action needs another role or identity tier."""

    status = 403
    default_code = "forbidden"
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_message = _("This conflicts with the current state.")


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"
    default_message = _("Too many requests. Please wait a little and try again.")

    def __init__(self, retry_after: int, message: str | Promise | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
