"""The audit trail's rows of one transaction, written together: one ``INSERT`` for all of them.

An ``AuditEntry`` is written once and never read back by the code that adds it; the ORM would
insert each one on its own (on SQLite it cannot insert several rows with their ids in one
statement), at every autoflush that happens to come after it. So a flush sets the new entries
aside (they leave the session), and they are inserted together:

- when the transaction commits (entries added by the commit's own hooks are inserted by the
  commit's flush);
- before any statement about the trail in the meantime (whose first entity is ``AuditEntry``:
  ``select(AuditEntry)``, a count of them, an update), so that the transaction still sees its
  own trail. (A query that only joins the trail after another entity, or reads it in a subquery,
  sees the entries of the transaction once it commits: the pages that do so read committed data.)

A rollback drops them with the rest; a savepoint rolled back drops those set aside within it.
Entries are inserted in the order they were added, with the values they had then.
"""

from __future__ import annotations

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app.models.bookings import AuditEntry
from app.models.types import utcnow

_HELD = "audit.held"  # entries set aside, in the order they were added
_MARKS = "audit.marks"  # for each open savepoint: how many entries were held when it began
_COMMITTING = "audit.committing"
_TABLE = AuditEntry.__table__
_MAPPER = inspect(AuditEntry)
_FIELDS = [column.key for column in _TABLE.columns if column.key != "id"]


def _row(entry: AuditEntry) -> dict:
    row = {name: getattr(entry, name) for name in _FIELDS}
    actor = entry.__dict__.get("actor")
    if row["actor_id"] is None and actor is not None:
        row["actor_id"] = actor.id
    if row["at"] is None:
        row["at"] = utcnow()
    if row["reason"] is None:
        row["reason"] = ""
    if row["details"] is None:
        row["details"] = {}
    return row


def write_held(session: Session) -> None:
    """Insert the entries set aside, in one statement."""
    held = session.info.pop(_HELD, None)
    if held:
        session.connection().execute(insert(_TABLE), [_row(entry) for entry in held])


def _set_aside(session: Session) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if new:
        new.sort(key=lambda entry: inspect(entry).insert_order)
        for entry in new:
            session.expunge(entry)
        session.info.setdefault(_HELD, []).extend(new)


@event.listens_for(Session, "before_flush")
def _at_flush(session: Session, _context, _instances) -> None:
    _set_aside(session)
    if session.info.get(_COMMITTING):
        write_held(session)


@event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info[_COMMITTING] = True
    session.flush()  # the entries still in the session join those set aside
    write_held(session)


def _about_the_trail(state: ORMExecuteState) -> bool:
    """Whether a statement is about the audit trail: its first entity is ``AuditEntry`` (its rows,
    columns or count; an UPDATE or DELETE of them)."""
    subject = state.statement._propagate_attrs.get("plugin_subject")
    return subject is not None and subject.mapper is _MAPPER


@event.listens_for(Session, "do_orm_execute")
def _write_before_reading(state: ORMExecuteState) -> None:
    """A statement about the audit trail sees (or changes) the entries of this transaction."""
    if not _about_the_trail(state):
        return
    session = state.session
    if session.autoflush:  # (what the autoflush that follows would have inserted)
        _set_aside(session)
    write_held(session)


@event.listens_for(Session, "after_transaction_create")
def _mark(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_HELD, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_HELD, None)
        return
    mark = session.info.get(_MARKS, {}).get(previous)
    held = session.info.get(_HELD)
    if mark is not None and held is not None:
        del held[mark:]


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    session.info.get(_MARKS, {}).pop(transaction, None)
    if transaction.parent is None:
        for key in (_HELD, _MARKS, _COMMITTING):
            session.info.pop(key, None)
