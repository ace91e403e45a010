"""Webhooks for partners: a coordinator registers a URL (its secret is made here and shown once), and
picks the events it receives; the booking engine's signals queue the calls in the transaction of
the change, and the outbox sends and retries them (``app.notifications.webhooks``).

Events: ``booking.approved`` and ``booking.cancelled`` (no personal data: the resource, the venue,
the period; a venue's own event is not a booking for partners), ``event.published`` and
``event.changed`` (the event as the public API shows it: ``app.api.programme.event_data``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length

from app.api.programme import EventSchema, event_data
from app.bookings import signals
from app.core.access import coordinator_required
from app.core.clock import PARIS
from app.core.forms import EmptyForm, Form
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.events import signals as event_signals
from app.events.models import Event
from app.extensions import db
from app.models import Booking
from app.notifications import webhooks
from app.notifications.models import WebhookEndpoint

BOOKING_APPROVED = "booking.approved"
BOOKING_CANCELLED = "booking.cancelled"
EVENT_PUBLISHED = "event.published"
EVENT_CHANGED = "event.changed"
EVENTS = {
    BOOKING_APPROVED: _l("Réservation validée"),
    BOOKING_CANCELLED: _l("Réservation annulée"),
    EVENT_PUBLISHED: _l("Évènement publié"),
    EVENT_CHANGED: _l("Évènement modifié ou annulé"),
}

bp = Blueprint("api_partners", __name__, url_prefix="/gestion/coordination/webhooks", template_folder="templates")


def booking_event_data(booking: Booking) -> dict:
    resource = booking.resource
    return {
        "booking": {
            "id": booking.id,
            "status": booking.status.value,
            "starts_at": booking.starts_at.astimezone(PARIS).isoformat(timespec="seconds"),
            "ends_at": booking.ends_at.astimezone(PARIS).isoformat(timespec="seconds"),
            "quantity": booking.quantity,
        },
        "resource": {"id": resource.id, "name": resource.name, "kind": resource.kind.value},
        "venue": {"slug": resource.venue.slug, "name": resource.venue.name},
    }


@signals.booking_approved.connect
def _approved(booking: Booking, **_details) -> None:
    if not booking.is_event:
        webhooks.queue_event(BOOKING_APPROVED, booking_event_data(booking))


@signals.booking_cancelled.connect
def _cancelled(booking: Booking, **_details) -> None:
    if not booking.is_event:
        webhooks.queue_event(BOOKING_CANCELLED, booking_event_data(booking))


@event_signals.event_published.connect
def _event_published(event: Event, **_details) -> None:
    if webhooks.subscribers(EVENT_PUBLISHED):
        db.session.flush()  # its id, for its address
        webhooks.queue_event(EVENT_PUBLISHED, {"event": EventSchema().dump(event_data(event))})


@event_signals.event_changed.connect
def _event_changed(event: Event, **_details) -> None:
    if webhooks.subscribers(EVENT_CHANGED):
        webhooks.queue_event(EVENT_CHANGED, {"event": EventSchema().dump(event_data(event))})


# --- The coordinators' page -----------------------------------------------------------------------


class WebhookForm(Form):
    name = StringField(_l("Partenaire"), validators=[InputRequired(_l("Indiquez le partenaire.")), Length(max=120)])
    url = StringField(
        _l("Adresse (URL) qui reçoit les appels"),
        validators=[
            InputRequired(_l("Indiquez l'adresse.")),
            Length(max=500),
            URL(require_tld=False, message=_l("Adresse invalide : elle commence par https:// (ou http://).")),
        ],
    )
    events = SelectMultipleField(
        _l("Évènements envoyés"),
        choices=[SelectChoice(name, label) for name, label in EVENTS.items()],
        validators=[InputRequired(_l("Choisissez au moins un évènement."))],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )


def _page(form: WebhookForm, secret: str | None = None, status: int = 200):
    endpoints = db.session.scalars(db.select(WebhookEndpoint).order_by(WebhookEndpoint.created_at.desc()))
    return render_template(
        "api/webhooks.html",
        form=form,
        off_form=EmptyForm(),
        endpoints=list(endpoints),
        events=EVENTS,
        secret=secret,
    ), status


@bp.get("/")
@coordinator_required
def index():
    return _page(WebhookForm(formdata=None))


@bp.post("/")
@coordinator_required
def create():
    form = WebhookForm()
    if not form.validate():
        return _page(form, status=422)
    secret = webhooks.new_secret()
    db.session.add(
        WebhookEndpoint(
            name=" ".join(form.name.data.split()),
            url=form.url.data.strip(),
            secret=secret,
            events=" ".join(e for e in EVENTS if e in form.events.data),
            created_by_id=current_user.id,
        )
    )
    db.session.commit()
    return _page(WebhookForm(formdata=None), secret=secret, status=201)


@bp.post("/<int:endpoint_id>/desactiver")
@coordinator_required
def deactivate(endpoint_id: int):
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    if not EmptyForm().validate():
        abort(400)
    endpoint.is_active = False
    db.session.commit()
    flash(_("Le webhook de « %(name)s » est désactivé.", name=endpoint.name), "success")
    return redirect(url_for("api_partners.index"), code=303)
