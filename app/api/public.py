"""The public reads, without login: venues, resources, opening hours, closures, a resource's
availability, and what is free across the venues. Each calls the function the pages call:
the availability is the resource page's calendar (``catalogue.calendar.load_calendar``), what is
free is the catalogue's date-first search (``catalogue.search.search``)."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import get_locale
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.schemas import (
    AvailabilityArgs,
    AvailabilitySchema,
    FreeArgs,
    FreePageSchema,
    PageArgs,
    ProblemSchema,
    ResourceDetailSchema,
    ResourcePageSchema,
    VenueDetailSchema,
    VenuePageSchema,
)
from app.api.web import link_header, not_found, page_links, paginated
from app.bookings.hours import closures_over, hours_for
from app.catalogue import calendar, search
from app.core.clock import paris_today, within_reach
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import Resource, ResourceKind, Venue, utcnow

blp = Blueprint("api_public", __name__, url_prefix="/api/v1", description="Public reads: no login, any origin (CORS).")
PROBLEM = "application/problem+json"
END_BEFORE_START = _l("La fin doit suivre le début.")


def _hours(rows) -> list[dict]:
    return [{"weekday": row.weekday, "opens": row.opens, "closes": row.closes} for row in rows]


def venue_data(venue: Venue) -> dict:
    language = str(get_locale() or "fr")[:2]
    return {
        "id": venue.id,
        "slug": venue.slug,
        "name": venue.name,
        "short_description": venue.short_description,
        "street": venue.street,
        "postal_code": venue.postal_code,
        "city": venue.city,
        "website": venue.website,
        "themes": [{"slug": theme.slug, "name": theme.name(language)} for theme in venue.themes],
        "url": url_for("api_public.venue", slug=venue.slug, _external=True),
    }


def resource_data(resource: Resource) -> dict:
    return {
        "id": resource.id,
        "venue": resource.venue.slug,
        "slug": resource.slug,
        "name": resource.name,
        "kind": resource.kind.value,
        "short_description": resource.short_description,
        "capacity": resource.capacity,
        "units": resource.units,
        "requires_training": resource.requires_training,
        "min_duration_minutes": resource.min_duration_minutes,
        "max_duration_minutes": resource.max_duration_minutes,
        "slot_minutes": resource.slot_minutes,
        "notice_minutes": resource.notice_minutes,
        "horizon_days": resource.horizon_days,
        "deposit_cents": resource.deposit_cents,
        "tariffs": [
            {
                "audience": tariff.audience.value,
                "hour_cents": tariff.hour_cents,
                "half_day_cents": tariff.half_day_cents,
                "day_cents": tariff.day_cents,
            }
            for tariff in resource.tariffs
        ],
        "url": url_for("api_public.resource", resource_id=resource.id, _external=True),
        "availability_url": url_for("api_public.availability", resource_id=resource.id, _external=True),
    }


def _active_venue(slug: str) -> Venue:
    venue = db.session.scalar(
        select(Venue)
        .where(Venue.slug == slug, Venue.is_active.is_(True))
        .options(selectinload(Venue.themes), selectinload(Venue.opening_hours))
    )
    if venue is None:
        not_found()
    return venue


def _active_resource(resource_id: int) -> Resource:
    resource = db.session.scalar(
        select(Resource)
        .join(Venue, Venue.id == Resource.venue_id)
        .where(Resource.id == resource_id, Resource.is_active.is_(True), Venue.is_active.is_(True))
        .options(selectinload(Resource.venue), selectinload(Resource.tariffs))
    )
    if resource is None:
        not_found()
    return resource


@blp.route("/venues")
@blp.arguments(PageArgs, location="query")
@blp.response(200, VenuePageSchema)
def venues(args):
    """The venues of the consortium."""
    query = select(Venue).where(Venue.is_active.is_(True))
    return paginated(
        query.options(selectinload(Venue.themes)).order_by(Venue.name), "api_public.venues", args, venue_data
    )


@blp.route("/venues/<slug>")
@blp.response(200, VenueDetailSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM)
def venue(slug: str):
    """A venue, its opening hours and its closures (those in force over the coming year, public holidays included)."""
    found = _active_venue(slug)
    now = utcnow()
    closures = closures_over([found.id], now, now + timedelta(days=365))
    return {
        **venue_data(found),
        "description": found.description,
        "opening_hours": _hours(sorted(found.opening_hours, key=lambda h: (h.weekday, h.opens))),
        "closures": [{"starts_at": c.starts_at, "ends_at": c.ends_at, "reason": c.reason} for c in closures],
    }


@blp.route("/venues/<slug>/resources")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ResourcePageSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM)
def venue_resources(args, slug: str):
    """The resources in service of a venue."""
    found = _active_venue(slug)
    query = select(Resource).where(Resource.venue_id == found.id, Resource.is_active.is_(True))
    query = query.options(selectinload(Resource.venue), selectinload(Resource.tariffs)).order_by(
        Resource.kind, Resource.name
    )
    return paginated(query, "api_public.venue_resources", args, resource_data, slug=slug)


@blp.route("/resources/<int:resource_id>")
@blp.response(200, ResourceDetailSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM)
def resource(resource_id: int):
    """A resource: its booking terms, tariffs (cents) and opening hours (its own, else its venue's)."""
    found = _active_resource(resource_id)
    rows = hours_for([found])[found.id]
    return {
        **resource_data(found),
        "description": found.description,
        "opening_hours": _hours(sorted(rows, key=lambda h: (h.weekday, str(h.opens)))),
    }


@blp.route("/resources/<int:resource_id>/availability")
@blp.arguments(AvailabilityArgs, location="query")
@blp.response(200, AvailabilitySchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM)
def availability(args, resource_id: int):
    """A resource's slots, day by day (Paris days), as its page's calendar shows them to a visitor:
    free, busy, out of service, past or out of range (notice, horizon). Closed slots are left out."""
    found = _active_resource(resource_id)
    now = utcnow()
    start = args["start"] or paris_today(now)
    last = start + timedelta(days=args["days"] - 1)
    if not (within_reach(start) and within_reach(last)):
        from flask_smorest import abort

        abort(422, messages={"query": {"start": [_out_of_reach()]}})
    days = [start + timedelta(days=offset) for offset in range(args["days"])]
    _times, columns = calendar.load_calendar(found, days, now, calendar.Viewer())
    following = start + timedelta(days=args["days"])
    links = {
        "self": url_for(
            "api_public.availability", resource_id=found.id, start=start.isoformat(), days=args["days"], _external=True
        ),
        "next": url_for(
            "api_public.availability",
            resource_id=found.id,
            start=following.isoformat(),
            days=args["days"],
            _external=True,
        ),
        "resource": url_for("api_public.resource", resource_id=found.id, _external=True),
    }
    return (
        {
            "resource_id": found.id,
            "start": start,
            "days": [
                {
                    "date": column.day,
                    "slots": [
                        {
                            "starts_at": cell.starts_at,
                            "ends_at": cell.ends_at,
                            "state": "busy" if cell.state.value in ("mine", "buffer") else cell.state.value,
                            "free_units": cell.free_units,
                            "pending": cell.pending,
                        }
                        for cell in column.cells
                        if cell.state != calendar.CellState.CLOSED
                    ],
                }
                for column in columns
            ],
            "links": links,
        },
        200,
        link_header({k: v for k, v in links.items() if k == "next"}),
    )


def _out_of_reach() -> str:
    from app.core.forms import out_of_reach_message

    return str(out_of_reach_message())


@blp.route("/free")
@blp.arguments(FreeArgs, location="query")
@blp.response(200, FreePageSchema)
def free(args):
    """What is free between two moments, across the venues: the catalogue's date-first search
    (opening hours, closures, held slots and buffers; for a kit, the quantity asked)."""
    from flask_smorest import abort

    starts_at, ends_at = args["starts_at"], args["ends_at"]
    if not (within_reach(starts_at.date()) and within_reach(ends_at.date())):
        abort(422, messages={"query": {"starts_at": [_out_of_reach()]}})
    if ends_at <= starts_at:
        abort(422, messages={"query": {"ends_at": [str(END_BEFORE_START)]}})
    venue = None
    if args.get("venue"):
        venue = db.session.scalar(select(Venue).where(Venue.slug == args["venue"], Venue.is_active.is_(True)))
        if venue is None:
            return _empty_page(args)
    criteria = search.Criteria(
        venue=venue,
        kind=ResourceKind(args["kind"]) if args.get("kind") else None,
        text=args["q"],
        starts_at=starts_at,
        ends_at=ends_at,
        quantity=args["quantity"],
    )
    found = search.search(criteria, None, args["page"])
    links = page_links("api_public.free", found.number, found.total, search.PAGE_SIZE)
    body = {
        "items": [{"resource": resource_data(r.resource), "free_units": r.free_units} for r in found.results],
        "page": found.number,
        "total": found.total,
        "links": links,
    }
    return body, 200, link_header(links)


def _empty_page(args):
    links = page_links("api_public.free", 1, 0, search.PAGE_SIZE)
    return {"items": [], "page": args["page"], "total": 0, "links": links}, 200, link_header(links)
