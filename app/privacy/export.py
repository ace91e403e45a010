"""Access and portability (RGPD art. 15 and 20): everything the service holds about one account, as
plain JSON values (times in Paris, with their offset). No request here: the pages show it and give it
to download (``app.privacy.views``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_, select

from app.agreements.models import Agreement
from app.core.clock import to_paris
from app.documentation.models import DocumentFile, GuideVersion, Project, Tool
from app.extensions import db
from app.models import (
    AuditEntry,
    Booking,
    Qualification,
    User,
    WaitlistEntry,
    utcnow,
)
from app.newcomers.models import TestSpaceRequest
from app.notifications.models import OutboxMessage

# The audit entries about an account itself (asked for erasure, erased) carry this subject.
AUDIT_SUBJECT = "user"


def _moment(value: datetime | None) -> str | None:
    return to_paris(value).isoformat() if value is not None else None


def personal_data(user: User) -> dict[str, Any]:
    """Everything the service holds about ``user``, as JSON values (times in Paris, with offset)."""
    bookings = db.session.scalars(
        select(Booking).where(Booking.requester_id == user.id).order_by(Booking.starts_at, Booking.id)
    ).all()
    booking_ids = [booking.id for booking in bookings]
    organisation = user.organisation
    return {
        "generated_at": _moment(utcnow()),
        "profile": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "language": user.locale,
            "coordinator": user.is_coordinator,
            "email_confirmed": user.email_confirmed,
            "created_at": _moment(user.created_at),
            "last_login_at": _moment(user.last_login_at),
            "daily_digest": user.daily_digest,
            "calendar_feed_enabled": user.calendar_token is not None,
            "erasure_requested_at": _moment(user.erasure_requested_at),
        },
        "organisation": organisation.as_party() if organisation is not None else None,
        "memberships": [
            {"venue": membership.venue.name, "role": membership.role.value, "since": _moment(membership.created_at)}
            for membership in user.memberships
        ],
        "qualifications": [
            {
                "resource": qualification.resource.name,
                "granted_at": _moment(qualification.granted_at),
                "expires_at": _moment(qualification.expires_at),
                "revoked_at": _moment(qualification.revoked_at),
                "note": qualification.note,
            }
            for qualification in db.session.scalars(
                select(Qualification).where(Qualification.user_id == user.id).order_by(Qualification.granted_at)
            )
        ],
        "bookings": [
            {
                "id": booking.id,
                "resource": booking.resource.name,
                "venue": booking.resource.venue.name,
                "starts_at": _moment(booking.starts_at),
                "ends_at": _moment(booking.ends_at),
                "status": booking.status.value,
                "quantity": booking.quantity,
                "attendees": booking.attendees,
                "purpose": booking.purpose,
                "price_cents": booking.price_cents,
                "deposit_cents": booking.deposit_cents,
                "payment_status": booking.payment_status.value,
                "decision_note": booking.decision_note,
                "created_at": _moment(booking.created_at),
            }
            for booking in bookings
        ],
        "waitlist": [
            {
                "resource": entry.resource.name,
                "starts_at": _moment(entry.starts_at),
                "ends_at": _moment(entry.ends_at),
                "quantity": entry.quantity,
                "status": entry.status.value,
                "created_at": _moment(entry.created_at),
            }
            for entry in db.session.scalars(
                select(WaitlistEntry).where(WaitlistEntry.user_id == user.id).order_by(WaitlistEntry.created_at)
            )
        ],
        "agreements": [
            {
                "number": agreement.number,
                "version": agreement.version,
                "status": agreement.status.value,
                "venue": agreement.venue.name,
                "issued_at": _moment(agreement.issued_at),
                "accepted_at": _moment(agreement.accepted_at),
                "accepted_name": agreement.accepted_name,
                "accepted_ip": agreement.accepted_ip,
                "sealed_at": _moment(agreement.sealed_at),
                "document_sha256": agreement.final_sha256 or agreement.sha256,
            }
            for agreement in db.session.scalars(
                select(Agreement)
                .where(Agreement.borrower_id == user.id)
                .order_by(Agreement.issued_at, Agreement.number, Agreement.version)
            )
        ],
        "test_space_requests": [
            {
                "project_title": request.project_title,
                "project_description": request.project_description,
                "status": request.status.value,
                "period": [request.period_start.isoformat(), request.period_end.isoformat()],
                "created_at": _moment(request.created_at),
                "consent_at": _moment(request.consent_at),
                "retention_days": request.retention_days,
                "messages": [
                    {"author": message.author.value, "body": message.body, "at": _moment(message.created_at)}
                    for message in request.messages
                ],
            }
            for request in newcomer_requests(user)
        ],
        "projects": [
            {
                "id": project.id,
                "title": project.title,
                "summary": project.summary,
                "text": project.body,
                "licence": project.licence.value,
                "status": project.status.value,
                "resources": [resource.name for resource in project.resources],
                "venues": [venue.name for venue in project.venues],
                "created_at": _moment(project.created_at),
                "moderated_at": _moment(project.moderated_at),
                "moderation_note": project.moderation_note,
            }
            for project in db.session.scalars(
                select(Project).where(Project.author_id == user.id).order_by(Project.created_at, Project.id)
            )
        ],
        "guide_versions_written": [
            {
                "guide": version.guide_id,
                "version": version.number,
                "title": version.title,
                "note": version.note,
                "created_at": _moment(version.created_at),
            }
            for version in db.session.scalars(
                select(GuideVersion).where(GuideVersion.author_id == user.id).order_by(GuideVersion.created_at)
            )
        ],
        "tools_shared": [
            {"id": tool.id, "title": tool.title, "venue": tool.venue.name, "created_at": _moment(tool.created_at)}
            for tool in db.session.scalars(
                select(Tool).where(Tool.created_by_id == user.id).order_by(Tool.created_at, Tool.id)
            )
        ],
        "files_uploaded": [
            {
                "name": row.original_name,
                "type": row.content_type,
                "size_bytes": row.size_bytes,
                "description": row.description,
                "created_at": _moment(row.created_at),
            }
            for row in db.session.scalars(
                select(DocumentFile).where(DocumentFile.uploaded_by_id == user.id).order_by(DocumentFile.id)
            )
        ],
        "emails": [
            {
                "created_at": _moment(message.created_at),
                "sent_at": _moment(message.sent_at),
                "status": message.status.value,
                "to": message.to_address,
                "subject": message.subject,
                "text": message.text_body,
            }
            for message in db.session.scalars(
                select(OutboxMessage)
                .where(or_(OutboxMessage.recipient_id == user.id, OutboxMessage.to_address == user.email))
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        ],
        "audit": [
            {
                "at": _moment(entry.at),
                "by_you": entry.actor_id == user.id,
                "subject": f"{entry.subject_type} {entry.subject_id}",
                "action": entry.action,
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "reason": entry.reason,
            }
            for entry in db.session.scalars(
                select(AuditEntry)
                .where(
                    or_(
                        AuditEntry.actor_id == user.id,
                        sa.and_(AuditEntry.subject_type == AUDIT_SUBJECT, AuditEntry.subject_id == user.id),
                        sa.and_(AuditEntry.subject_type == "booking", AuditEntry.subject_id.in_(booking_ids)),
                    )
                )
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ],
    }


def newcomer_requests(user: User) -> list[TestSpaceRequest]:
    return list(
        db.session.scalars(
            select(TestSpaceRequest)
            .where(or_(TestSpaceRequest.user_id == user.id, TestSpaceRequest.email == user.email))
            .where(TestSpaceRequest.anonymised_at.is_(None))
            .order_by(TestSpaceRequest.created_at)
        )
    )
