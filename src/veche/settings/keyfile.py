"""The secret key of an installation that serves itself (`make run`): made once, kept in a file."""

import os
import secrets
from pathlib import Path


def secret_key_from_file(path: Path) -> str:
    """The key in `path`; when there is none, a new random key written there, readable by its owner
    only (0600). Several processes may start at once (gunicorn's workers, `veche migrate`): each
    writes its candidate to a file of its own and links it into place, so the first link wins and
    every process reads the same key, never a half-written one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(64))
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    key = path.read_text().strip()
    if len(key) < 50:
        raise ValueError(f"{path} holds no usable secret key; remove it to have a new one made.")
    return key
