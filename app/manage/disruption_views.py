"""Managers' pages for the bookings a closure or an out-of-service period hits, and for taking a
machine or a kit out of service (rules: ``app.manage.disruptions``).

- ``/gestion/lieux/<slug>/fermetures/<id>/reservations``: the bookings a closure in force hits,
  each with "cancel with a reason" or "keep as an exception";
- ``/gestion/lieux/<slug>/ressources/<id>/hors-service``: the resource's outages, and a form to add one;
- ``/gestion/lieux/<slug>/hors-service/<id>/reservations``: the bookings an outage hits, the same choice.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.bookings.service import STATUS_LABELS
from app.bookings.service import Refusal as EngineRefusal
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.core.responses import add_errors, back_to, form_page
from app.extensions import db
from app.manage import bp, permissions
from app.manage import disruptions as rules
from app.manage.closures import InvalidClosure
from app.manage.forms import HitForm, OutageForm
from app.manage.web import found_or_404, venue_or_404
from app.models import Booking, Closure, ResourceKind, ResourceOutage, Venue, utcnow


def hits_url(venue: Venue, disruption: rules.Disruption) -> str:
    if isinstance(disruption, Closure):
        return url_for("manage.closure_hits", slug=venue.slug, closure_id=disruption.id)
    return url_for("manage.outage_hits", slug=venue.slug, outage_id=disruption.id)


def flash_hits(venue: Venue, disruption: rules.Disruption) -> int:
    """Say how many bookings wait for a choice; returns that number."""
    count = rules.unsettled_count(disruption)
    if count:
        flash(
            ngettext(
                "%(num)d réservation tombe pendant cette période : choisissez ci-dessous de l'annuler ou de la maintenir.",
                "%(num)d réservations tombent pendant cette période : choisissez ci-dessous de les annuler ou de les maintenir.",
                count,
            ),
            "warning",
        )
    return count


def _hits_page(venue: Venue, disruption: rules.Disruption, errors: dict | None = None, status: int = 200):
    return render_template(
        "manage/hits.html",
        venue=venue,
        disruption=disruption,
        is_closure=isinstance(disruption, Closure),
        hits=rules.hits(disruption),
        errors=errors or {},
        settle_url=lambda booking: hits_url(venue, disruption) + f"/{booking.id}",
        back_url=hits_url(venue, disruption),
        status_labels=STATUS_LABELS,
    ), status


def _settle(venue: Venue, disruption: rules.Disruption, booking_id: int):
    booking = found_or_404(db.session.get(Booking, booking_id))
    form = HitForm()
    cancel = request.form.get("choix") == "annuler"
    try:
        if not form.validate():
            raise rules.DisruptionRefused(_("Le formulaire a expiré ; rechargez la page."))
        rules.settle(disruption, booking, cancel, form.reason.data or "", current_user, utcnow())
    except (rules.DisruptionRefused, EngineRefusal) as refusal:
        db.session.rollback()
        return _hits_page(venue, disruption, {booking_id: " ".join(refusal.messages)}, 422)
    db.session.commit()
    if cancel:
        flash(
            _("La réservation de %(name)s est annulée ; la personne est prévenue.", name=booking.requester.name),
            "success",
        )
    else:
        flash(_("La réservation de %(name)s est maintenue, par exception.", name=booking.requester.name), "success")
    return redirect(back_to(hits_url(venue, disruption)), code=303)


@bp.get("/lieux/<slug>/fermetures/<int:closure_id>/reservations")
def closure_hits(slug: str, closure_id: int):
    venue = venue_or_404(slug)
    return _hits_page(venue, found_or_404(permissions.closure_of(venue, closure_id)))


@bp.post("/lieux/<slug>/fermetures/<int:closure_id>/reservations/<int:booking_id>")
def settle_closure_hit(slug: str, closure_id: int, booking_id: int):
    venue = venue_or_404(slug)
    return _settle(venue, found_or_404(permissions.closure_of(venue, closure_id)), booking_id)


# --- Out of service ----------------------------------------------------------------------------------


def _outage_of(venue: Venue, outage_id: int) -> ResourceOutage | None:
    outage = db.session.get(ResourceOutage, outage_id)
    return outage if outage is not None and outage.resource.venue_id == venue.id else None


@bp.route("/lieux/<slug>/ressources/<int:resource_id>/hors-service", methods=["GET", "POST"])
def outages(slug: str, resource_id: int):
    venue = venue_or_404(slug)
    resource = found_or_404(permissions.resource_of(venue, resource_id))
    if resource.kind == ResourceKind.SPACE:
        return redirect(url_for("manage.resources", slug=venue.slug), code=303)
    form = OutageForm()
    now = utcnow()
    if form.validate_on_submit():
        starts_at, ends_at = form.period()
        try:
            outage = rules.add_outage(resource, starts_at, ends_at, form.reason.data, current_user, now)
        except InvalidClosure as error:
            add_errors(form, error)
        else:
            db.session.commit()
            flash(_("« %(name)s » est hors service sur cette période.", name=resource.name), "success")
            if flash_hits(venue, outage):
                return redirect(hits_url(venue, outage), code=303)
            return redirect(url_for("manage.outages", slug=venue.slug, resource_id=resource.id), code=303)
    upcoming = rules.outages_of(resource, now)
    return form_page(
        "manage/outages.html",
        form,
        venue=venue,
        resource=resource,
        upcoming=[(outage, rules.unsettled_count(outage)) for outage in upcoming],
    )


@bp.post("/lieux/<slug>/hors-service/<int:outage_id>/supprimer")
def remove_outage(slug: str, outage_id: int):
    venue = venue_or_404(slug)
    outage = found_or_404(_outage_of(venue, outage_id))
    resource_id = outage.resource_id
    rules.remove_outage(outage, current_user)
    db.session.commit()
    flash(_("La ressource est de nouveau en service sur cette période."), "success")
    return redirect(url_for("manage.outages", slug=venue.slug, resource_id=resource_id), code=303)


@bp.get("/lieux/<slug>/hors-service/<int:outage_id>/reservations")
def outage_hits(slug: str, outage_id: int):
    venue = venue_or_404(slug)
    return _hits_page(venue, found_or_404(_outage_of(venue, outage_id)))


@bp.post("/lieux/<slug>/hors-service/<int:outage_id>/reservations/<int:booking_id>")
def settle_outage_hit(slug: str, outage_id: int, booking_id: int):
    venue = venue_or_404(slug)
    return _settle(venue, found_or_404(_outage_of(venue, outage_id)), booking_id)


@bp.app_context_processor
def _hits_counter():
    """``unsettled_hits(closure)``: for the closures table, the bookings a closure in force still asks
    a choice about (one query per closure shown)."""
    return {"unsettled_hits": rules.unsettled_count}
