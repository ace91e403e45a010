"""Resources: create, edit, retire. No request here: the view parses, calls, commits.

A resource is never deleted: retiring it (``is_active`` False) takes it out of the
catalogue and out of new bookings, and keeps its bookings, agreements and history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.core.search import contains
from app.extensions import db
from app.manage import audit
from app.manage.parsing import SLUG_PATTERN, Interval, slugify
from app.models import (
    ApprovalPolicy,
    Audience,
    OpeningHours,
    Resource,
    ResourceKind,
    Tariff,
    TariffAudience,
    User,
    Venue,
)

RATES = ("hour_cents", "half_day_cents", "day_cents")
STATES = ("active", "retired", "all")


@dataclass
class ResourceData:
    """Everything a manager sets on a resource, as plain values (money in cents)."""

    kind: ResourceKind
    name: str
    slug: str = ""
    short_description: str = ""
    description: str = ""
    documentation: str = ""
    capacity: int | None = None
    units: int = 1
    checklist: str = ""
    machine_type: str = ""
    requires_training: bool = False
    min_duration_minutes: int = 30
    max_duration_minutes: int | None = 8 * 60
    slot_minutes: int = 30
    notice_minutes: int = 60
    horizon_days: int = 180
    buffer_minutes: int = 0
    open_to: Audience = Audience.CONSORTIUM
    approval_policy: ApprovalPolicy = ApprovalPolicy.MANAGER
    deposit_cents: int = 0
    is_test_space: bool = False
    # Per audience: {"hour_cents": …, "half_day_cents": …, "day_cents": …}; a missing rate is None.
    tariffs: dict[TariffAudience, dict[str, int | None]] = field(default_factory=dict)
    # The resource's own hours, weekday (Monday 0) → intervals; all empty means "the venue's hours".
    opening_hours: dict[int, list[Interval]] = field(default_factory=dict)
    # Fair use: at most so many hours per member or organisation and per week or month; None: no limit.
    quota_member_week: int | None = None
    quota_member_month: int | None = None
    quota_organisation_week: int | None = None
    quota_organisation_month: int | None = None

    @property
    def has_own_hours(self) -> bool:
        return any(self.opening_hours.values())


class InvalidResource(Refusal):
    """Made from ``{field of ResourceData: message}``."""

    code = "invalid_resource"


# The fields copied as they are from ResourceData onto Resource.
_PLAIN_FIELDS = (
    "name",
    "slug",
    "short_description",
    "description",
    "documentation",
    "capacity",
    "units",
    "checklist",
    "machine_type",
    "requires_training",
    "min_duration_minutes",
    "max_duration_minutes",
    "slot_minutes",
    "notice_minutes",
    "horizon_days",
    "buffer_minutes",
    "open_to",
    "approval_policy",
    "deposit_cents",
    "is_test_space",
    "quota_member_week",
    "quota_member_month",
    "quota_organisation_week",
    "quota_organisation_month",
)


def _clean_text(value: str) -> str:
    return value.strip().replace("\r\n", "\n")


def normalise(data: ResourceData) -> ResourceData:
    """Trim texts, make the slug, and drop what does not apply to the kind.

    Spaces have a capacity and may be test spaces; kits have units and a checklist;
    machines have a type and may require a training.
    """
    data.name = " ".join(data.name.split())
    data.slug = data.slug.strip().lower() or slugify(data.name)
    for name in ("short_description", "description", "documentation", "checklist"):
        setattr(data, name, _clean_text(getattr(data, name)))
    data.machine_type = " ".join(data.machine_type.split()).lower()
    if data.kind != ResourceKind.SPACE:
        data.capacity = None
        data.is_test_space = False
    if data.kind != ResourceKind.KIT:
        data.units = 1
        data.checklist = ""
    if data.kind != ResourceKind.MACHINE:
        data.machine_type = ""
        data.requires_training = False
    return data


def check(venue: Venue, data: ResourceData, resource: Resource | None = None) -> dict[str, str]:
    """The problems a manager must fix, by field; empty when the data can be saved."""
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = _l("Indiquez le nom de la ressource.")
    if not data.slug or not re.match(SLUG_PATTERN, data.slug):
        errors["slug"] = _l(
            "L'identifiant d'adresse ne contient que des minuscules sans accent, des chiffres et des tirets."
        )
    else:
        clash = db.session.scalar(select(Resource.id).where(Resource.venue_id == venue.id, Resource.slug == data.slug))
        if clash is not None and (resource is None or clash != resource.id):
            errors["slug"] = _l("Une autre ressource de ce lieu a déjà l'identifiant « %(slug)s ».", slug=data.slug)
    if data.kind == ResourceKind.KIT and data.units < 1:
        errors["units"] = _l("Un kit compte au moins une unité.")
    if data.kind == ResourceKind.SPACE and data.capacity is not None and data.capacity < 1:
        errors["capacity"] = _l("La capacité est d'au moins une personne, ou laissez vide.")
    if data.max_duration_minutes is not None and data.max_duration_minutes < data.min_duration_minutes:
        errors["max_duration_minutes"] = _l("La durée maximale ne peut pas être plus courte que la durée minimale.")
    if data.max_duration_minutes is not None and data.max_duration_minutes < data.slot_minutes:
        errors["max_duration_minutes"] = _l("La durée maximale ne peut pas être plus courte que le pas de réservation.")
    return errors


def _set_tariffs(resource: Resource, tariffs: dict[TariffAudience, dict[str, int | None]]) -> dict[str, list]:
    changed: dict[str, list] = {}
    for audience in TariffAudience:
        rates = {rate: tariffs.get(audience, {}).get(rate) for rate in RATES}
        current = resource.tariff_for(audience)
        before = {rate: getattr(current, rate) for rate in RATES} if current else dict.fromkeys(RATES)
        if before == rates:
            continue
        changed[f"tariff_{audience.value}"] = [before, rates]
        if all(value is None for value in rates.values()):
            resource.tariffs.remove(current)
        elif current is None:
            resource.tariffs.append(Tariff(audience=audience, **rates))
        else:
            for rate, value in rates.items():
                setattr(current, rate, value)
    return changed


def _hours_of(resource: Resource) -> dict[int, list[tuple[time, time]]]:
    hours: dict[int, list[tuple[time, time]]] = {}
    for row in resource.opening_hours:
        hours.setdefault(row.weekday, []).append((row.opens, row.closes))
    return hours


def own_hours(resource: Resource) -> dict[int, list[Interval]]:
    return {day: intervals for day, intervals in _hours_of(resource).items() if intervals}


def _set_hours(resource: Resource, venue: Venue, hours: dict[int, list[Interval]]) -> dict[str, list]:
    wanted = {day: sorted(intervals) for day, intervals in hours.items() if intervals}
    before = own_hours(resource)
    if wanted == before:
        return {}
    resource.opening_hours.clear()
    for day, intervals in sorted(wanted.items()):
        for opens, closes in intervals:
            resource.opening_hours.append(OpeningHours(venue_id=venue.id, weekday=day, opens=opens, closes=closes))
    return {"opening_hours": [audit.plain(before), audit.plain(wanted)]}


def _validated(venue: Venue, data: ResourceData, resource: Resource | None) -> ResourceData:
    data = normalise(data)
    errors = check(venue, data, resource)
    if errors:
        raise InvalidResource(errors)
    return data


def create_resource(venue: Venue, data: ResourceData, actor: User) -> Resource:
    """Add a resource to the venue. Raises ``InvalidResource``; the caller commits."""
    data = _validated(venue, data, None)
    resource = Resource(venue=venue, kind=data.kind, **{name: getattr(data, name) for name in _PLAIN_FIELDS})
    db.session.add(resource)
    _set_tariffs(resource, data.tariffs)
    _set_hours(resource, venue, data.opening_hours)
    db.session.flush()
    audit.record(actor, "resource", resource.id, "created", venue=venue.slug, kind=data.kind, name=data.name)
    return resource


def update_resource(resource: Resource, data: ResourceData, actor: User) -> dict[str, list]:
    """Change a resource (its kind stays). Raises ``InvalidResource``; returns what changed."""
    data.kind = resource.kind
    data = _validated(resource.venue, data, resource)
    changed = audit.changes(resource, {name: getattr(data, name) for name in _PLAIN_FIELDS})
    changed.update(_set_tariffs(resource, data.tariffs))
    changed.update(_set_hours(resource, resource.venue, data.opening_hours))
    db.session.flush()
    if changed:
        audit.record(actor, "resource", resource.id, "updated", changes=changed)
    return changed


def retire_resource(resource: Resource, actor: User) -> bool:
    """Take the resource out of the catalogue; its bookings stay. False when it was already retired."""
    if not resource.is_active:
        return False
    resource.is_active = False
    audit.record(actor, "resource", resource.id, "retired")
    return True


def reactivate_resource(resource: Resource, actor: User) -> bool:
    if resource.is_active:
        return False
    resource.is_active = True
    audit.record(actor, "resource", resource.id, "reactivated")
    return True


def venue_resources(venue: Venue, state: str = "active", text: str = "") -> list[Resource]:
    """The venue's resources in service, retired, or all; whose name contains ``text``; by kind and name."""
    query = (
        select(Resource)
        .where(Resource.venue_id == venue.id)
        .options(selectinload(Resource.tariffs))
        .order_by(Resource.kind, Resource.name)
    )
    if state != "all":
        query = query.where(Resource.is_active.is_(state != "retired"))
    if text.strip():
        query = query.where(contains(Resource.name, text.strip()))
    return list(db.session.scalars(query))


def active_counts(venue_ids: list[int]) -> dict[int, int]:
    """How many resources are in service, per venue."""
    if not venue_ids:
        return {}
    rows = db.session.execute(
        select(Resource.venue_id, func.count(Resource.id))
        .where(Resource.venue_id.in_(venue_ids), Resource.is_active.is_(True))
        .group_by(Resource.venue_id)
    )
    return dict(rows.all())
