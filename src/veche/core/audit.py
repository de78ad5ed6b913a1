"""The append-only audit log of staff actions."""

from typing import Any

from django.db import models

from veche.core.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    municipality: Any = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one staff action; call it inside the transaction of the action itself."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        municipality=municipality,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        details=details or {},
    )
