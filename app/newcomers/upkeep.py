"""Scheduled upkeep of the requests (run by cron through ``flask newcomers remind`` and ``purge``).

- Reminders: a venue that owes an answer for more than ``NEWCOMER_REMINDER_DAYS`` days gets an
  email, then another every ``NEWCOMER_REMINDER_DAYS`` days while it still owes one.
- Purge: a request without follow-up for longer than the retention period stated to the
  newcomer when they consented (counted from the last message or change, and never before the
  end of the period they asked for) is anonymised. What the activity reports need stays: dates,
  themes, venues, status, kinds of support and space, the test space. Everything that says who
  the newcomer is or what they wrote goes, messages included, and every link sent dies; so does an
  account prepared on acceptance that the newcomer never opened.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select, update

from app.core.clock import PARIS
from app.extensions import db
from app.models import Audience, AuditEntry, utcnow
from app.newcomers import notices
from app.newcomers.acceptance import account_pending
from app.newcomers.models import OPEN_STATUSES, TestSpaceRequest, new_link_nonce
from app.newcomers.workflow import AUDIT_SUBJECT, _record
from app.notifications.reminders import reminder


@reminder("newcomer_request")
def _remind_venues(now: datetime) -> int:
    return len(send_reminders(now))


def send_reminders(now: datetime | None = None) -> list[TestSpaceRequest]:
    """Remind venues of the requests that wait for their answer; returns the requests reminded."""
    now = now or utcnow()
    days = current_app.config["NEWCOMER_REMINDER_DAYS"]
    due = now - timedelta(days=days)
    waiting = db.session.scalars(
        select(TestSpaceRequest)
        .where(
            TestSpaceRequest.status.in_(OPEN_STATUSES),
            TestSpaceRequest.venue_id.is_not(None),
            TestSpaceRequest.anonymised_at.is_(None),
            TestSpaceRequest.awaiting_venue_since <= due,
            (TestSpaceRequest.reminded_at.is_(None)) | (TestSpaceRequest.reminded_at <= due),
        )
        .order_by(TestSpaceRequest.awaiting_venue_since)
    ).all()
    for request in waiting:
        waited = (now - request.awaiting_venue_since).days
        notices.reminder(request, waited)
        request.reminded_at = now
    db.session.flush()
    return list(waiting)


def purge_due(request: TestSpaceRequest, now: datetime) -> bool:
    """True when the request has gone without follow-up for longer than its retention period."""
    if request.is_anonymised:
        return False
    end_of_period = datetime.combine(request.period_end + timedelta(days=1), time(0), PARIS)
    since = max(request.last_activity_at, end_of_period)
    return now - since > timedelta(days=request.retention_days)


def _anonymise_unopened_account(request: TestSpaceRequest) -> None:
    """The account prepared on acceptance and never opened holds the same personal data: it goes
    too (kept as an empty, inactive row, since bookings may point at it)."""
    user = request.user
    if not account_pending(user) or request.account_created_at is not None:
        return
    user.active = False
    user.name = ""
    user.email = f"anonymised-{user.id}@invalid"
    user.phone = ""
    organisation = user.organisation
    if organisation is not None and organisation.audience == Audience.NEWCOMER and organisation.members == [user]:
        organisation.name = ""
        organisation.email = ""
        organisation.phone = ""


def anonymise(request: TestSpaceRequest, now: datetime | None = None) -> None:
    now = now or utcnow()
    _anonymise_unopened_account(request)
    request.name = ""
    request.email = ""
    request.phone = ""
    request.organisation_name = ""
    request.project_title = ""
    request.project_description = ""
    request.equipment = ""
    request.user = None
    request.organisation = None
    request.link_nonce = new_link_nonce()  # every private link and invitation sent dies
    request.awaiting_venue_since = None
    request.messages.clear()
    request.anonymised_at = now
    # Notes written on status changes may name the person: keep the changes, drop the words.
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.subject_type == AUDIT_SUBJECT, AuditEntry.subject_id == request.id)
        .values(reason="")
    )
    _record(request, None, "anonymised", request.status)
    db.session.flush()


def purge(now: datetime | None = None) -> list[TestSpaceRequest]:
    """Anonymise every request past its retention period; returns them."""
    now = now or utcnow()
    shortest = db.session.scalar(
        select(TestSpaceRequest.retention_days)
        .where(TestSpaceRequest.anonymised_at.is_(None))
        .order_by(TestSpaceRequest.retention_days)
        .limit(1)
    )
    if shortest is None:
        return []
    candidates = db.session.scalars(
        select(TestSpaceRequest)
        .where(
            TestSpaceRequest.anonymised_at.is_(None),
            TestSpaceRequest.last_activity_at < now - timedelta(days=shortest),
        )
        .order_by(TestSpaceRequest.id)
    ).all()
    purged = [request for request in candidates if purge_due(request, now)]
    for request in purged:
        anonymise(request, now)
    return purged
