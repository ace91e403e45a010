"""The path to a training: a member refused for lack of qualification asks for one.

The refusal (codes ``qualification_required`` and ``qualification_expired``) shows the venue's
upcoming training sessions for the machine (:func:`upcoming_training_sessions`) and offers
"demander une formation" (:func:`ask_for_training`): the venue's managers are emailed through the
outbox and see the request on their desk until one of them marks it handled (usually after
granting the qualification). No request here; nothing commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from app.bookings.service import Code, Reason, Refusal
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.fairuse.models import TrainingRequest
from app.manage import permissions
from app.models import Resource, ResourceKind, User, utcnow
from app.notifications.compose import notify, venue_staff
from app.notifications.links import absolute_url

# The refusals after which a training is the way forward.
TRAINING_CODES = frozenset({Code.QUALIFICATION_REQUIRED, Code.QUALIFICATION_EXPIRED})

# Where the events feature plugs in: a function (resource, now) -> the upcoming training sessions of
# the resource (objects with ``title``, ``starts_at``, ``ends_at`` and ``url``), soonest first.
_session_finders: list[Callable[[Resource, datetime], list[Any]]] = []


def register_training_sessions(finder: Callable[[Resource, datetime], list[Any]]) -> None:
    """For the events feature: how to find a resource's upcoming training sessions."""
    _session_finders.append(finder)


def upcoming_training_sessions(resource: Resource, now: datetime | None = None) -> list[Any]:
    """The upcoming training sessions that qualify for this machine, soonest first; [] until the
    events feature registers how to find them (:func:`register_training_sessions`)."""
    now = now or utcnow()
    sessions: list[Any] = []
    for finder in _session_finders:
        sessions.extend(finder(resource, now))
    return sorted(sessions, key=lambda session: session.starts_at)


def needs_training(codes: list[str]) -> bool:
    return any(code in TRAINING_CODES for code in codes)


def open_request(user: User, resource: Resource) -> TrainingRequest | None:
    return db.session.scalar(
        select(TrainingRequest).where(
            TrainingRequest.user_id == user.id,
            TrainingRequest.resource_id == resource.id,
            TrainingRequest.handled_at.is_(None),
        )
    )


def ask_for_training(user: User, resource: Resource, message: str = "", now: datetime | None = None) -> TrainingRequest:
    """Record the member's request and email the venue's managers; asking again while a request is
    open returns it unchanged (no second email)."""
    if resource.kind != ResourceKind.MACHINE or not resource.requires_training:
        raise Refusal(Reason(Code.NOT_ALLOWED, _l("Cette ressource ne demande pas de formation.")))
    existing = open_request(user, resource)
    if existing is not None:
        return existing
    now = now or utcnow()
    request = TrainingRequest(resource=resource, user=user, message=" ".join(message.split())[:1000], created_at=now)
    db.session.add(request)
    db.session.flush()
    for staff in venue_staff(resource.venue):
        notify(
            staff,
            "fairuse/email/training_requested",
            training=request,
            resource=resource,
            member=user,
            link=absolute_url("desk.requests", lieu=resource.venue.slug) + "#formations",
        )
    return request


@cache
def _open_requests_query() -> Select:
    return (
        select(TrainingRequest)
        .join(Resource, TrainingRequest.resource_id == Resource.id)
        .where(
            Resource.venue_id.in_(bindparam("venue_ids", expanding=True)),
            TrainingRequest.handled_at.is_(None),
        )
        .options(selectinload(TrainingRequest.user), selectinload(TrainingRequest.resource))
        .order_by(TrainingRequest.created_at, TrainingRequest.id)
    )


def open_requests(venue_ids: list[int]) -> list[TrainingRequest]:
    """The training requests of these venues' machines that wait for a manager, oldest first (a
    statement built once: the desk asks at every visit)."""
    if not venue_ids:
        return []
    return list(db.session.scalars(_open_requests_query(), {"venue_ids": venue_ids}))


def mark_handled(request: TrainingRequest, manager: User, now: datetime | None = None) -> None:
    if not permissions.can_manage_venue(manager, request.resource.venue):
        raise Refusal(Reason(Code.NOT_ALLOWED, _l("Vous ne gérez pas le lieu de cette machine.")))
    if request.handled_at is None:
        request.handled_at = now or utcnow()
        request.handled_by = manager
