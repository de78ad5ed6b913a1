"""Where uploads (photos, files) are kept: this machine's disk, or an S3-compatible bucket."""

from collections.abc import Mapping
from typing import Any

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def media_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """STORAGES["default"] from the environment. MEDIA_STORAGE=s3 needs the `s3` extra
    (`pip install 'veche[s3]'`, django-storages with boto3); nothing is imported here, so an
    installation on disk never loads boto3. Credentials come through boto3's own chain
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role)."""
    kind = environ.get("MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": FILESYSTEM}
    if kind != "s3":
        raise ValueError(f"MEDIA_STORAGE is 'filesystem' or 's3', not {kind!r}.")
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        raise ValueError("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Uploads are public (photos of reports, initiatives, ideas): plain URLs, no signatures.
        "querystring_auth": environ.get("AWS_QUERYSTRING_AUTH", "").lower() in {"1", "true", "yes", "on"},
        # Two uploads with one name never replace each other.
        "file_overwrite": False,
        "location": environ.get("AWS_LOCATION", "media"),
    }
    for option, name in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("custom_domain", "AWS_S3_CUSTOM_DOMAIN"),
        ("default_acl", "AWS_DEFAULT_ACL"),
    ):
        if environ.get(name):
            options[option] = environ[name]
    return {"BACKEND": S3, "OPTIONS": options}
