"""Notices written as intents: what to tell, not yet to whom nor in which words. No request here.

A change writes, in its own transaction, one outbox row of an intent's kind (``intent:…``), whose
``text_body`` is JSON: what happened, about which rows, to whom in general ("the requester", "the
venue's managers"). Writing it costs no lookup and no rendering in the request; it is as safe as an
email: it commits with the change, or not at all.

The outbox's senders (``app.notifications.outbox``) claim an intent like a message, then *expand*
it: the feature's expander (registered here with :func:`expander`) reads who the recipients are now,
their digest choices and languages, renders the emails (or lists the partners' webhooks subscribed),
and the new rows are written in one transaction with the intent marked sent. A crash before that
commit leaves the intent to be claimed and expanded again, from the start: nothing is written twice,
and the rows it makes are then sent as any other. An expansion that fails is tried again, then
buried with its error, like a message: the coordinators' outbox page shows it and can retry it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.models.types import utcnow
from app.notifications.mail import deliver_after_commit
from app.notifications.models import MessageStatus, OutboxMessage
from app.notifications.settings import site_domain

PREFIX = "intent:"
Expander = Callable[[Session, dict], list[OutboxMessage]]
_EXPANDERS: dict[str, Expander] = {}
Describer = Callable[[dict], str]
_DESCRIBERS: dict[str, Describer] = {}


def expander(name: str) -> Callable[[Expander], Expander]:
    """Register how the intents of kind ``intent:<name>`` become messages: a function of the sender's
    session and the intent's JSON, returning the rows to write (not added: the outbox adds them)."""

    def register(function: Expander) -> Expander:
        _EXPANDERS[name] = function
        return function

    return register


def describer(name: str) -> Callable[[Describer], Describer]:
    """Register how an intent of kind ``intent:<name>`` is named to the coordinators (their outbox
    page): a function of its JSON returning words in the reader's language."""

    def register(function: Describer) -> Describer:
        _DESCRIBERS[name] = function
        return function

    return register


def describe(row: OutboxMessage) -> str:
    """What an outbox row is about, in the reader's language for an intent whose feature says it
    (its subject otherwise: an email's own subject, or an intent's summary)."""
    function = _DESCRIBERS.get(row.kind.removeprefix(PREFIX)) if is_intent(row.kind) else None
    if function is None:
        return row.subject
    try:
        return function(json.loads(row.text_body))
    except (ValueError, KeyError):  # JSON written by an older version, without what it names: its summary
        return row.subject


def is_intent(kind: str) -> bool:
    return kind.startswith(PREFIX)


def write(
    name: str, payload: dict, summary: str, now: datetime | None = None, *, at_commit: bool = False
) -> OutboxMessage:
    """One intent in the current transaction (the caller commits). ``at_commit``: added to the
    session just before the commit, so that it goes in the same INSERT as the transaction's other
    outbox rows (written then too) rather than in a flush of its own on the way."""
    now = now or utcnow()
    row = OutboxMessage(
        message_id=f"<{secrets.token_hex(16)}@{site_domain()}>",
        kind=PREFIX + name,
        to_address="",
        locale="fr",
        subject=summary[:500],
        text_body=json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
        html_body=None,
        status=MessageStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
    )
    if at_commit:
        db.session.info.setdefault(_AT_COMMIT, []).append(row)
    else:
        db.session.add(row)
    deliver_after_commit(row.message_id)
    return row


_AT_COMMIT = "notifications.intents_at_commit"


@event.listens_for(Session, "before_commit")
def _add_at_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint is released, not the transaction committed
        return
    session.add_all(session.info.pop(_AT_COMMIT, []))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_AT_COMMIT, None)


def expand(session: Session, row: OutboxMessage) -> list[OutboxMessage]:
    """The rows an intent stands for, as of now (in ``session``'s transaction)."""
    name = row.kind.removeprefix(PREFIX)
    if name not in _EXPANDERS:
        raise LookupError(f"no expander for {row.kind}")
    made = _EXPANDERS[name](session, json.loads(row.text_body))
    for message in made:
        # due since the change that caused it: the pass that expands it sends it too
        message.created_at = row.created_at
        message.next_attempt_at = row.created_at
    return made
