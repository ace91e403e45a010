"""Pages of the notifications: a manager's choice of digest, the one-click unsubscription, the
coordinators' dead letters.

Register with ``app.register_blueprint(bp)``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.access import coordinator_required
from app.core.forms import EmptyForm
from app.core.i18n import gettext as _
from app.extensions import csrf, db
from app.models import User
from app.notifications import intents, outbox
from app.notifications import unsubscribe as unsubscription
from app.notifications.forms import DAILY, IMMEDIATE, NONE, DeliveryForm
from app.notifications.models import OutboxMessage

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.route("/compte/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    if not current_user.is_manager:  # only managers have a choice to make
        return render_template("notifications/preferences.html", form=None)
    form = DeliveryForm()
    if request.method == "GET":
        form.delivery.data = (
            NONE if current_user.venue_messages_off else DAILY if current_user.daily_digest else IMMEDIATE
        )
    elif form.validate_on_submit():
        current_user.daily_digest = form.delivery.data == DAILY
        current_user.venue_messages_off = form.delivery.data == NONE
        db.session.commit()
        flash(_("Votre choix est enregistré."), "success")
        return redirect(url_for("notifications.preferences"), code=303)
    else:
        return render_template("notifications/preferences.html", form=form), 422
    return render_template("notifications/preferences.html", form=form)


@bp.get("/gestion/coordination/courriels")
@coordinator_required
def dead_letters():
    return render_template(
        "notifications/dead_letters.html",
        messages=outbox.dead_letters(),
        counts=outbox.counts(),
        error_text=outbox.error_text,
        describe=intents.describe,
    )


@bp.post("/gestion/coordination/courriels/<int:message_id>/renvoyer")
@coordinator_required
def retry(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if EmptyForm().validate_on_submit() and outbox.retry_dead(message):
        db.session.commit()
        flash(
            _("Le message à %(to)s repart : il sera envoyé dans quelques instants.", to=message.to_address), "success"
        )
    return redirect(url_for("notifications.dead_letters"), code=303)


@bp.route("/courriels/desabonnement/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs without our form; the signed token is the proof
def unsubscribe(token: str):
    """The digest's one-click unsubscription: a page with one button, or the mail client's POST."""
    user_id = unsubscription.user_id_of(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        abort(404)
    if request.method == "POST":
        user.venue_messages_off, user.daily_digest = True, False
        db.session.commit()
    return render_template(
        "notifications/unsubscribe.html", user=user, done=request.method == "POST" or user.venue_messages_off
    )
