"""Qualifications (habilitations) on a venue's machines: grant, revoke. No request here."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.clock import paris_end_of_day, paris_today
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage import audit
from app.models import Qualification, Resource, ResourceKind, User, Venue


class InvalidQualification(Refusal):
    code = "invalid_qualification"


def venue_machines(venue: Venue) -> list[Resource]:
    """The venue's machines a qualification can be granted for (retired ones excluded)."""
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.venue_id == venue.id, Resource.kind == ResourceKind.MACHINE, Resource.is_active.is_(True))
            .order_by(Resource.name)
        )
    )


def venue_qualifications(venue: Venue) -> list[Qualification]:
    """Every qualification on the venue's machines, the most recent first."""
    return list(
        db.session.scalars(
            select(Qualification)
            .join(Resource, Qualification.resource_id == Resource.id)
            .where(Resource.venue_id == venue.id)
            .options(selectinload(Qualification.user), selectinload(Qualification.resource))
            .order_by(Qualification.granted_at.desc(), Qualification.id.desc())
        )
    )


def grant(
    *,
    venue: Venue,
    user: User | None,
    resource: Resource | None,
    expires_on: date | None,
    recognised_consortium_wide: bool,
    note: str,
    actor: User,
    now: datetime,
) -> Qualification:
    """Qualify a member on one of the venue's machines. Raises ``InvalidQualification``; the caller commits.

    ``expires_on`` is the last day of validity (Europe/Paris), included.
    """
    errors: dict[str, str] = {}
    if user is None:
        errors["email"] = _l("Aucun compte n'a cette adresse e-mail. La personne doit d'abord créer son compte.")
    if resource is None or resource.venue_id != venue.id or resource.kind != ResourceKind.MACHINE:
        errors["resource_id"] = _l("Choisissez une machine de ce lieu.")
    elif recognised_consortium_wide and not resource.machine_type:
        errors["recognised_consortium_wide"] = _l(
            "Cette machine n'a pas de type : indiquez-le sur sa fiche pour faire reconnaître l'habilitation ailleurs."
        )
    if expires_on is not None and expires_on < paris_today(now):
        errors["expires_on"] = _l("La date de fin de validité est déjà passée.")
    if not errors:
        current = db.session.scalars(
            select(Qualification).where(Qualification.user_id == user.id, Qualification.resource_id == resource.id)
        )
        if any(q.is_valid_at(now) for q in current):
            errors["email"] = _l(
                "%(name)s a déjà une habilitation valable sur cette machine ; retirez-la d'abord pour en changer.",
                name=user.name,
            )
    if errors:
        raise InvalidQualification(errors)
    qualification = Qualification(
        user_id=user.id,
        resource_id=resource.id,
        machine_type=resource.machine_type,
        recognised_consortium_wide=recognised_consortium_wide,
        granted_by_id=actor.id,
        granted_at=now,
        expires_at=paris_end_of_day(expires_on) if expires_on else None,
        note=" ".join(note.split()),
    )
    db.session.add(qualification)
    db.session.flush()
    audit.record(
        actor,
        "qualification",
        qualification.id,
        "granted",
        user=user.email,
        resource=resource.slug,
        venue=venue.slug,
        expires_at=qualification.expires_at,
        consortium_wide=recognised_consortium_wide,
    )
    return qualification


def revoke(qualification: Qualification, actor: User, now: datetime) -> bool:
    """Withdraw a qualification from now on. False when it was already withdrawn."""
    if qualification.revoked_at is not None:
        return False
    qualification.revoked_at = now
    audit.record(
        actor,
        "qualification",
        qualification.id,
        "revoked",
        user_id=qualification.user_id,
        resource_id=qualification.resource_id,
    )
    return True
