"""The members' booking pages: the form with its live check, "Mes réservations", a booking's page,
edit, cancel, and the waitlist.

Each view parses the form, calls ``app.bookings.service``, commits once, and answers with a
page, a redirect (303) or an htmx fragment. On ``Refusal`` it rolls back and shows each reason
next to its field (422). Prices and deposits come from the engine, never from here.

Refusals: anonymous → log in (``HX-Redirect`` for htmx); a booking the user may not see → 404
(as if it did not exist); an action the user may not take on a booking they see → 403 or the
engine's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.bookings import access, service
from app.bookings.forms import (
    FORMAT,
    BookingForm,
    CancelForm,
    EditForm,
    WaitlistForm,
    paris_input,
)
from app.bookings.service import Action, Code, Refusal
from app.core.clock import within_reach
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import ngettext
from app.core.navigation import safe_next_url
from app.core.responses import add_errors
from app.core.web import is_htmx_fragment_request
from app.extensions import db
from app.models import Booking, BookingStatus, Resource, ResourceKind, utcnow

bp = Blueprint("bookings", __name__, template_folder="templates")

# The agreement a booking's pages link to, found by the agreements feature, which registers the
# finder (the booking engine's package does not import the features built on it).
_agreement_finders: list[Callable[[Booking, object], object | None]] = []


def register_agreement_finder(finder: Callable[[Booking, object], object | None]) -> None:
    """``finder(booking, user)``: the agreement in force the user may see, or None."""
    if finder not in _agreement_finders:
        _agreement_finders.append(finder)


def _agreement_of(booking: Booking):
    for finder in _agreement_finders:
        found = finder(booking, current_user)
        if found is not None:
            return found
    return None


SUMMARY_TARGET = "booking-summary"
EDIT_SUMMARY_TARGET = "edit-summary"
LIST_TARGET = "my-bookings"
UPCOMING, PAST = "a-venir", "passees"
# Reasons that say the slot is taken: the member may wait for it to free up.
TAKEN_CODES = frozenset({Code.ALREADY_BOOKED, Code.NOT_ENOUGH_UNITS})

AUDIT_LABELS = {
    "requested": _l("Demande envoyée"),
    "approved": _l("Validée"),
    "rejected": _l("Refusée"),
    "cancelled": _l("Annulée"),
    "edited": _l("Modifiée"),
    "handed_over": _l("Remise"),
    "returned": _l("Rendue"),
    "change_requested": _l("Modification demandée"),
    "change_approved": _l("Modification acceptée"),
    "change_refused": _l("Modification refusée"),
}
FREQUENCY_LABELS = {
    "daily": _l("tous les jours"),
    "weekly": _l("toutes les semaines"),
}


@bp.context_processor
def _labels():
    return {
        "status_labels": service.STATUS_LABELS,
        "audit_labels": AUDIT_LABELS,
        "frequency_labels": FREQUENCY_LABELS,
        "resource_url": resource_url,
        "row_facts": row_facts,
    }


@bp.app_template_filter("paris_input")
def _paris_input(moment: datetime | None) -> str:
    return paris_input(moment)


def resource_url(resource: Resource) -> str:
    """The resource's page, with its calendar."""
    return url_for("catalogue.resource", resource_id=resource.id)


def row_facts(booking: Booking) -> dict:
    """What a row of "Mes réservations" shows besides the booking: the actions allowed now, the agreement."""
    return {"actions": service.allowed_actions(booking, current_user, utcnow()), "agreement": _agreement_of(booking)}


def _visible_or_404(booking_id: int) -> Booking:
    booking = access.visible_booking(current_user, booking_id)
    if booking is None:
        abort(404)
    return booking


def _resource_or_404(resource_id: int) -> Resource:
    resource = access.bookable_resource(resource_id)
    if resource is None:
        abort(404)
    return resource


def _fit_to(form, resource: Resource):
    """Only the amounts that apply: units for a kit, attendees for a space."""
    if resource.kind != ResourceKind.KIT:
        del form.quantity
    if resource.kind != ResourceKind.SPACE:
        del form.attendees
    return form


# --- The booking form and its live check ---------------------------------------------------------


def _read_local(text: str | None) -> datetime | None:
    """A Paris date and time from a link (``?debut=2027-03-02T10:00``), or None when unreadable or out of reach."""
    try:
        moment = datetime.strptime((text or "").strip()[:32], FORMAT)
    except ValueError:
        return None
    return moment if within_reach(moment.date()) else None


def _prefill(args) -> dict:
    """``?debut=2027-03-02T10:00&fin=…&quantite=2`` (Paris time) → the form's first values."""
    data: dict = {"starts_at": _read_local(args.get("debut")), "ends_at": _read_local(args.get("fin"))}
    quantity = args.get("quantite", "")
    if quantity.isdigit() and int(quantity) >= 1:
        data["quantity"] = int(quantity)
    return data


def _period_refused(form) -> bool:
    """Start and end both typed, and one of them refused (its message sits next to it): the summary
    then asks to correct them, not to fill them in."""
    typed = all((field.raw_data or [""])[0].strip() for field in (form.starts_at, form.ends_at))
    return typed and bool(form.starts_at.errors or form.ends_at.errors)


def summary_of(resource: Resource, form: BookingForm) -> dict:
    """The live summary: whether the request is possible, what it costs, and why not. Writes nothing."""
    starts_at, ends_at = form.period()
    if starts_at is None or ends_at is None or form.starts_at.errors or form.ends_at.errors:
        # Both filled but refused (a message sits next to the field): say so, not "fill them in".
        return {"ready": False, "invalid": _period_refused(form)}
    quantity, attendees = form.amounts()
    summary: dict = {
        "ready": True,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "quantity": quantity,
        "check": None,
        "preview": None,
        "series_reasons": [],
        "waitlist": False,
    }
    repetition = form.repetition()
    if repetition is not None:
        try:
            summary["preview"] = service.preview_series(
                resource, current_user, starts_at, ends_at, repetition, quantity=quantity, attendees=attendees
            )
        except Refusal as refusal:
            summary["series_reasons"] = refusal.messages
        return summary
    check = service.check_booking(resource, current_user, starts_at, ends_at, quantity=quantity, attendees=attendees)
    summary["check"] = check
    summary["waitlist"] = bool(check.reasons) and all(code in TAKEN_CODES for code in check.codes)
    return summary


PERIOD_FIELDS = ("starts_at", "ends_at")


def tie_to_fields(form, summary: dict) -> None:
    """After a live check, each reason against the start or the end (a duration too short, a start
    too late…) sits next to its field too, so that the field is marked invalid and described by it;
    a field not typed yet shows no "required" message while the other is being filled in."""
    for name in PERIOD_FIELDS:
        if not (form[name].raw_data or [""])[0].strip():
            form[name].errors = []
    check = summary.get("check")
    for reason in check.reasons if check is not None else []:
        if reason.field in PERIOD_FIELDS:
            form[reason.field].errors = [*form[reason.field].errors, str(reason.message)]


def _live_response(template: str, form, **context) -> str:
    """A live check's summary, and the start's and the end's messages swapped out of band."""
    return render_template(template, **context) + render_template("bookings/_live_errors.html", form=form)


def _form_page(resource: Resource, form: BookingForm, status: int = 200):
    return render_template(
        "bookings/new.html",
        resource=resource,
        form=form,
        summary=summary_of(resource, form),
        waitlist_form=WaitlistForm(formdata=None),
    ), status


@bp.route("/ressources/<int:resource_id>/reserver", methods=["GET", "POST"])
@login_required
def new(resource_id: int):
    resource = _resource_or_404(resource_id)
    if request.method == "GET":
        return _form_page(resource, _fit_to(BookingForm(formdata=None, data=_prefill(request.args)), resource))
    form = _fit_to(BookingForm(), resource)
    if not form.validate():
        return _form_page(resource, form, 422)
    starts_at, ends_at = form.period()
    quantity, attendees = form.amounts()
    purpose = form.purpose.data or ""
    try:
        if form.is_series():
            _series, bookings = service.request_series(
                resource,
                current_user,
                starts_at,
                ends_at,
                form.repetition(),
                quantity=quantity,
                attendees=attendees,
                purpose=purpose,
                only_free=form.only_free.data,
            )
        else:
            bookings = [
                service.request_booking(
                    resource, current_user, starts_at, ends_at, quantity=quantity, attendees=attendees, purpose=purpose
                )
            ]
    except Refusal as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        return _form_page(resource, form, 422)
    # What the answer says is read before the commit, which expires every row the request holds.
    message, target = _booked_message(bookings), url_for("bookings.show", booking_id=bookings[0].id)
    db.session.commit()
    flash(message, "success")
    return redirect(target, code=303)


def _booked_message(bookings: list[Booking]) -> str:
    approved = all(b.status == BookingStatus.APPROVED for b in bookings)
    if len(bookings) == 1:
        if approved:
            return _("Votre réservation est validée.")
        return _("Votre demande est enregistrée : elle attend la validation d'un·e gestionnaire du lieu.")
    if approved:
        return ngettext(
            "%(num)d occurrence réservée : la série est validée.",
            "%(num)d occurrences réservées : la série est validée.",
            len(bookings),
        )
    return ngettext(
        "%(num)d occurrence demandée : la série attend la validation d'un·e gestionnaire du lieu.",
        "%(num)d occurrences demandées : la série attend la validation d'un·e gestionnaire du lieu.",
        len(bookings),
    )


@bp.post("/ressources/<int:resource_id>/reserver/verifier")
@login_required
def check(resource_id: int):
    """The live check (htmx swaps the summary); without JavaScript, the form page with the summary."""
    resource = _resource_or_404(resource_id)
    form = _fit_to(BookingForm(), resource)
    form.validate()
    summary = summary_of(resource, form)
    tie_to_fields(form, summary)
    if is_htmx_fragment_request(SUMMARY_TARGET):
        return _live_response(
            "bookings/_summary.html",
            form,
            resource=resource,
            summary=summary,
            waitlist_form=WaitlistForm(formdata=None),
        )
    return render_template(
        "bookings/new.html", resource=resource, form=form, summary=summary, waitlist_form=WaitlistForm(formdata=None)
    )


# --- Waitlist ---------------------------------------------------------------------------------------


@bp.post("/ressources/<int:resource_id>/liste-attente")
@login_required
def join_waitlist(resource_id: int):
    resource = _resource_or_404(resource_id)
    form = WaitlistForm()
    back = url_for(  # what was typed, back in the form (as much as a date and time take)
        "bookings.new",
        resource_id=resource.id,
        debut=request.form.get("starts_at", "")[:16] or None,
        fin=request.form.get("ends_at", "")[:16] or None,
        quantite=request.form.get("quantity", "")[:4] or None,
    )
    starts_at, ends_at = form.period() if form.validate() else (None, None)
    if starts_at is None or ends_at is None:
        flash(_("Indiquez le début et la fin du créneau attendu."), "error")
        return redirect(back, code=303)
    try:
        service.join_waitlist(resource, current_user, starts_at, ends_at, quantity=form.quantity.data or 1)
    except Refusal as refusal:
        db.session.rollback()
        for message in refusal.messages:
            flash(message, "error")
        return redirect(back, code=303)
    db.session.commit()
    flash(_("Vous êtes sur la liste d'attente : un e-mail vous préviendra si le créneau se libère."), "success")
    return redirect(url_for("bookings.mine"), code=303)


@bp.post("/reservations/attente/<int:entry_id>/quitter")
@login_required
def leave_waitlist(entry_id: int):
    entry = access.own_waitlist_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    service.leave_waitlist(entry, current_user)
    db.session.commit()
    message = _("Vous avez quitté la liste d'attente de « %(name)s ».", name=entry.resource.name)
    if is_htmx_fragment_request(f"waitlist-{entry.id}"):
        return render_template("bookings/_waitlist_row.html", entry=entry, status_message=message)
    flash(message, "success")
    return redirect(url_for("bookings.mine"), code=303)


# --- Mes réservations --------------------------------------------------------------------------------


@bp.get("/reservations/")
@login_required
def mine():
    view = PAST if request.args.get("vue") == PAST else UPCOMING
    number = request.args.get("page", "1")
    results = access.my_bookings(
        current_user, utcnow(), upcoming=view == UPCOMING, number=int(number) if number.isdigit() else 1
    )
    context = {"view": view, "results": results, "back_url": request.full_path.rstrip("?")}
    if is_htmx_fragment_request(LIST_TARGET):
        return render_template("bookings/_list.html", **context)
    return render_template("bookings/mine.html", waitlist=access.my_waitlist(current_user), **context)


# --- One booking ------------------------------------------------------------------------------------


def _desk_url(booking: Booking) -> str | None:
    """Where a manager decides on requests, once the desk exists."""
    for endpoint in ("desk.index", "desk.requests"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return None


def _show_page(booking: Booking, cancel_form: CancelForm | None = None, status: int = 200):
    agreement = _agreement_of(booking)
    return render_template(
        "bookings/show.html",
        booking=booking,
        actions=service.allowed_actions(booking, current_user, utcnow()),
        history=access.history(booking),
        agreement=agreement,
        cancel_form=cancel_form or CancelForm(formdata=None),
        desk_url=_desk_url(booking),
        is_requester=booking.requester_id == current_user.id,
        pending_change=service.pending_change_of(booking),
    ), status


@bp.get("/reservations/<int:booking_id>")
@login_required
def show(booking_id: int):
    return _show_page(_visible_or_404(booking_id))


def _editable_or_404(booking_id: int) -> Booking:
    booking = _visible_or_404(booking_id)
    if Action.EDIT not in service.allowed_actions(booking, current_user, utcnow()):
        abort(403)
    return booking


def _edit_values(form: EditForm) -> dict:
    starts_at, ends_at = form.period()
    return {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "quantity": form.quantity.data if "quantity" in form else None,
        "attendees": form.attendees.data if "attendees" in form else None,
        "purpose": form.purpose.data or "",
    }


def edit_summary_of(booking: Booking, form: EditForm) -> dict:
    """What the edit being typed would do (possible or not and why, new price, back to a manager). Writes nothing."""
    if form.starts_at.errors or form.ends_at.errors or None in form.period():
        return {"ready": False, "invalid": _period_refused(form)}
    return {"ready": True, "check": service.check_edit(booking, **_edit_values(form))}


def _edit_page(booking: Booking, form: EditForm, status: int = 200):
    return render_template(
        "bookings/edit.html", booking=booking, form=form, summary=edit_summary_of(booking, form)
    ), status


@bp.route("/reservations/<int:booking_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(booking_id: int):
    booking = _editable_or_404(booking_id)
    resource = booking.resource
    if request.method == "GET":
        initial = {
            "starts_at": _read_local(paris_input(booking.starts_at)),
            "ends_at": _read_local(paris_input(booking.ends_at)),
            "quantity": booking.quantity,
            "attendees": booking.attendees,
            "purpose": booking.purpose,
        }
        form = _fit_to(EditForm(formdata=None, data=initial), resource)
        return render_template("bookings/edit.html", booking=booking, form=form, summary={"ready": False})
    form = _fit_to(EditForm(), resource)
    if not form.validate():
        return _edit_page(booking, form, 422)
    try:
        change = service.edit_booking(booking, current_user, reason=form.reason.data or "", **_edit_values(form))
    except Refusal as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        return _edit_page(booking, form, 422)
    db.session.commit()
    if change.pending_change is not None:
        flash(
            _(
                "Votre demande de modification est transmise au lieu. La réservation reste validée "
                "telle qu'elle est jusqu'à sa décision."
            ),
            "warning",
        )
    elif change.back_to_manager and booking.status == BookingStatus.REQUESTED:
        flash(
            _(
                "La modification est enregistrée : la réservation attend de nouveau la validation "
                "d'un·e gestionnaire du lieu."
            ),
            "warning",
        )
    elif change.back_to_manager:
        flash(_("La modification est enregistrée et validée de nouveau automatiquement."), "success")
    else:
        flash(_("La modification est enregistrée."), "success")
    return redirect(url_for("bookings.show", booking_id=booking.id), code=303)


@bp.post("/reservations/<int:booking_id>/modifier/verifier")
@login_required
def check_edit(booking_id: int):
    """The edit's live check (htmx swaps the summary); without JavaScript, the edit page with it."""
    booking = _editable_or_404(booking_id)
    form = _fit_to(EditForm(), booking.resource)
    form.validate()
    summary = edit_summary_of(booking, form)
    tie_to_fields(form, summary)
    if is_htmx_fragment_request(EDIT_SUMMARY_TARGET):
        return _live_response("bookings/_edit_summary.html", form, booking=booking, summary=summary)
    return render_template("bookings/edit.html", booking=booking, form=form, summary=summary)


@bp.route("/reservations/series/<int:series_id>/annuler", methods=["GET", "POST"])
@login_required
def cancel_series(series_id: int):
    """Cancel every occurrence still to come: a confirmation page without JavaScript; from
    "Mes réservations", htmx posts after a confirmation and gets the list back."""
    series = access.visible_series(current_user, series_id)
    if series is None:
        abort(404)
    back = safe_next_url(request.values.get("next"), url_for("bookings.mine"))
    form = CancelForm() if request.method == "POST" else CancelForm(formdata=None)
    if request.method == "GET":
        return render_template("bookings/cancel_series.html", series=series, form=form, back=back)
    form.validate()
    try:
        cancelled = service.cancel_series(series, current_user, form.reason.data or "")
    except Refusal as refusal:
        db.session.rollback()
        if is_htmx_fragment_request(LIST_TARGET):
            return _list_fragment(error_message=" ".join(refusal.messages)), 422
        add_errors(form, refusal)
        return render_template("bookings/cancel_series.html", series=series, form=form, back=back), 422
    db.session.commit()
    message = ngettext(
        "%(num)d occurrence de la série est annulée.", "%(num)d occurrences de la série sont annulées.", len(cancelled)
    )
    if is_htmx_fragment_request(LIST_TARGET):
        return _list_fragment(status_message=message)
    flash(message, "success")
    return redirect(back, code=303)


def _list_fragment(**messages) -> str:
    results = access.my_bookings(current_user, utcnow(), upcoming=True)
    return render_template(
        "bookings/_list.html", view=UPCOMING, results=results, back_url=url_for("bookings.mine"), **messages
    )


def _row(booking: Booking, **messages) -> str:
    return render_template(
        "bookings/_booking_row.html",
        booking=booking,
        back_url=safe_next_url(request.form.get("next"), url_for("bookings.mine")),
        **messages,
    )


@bp.route("/reservations/<int:booking_id>/annuler", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int):
    """GET: the confirmation page (no JavaScript) with a reason field; POST: cancel.

    From a row of "Mes réservations", htmx posts after a confirmation and gets the row back.
    """
    booking = _visible_or_404(booking_id)
    back = safe_next_url(request.values.get("next"), url_for("bookings.show", booking_id=booking.id))
    row_target = f"booking-{booking.id}"
    if request.method == "GET":
        form = CancelForm(formdata=None)
        return render_template(
            "bookings/cancel.html",
            booking=booking,
            form=form,
            back=back,
            allowed=Action.CANCEL in service.allowed_actions(booking, current_user, utcnow()),
        )
    form = CancelForm()
    form.validate()
    try:
        service.cancel(booking, current_user, form.reason.data or "")
    except Refusal as refusal:
        db.session.rollback()
        if is_htmx_fragment_request(row_target):
            return _row(booking, error_message=" ".join(refusal.messages)), 422
        add_errors(form, refusal)
        return render_template("bookings/cancel.html", booking=booking, form=form, back=back, allowed=True), 422
    db.session.commit()
    message = _("La réservation de « %(name)s » est annulée.", name=booking.resource.name)
    if is_htmx_fragment_request(row_target):
        return _row(booking, status_message=message)
    flash(message, "success")
    return redirect(back, code=303)
