"""`veche open311 key create|list|revoke`: manage the API keys of Open311 clients from the shell."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veche.core.errors import DomainError
from veche.municipalities.models import Municipality
from veche.open311.models import ApiKey
from veche.open311.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = (
        "Manage Open311 API keys: `key create --municipality SLUG --name NAME`, `key list`, "
        "`key revoke PREFIX`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True, metavar="key")
        key = groups.add_parser("key", help="API keys of client systems")
        actions = key.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = actions.add_parser("create", help="issue a key; it is printed once, as the last line")
        create.add_argument("--municipality", required=True, help="the municipality's slug")
        create.add_argument("--name", required=True, help="the client system that will use the key")
        listing = actions.add_parser("list", help="list keys (never their secrets)")
        listing.add_argument("--municipality", help="only this municipality's keys")
        revoke = actions.add_parser("revoke", help="stop a key from working")
        revoke.add_argument("prefix", help="the key's first characters, before the dot")
        revoke.add_argument("--municipality", help="the municipality, if the prefix is not unique")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                self._create(options["municipality"], options["name"])
            elif action == "list":
                self._list(options.get("municipality"))
            else:
                self._revoke(options["prefix"], options.get("municipality"))
        except DomainError as error:
            details = "; ".join(m for messages in error.fields.values() for m in messages)
            raise CommandError(details or error.message) from None

    def _municipality(self, slug: str) -> Municipality:
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(_("There is no municipality “%(slug)s”.") % {"slug": slug})
        return municipality

    def _create(self, slug: str, name: str) -> None:
        municipality = self._municipality(slug)
        api_key, secret = api_key_create(actor=None, municipality=municipality, name=name)
        self.stdout.write(
            _("Created the Open311 key “%(name)s” (%(prefix)s…) for %(municipality)s.")
            % {"name": api_key.name, "prefix": api_key.prefix, "municipality": municipality.slug}
        )
        self.stdout.write(_("Store it now: it is not shown again. The key:"))
        self.stdout.write(secret)

    def _list(self, slug: str | None) -> None:
        keys = ApiKey.objects.select_related("municipality").order_by("municipality__slug", "-created_at")
        if slug:
            keys = keys.filter(municipality=self._municipality(slug))
        for key in keys:
            state = (
                _("revoked %(when)s") % {"when": f"{key.revoked_at:%Y-%m-%d}"}
                if key.revoked_at
                else _("active")
            )
            self.stdout.write(
                f"{key.prefix}  {key.municipality.slug}  {key.created_at:%Y-%m-%d}  {state}  {key.name}"
            )
        if not keys:
            self.stdout.write(_("No keys."))

    def _revoke(self, prefix: str, slug: str | None) -> None:
        keys = ApiKey.objects.select_related("municipality").filter(prefix=prefix.split(".")[0])
        if slug:
            keys = keys.filter(municipality=self._municipality(slug))
        found = list(keys[:2])
        if not found:
            raise CommandError(_("There is no key starting with “%(prefix)s”.") % {"prefix": prefix})
        if len(found) > 1:
            raise CommandError(
                _("Several keys start with “%(prefix)s”; add --municipality.") % {"prefix": prefix}
            )
        api_key_revoke(actor=None, api_key=found[0])
        self.stdout.write(_("The key %(prefix)s… no longer works.") % {"prefix": found[0].prefix})
