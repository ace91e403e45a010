"""Venues and their resources: the public pages, the catalogue search and each resource's page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bookings.errors import Minutes
from app.bookings.hours import hours_for
from app.bookings.outages import outages_over
from app.bookings.rules import qualifications_for
from app.catalogue import calendar, search
from app.catalogue.display import (
    clock,
    day_label,
    hours_summary,
    month_label,
    period_words,
    resource_card,
    short_day_label,
    shown_resource,
)
from app.catalogue.forms import SearchForm
from app.catalogue.links import booking_url
from app.catalogue.week_words import WeekWords, put_cells
from app.core.clock import PARIS, paris_today
from app.core.i18n import request_translations, written_in_french
from app.core.web import is_htmx_fragment_request
from app.extensions import db
from app.models import Resource, ResourceKind, Venue, utcnow
from app.models.labels import RESOURCE_KIND_LABELS, RESOURCE_KIND_PLURALS, WEEKDAY_LABELS

bp = Blueprint("catalogue", __name__, template_folder="templates")


@bp.get("/couleurs-des-lieux.css")
def venue_colours():
    """The custom properties of the venues' own colours (``venue-c<id>``, app.core.colours): one
    short query, revalidated by its ETag (the pages link it; the CSP allows no inline style)."""
    from hashlib import sha256

    from flask import make_response

    from app.core.contrast import check_venue_colour, is_hex

    rows = db.session.execute(select(Venue.id, Venue.colour).where(Venue.colour.like("#%")).order_by(Venue.id))
    rules = [
        f".venue-c{venue_id} {{ --venue: {colour}; --venue-ink: {check_venue_colour(colour).ink}; }}\n"
        for venue_id, colour in rows
        if is_hex(colour)
    ]
    body = "/* The venues' own colours (app/core/colours.py). */\n" + "".join(rules)
    response = make_response(body)
    response.headers["Content-Type"] = "text/css; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(sha256(body.encode()).hexdigest()[:32])
    return response.make_conditional(request)


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
    now = utcnow()
    return render_template(
        "catalogue/venue.html",
        # The machines and kits out of service now, with their outage (one query, none without them).
        out_of_service={o.resource_id: o for o in outages_over(resources, now, now + timedelta(seconds=1))},
        venue=venue,
        cards_by_kind=cards_by_kind,
        hours_by_day=hours_by_day,
        kind_labels=RESOURCE_KIND_LABELS,
        kind_plurals=RESOURCE_KIND_PLURALS,
        weekday_labels=WEEKDAY_LABELS,
    )


@bp.get("/ressources/", endpoint="search")
def search_page():
    """The catalogue across the venues; an htmx request aimed at the results gets them alone."""
    form = SearchForm(formdata=request.args)
    criteria = form.criteria()
    page_number = request.args.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() and 0 < int(page_number) < 10_000 else 1
    user = current_user if current_user.is_authenticated else None
    results = search.search(criteria, user, page_number) if criteria is not None else None
    status = 200 if criteria is not None else 422
    context = {
        "form": form,
        "criteria": criteria,
        "results": results,
        "kind_labels": {kind: str(label) for kind, label in RESOURCE_KIND_LABELS.items()},  # translated once
        "booking_url": booking_url,
        "result_week": calendar.iso_week(paris_today(criteria.starts_at))
        if criteria is not None and criteria.has_period
        else None,
    }
    if is_htmx_fragment_request("resultats"):
        return render_template("catalogue/_results.html", oob=True, **context), status
    return render_template("catalogue/search.html", **context), status


def _viewer(resource: Resource) -> calendar.Viewer:
    if not current_user.is_authenticated:
        return calendar.Viewer()
    staff = bool(current_user.is_coordinator or current_user.manages(resource.venue_id))
    return calendar.Viewer(current_user.id, staff)


def _calendar_context(resource: Resource, viewer: calendar.Viewer, hours: list | None = None) -> dict:
    """The week (``?semaine=2026-W49``) or the month (``?mois=2026-12``) asked for; this week by default."""
    now = utcnow()
    today = paris_today(now)
    month = calendar.parse_month(request.args.get("mois"))
    if month is not None:
        days = calendar.month_days(month)
        _, columns = calendar.load_calendar(resource, days, now, viewer, hours)
        by_day = {column.day: column for column in columns}
        return {
            "view": "month",
            "month": month,
            "weeks": calendar.month_weeks(month),
            "by_day": by_day,
            "previous_month": calendar.month_text(calendar.shift_month(month, -1)),
            "next_month": calendar.month_text(calendar.shift_month(month, 1)),
            "this_month": calendar.month_text(today.replace(day=1)),
            "today": today,
            "week_of_month": calendar.iso_week(today if today.replace(day=1) == month else month),
        }
    monday = calendar.parse_week(request.args.get("semaine")) or calendar.monday_of(today)
    times, columns, grid = calendar.load_week(resource, calendar.week_days(monday), now, viewer, hours)
    translations = request_translations()
    put_cells(
        grid,
        resource,
        viewer,
        WeekWords(translations.ugettext, translations.ungettext, day_label, clock, written_in_french),
    )
    return {
        "view": "week",
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "times": times,
        "columns": columns,
        "grid": grid,
        "week": calendar.iso_week(monday),
        "previous_week": calendar.iso_week(monday - timedelta(days=7)),
        "next_week": calendar.iso_week(monday + timedelta(days=7)),
        "this_week": calendar.iso_week(today),
        "month_of_week": calendar.month_text(monday),
        "today": today,
    }


CALENDAR_NAV_IDS = ("cal-prev", "cal-today", "cal-next", "cal-switch")


@bp.get("/ressources/<int:resource_id>")
def resource(resource_id: int):
    """A resource's page; an htmx request aimed at the calendar gets the calendar alone."""
    calendar_alone = is_htmx_fragment_request("calendrier")
    # The resource with its venue (and for the page its tariffs and photos); the hours that rule it
    # (its own, else its venue's) in one query, for the calendar and the page.
    resource = shown_resource(resource_id, whole_page=not calendar_alone)
    if resource is None:
        abort(404)
    viewer = _viewer(resource)
    if not (resource.is_active and resource.venue.is_active) and not viewer.staff:
        abort(404)
    hours = hours_for([resource])[resource.id]
    context = {
        "resource": resource,
        "viewer": viewer,
        "booking_url": booking_url,
        "local_text": search.local_text,
        "weekday_labels": WEEKDAY_LABELS,
        "CellState": calendar.CellState,
        "paris": PARIS,
        "iso_week": calendar.iso_week,
        "day_label": day_label,
        "short_day_label": short_day_label,
        "clock": clock,
        "period_words": period_words,
        "month_label": month_label,
        "minutes": Minutes,
        **_calendar_context(resource, viewer, hours),
    }
    if calendar_alone:
        # Moved by its own links (their focus stays put, htmx finds them by id): the new week or
        # month is read out by the page's live region, once.
        announce = request.headers.get("HX-Trigger") in CALENDAR_NAV_IDS
        return render_template("catalogue/_calendar.html", announce=announce, **context)
    qualification = None
    if current_user.is_authenticated and resource.kind == ResourceKind.MACHINE and resource.requires_training:
        now = utcnow()
        valid = [q for q in qualifications_for(current_user, resource) if q.is_valid_at(now)]
        lasting = [q.expires_at for q in valid]
        qualification = {"valid": bool(valid), "expires_at": None if None in lasting else max(lasting, default=None)}
    now = utcnow()
    return render_template(
        "catalogue/resource.html",
        outages=outages_over([resource], now, now + timedelta(days=resource.horizon_days)),
        card=resource_card(resource, own_hours=hours if hours and hours[0].resource_id is not None else []),
        hours=hours_summary(hours),
        kind_labels=RESOURCE_KIND_LABELS,
        qualification=qualification,
        **context,
    )
