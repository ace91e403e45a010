"""The fair-use pages: booking on behalf of a member (``/gestion/reserver-pour``), asking for a
training (from a refusal of the booking form), and marking a training request handled (desk).

Views parse the form, call ``app.fairuse.on_behalf`` / ``app.fairuse.training``, commit once, and
answer with a page, a redirect (303) or an htmx fragment. On ``Refusal`` they roll back and show
the reasons next to their fields (422).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.bookings import access
from app.bookings.service import Refusal
from app.core.access import staff_required
from app.core.i18n import gettext as _
from app.core.navigation import safe_next_url
from app.core.responses import add_errors, form_page
from app.core.web import is_htmx_fragment_request
from app.extensions import db
from app.fairuse import on_behalf, training
from app.fairuse.forms import OnBehalfForm, TrainingRequestForm
from app.fairuse.models import TrainingRequest
from app.models import Resource, ResourceKind, User

bp = Blueprint("fairuse", __name__, template_folder="templates")

TRAINING_TARGET = "training-offer"


@bp.app_context_processor
def _training_helpers():
    """For the booking form's refusal: whether it calls for a training, the upcoming sessions,
    the member's open request, the form to ask for one."""
    return {
        "needs_training": training.needs_training,
        "upcoming_training_sessions": training.upcoming_training_sessions,
        "open_training_request": lambda resource: (
            training.open_request(current_user, resource) if current_user.is_authenticated else None
        ),
        "training_request_form": TrainingRequestForm,
    }


# --- On behalf of a member -------------------------------------------------------------------------


def _choices(form: OnBehalfForm) -> list[Resource]:
    resources = on_behalf.bookable_resources(current_user)
    form.resource.choices = [("", _("Choisissez…"))] + [
        (resource.id, f"{resource.name} ({resource.venue.name})") for resource in resources
    ]
    form.member.choices = [("", _("Choisissez…"))] + [
        (
            member.id,
            f"{member.name} ({member.organisation.name if member.organisation else _('sans structure')}) — {member.email}",
        )
        for member in on_behalf.members()
    ]
    return resources


@bp.route("/gestion/reserver-pour", methods=["GET", "POST"])
@staff_required
def book_for():
    if request.method == "GET":
        chosen = request.args.get("ressource", "")
        form = OnBehalfForm(formdata=None, data={"resource": int(chosen) if chosen.isdigit() else 0})
        _choices(form)
        return form_page("fairuse/book_for.html", form)
    form = OnBehalfForm()
    resources = {resource.id: resource for resource in _choices(form)}
    valid = form.validate()
    if form.resource.data not in resources:
        form.resource.errors = [_("Choisissez une ressource de votre lieu.")]
        valid = False
    member = db.session.get(User, form.member.data or 0)
    if member is None:
        form.member.errors = [_("Choisissez la personne pour qui vous réservez.")]
        valid = False
    if not valid:
        return form_page("fairuse/book_for.html", form)
    resource = resources[form.resource.data]
    starts_at, ends_at = form.period()
    try:
        booking = on_behalf.book_on_behalf(
            current_user,
            resource,
            member,
            starts_at,
            ends_at,
            quantity=(form.quantity.data or 1) if resource.kind == ResourceKind.KIT else 1,
            attendees=form.attendees.data if resource.kind == ResourceKind.SPACE else None,
            purpose=form.purpose.data or "",
        )
    except Refusal as refusal:
        db.session.rollback()
        _choices(form)
        add_errors(form, refusal)
        return form_page("fairuse/book_for.html", form)
    db.session.commit()
    flash(
        _("Réservation faite pour le compte de %(name)s : la personne est prévenue par e-mail.", name=member.name),
        "success",
    )
    return redirect(url_for("bookings.show", booking_id=booking.id), code=303)


# --- Training ----------------------------------------------------------------------------------------


@bp.post("/ressources/<int:resource_id>/demande-de-formation")
@login_required
def ask_for_training(resource_id: int):
    resource = access.bookable_resource(resource_id)
    if resource is None:
        abort(404)
    form = TrainingRequestForm()
    back = safe_next_url(request.form.get("next"), url_for("bookings.new", resource_id=resource.id))
    if not form.validate():
        if is_htmx_fragment_request(TRAINING_TARGET):
            return render_template("fairuse/_training_offer.html", resource=resource, form=form), 422
        flash(" ".join(str(message) for messages in form.errors.values() for message in messages), "error")
        return redirect(back, code=303)
    try:
        training.ask_for_training(current_user, resource, form.message.data or "")
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(back, code=303)
    db.session.commit()
    message = _("Votre demande de formation est envoyée aux gestionnaires du lieu : ils vous recontactent.")
    if is_htmx_fragment_request(TRAINING_TARGET):
        return render_template("fairuse/_training_offer.html", resource=resource, done=message)
    flash(message, "success")
    return redirect(back, code=303)


@bp.post("/gestion/formations/<int:request_id>/traitee")
@staff_required
def training_handled(request_id: int):
    found = db.session.get(TrainingRequest, request_id)
    if found is None:
        abort(404)
    try:
        training.mark_handled(found, current_user)
    except Refusal:
        abort(404)
    db.session.commit()
    flash(_("Demande de formation de %(name)s traitée.", name=found.user.name), "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("desk.requests")) + "#formations", code=303)
