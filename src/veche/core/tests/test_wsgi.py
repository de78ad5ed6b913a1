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
        "print(gc.get_freeze_count(), 'veche.reports.views' in sys.modules, callable(veche.wsgi.application))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    frozen, views_loaded, app = done.stdout.split()
    assert int(frozen) > 10_000  # Django's and Veche's objects, not a handful
    assert (views_loaded, app) == ("True", "True")
