"""The audit trail of administration changes: one ``AuditEntry`` per change, in the same transaction."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from app.extensions import db
from app.models import AuditEntry, User


def plain(value: Any) -> Any:
    """A value the JSON column can hold."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def record(
    actor: User | None, subject_type: str, subject_id: int, action: str, reason: str = "", **details: Any
) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with the change itself)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        reason=reason,
        details=plain(details),
    )
    db.session.add(entry)
    return entry


def changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; return ``{field: [old, new]}`` for the fields that really changed."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [plain(old), plain(new)]
            setattr(obj, name, new)
    return changed
