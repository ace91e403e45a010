"""A test-space request's life: submission, triage by the venue, conversation, withdrawal.

Who may do what:

| action | by | from |
| --- | --- | --- |
| submit | anyone, without an account | — |
| see in the desk | managers of a venue it is visible to; coordinators | any status |
| take under review, decline, accept, write | managers of the venue handling it | open (new, under review, redirected) |
| redirect to another venue | managers of the venue handling it; coordinators | open |
| withdraw, write | the newcomer, through the private link | open |

Every change of status is recorded as an ``AuditEntry`` (who, when, from, to, why) and
sends its email in the same unit of work. Functions here add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, or_, select

from app.core.i18n import gettext as _
from app.core.refusals import Refusal
from app.extensions import db
from app.models import AuditEntry, Theme, User, Venue, utcnow
from app.newcomers import notices
from app.newcomers.models import (
    OPEN_STATUSES,
    MessageAuthor,
    RequestMessage,
    RequestStatus,
    SpaceKind,
    SupportKind,
    TestSpaceRequest,
    request_venues,
)
from app.newcomers.routing import route_request

AUDIT_SUBJECT = "test_space_request"


class WorkflowError(Refusal):
    """The change of a request cannot be made."""

    code = "workflow_refused"


class NotAllowed(PermissionError):
    """This person may not do this to this request (views answer 404: they reveal nothing)."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _record(
    request: TestSpaceRequest,
    actor: User | None,
    action: str,
    before: RequestStatus | None,
    reason: str = "",
    **details,
) -> None:
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            subject_type=AUDIT_SUBJECT,
            subject_id=request.id,
            action=action,
            from_status=before.value if before else None,
            to_status=request.status.value,
            reason=reason,
            details=details,
        )
    )


def history(request: TestSpaceRequest) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == AUDIT_SUBJECT, AuditEntry.subject_id == request.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def _touch(request: TestSpaceRequest, now: datetime) -> None:
    request.last_activity_at = now


def _venue_answered(request: TestSpaceRequest, now: datetime) -> None:
    request.awaiting_venue_since = None
    request.reminded_at = None
    _touch(request, now)


def submit_request(
    *,
    name: str,
    email: str,
    project_title: str,
    project_description: str,
    themes: Sequence[Theme],
    support_kind: SupportKind,
    period_start: date,
    period_end: date,
    retention_days: int,
    phone: str = "",
    organisation_name: str = "",
    space_kind: SpaceKind = SpaceKind.NONE,
    equipment: str = "",
    locale: str = "fr",
    now: datetime | None = None,
) -> TestSpaceRequest:
    """Record a newcomer's request, route it, and write the two emails (newcomer, venue)."""
    if not themes:
        raise WorkflowError(_("Choisissez au moins une thématique."))
    if period_end < period_start:
        raise WorkflowError(_("La fin de la période doit suivre son début."))
    now = now or utcnow()
    routing = route_request(themes, support_kind)
    request = TestSpaceRequest(
        status=RequestStatus.NEW,
        venue=routing.venue,
        name=_one_line(name),
        email=email.strip().lower(),
        phone=_one_line(phone),
        organisation_name=_one_line(organisation_name),
        locale=locale,
        project_title=_one_line(project_title),
        project_description=project_description.strip(),
        support_kind=support_kind,
        space_kind=space_kind,
        equipment=equipment.strip(),
        period_start=period_start,
        period_end=period_end,
        consent_at=now,
        retention_days=retention_days,
        awaiting_venue_since=now,
        last_activity_at=now,
        created_at=now,
    )
    request.themes = list(themes)
    request.visible_to = list(routing.visible_to)
    db.session.add(request)
    db.session.flush()
    _record(request, None, "submitted", None, venue=routing.venue.slug if routing.venue else None)
    notices.request_received(request)
    return request


# --- who may do what ---------------------------------------------------------------------------


def can_view(user: User, request: TestSpaceRequest) -> bool:
    if user.is_coordinator:
        return True
    visible = {venue.id for venue in request.visible_to}
    if request.venue_id is not None:
        visible.add(request.venue_id)
    return any(user.manages(venue_id) for venue_id in visible)


def can_act(user: User, request: TestSpaceRequest) -> bool:
    return request.venue_id is not None and user.manages(request.venue_id)


def can_redirect(user: User, request: TestSpaceRequest) -> bool:
    return can_act(user, request) or user.is_coordinator


def visible_requests(user: User) -> Select:
    """The requests a person sees in the desk, newest first."""
    query = select(TestSpaceRequest).order_by(TestSpaceRequest.created_at.desc(), TestSpaceRequest.id.desc())
    if user.is_coordinator:
        return query
    venue_ids = [venue.id for venue in user.managed_venues]
    seen = select(request_venues.c.request_id).where(request_venues.c.venue_id.in_(venue_ids))
    return query.where(or_(TestSpaceRequest.venue_id.in_(venue_ids), TestSpaceRequest.id.in_(seen)))


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed()


def _require_open(request: TestSpaceRequest) -> None:
    if request.status not in OPEN_STATUSES:
        raise WorkflowError(_("Cette demande est close : elle ne peut plus changer."))


# --- the venue's side --------------------------------------------------------------------------


def take_under_review(request: TestSpaceRequest, actor: User, now: datetime | None = None) -> None:
    _require(can_act(actor, request))
    if request.status not in (RequestStatus.NEW, RequestStatus.REDIRECTED):
        raise WorkflowError(_("Cette demande est déjà à l'étude ou close."))
    now = now or utcnow()
    before, request.status = request.status, RequestStatus.UNDER_REVIEW
    _venue_answered(request, now)
    _record(request, actor, "under_review", before)
    notices.under_review(request)


def decline(request: TestSpaceRequest, actor: User, note: str, now: datetime | None = None) -> None:
    _require(can_act(actor, request))
    _require_open(request)
    note = note.strip()
    if not note:
        raise WorkflowError(_("Expliquez votre décision au porteur de projet."))
    now = now or utcnow()
    before, request.status = request.status, RequestStatus.DECLINED
    request.decided_at = now
    _venue_answered(request, now)
    _record(request, actor, "declined", before, note)
    notices.declined(request, note)


def redirect(request: TestSpaceRequest, actor: User, venue: Venue, note: str, now: datetime | None = None) -> None:
    """Hand the request over to another venue, with a note for the newcomer and that venue."""
    _require(can_redirect(actor, request))
    _require_open(request)
    note = note.strip()
    if not note:
        raise WorkflowError(_("Expliquez pourquoi ce lieu est plus indiqué."))
    if not venue.is_active:
        raise WorkflowError(_("Ce lieu n'accueille pas de demandes."))
    if venue.id == request.venue_id:
        raise WorkflowError(_("La demande est déjà confiée à ce lieu."))
    now = now or utcnow()
    previous = request.venue
    before, request.status = request.status, RequestStatus.REDIRECTED
    request.venue = venue
    if venue not in request.visible_to:
        request.visible_to.append(venue)
    # The new venue owes an answer from now on.
    request.awaiting_venue_since = now
    request.reminded_at = None
    _touch(request, now)
    _record(
        request, actor, "redirected", before, note, from_venue=previous.slug if previous else None, to_venue=venue.slug
    )
    db.session.flush()
    notices.redirected(request, previous, note)


def post_venue_message(request: TestSpaceRequest, actor: User, body: str) -> RequestMessage:
    _require(can_act(actor, request))
    message = _add_message(request, MessageAuthor.VENUE, body, actor)
    _venue_answered(request, message.created_at)
    notices.venue_wrote(request, message.body)
    return message


# --- the newcomer's side -----------------------------------------------------------------------


def post_newcomer_message(request: TestSpaceRequest, body: str) -> RequestMessage:
    message = _add_message(request, MessageAuthor.NEWCOMER, body, None)
    if request.is_open and request.awaiting_venue_since is None:
        request.awaiting_venue_since = message.created_at
    _touch(request, message.created_at)
    notices.newcomer_wrote(request, message.body)
    return message


def withdraw(request: TestSpaceRequest, reason: str = "", now: datetime | None = None) -> None:
    _require_open(request)
    now = now or utcnow()
    before, request.status = request.status, RequestStatus.WITHDRAWN
    request.decided_at = now
    request.awaiting_venue_since = None
    _touch(request, now)
    reason = reason.strip()
    _record(request, None, "withdrawn", before, reason)
    notices.withdrawn(request, reason)


def _add_message(request: TestSpaceRequest, author: MessageAuthor, body: str, actor: User | None) -> RequestMessage:
    if request.status == RequestStatus.WITHDRAWN or request.is_anonymised:
        raise WorkflowError(_("Cette demande est retirée : la conversation est close."))
    body = body.strip()
    if not body:
        raise WorkflowError(_("Écrivez un message."))
    message = RequestMessage(request=request, author=author, author_user=actor, body=body, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    return message
