"""The calendars blueprint (``/agenda``): "Mon agenda", the feeds, and one booking's .ics.

Register with ``app.register_blueprint(bp)``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.calendars import access, feeds
from app.calendars.feeds import Detail
from app.core.forms import EmptyForm
from app.core.i18n import gettext as _
from app.core.i18n import speaking
from app.extensions import db, limiter
from app.models import Booking, Resource, Venue

bp = Blueprint("calendars", __name__, url_prefix="/agenda", template_folder="templates")

FEED_LIMIT = "120 per hour"


def _ics(body: bytes, filename: str, *, download: bool = False) -> Response:
    response = Response(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    response.add_etag()
    return response.make_conditional(request)


def _owner_or_404(token: str):
    user = access.owner_of(token)
    if user is None:
        abort(404)
    return user


@bp.get("/")
@login_required
def agenda():
    token = access.ensure_token(current_user)
    db.session.commit()
    return render_template(
        "calendars/agenda.html",
        token=token,
        venues=access.followable_venues(current_user),
        resources=access.followable_resources(current_user),
        form=EmptyForm(),
    )


@bp.post("/nouveau-lien")
@login_required
def reset():
    if EmptyForm().validate_on_submit():
        access.reset_token(current_user)
        db.session.commit()
        flash(
            _(
                "Vos liens d'agenda sont renouvelés : les anciens ne fonctionnent plus. Abonnez de nouveau vos calendriers."
            ),
            "success",
        )
    return redirect(url_for("calendars.agenda"), code=303)


@bp.get("/<token>/mes-reservations.ics")
@limiter.limit(FEED_LIMIT)
def my_feed(token: str):
    user = _owner_or_404(token)
    with speaking(user.locale):
        body = feeds.calendar_of(
            _("Mes réservations FNT Partage"), feeds.bookings_for(Booking.requester_id == user.id), Detail.PERSONAL
        )
    return _ics(body, "mes-reservations.ics")


@bp.get("/<token>/ressources/<int:resource_id>.ics")
@limiter.limit(FEED_LIMIT)
def resource_feed(token: str, resource_id: int):
    user = _owner_or_404(token)
    resource = db.session.get(Resource, resource_id)
    if resource is None or not access.may_follow_resource(user, resource):
        abort(404)
    with speaking(user.locale):
        name = _("%(resource)s (%(venue)s) : occupation", resource=resource.name, venue=resource.venue.name)
        body = feeds.calendar_of(name, feeds.bookings_for(Booking.resource_id == resource.id), Detail.BUSY)
    return _ics(body, f"{resource.slug}.ics")


@bp.get("/<token>/lieux/<slug>.ics")
@limiter.limit(FEED_LIMIT)
def venue_feed(token: str, slug: str):
    user = _owner_or_404(token)
    venue = db.session.scalar(select(Venue).where(Venue.slug == slug))
    if venue is None or not access.is_staff_of(user, venue):
        abort(404)
    resource_ids = select(Resource.id).where(Resource.venue_id == venue.id)
    with speaking(user.locale):
        name = _("Réservations : %(venue)s", venue=venue.name)
        body = feeds.calendar_of(name, feeds.bookings_for(Booking.resource_id.in_(resource_ids)), Detail.VENUE)
    return _ics(body, f"{venue.slug}.ics")


@bp.get("/reservations/<int:booking_id>.ics")
@login_required
def booking_ics(booking_id: int):
    booking = db.session.get(Booking, booking_id)
    detail = access.booking_detail_for(current_user, booking) if booking is not None else None
    if detail is None:
        abort(404)
    rows = feeds.bookings_for(Booking.id == booking.id, now=booking.ends_at)
    body = feeds.calendar_of(booking.resource.name, rows, detail)
    return _ics(body, f"reservation-{booking.id}.ics", download=True)
