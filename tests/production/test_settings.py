"""The settings `make run` and production read: the key file, the media storage chosen from the
environment, and settings.local's loopback exceptions to production."""

import importlib.util
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from veche.settings.keyfile import secret_key_from_file
from veche.settings.media import FILESYSTEM, S3, media_storage

ROOT = Path(__file__).resolve().parents[2]


def test_the_key_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"

    key = secret_key_from_file(path)

    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key_from_file(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]


def test_processes_starting_together_read_one_key(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(secret_key_from_file(path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(keys) == 8 and set(keys) == {path.read_text()}


def test_an_empty_key_file_is_refused_not_used(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("\n")
    with pytest.raises(ValueError, match="no usable secret key"):
        secret_key_from_file(path)


def test_media_stay_on_disk_unless_s3_is_asked_for() -> None:
    assert media_storage({}) == {"BACKEND": FILESYSTEM}
    assert media_storage({"MEDIA_STORAGE": "filesystem"}) == {"BACKEND": FILESYSTEM}
    assert "storages" not in sys.modules and "boto3" not in sys.modules


def test_s3_media_take_the_bucket_and_endpoint_from_the_environment() -> None:
    storage = media_storage(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "veche-media",
            "AWS_S3_ENDPOINT_URL": "https://storage.yandexcloud.net",
            "AWS_S3_REGION_NAME": "ru-central1",
        }
    )

    assert storage["BACKEND"] == S3 == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "veche-media",
        "endpoint_url": "https://storage.yandexcloud.net",
        "region_name": "ru-central1",
        "querystring_auth": False,
        "file_overwrite": False,
        "location": "media",
    }
    assert "storages" not in sys.modules and "boto3" not in sys.modules


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "'filesystem' or 's3'"),
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_a_storage_that_cannot_work_is_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        media_storage(environ)


def settings_of(module: str, tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """Import a settings module in a fresh interpreter, as gunicorn would, and print some values."""
    code = (
        "import importlib, json, sys; s = importlib.import_module(sys.argv[1]); print(json.dumps({n: "
        "getattr(s, n) for n in ('DEBUG', 'SECRET_KEY', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'ALLOWED_HOSTS')} | {'STORAGE': "
        "s.STORAGES['default']['BACKEND'], 'boto3': 'boto3' in sys.modules}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "MEDIA_STORAGE", "ALLOWED_HOSTS"}}
    env |= {"VECHE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src"), **environ}
    return subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", code, module], env=env, capture_output=True, text=True, timeout=120
    )


def test_local_settings_are_production_but_for_plain_http_on_loopback(tmp_path: Path) -> None:
    first = settings_of("veche.settings.local", tmp_path)
    assert first.returncode == 0, first.stderr
    values = json.loads(first.stdout)

    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == (tmp_path / "secret_key").read_text()
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]
    assert not values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 0
    assert set(values["ALLOWED_HOSTS"]) == {"localhost", "127.0.0.1", "[::1]"}
    assert values["STORAGE"] == FILESYSTEM and values["boto3"] is False
    again = settings_of("veche.settings.local", tmp_path)
    assert json.loads(again.stdout)["SECRET_KEY"] == values["SECRET_KEY"]


def test_production_without_the_s3_extra_refuses_to_start_on_s3(tmp_path: Path) -> None:
    if importlib.util.find_spec("storages") is not None:
        pytest.skip("django-storages is installed here")
    result = settings_of(
        "veche.settings.prod", tmp_path, SECRET_KEY="k" * 60, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="b"
    )
    assert result.returncode != 0
    assert "pip install 'veche[s3]'" in result.stderr
