"""Quote pages: ask for a quote (a slot of a resource, or a pending request), a member's quotes,
a quote (accepted online by its requester), its PDF. Seen by its requester and the managers of its
venue; anybody else gets 404."""

from __future__ import annotations

import io
import logging

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.billing import quotes
from app.billing.forms import QuoteForm
from app.billing.models import Quote
from app.billing.views import bp
from app.bookings.forms import paris_input
from app.core.access import staff_required
from app.core.clock import paris_today
from app.core.i18n import gettext as _
from app.core.refusals import Refusal
from app.core.responses import add_errors, form_page, page
from app.extensions import db
from app.manage import permissions
from app.manage.web import venue_or_404
from app.models import Booking, Resource, ResourceKind

log = logging.getLogger(__name__)


def _visible_quote(quote_id: int) -> Quote:
    quote = db.session.get(Quote, quote_id)
    if quote is None or not (
        quote.requester_id == current_user.id or permissions.can_manage_venue(current_user, quote.venue)
    ):
        abort(404)
    return quote


@bp.route("/devis/nouveau/<int:resource_id>", methods=["GET", "POST"])
@login_required
def new_quote(resource_id: int):
    """A quote for a slot, before booking (the booking form's period, if it came from there)."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or not resource.is_active:
        abort(404)
    form = QuoteForm()
    if request.method == "GET":
        form = QuoteForm(formdata=None)
        form.starts_at.raw_data = [request.args.get("debut", "")]
        form.ends_at.raw_data = [request.args.get("fin", "")]
    if resource.kind != ResourceKind.KIT:
        del form.quantity
    if form.validate_on_submit():
        starts_at, ends_at = form.period()
        quantity = form.quantity.data if "quantity" in form else 1
        try:
            quote = quotes.request_quote(resource, current_user, starts_at, ends_at, quantity or 1)
        except quotes.QuoteRefused as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            db.session.commit()
            flash(_("Le devis %(number)s est établi.", number=quote.number), "success")
            return redirect(url_for("billing.show_quote", quote_id=quote.id), code=303)
    return form_page("billing/quote_new.html", form, resource=resource)


@bp.post("/reservations/<int:booking_id>/devis")
@login_required
def quote_for_booking(booking_id: int):
    """A quote for one's own pending request."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.requester_id != current_user.id:
        abort(404)
    try:
        quote = quotes.request_quote(
            booking.resource, current_user, booking.starts_at, booking.ends_at, booking.quantity, booking=booking
        )
    except quotes.QuoteRefused as refusal:
        db.session.rollback()
        flash(str(refusal.reasons[0].message), "error")
        return redirect(url_for("bookings.show", booking_id=booking.id), code=303)
    db.session.commit()
    flash(_("Le devis %(number)s est établi.", number=quote.number), "success")
    return redirect(url_for("billing.show_quote", quote_id=quote.id), code=303)


@bp.get("/devis/")
@login_required
def my_quotes():
    return page("billing/quotes_mine.html", quotes=quotes.quotes_of(current_user), today=paris_today())


@bp.get("/devis/<int:quote_id>")
@login_required
def show_quote(quote_id: int):
    quote = _visible_quote(quote_id)
    return page(
        "billing/quote_show.html",
        quote=quote,
        expired=quotes.is_expired(quote),
        can_accept=quote.requester_id == current_user.id and quote.accepted_at is None and not quotes.is_expired(quote),
        start_input=paris_input(quote.starts_at),
        end_input=paris_input(quote.ends_at),
    )


@bp.post("/devis/<int:quote_id>/accepter")
@login_required
def accept_quote(quote_id: int):
    quote = _visible_quote(quote_id)
    try:
        booking = quotes.accept(quote, current_user)
    except Refusal as refusal:  # the quote's own checks, or the booking engine's reasons
        db.session.rollback()
        messages = [str(reason.message) for reason in refusal.reasons]
        if isinstance(refusal, quotes.QuoteRefused):
            flash(messages[0], "error")
        else:
            flash(
                _("Le créneau de ce devis ne peut plus être réservé : %(reasons)s", reasons=" ".join(messages)),
                "error",
            )
        return redirect(url_for("billing.show_quote", quote_id=quote.id), code=303)
    db.session.commit()
    flash(
        _(
            "Vous avez accepté le devis %(number)s : la réservation n° %(booking)s est faite.",
            number=quote.number,
            booking=booking.id,
        ),
        "success",
    )
    return redirect(url_for("bookings.show", booking_id=booking.id), code=303)


@bp.get("/devis/<int:quote_id>/pdf")
@login_required
def quote_pdf(quote_id: int):
    quote = _visible_quote(quote_id)
    try:
        data = quotes.render_pdf(quote)
    except Exception:
        log.exception("quote %s: the file could not be made", quote.number)
        return render_template(
            "errors/error.html",
            status=503,
            title=_("Document en préparation"),
            message=_("Le document n'a pas pu être préparé. Réessayez dans quelques minutes."),
        ), 503
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=f"{quote.number}.pdf"
    )


@bp.get("/gestion/lieux/<slug>/devis")
@staff_required
def venue_quotes(slug: str):
    venue = venue_or_404(slug)
    return page("billing/venue_quotes.html", venue=venue, quotes=quotes.quotes_of_venue(venue.id), today=paris_today())
