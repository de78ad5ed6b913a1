"""The static files collect under the production storage's manifest: every file a script or stylesheet
names (a source map, an image) is shipped, or the manifest storage stops the deployment.

Django's ManifestStaticFilesStorage is the part of production's WhiteNoise storage that reads those
references; WhiteNoise only adds the compressed copies, which cost minutes of CPU here (Brotli) and
are made by tests/production, which serves what `scripts/serve.sh` collects."""

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage(tmp_path: Path) -> None:
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)

    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("vendor/leaflet/leaflet.js", "vendor/chartjs/chart.umd.js", "veche/analytics.js"):
        assert f'"{name}"' in manifest
