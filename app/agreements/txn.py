"""What the agreements remember for the length of one database transaction.

- the agreements issued in this transaction, by group, so that the bookings of a series or of a
  group approved together end up in one agreement;
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

_BATCH = "agreements.batch"
_BEFORE_COMMIT = "agreements.before_commit"


def batch() -> dict:
    """Agreements issued in the current transaction, by group key."""
    return db.session.info.setdefault(_BATCH, {})


def before_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` inside the current transaction, just before it commits."""
    db.session.info.setdefault(_BEFORE_COMMIT, []).append(callback)


# Session events fire for savepoints too (the booking engine flushes inside savepoints on
# PostgreSQL): only the outermost transaction counts here.


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


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """The outermost transaction ended (committed or rolled back): nothing carries over."""
    if transaction.parent is None:
        for key in (_BATCH, _BEFORE_COMMIT):
            session.info.pop(key, None)
