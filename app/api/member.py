"""The member's and the manager's endpoints, with a personal API token (``app.api.auth``).

A member lists, asks for, edits and cancels their bookings through the booking engine's service,
the functions the booking form calls (``app.bookings.service``): the same rules, the same refusals
with the same codes and messages. A manager's token lists the pending requests of their venues
and approves or rejects them through the desk's rule (``app.desk.rules.decide``).
"""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.auth import Unauthorised, caller, rate_key, rate_limit, unauthorised_problem
from app.api.problems import PROBLEM_TYPE, refused
from app.api.schemas import (
    BookingListArgs,
    BookingPageSchema,
    BookingSchema,
    EditBookingSchema,
    NewBookingSchema,
    PageArgs,
    ProblemSchema,
    ReasonSchema,
)
from app.api.web import link_header, not_found, page_links, paginated
from app.bookings import access, service
from app.bookings.service import Action, Refusal
from app.desk import rules as desk
from app.extensions import db, limiter
from app.manage import permissions
from app.models import Booking, BookingStatus, Resource, User, utcnow

blp = Blueprint(
    "api_member", __name__, url_prefix="/api/v1/me", description="A member's own bookings (personal API token)."
)
manager_blp = Blueprint(
    "api_manager",
    __name__,
    url_prefix="/api/v1/desk",
    description="The pending requests of a manager's venues (a manager's personal API token).",
)
SECURITY = [{"token": []}]

for _blueprint in (blp, manager_blp):
    limiter.limit(rate_limit, key_func=rate_key)(_blueprint)

    @_blueprint.errorhandler(Unauthorised)
    def _unauthorised(_error):
        return unauthorised_problem()

    @_blueprint.errorhandler(Refusal)
    def _refused(refusal: Refusal):
        db.session.rollback()
        return refused(refusal)


def _errors(*codes: int):
    """The problems an operation may answer, in its OpenAPI description."""

    def decorate(view):
        for code in (401, *codes):
            view = blp.alt_response(code, schema=ProblemSchema, content_type=PROBLEM_TYPE)(view)
        return view

    return decorate


def booking_data(booking: Booking, user: User) -> dict:
    return {
        "id": booking.id,
        "resource_id": booking.resource_id,
        "resource": booking.resource.name,
        "venue": booking.resource.venue.slug,
        "status": booking.status.value,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "quantity": booking.quantity,
        "attendees": booking.attendees,
        "purpose": booking.purpose,
        "price_cents": booking.price_cents,
        "deposit_cents": booking.deposit_cents,
        "requester": booking.requester.name,
        "actions": sorted(action.value for action in service.allowed_actions(booking, user, utcnow())),
        "url": url_for("api_member.booking", booking_id=booking.id, _external=True),
    }


def _visible(user: User, booking_id: int) -> Booking:
    booking = access.visible_booking(user, booking_id)
    if booking is None:
        not_found()
    return booking


def _may(booking: Booking, user: User, action: Action) -> None:
    if action not in service.allowed_actions(booking, user, utcnow()):
        from app.bookings.errors import not_allowed

        raise Refusal(not_allowed())


# --- A member's bookings ------------------------------------------------------------------------


@blp.route("/bookings")
@blp.doc(security=SECURITY, operationId="listMyBookings")
@blp.arguments(BookingListArgs, location="query")
@blp.response(200, BookingPageSchema)
@_errors()
def bookings(args):
    """The token owner's bookings, the latest first."""
    user = caller()
    query = select(Booking).where(Booking.requester_id == user.id)
    if args.get("status"):
        query = query.where(Booking.status == BookingStatus(args["status"]))
    query = query.options(
        selectinload(Booking.resource).selectinload(Resource.venue), selectinload(Booking.requester)
    ).order_by(Booking.starts_at.desc(), Booking.id.desc())
    return paginated(query, "api_member.bookings", args, lambda booking: booking_data(booking, user))


BOOKING_LINKS = {
    "GetBooking": {"operationId": "getBooking", "parameters": {"booking_id": "$response.body#/id"}},
    "CancelBooking": {"operationId": "cancelBooking", "parameters": {"booking_id": "$response.body#/id"}},
}


@blp.route("/bookings", methods=["POST"])
@blp.doc(security=SECURITY, operationId="createBooking", responses={201: {"links": BOOKING_LINKS}})
@blp.arguments(NewBookingSchema)
@blp.response(201, BookingSchema)
@_errors(404, 409)
def create_booking(data):
    """Ask for a resource over a period, as the booking form does: approved at once or waiting for a
    manager (``status``), or refused with the engine's reasons (409 when the slot is taken)."""
    user = caller()
    resource = access.bookable_resource(data["resource_id"])
    if resource is None:
        not_found()
    booking = service.request_booking(
        resource,
        user,
        data["starts_at"],
        data["ends_at"],
        quantity=data["quantity"],
        attendees=data["attendees"],
        purpose=data["purpose"],
    )
    db.session.commit()
    location = url_for("api_member.booking", booking_id=booking.id, _external=True)
    return booking_data(booking, user), 201, {"Location": location}


@blp.route("/bookings/<int:booking_id>")
@blp.doc(security=SECURITY, operationId="getBooking")
@blp.response(200, BookingSchema)
@_errors(404)
def booking(booking_id: int):
    """One booking the token's owner may see (theirs, or one of a venue they manage)."""
    user = caller()
    return booking_data(_visible(user, booking_id), user)


@blp.route("/bookings/<int:booking_id>", methods=["PATCH"])
@blp.doc(security=SECURITY, operationId="editBooking")
@blp.arguments(EditBookingSchema)
@blp.response(200, BookingSchema)
@_errors(403, 404, 409)
def edit_booking(data, booking_id: int):
    """Change the times, quantity, attendees or purpose. An approved booking made longer or moved
    keeps its slot while the change waits for a manager."""
    user = caller()
    found = _visible(user, booking_id)
    _may(found, user, Action.EDIT)
    service.edit_booking(found, user, **data)
    db.session.commit()
    return booking_data(found, user)


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@blp.doc(security=SECURITY, operationId="cancelBooking")
@blp.arguments(ReasonSchema)
@blp.response(200, BookingSchema)
@_errors(403, 404)
def cancel_booking(data, booking_id: int):
    """Cancel a booking (before its start; a manager at any time, with a reason)."""
    user = caller()
    found = _visible(user, booking_id)
    _may(found, user, Action.CANCEL)
    service.cancel(found, user, data["reason"])
    db.session.commit()
    return booking_data(found, user)


# --- A manager's pending requests ---------------------------------------------------------------


def _manager_errors(*codes: int):
    def decorate(view):
        for code in (401, *codes):
            view = manager_blp.alt_response(code, schema=ProblemSchema, content_type=PROBLEM_TYPE)(view)
        return view

    return decorate


def _staff(user: User) -> list[int]:
    venue_ids = [venue.id for venue in permissions.manageable_venues(user)]
    if not venue_ids:
        from flask_smorest import abort

        abort(403)
    return venue_ids


@manager_blp.route("/requests")
@manager_blp.doc(security=SECURITY, operationId="listPendingRequests")
@manager_blp.arguments(PageArgs, location="query")
@manager_blp.response(200, BookingPageSchema)
@_manager_errors(403)
def pending_requests(args):
    """The requests waiting for a decision in the venues the token's owner manages, the oldest first."""
    user = caller()
    pending = desk.pending_in(_staff(user))
    page, per_page = args["page"], args["per_page"]
    chosen = pending[(page - 1) * per_page : page * per_page]
    links = page_links("api_manager.pending_requests", page, len(pending), per_page)
    body = {"items": [booking_data(b, user) for b in chosen], "page": page, "total": len(pending), "links": links}
    return body, 200, link_header(links)


def _decide(booking_id: int, note: str, approve: bool):
    user = caller()
    _staff(user)
    found = db.session.get(Booking, booking_id)
    if found is None or not desk.can_decide(user, found):
        not_found()
    outcome = desk.decide(found, user, approve, note)
    if not outcome.done:
        raise Refusal(outcome.reasons)
    db.session.commit()
    return booking_data(found, user)


@manager_blp.route("/requests/<int:booking_id>/approve", methods=["POST"])
@manager_blp.doc(security=SECURITY, operationId="approveRequest")
@manager_blp.arguments(ReasonSchema)
@manager_blp.response(200, BookingSchema)
@_manager_errors(403, 404, 409)
def approve(data, booking_id: int):
    """Approve a pending request, as on the desk (the colliding requests are turned down)."""
    return _decide(booking_id, data["reason"], True)


@manager_blp.route("/requests/<int:booking_id>/reject", methods=["POST"])
@manager_blp.doc(security=SECURITY, operationId="rejectRequest")
@manager_blp.arguments(ReasonSchema)
@manager_blp.response(200, BookingSchema)
@_manager_errors(403, 404)
def reject(data, booking_id: int):
    """Turn down a pending request, with a reason."""
    return _decide(booking_id, data["reason"], False)
