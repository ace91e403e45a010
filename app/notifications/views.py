"""Pages of the notifications: a manager's choice of digest, the coordinators' dead letters.

Register with ``app.register_blueprint(bp)``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.access import coordinator_required
from app.core.forms import EmptyForm
from app.extensions import db
from app.notifications import outbox
from app.notifications.forms import DAILY, IMMEDIATE, DeliveryForm
from app.notifications.models import OutboxMessage

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.route("/compte/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    if not current_user.is_manager:  # only managers have a choice to make
        return render_template("notifications/preferences.html", form=None)
    form = DeliveryForm()
    if request.method == "GET":
        form.delivery.data = DAILY if current_user.daily_digest else IMMEDIATE
    elif form.validate_on_submit():
        current_user.daily_digest = form.delivery.data == DAILY
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
