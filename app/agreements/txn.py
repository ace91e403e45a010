"""What the agreements remember for the length of one database transaction.

- the agreements issued in this transaction, by group, so that the bookings of a series or of a
  group approved together end up in one agreement;
- the bookings inserted in this transaction, which cannot have an agreement yet (no need to look);
- work to do just before the commit, when the transaction's changes are all made (deciding which
  emails still make sense: a version issued and replaced within one transaction announces nothing),
  dropped on rollback.

They live in ``Session.info`` and are cleared when the transaction ends.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Booking

_BATCH = "agreements.batch"
_BEFORE_COMMIT = "agreements.before_commit"
_INSERTED = "agreements.inserted_bookings"


def batch() -> dict:
    """Agreements issued in the current transaction, by group key."""
    return db.session.info.setdefault(_BATCH, {})


def inserted_in_this_transaction(booking: Booking) -> bool:
    """Whether ``booking`` was inserted by the current transaction (it has no agreement before)."""
    return booking.id is not None and booking.id in db.session.info.get(_INSERTED, ())


def before_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` inside the current transaction, just before it commits."""
    db.session.info.setdefault(_BEFORE_COMMIT, []).append(callback)


# Session events fire for savepoints too (the booking engine flushes inside savepoints on
# PostgreSQL): only the outermost transaction counts here.


@event.listens_for(Session, "after_flush")
def _remember_inserted(session: Session, _context) -> None:
    inserted = [obj.id for obj in session.new if isinstance(obj, Booking)]
    if inserted:
        session.info.setdefault(_INSERTED, set()).update(inserted)


@event.listens_for(Session, "before_commit")
def _run_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for callback in session.info.pop(_BEFORE_COMMIT, []):
        callback()


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_BATCH, None)
    session.info.pop(_INSERTED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """The outermost transaction ended (committed or rolled back): nothing carries over."""
    if transaction.parent is None:
        for key in (_BATCH, _BEFORE_COMMIT, _INSERTED):
            session.info.pop(key, None)
