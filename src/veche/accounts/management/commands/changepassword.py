"""Django's `changepassword`, which also ends every API token of the account, as a reset does."""

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from veche.accounts.services import api_tokens_revoke_all


class Command(changepassword.Command):
    help = "Change a user's password and revoke every API token of the account."

    def handle(self, *args: Any, **options: Any) -> str:
        message = super().handle(*args, **options) or ""
        model = get_user_model()
        username = options["username"] or getpass.getuser()
        user = model._default_manager.db_manager(options["database"]).get(
            **{model.USERNAME_FIELD: username}
        )
        api_tokens_revoke_all(user=user)
        return message + "\nEvery API token of the account is revoked."
