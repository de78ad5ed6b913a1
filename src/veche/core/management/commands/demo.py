"""`veche demo`: load the demonstration data of every app (safe to run again)."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo municipalities, people and activity. Running it again adds nothing twice."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app that has a `demo` module adds its part, in the order of INSTALLED_APPS.
        for config in apps.get_app_configs():
            if not config.name.startswith("veche."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            self.stdout.write(f"demo: {config.label}…")
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        from veche.municipalities.demo import print_logins

        print_logins(self.stdout)  # type: ignore[arg-type]
