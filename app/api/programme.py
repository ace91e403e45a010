"""The programme of events: public reads (the agenda's own filters, ``events.rules.agenda``) and, with
a personal API token, registering in one click and listing one's registrations
(``events.registrations``: the same rules and refusals as the event page)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from app.api.auth import Unauthorised, caller, rate_key, rate_limit, unauthorised_problem
from app.api.problems import refused
from app.api.schemas import Moment, PageArgs, PageSchema, ProblemSchema, Strict
from app.api.web import link_header, not_found, page_links, paginated
from app.core.refusals import Refusal
from app.events import registrations, rules
from app.events.models import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from app.extensions import db, limiter
from app.notifications.links import absolute_url

PROBLEM = "application/problem+json"
SECURITY = [{"token": []}]
AGENDA_LIMIT = 1000  # the agenda's upcoming events, read once, then paged

blp = Blueprint(
    "api_events", __name__, url_prefix="/api/v1", description="The common programme of events (public reads)."
)
member_blp = Blueprint(
    "api_registrations",
    __name__,
    url_prefix="/api/v1/me",
    description="A member's registrations to events (personal API token).",
)
limiter.limit(rate_limit, key_func=rate_key)(member_blp)


@member_blp.errorhandler(Unauthorised)
def _unauthorised(_error):
    return unauthorised_problem()


@member_blp.errorhandler(Refusal)
def _refused(refusal: Refusal):
    db.session.rollback()
    return refused(refusal)


class EventArgs(PageArgs):
    venue = fields.String(load_default="", metadata={"description": "a venue's slug"})
    theme = fields.String(load_default="", metadata={"description": "a theme's slug"})
    category = fields.String(load_default="", metadata={"description": "a category's slug"})
    audience = fields.String(load_default="", validate=validate.OneOf(["", *(a.value for a in EventAudience)]))
    start = fields.Date(load_default=None, data_key="from", metadata={"description": "first day (Paris)"})
    end = fields.Date(load_default=None, data_key="to", metadata={"description": "last day (Paris)"})
    labelled = fields.Boolean(load_default=False, metadata={"description": "only the common programme"})


class ImageSourceSchema(Strict):
    url = fields.String(required=True)
    width = fields.Integer(required=True)


class EventImageSchema(Strict):
    url = fields.String(required=True, metadata={"description": "the image itself"})
    alt = fields.String(required=True, metadata={"description": "what it shows, for those who do not see it"})
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    content_type = fields.String(required=True)
    sources = fields.List(
        fields.Nested(ImageSourceSchema),
        required=True,
        metadata={"description": "every copy, narrowest first (320, 640, 1280 px when wider, then the image)"},
    )


class EventSchema(Strict):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    venue = fields.String(required=True, metadata={"description": "the venue's slug"})
    space = fields.String(required=True)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    audience = fields.String(required=True)
    themes = fields.List(fields.String(), required=True)
    capacity = fields.Integer(required=True)
    seats_left = fields.Integer(required=True)
    members_only = fields.Boolean(required=True)
    common_programme = fields.Boolean(required=True, metadata={"description": "validated by the consortium"})
    prices_cents = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    accessibility = fields.String(required=True)
    organiser = fields.String(required=True)
    cancelled = fields.Boolean(required=True)
    url = fields.String(required=True)
    page_url = fields.String(required=True)
    ics_url = fields.String(required=True)
    image = fields.Nested(EventImageSchema, required=True, allow_none=True)


class EventPageSchema(PageSchema):
    items = fields.List(fields.Nested(EventSchema), required=True)


class RegistrationSchema(Strict):
    id = fields.Integer(required=True)
    event = fields.Nested(EventSchema, required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in RegistrationStatus]))
    created_at = Moment(required=True)


class RegistrationPageSchema(PageSchema):
    items = fields.List(fields.Nested(RegistrationSchema), required=True)


def event_data(event: Event) -> dict:
    taken = sum(1 for r in event.registrations if r.status == RegistrationStatus.CONFIRMED)
    return {
        "id": event.id,
        "title": event.title,
        "description": event.description,
        "category": event.category.slug,
        "venue": event.venue.slug,
        "space": event.resource.name,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "audience": event.audience.value,
        "themes": [theme.slug for theme in event.themes],
        "capacity": event.capacity,
        "seats_left": max(event.capacity - taken, 0),
        "members_only": event.members_only,
        "common_programme": event.labelled,
        "prices_cents": {
            "full": event.price_full_cents,
            "reduced": event.price_reduced_cents,
            "member": event.price_member_cents,
        },
        "accessibility": event.accessibility,
        "organiser": event.organiser,
        "cancelled": event.status == EventStatus.CANCELLED,
        # From BASE_URL, so that the partners' webhooks (sent outside any request) say the same.
        "url": absolute_url("api_events.event", event_id=event.id),
        "page_url": absolute_url("events.show", event_id=event.id),
        "ics_url": absolute_url("events.event_ics", event_id=event.id),
        "image": _image_data(event),
    }


def _image_data(event: Event) -> dict | None:
    image = event.image
    if image is None:
        return None
    return {
        "url": absolute_url("events.image", filename=image.filename),
        "alt": image.alt_text,
        "width": image.width,
        "height": image.height,
        "content_type": image.content_type,
        "sources": [
            {"url": absolute_url("events.image", filename=name), "width": width} for name, width in image.sources
        ],
    }


@blp.route("/events")
@blp.arguments(EventArgs, location="query")
@blp.response(200, EventPageSchema)
def events(args):
    """The upcoming events across the venues, soonest first, filtered as the agenda is."""
    filters = rules.AgendaFilters(
        venue=args["venue"],
        theme=args["theme"],
        category=args["category"],
        audience=args["audience"],
        start=args["start"],
        end=args["end"],
        labelled=args["labelled"],
    )
    found = rules.agenda(filters, limit=AGENDA_LIMIT)
    page, per_page = args["page"], args["per_page"]
    links = page_links("api_events.events", page, len(found), per_page)
    chosen = found[(page - 1) * per_page : page * per_page]
    body = {"items": [event_data(e) for e in chosen], "page": page, "total": len(found), "links": links}
    return body, 200, link_header(links)


@blp.route("/events/<int:event_id>")
@blp.response(200, EventSchema)
@blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM)
def event(event_id: int):
    """One event of the programme (a cancelled one says so)."""
    found = db.session.get(Event, event_id)
    if found is None:
        not_found()
    return event_data(found)


@member_blp.route("/registrations")
@member_blp.arguments(PageArgs, location="query")
@member_blp.response(200, RegistrationPageSchema)
@member_blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM)
@member_blp.doc(security=SECURITY)
def my_registrations(args):
    """The token owner's registrations, newest first."""
    user = caller()
    query = select(Registration).where(Registration.user_id == user.id).order_by(Registration.id.desc())
    return paginated(query, "api_registrations.my_registrations", args, _registration_data)


@member_blp.route("/events/<int:event_id>/registrations", methods=["POST"])
@member_blp.response(201, RegistrationSchema)
@member_blp.alt_response(401, schema=ProblemSchema, content_type=PROBLEM)
@member_blp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM)
@member_blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM)
@member_blp.doc(security=SECURITY)
def register(event_id: int):
    """Register the token's owner in one click: a confirmed seat, or the waitlist when it is full
    (emailed either way, as on the event page). Refusals carry the event page's codes."""
    user = caller()
    found = db.session.get(Event, event_id)
    if found is None:
        not_found()
    registration = registrations.register(found, user=user, locale=str(get_locale() or "fr"))
    db.session.commit()
    return _registration_data(registration)


def _registration_data(registration: Registration) -> dict:
    return {
        "id": registration.id,
        "event": event_data(registration.event),
        "status": registration.status.value,
        "created_at": registration.created_at,
    }
