"""Machines and kits out of service (``ResourceOutage``): they refuse bookings over the period, with
the reason the manager gave, like a closure of the venue does for all its resources. Spaces are
never out of service (their venue closes instead): no query is made for them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from app.bookings import queries
from app.bookings.errors import Code, Moment, Reason
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import Resource, ResourceKind, ResourceOutage


def outages_over(resources: Iterable[Resource], starts_at: datetime, ends_at: datetime) -> list[ResourceOutage]:
    """The outages of these resources crossing ``[starts_at, ends_at)``: one query, none for spaces only."""
    ids = [resource.id for resource in resources if resource.kind != ResourceKind.SPACE]
    if not ids:
        return []
    return list(db.session.scalars(queries.outages(), {"ids": ids, "starts_at": starts_at, "ends_at": ends_at}))


def outage_reasons(
    resource: Resource, outages: Sequence[ResourceOutage], starts_at: datetime, ends_at: datetime
) -> list[Reason]:
    """Why the resource cannot be booked over the period: each outage crossing it, with its reason."""
    return [
        Reason(
            Code.OUT_OF_SERVICE,
            _l(
                "« %(name)s » est hors service du %(start)s au %(end)s : %(reason)s.",
                name=resource.name,
                start=Moment(outage.starts_at),
                end=Moment(outage.ends_at),
                reason=outage.reason,
            ),
        )
        for outage in outages
        if outage.resource_id == resource.id and outage.starts_at < ends_at and outage.ends_at > starts_at
    ]
