"""`veche backup` and `veche restore`: the whole database and the media files in one .tar.gz.

The archive holds, in this order:
- manifest.json: format, Veche version, applied migrations, rows per model, creation time;
- data.jsonl: every row of every model (Django's JSON Lines serialisation, one object a line),
  foreign keys to content types and permissions by natural key, everything else by id;
- media/<name>: every file of the default storage.
Content types and permissions are not stored: `migrate` creates them in the target, and rows that
name them name them by natural key. Sessions are not stored (people sign in again)."""

import importlib.metadata
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA = "media/"
# Models that `migrate` fills in the target; rows elsewhere name them by natural key.
NOT_STORED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
NATURAL = (ContentType, Permission)
# A progress line after every so many rows of one model.
PROGRESS_EVERY = 10_000

Progress = Callable[[str], None]


class Refused(Exception):
    """The restore would not be safe, or the archive cannot be read; nothing was changed."""


def _quiet(message: str) -> None:
    pass


def stored_models() -> list[type[Model]]:
    """Every concrete model the archive holds, in the order of INSTALLED_APPS."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in NOT_STORED
    ]


class _ExactEncoder(DjangoJSONEncoder):
    """Datetimes and times with their microseconds (Django's encoder cuts them to milliseconds,
    and a restore must give back what was stored)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class _Serializer(jsonl.Serializer):
    """Django's JSON Lines with natural keys only towards content types and permissions, which
    `migrate` numbers differently in each database; every other key stays an id, so that loading
    needs no look-up per row."""

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        model = field.remote_field.model
        if model is ContentType:
            pk = getattr(obj, field.attname)
            natural = None if pk is None else ContentType.objects.get_for_id(pk).natural_key()
            self._current[field.name] = natural  # type: ignore[attr-defined]
            return
        self.use_natural_foreign_keys = model in NATURAL
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL
        super().handle_m2m_field(obj, field)


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    executor = MigrationExecutor(connections[using])
    return sorted([app, name] for app, name in executor.recorder.applied_migrations())


def _media_names(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(dirs):
        yield from _media_names(storage, f"{directory}/{sub}" if directory else sub)


def veche_version() -> str:
    try:
        return importlib.metadata.version("veche")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def backup_create(*, path: str, progress: Progress = _quiet, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the archive to `path` and return its manifest. Rows go through a temporary file, a
    chunk at a time, so memory does not grow with the database; one transaction (a snapshot on
    PostgreSQL) reads them, so rows and counts agree."""
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile("w+b") as data:
        text = io.TextIOWrapper(data, encoding="utf-8", newline="\n")
        outermost = not connections[using].in_atomic_block
        with transaction.atomic(using=using):
            if outermost and connections[using].vendor == "postgresql":
                with connections[using].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for model in stored_models():
                label = model._meta.label
                query = model._base_manager.using(using).order_by("pk")
                rows = _counted(query.iterator(chunk_size=2000), label, progress)
                _Serializer().serialize(rows, stream=text, cls=_ExactEncoder)
                counts[label] = rows.count
                if rows.count:
                    progress(f"{label}: {rows.count}")
            migrations = applied_migrations(using)
        text.flush()
        media = list(_media_names(default_storage))
        manifest = {
            "format": FORMAT,
            "veche_version": veche_version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": connections[using].vendor,
            "migrations": migrations,
            "counts": counts,
            "media_files": len(media),
        }
        partial = f"{path}.partial"
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            _add(archive, MANIFEST, io.BytesIO(body), len(body))
            size = data.seek(0, os.SEEK_END)
            data.seek(0)
            _add(archive, DATA, data, size)
            for number, name in enumerate(media, 1):
                with default_storage.open(name, "rb") as file:
                    _add(archive, MEDIA + name, file, default_storage.size(name))
                if number % 1000 == 0:
                    progress(f"media: {number} of {len(media)} files")
        os.replace(partial, path)
    progress(f"media: {len(media)} files")
    return manifest


class _counted:
    """Rows of one model, counted as they pass, with a progress line now and then."""

    def __init__(self, rows: Iterable[Model], label: str, progress: Progress) -> None:
        self.rows, self.label, self.progress, self.count = rows, label, progress, 0

    def __iter__(self) -> Iterator[Model]:
        for row in self.rows:
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                self.progress(f"{self.label}: {self.count}…")
            yield row


def _add(archive: tarfile.TarFile, name: str, file: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o644
    archive.addfile(info, file)


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    file = archive.extractfile(name)
    if file is None:
        raise Refused(f"{name} is not a file in the archive")
    return file


# Restore ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    manifest: dict[str, Any]
    media: list[str]


def archive_read(path: str) -> Archive:
    """Read the whole archive once (so a truncated or corrupt one is refused before anything
    changes) and return its manifest and media names."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()
            names = [member.name for member in members]
            if names[:2] != [MANIFEST, DATA]:
                raise Refused(f"{path} is not a Veche backup: it does not start with {MANIFEST} and {DATA}")
            manifest = json.load(_member(archive, MANIFEST))
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError, KeyError) as exc:
        raise Refused(f"{path} cannot be read as a backup ({type(exc).__name__}: {exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Refused(f"{path}: unknown backup format {manifest.get('format')!r}, expected {FORMAT}")
    for key in ("migrations", "counts"):
        if key not in manifest:
            raise Refused(f"{path}: the manifest has no {key!r}")
    media = []
    for member in members[2:]:
        name = member.name
        relative = PurePosixPath(name[len(MEDIA):])
        safe = not relative.is_absolute() and ".." not in relative.parts
        if not name.startswith(MEDIA) or not member.isfile() or not safe:
            raise Refused(f"{path}: unexpected member {name!r}")
        media.append(name)
    return Archive(manifest=manifest, media=media)


def migrations_ahead(manifest: dict[str, Any]) -> list[str]:
    """Migrations the archive's database had that this code does not know."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]


def rows_stored(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {model._meta.label: model._base_manager.using(using).count() for model in stored_models()}


def database_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    return not any(model._base_manager.using(using).exists() for model in stored_models())


def database_empty_out(using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete every stored row (content types, permissions and migrations stay)."""
    connection = connections[using]
    tables = []
    for model in stored_models():
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.append(through._meta.db_table)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with foreign-key checks still pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def backup_restore(
    *, path: str, force: bool = False, progress: Progress = _quiet, using: str = DEFAULT_DB_ALIAS
) -> dict[str, int]:
    """Load the archive into the database in one transaction; return the rows per model.

    Refuses (Refused, nothing changed) a broken archive, one whose migrations this code does not
    have, and a database that holds rows unless `force` (which deletes them first)."""
    archive = archive_read(path)
    ahead = migrations_ahead(archive.manifest)
    if ahead:
        raise Refused(
            "the backup comes from a newer Veche (migrations this code does not have: "
            + ", ".join(ahead[:5])
            + (", …" if len(ahead) > 5 else "")
            + "); restore it with that version"
        )
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        progress("migrating the database first")
        call_command("migrate", database=using, interactive=False, verbosity=0)
    if not database_empty(using) and not force:
        raise Refused(
            "the database already holds data; restore into an empty database, or pass --force to replace it"
        )
    expected: dict[str, int] = archive.manifest["counts"]
    by_label = {model._meta.label: model for model in stored_models()}
    unknown = sorted(set(expected) - set(by_label))
    if unknown:
        raise Refused(f"the backup holds models this code does not have: {', '.join(unknown)}")
    try:
        return _restore_in_transaction(path, archive, expected, by_label, force, progress, using)
    except (DeserializationError, DatabaseError, ValueError) as exc:
        # The transaction was rolled back: the database is as it was.
        raise Refused(f"loading failed, nothing was changed ({type(exc).__name__}: {exc})") from exc


def _restore_in_transaction(
    path: str,
    archive: Archive,
    expected: dict[str, int],
    by_label: dict[str, type[Model]],
    force: bool,
    progress: Progress,
    using: str,
) -> dict[str, int]:
    connection = connections[using]
    with transaction.atomic(using=using):
        if force:
            database_empty_out(using)
        loaded = _load(path, progress, using)
        connection.check_constraints(table_names=[by_label[label]._meta.db_table for label in loaded])
        models = [by_label[label] for label in expected]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        counts = {label: n for label, n in rows_stored(using).items() if label in expected}
        differ = {label: (n, counts.get(label)) for label, n in expected.items() if counts.get(label) != n}
        if differ:
            raise Refused(f"rows after loading differ from the manifest (expected, found): {differ}")
        _restore_media(path, archive.media, progress)
    return counts


def _load(path: str, progress: Progress, using: str) -> dict[str, int]:
    """Insert the rows of data.jsonl a batch at a time, as they are (raw: no save(), no signals,
    timestamps kept); many-to-many links after their rows."""
    loaded: dict[str, int] = {}
    batch: list[Model] = []
    links: list[tuple[Model, dict[str, list[Any]]]] = []

    def flush() -> None:
        if not batch:
            return
        model = type(batch[0])
        fields = model._meta.local_concrete_fields
        model._base_manager.using(using)._insert(batch, fields=fields, using=using, raw=True)  # type: ignore[attr-defined]
        label = model._meta.label
        loaded[label] = loaded.get(label, 0) + len(batch)
        if loaded[label] % PROGRESS_EVERY < len(batch):
            progress(f"{label}: {loaded[label]}…")
        for obj, m2m in links:
            for name, values in m2m.items():
                getattr(obj, name).set(values)
        batch.clear()
        links.clear()

    try:
        with tarfile.open(path, "r:gz") as archive:
            lines = io.TextIOWrapper(_member(archive, DATA), encoding="utf-8")
            for deserialized in jsonl.Deserializer(lines, using=using, handle_forward_references=False):
                obj = deserialized.object
                if batch and (type(obj) is not type(batch[0]) or len(batch) >= 500):
                    flush()
                batch.append(obj)
                if deserialized.m2m_data:
                    links.append((obj, deserialized.m2m_data))
            flush()
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise Refused(f"{path} cannot be read as a backup ({type(exc).__name__}: {exc})") from None
    for label, n in loaded.items():
        progress(f"{label}: {n}")
    return loaded


def _restore_media(path: str, names: list[str], progress: Progress) -> None:
    with tarfile.open(path, "r:gz") as archive:
        for number, member in enumerate(names, 1):
            name = member[len(MEDIA):]
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, File(_member(archive, member), name=name))
            if saved != name:
                raise Refused(f"media file {name!r} was stored as {saved!r}")
            if number % 1000 == 0:
                progress(f"media: {number} of {len(names)} files")
    progress(f"media: {len(names)} files")
