"""`veche open311 key create|list|revoke`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from veche.core.models import AuditEntry
from veche.open311.models import ApiKey
from veche.open311.tests.helpers import valid_fields

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("open311", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_prints_the_key_last_and_the_key_works(post, municipality, definition):
    lines = run("key", "create", "--municipality", "testgrad", "--name", "Mobile app")
    secret = lines[-1]
    api_key = ApiKey.objects.get()
    assert secret.startswith(api_key.prefix + ".")
    assert api_key.name == "Mobile app" and api_key.created_by is None
    assert AuditEntry.objects.get(action="open311.key.create").actor is None
    assert post(valid_fields(secret)).status_code == 200


def test_an_unknown_municipality_is_a_clear_error(municipality):
    with pytest.raises(CommandError, match="atlantis"):
        run("key", "create", "--municipality", "atlantis", "--name", "x")
    assert not ApiKey.objects.exists()


def test_list_and_revoke(post, municipality, definition):
    secret = run("key", "create", "--municipality", "testgrad", "--name", "Mobile app")[-1]
    prefix = secret.split(".")[0]
    listing = run("key", "list")
    assert len(listing) == 1 and prefix in listing[0] and "Mobile app" in listing[0]
    assert secret not in "\n".join(listing)
    run("key", "revoke", prefix)
    assert ApiKey.objects.get().revoked_at is not None
    assert post(valid_fields(secret)).status_code == 403
    with pytest.raises(CommandError):
        run("key", "revoke", prefix)  # already revoked
    with pytest.raises(CommandError):
        run("key", "revoke", "00000000")


def test_a_subcommand_is_required(municipality):
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run("key")
