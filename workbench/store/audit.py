"""Audit log and safe changes: every change recorded, no silent overwrite.

Services change records through these helpers, inside one ``session_scope()``:

    with session_scope() as s:
        report = update_record(s, Report, report_id, expected_version=seen_version,
                               changes={"status": "dispatched"}, who="platform_03", action="dispatch")

``update_record`` refuses with ``StaleRecordError`` when the record changed
since the user read it (``expected_version``), and writes one audit row with
the changed fields before and after, in the same transaction as the change.
The audit log itself is append-only: the ORM refuses to update or delete it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from workbench.errors import InputError, WorkbenchError
from workbench.store.db import StaleRecordError
from workbench.store.models import AuditLog

__all__ = ["audit", "snapshot", "update_record", "create_record", "AuditLogError"]


class AuditLogError(WorkbenchError):
    """Someone tried to change or delete an audit record."""


def audit(
    session: Any,
    who: str,
    action: str,
    entity: str,
    entity_id: Any = None,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> AuditLog:
    """Append one audit row (flushed with the session's transaction)."""
    if not who:
        raise InputError("who", "every change needs the name of the person making it")
    row = AuditLog(
        at=at or dt.datetime.now().replace(microsecond=0),
        who=who,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=_json_safe(before),
        after=_json_safe(after),
        note=note,
    )
    session.add(row)
    return row


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """The record's column values as JSON-safe data (for before/after)."""
    names = fields or [c.key for c in obj.__table__.columns]
    return {name: _json_safe(getattr(obj, name)) for name in names}


def create_record(session: Any, obj: Any, who: str, action: str = "create", note: str | None = None) -> Any:
    session.add(obj)
    session.flush()
    audit(session, who, action, obj.__tablename__, _key(obj), None, snapshot(obj), note)
    return obj


def update_record(
    session: Any,
    model: type,
    record_id: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    who: str,
    action: str = "update",
    note: str | None = None,
) -> Any:
    """Apply ``changes`` to one record if it is still at ``expected_version``; audit it.

    ``expected_version`` None skips the check (system jobs only). Unknown
    fields are refused. Returns the updated record (its new ``version``).
    """
    obj = session.get(model, record_id)
    entity = model.__tablename__
    if obj is None:
        if expected_version is not None:
            raise StaleRecordError(entity, record_id, expected_version, None)
        raise InputError("id", f"no {entity} with id {record_id}")
    if expected_version is not None and obj.version != expected_version:
        raise StaleRecordError(entity, _key(obj), expected_version, obj.version)
    columns = {c.key for c in model.__table__.columns}
    unknown = sorted(set(changes) - columns)
    if unknown:
        raise InputError(unknown[0], f"{entity} has no field {unknown[0]!r}")
    if {"id", "version"} & set(changes):
        raise InputError("version", "id and version are kept by the store, not changed by hand")
    changed = {k: v for k, v in changes.items() if _json_safe(getattr(obj, k)) != _json_safe(v)}
    if not changed:
        return obj
    before = {k: _json_safe(getattr(obj, k)) for k in changed}
    for key, value in changed.items():
        setattr(obj, key, value)
    if "updated_at" in columns and "updated_at" not in changed:
        obj.updated_at = dt.datetime.now().replace(microsecond=0)
    session.flush()  # the UPDATE checks the version again: a writer in between fails here
    audit(session, who, action, entity, _key(obj), before, {k: _json_safe(getattr(obj, k)) for k in changed}, note)
    return obj


def _key(obj: Any) -> Any:
    return getattr(obj, "number", None) or getattr(obj, "code", None) or getattr(obj, "id", None)


def _json_safe(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


@event.listens_for(OrmSession, "before_flush")
def _audit_log_is_append_only(session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogError("the audit log is append-only: its records cannot be changed or deleted")
