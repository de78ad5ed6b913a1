"""The WSGI entry point loads every view and freezes what start-up made out of the collector's way."""

import os
import subprocess
import sys


def test_the_wsgi_application_starts_with_its_views_loaded_and_the_startup_heap_frozen():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "veche.settings.dev"}
    probe = (
        "import gc, sys\n"
        "assert gc.get_freeze_count() == 0\n"
        "import veche.wsgi\n"
        "app = veche.wsgi.application\n"
        "print(gc.get_freeze_count(), 'veche.reports.views' in sys.modules, callable(app))\n"
    )
    command = [sys.executable, "-c", probe]  # our own probe, run by this interpreter
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603

    assert done.returncode == 0, done.stderr
    frozen, views_loaded, app = done.stdout.split()
    assert int(frozen) > 10_000  # Django's and Veche's objects, not a handful
    assert (views_loaded, app) == ("True", "True")
