"""The `veche` command: Django's management commands with Veche's settings.

`veche pb ...` goes straight to the counting engine's command line, without starting Django (the
engine needs neither settings nor a database); with one of Django's own options it goes through
Django's `pb` command, which runs the same code. `veche deliberation cluster ...` goes the same way to
the opinion-mapping engine's command line; the other `deliberation` subcommands (import) need the
database and go through Django."""

import os
import sys

# Options that only Django's command line understands.
DJANGO_OPTIONS = ("--settings", "--pythonpath", "--traceback", "--no-color", "--force-color", "--skip-checks")


def _is_django_option(arg: str) -> bool:
    return arg.split("=", 1)[0] in DJANGO_OPTIONS or arg.startswith(("-v", "--verbosity"))


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["pb"] and not any(_is_django_option(arg) for arg in args[1:]):
        from veche.budgeting.engine.cli import main as pb

        code = pb(args[1:], prog="veche pb")
        if code:
            # What Django's command says when the file has problems, so that the output is the same.
            sys.stderr.write("CommandError: the file has problems\n")
        raise SystemExit(code)
    if args[:2] == ["deliberation", "cluster"] and not any(_is_django_option(arg) for arg in args[2:]):
        from veche.deliberation.engine.cli import main as deliberation

        raise SystemExit(deliberation(args[1:], prog="veche deliberation"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veche.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["veche", *args])


if __name__ == "__main__":
    main()
