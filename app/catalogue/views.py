"""Venues and their resources: the public pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue.display import resource_card
from app.catalogue.labels import RESOURCE_KIND_LABELS, RESOURCE_KIND_PLURALS, WEEKDAY_LABELS
from app.extensions import db
from app.models import Resource, ResourceKind, Venue

bp = Blueprint("catalogue", __name__, template_folder="templates")


@bp.get("/lieux/<slug>")
def venue(slug: str):
    venue = db.session.scalar(
        select(Venue)
        .where(Venue.slug == slug, Venue.is_active.is_(True))
        .options(selectinload(Venue.themes), selectinload(Venue.opening_hours))
    )
    if venue is None:
        abort(404)
    resources = db.session.scalars(
        select(Resource)
        .where(Resource.venue_id == venue.id, Resource.is_active.is_(True))
        .options(selectinload(Resource.tariffs), selectinload(Resource.opening_hours), selectinload(Resource.photos))
        .order_by(Resource.name)
    ).all()
    cards_by_kind = {kind: [resource_card(r) for r in resources if r.kind == kind] for kind in ResourceKind}
    hours_by_day = {day: [h for h in venue.opening_hours if h.weekday == day] for day in range(7)}
    return render_template(
        "catalogue/venue.html",
        venue=venue,
        cards_by_kind=cards_by_kind,
        hours_by_day=hours_by_day,
        kind_labels=RESOURCE_KIND_LABELS,
        kind_plurals=RESOURCE_KIND_PLURALS,
        weekday_labels=WEEKDAY_LABELS,
    )
