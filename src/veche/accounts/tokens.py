"""Personal API tokens: `<prefix>.<secret>`, stored as a SHA-256 hash."""

import hashlib
import secrets


def new_token() -> tuple[str, str, str]:
    """Return (token shown once, prefix kept for display, hash kept for lookup)."""
    prefix = secrets.token_hex(4)
    token = f"{prefix}.{secrets.token_urlsafe(32)}"
    return token, prefix, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
