"""Log in with a username or an e-mail address."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from veche.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        accounts = User.objects.filter(deleted_at__isnull=True)
        user = accounts.filter(email__iexact=username).first() if "@" in username else None
        if user is None:
            # Usernames may contain "@" too: a name that is nobody's address is a username.
            user = accounts.filter(username=username).first()
        if user is None:
            User().set_password(password)  # the same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
