"""The events' pages: the public agenda ``/programme`` and an event's page with its registration,
the private registration link, the feeds and the printed programme; the managers' pages under
``/gestion/evenements`` (create, edit, cancel, attendees, CSV, message, attendance, proposal); the
coordinators' review of the common programme.

Views parse the form, call ``app.events.rules`` / ``app.events.registrations``, commit once, and
answer with a page, a redirect (303) or an htmx fragment. On ``Refusal`` they roll back and show
the reasons next to their fields (422).
"""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, send_from_directory, url_for
from flask_babel import format_date, get_locale
from flask_login import current_user
from sqlalchemy import select

from app.bookings.service import Frequency, Refusal, Repetition
from app.core.access import coordinator_required, staff_required
from app.core.clock import paris_to_utc, paris_today, to_paris
from app.core.forms import EmptyForm
from app.core.i18n import gettext as _
from app.core.responses import add_errors, form_page, list_page, page
from app.events import (
    feeds,
    images,
    registrations,
    rules,
    tickets,
    trainings,  # noqa: F401  (registers the training sessions finder)
)
from app.events.forms import (
    AgendaFilterForm,
    AttendanceForm,
    CancelEventForm,
    CategoryForm,
    EventForm,
    MessageForm,
    NoteForm,
    RegistrationForm,
)
from app.events.labels import AUDIENCE_LABELS, PROGRAMME_LABELS, STATUS_LABELS
from app.events.models import Event, EventAudience, EventCategory, RegistrationStatus
from app.extensions import db
from app.manage import permissions
from app.models import Resource, ResourceKind, ResourcePhoto, Theme, Venue

bp = Blueprint("events", __name__, template_folder="templates")

AGENDA_TARGET = "agenda-results"


@bp.app_context_processor
def _labels():
    return {
        "event_audience_labels": AUDIENCE_LABELS,
        "event_programme_labels": PROGRAMME_LABELS,
        "registration_status_labels": STATUS_LABELS,
        "locale_name": str(get_locale() or "fr"),
        "today_paris": paris_today,
    }


@bp.context_processor
def _image_limit():
    from app.manage.photos import max_bytes

    return {"image_max_mb": f"{max_bytes(current_app) / 1024 / 1024:.0f}"}


@bp.app_template_filter("event_month")
def _event_month(value: date) -> str:
    return format_date(value, "LLLL yyyy")


# --- The public agenda -----------------------------------------------------------------------------


def _filter_form() -> tuple[AgendaFilterForm, rules.AgendaFilters]:
    form = AgendaFilterForm(formdata=request.args)
    locale = str(get_locale() or "fr")
    venues = list(db.session.scalars(select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.name)))
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    form.lieu.choices = [("", _("Tous les lieux"))] + [(v.slug, v.name) for v in venues]
    form.thematique.choices = [("", _("Toutes les thématiques"))] + [(t.slug, t.name(locale)) for t in themes]
    form.categorie.choices = [("", _("Toutes les catégories"))] + [(c.slug, c.name(locale)) for c in rules.categories()]
    form.public.choices = [("", _("Tous les publics"))] + [
        (a.value, str(label)) for a, label in AUDIENCE_LABELS.items()
    ]
    valid = form.validate()
    filters = rules.AgendaFilters(
        venue=form.lieu.data or "",
        theme=form.thematique.data or "",
        category=form.categorie.data or "",
        audience=form.public.data or "",
        start=form.du.data if valid else None,
        end=form.au.data if valid else None,
        labelled=bool(form.commun.data),
    )
    return form, filters


@bp.get("/programme")
def agenda():
    form, filters = _filter_form()
    events = rules.agenda(filters)
    response = list_page("events/agenda.html", "events/_agenda.html", AGENDA_TARGET, form=form, events=events)
    if isinstance(response, tuple):
        response = Response(response[0], status=response[1])
    elif isinstance(response, str):
        response = Response(response)
    response.headers["Vary"] = "HX-Request, HX-Target"
    return response


def _public_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _show(event: Event, form: RegistrationForm, status: int = 200, **context):
    return page("events/show.html", status, event=event, form=form, **_event_context(event), **context)


def _event_context(event: Event) -> dict:
    confirmed = registrations.confirmed_count(event.id)
    mine = None
    if current_user.is_authenticated:
        mine = db.session.scalar(
            select(registrations.Registration).where(
                registrations.Registration.event_id == event.id,
                registrations.Registration.user_id == current_user.id,
                registrations.Registration.status.in_(registrations.ACTIVE),
            )
        )
    return {
        "seats_left": max(event.capacity - confirmed, 0),
        "mine": mine,
        "osm_url": feeds.osm_url(event.venue),
        "member_form": EmptyForm(),
        "ticket_choices": tickets.choices(event, current_user if current_user.is_authenticated else None),
        "ticket_hold_hours": tickets.hold_hours(),
    }


@bp.get("/programme/<int:event_id>")
def show(event_id: int):
    event = _public_event(event_id)
    return _show(event, RegistrationForm(formdata=None))


@bp.post("/programme/<int:event_id>/inscription")
def register(event_id: int):
    event = _public_event(event_id)
    as_member = request.form.get("membre") == "1" and current_user.is_authenticated
    form = RegistrationForm()
    if not form.validate():
        return _show(event, form, 422)
    try:
        registration = registrations.register(
            event,
            name=form.name.data or "",
            email=form.email.data or "",
            consent=bool(form.consent.data),
            user=current_user if as_member else None,
            locale=str(get_locale() or "fr"),
            category=request.form.get("tarif"),
        )
    except Refusal as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        unplaced = [r for r in refusal.reasons if r.field not in ("name", "email", "consent")]
        return _show(event, form, 422, refusal_messages=[str(r) for r in unplaced])
    db.session.commit()
    if registration.status == RegistrationStatus.CONFIRMED:
        flash(_("Vous êtes inscrit·e : un e-mail de confirmation vous est envoyé."), "success")
    else:
        flash(_("L'évènement est complet : vous êtes sur la liste d'attente. Un e-mail vous le confirme."), "info")
    return redirect(url_for("events.registration", token=registration.token), code=303)


@bp.route("/programme/inscription/<token>", methods=["GET", "POST"])
def registration(token: str):
    found = registrations.by_token(token)
    if found is None:
        abort(404)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            registrations.cancel_registration(found)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect(url_for("events.registration", token=token), code=303)
        db.session.commit()
        flash(_("Votre inscription est annulée. Merci d'avoir libéré votre place."), "success")
        return redirect(url_for("events.registration", token=token), code=303)
    return page("events/registration.html", registration=found, event=found.event, form=form, **tickets.context(found))


@bp.get("/programme/<int:event_id>.ics")
def event_ics(event_id: int):
    event = _public_event(event_id)
    body = feeds.calendar_of_events(event.title, [event])
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="evenement-{event.id}.ics"'},
    )


@bp.get("/programme.ics")
def programme_ics():
    events = rules.agenda(rules.AgendaFilters(), limit=500)
    return Response(feeds.calendar_of_events(_("Programme commun des tiers-lieux"), events), mimetype="text/calendar")


@bp.get("/programme/lieux/<slug>.ics")
def venue_ics(slug: str):
    venue = db.session.scalar(select(Venue).where(Venue.slug == slug))
    if venue is None:
        abort(404)
    events = rules.agenda(rules.AgendaFilters(venue=slug), limit=500)
    return Response(
        feeds.calendar_of_events(_("Programme : %(venue)s", venue=venue.name), events), mimetype="text/calendar"
    )


@bp.get("/programme/nouveautes.atom")
def atom():
    return Response(feeds.atom_of(feeds.newest_events()), mimetype="application/atom+xml")


@bp.get("/programme/mois/<int:year>-<int:month>.pdf")
def month_pdf(year: int, month: int):
    if not (2000 <= year <= paris_today().year + 10 and 1 <= month <= 12):
        abort(404)
    pdf = feeds.month_pdf(year, month)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="programme-{year}-{month:02d}.pdf"'},
    )


@bp.get("/programme/images/<filename>")
def image(filename: str):
    """An event's image, or one of its smaller copies (``…-w320.jpg``), public as its page is."""
    name = filename
    stem, dot, extension = filename.rpartition(".")
    base, _w, width = stem.rpartition("-w")
    sized = bool(base) and width.isdigit() and int(width) in ResourcePhoto.SIZES
    lookup = f"{base}{dot}{extension}" if sized else filename
    event = db.session.scalar(select(Event).where(Event.image_path == lookup).limit(1))
    shown = event.image if event is not None else None
    if shown is None:
        abort(404)
    folder = images.folder(current_app)
    if sized and not (folder / name).is_file():
        name = shown.filename  # no copy of that width (a small image): the image itself
    response = send_from_directory(folder, name, mimetype=shown.content_type, max_age=7 * 24 * 3600)
    response.headers["Content-Disposition"] = "inline"
    return response


# --- The managers' pages ----------------------------------------------------------------------------


def _managed_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not permissions.can_manage_venue(current_user, event.venue):
        abort(404)
    return event


@bp.get("/gestion/evenements")
@staff_required
def manage_list():
    venues = permissions.manageable_venues(current_user)
    events = rules.venue_events([v.id for v in venues])
    return page("events/manage_list.html", venues=venues, events=events, form=EmptyForm())


def _choices(form: EventForm, venue: Venue) -> dict[int, Resource]:
    locale = str(get_locale() or "fr")
    spaces = {
        r.id: r
        for r in db.session.scalars(
            select(Resource)
            .where(Resource.venue_id == venue.id, Resource.kind == ResourceKind.SPACE, Resource.is_active.is_(True))
            .order_by(Resource.name)
        )
    }
    form.resource.choices = [(r.id, r.name) for r in spaces.values()]
    form.category.choices = [(c.id, c.name(locale)) for c in rules.ensure_categories()]
    form.themes.choices = [(t.id, t.name(locale)) for t in db.session.scalars(select(Theme).order_by(Theme.position))]
    form.audience.choices = [(a.value, str(label)) for a, label in AUDIENCE_LABELS.items()]
    return spaces


def _draft(form: EventForm, spaces: dict[int, Resource]) -> rules.EventDraft | None:
    resource = spaces.get(form.resource.data)
    category = db.session.get(EventCategory, form.category.data or 0)
    starts_at, ends_at = form.period()
    if resource is None:
        form.resource.errors = [_("Choisissez un espace de ce lieu.")]
    if category is None:
        form.category.errors = [_("Choisissez une catégorie.")]
    if resource is None or category is None or starts_at is None or ends_at is None:
        return None
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(form.themes.data or []))))
    return rules.EventDraft(
        title=form.title.data or "",
        category=category,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=form.capacity.data or 0,
        description=form.description.data or "",
        themes=themes,
        audience=EventAudience(form.audience.data) if form.audience.data in set(EventAudience) else EventAudience.ALL,
        members_only=bool(form.members_only.data),
        price_full_cents=form.price_full_cents.data or 0,
        price_reduced_cents=form.price_reduced_cents.data or 0,
        price_member_cents=form.price_member_cents.data or 0,
        accessibility=form.accessibility.data or "",
        organiser=form.organiser.data or "",
        machine_type=form.machine_type.data or "",
    )


def _image(form: EventForm, draft: rules.EventDraft | None, event: Event | None) -> images.PreparedImage | None:
    """The upload, checked (its errors go next to the field), and the draft's image: the new one,
    the one the event keeps, or none when it is removed."""
    prepared = None
    try:
        prepared = images.prepare(form.image.data, current_app)
    except images.InvalidImage as refusal:
        add_errors(form, refusal)
    if draft is None:
        return prepared
    kept = event.image if event is not None and not form.remove_image.data else None
    if prepared is not None:
        draft.image_path, draft.image_width, draft.image_height = (
            prepared.new_filename(),
            prepared.width,
            prepared.height,
        )
    elif kept is not None:
        draft.image_path, draft.image_width, draft.image_height = kept.filename, kept.width, kept.height
    draft.image_alt = form.image_alt.data or ""
    return prepared


def _commit_with_image(draft: rules.EventDraft, prepared: images.PreparedImage | None) -> None:
    """Write the new image's files, then commit; on a failed commit, the files go too."""
    if prepared is not None:
        images.store(current_app, draft.image_path, prepared)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if prepared is not None:
            images.discard_unused(current_app, draft.image_path)
        raise


@bp.route("/gestion/evenements/nouveau", methods=["GET", "POST"])
@staff_required
def new():
    venue = permissions.find_managed_venue(current_user, request.values.get("lieu", ""))
    if venue is None:
        venues = permissions.manageable_venues(current_user)
        if len(venues) != 1:
            return page("events/choose_venue.html", venues=venues)
        venue = venues[0]
    if request.method == "GET":
        day = paris_today() + timedelta(days=7)
        form = EventForm(
            formdata=None,
            data={
                "starts_at": to_paris(paris_to_utc(day, time(18))).replace(tzinfo=None),
                "ends_at": to_paris(paris_to_utc(day, time(20))).replace(tzinfo=None),
                "capacity": 20,
                "audience": EventAudience.ALL.value,
            },
        )
        _choices(form, venue)
        return form_page("events/form.html", form, venue=venue, event=None)
    form = EventForm()
    spaces = _choices(form, venue)
    draft = _draft(form, spaces) if form.validate() else None
    prepared = _image(form, draft, None)
    if draft is None or form.image.errors:
        return form_page("events/form.html", form, venue=venue, event=None)
    repetition = Repetition(Frequency.MONTHLY, count=form.monthly_count.data) if form.monthly_count.data else None
    try:
        events = rules.create_event(draft, current_user, repetition=repetition)
    except Refusal as refusal:
        db.session.rollback()
        _choices(form, venue)
        add_errors(form, refusal)
        return form_page("events/form.html", form, venue=venue, event=None)
    _commit_with_image(draft, prepared)
    flash(
        _("Évènement créé, son espace est réservé (%(count)s date(s)).", count=len(events)),
        "success",
    )
    return redirect(url_for("events.attendees", event_id=events[0].id), code=303)


@bp.route("/gestion/evenements/<int:event_id>/modifier", methods=["GET", "POST"])
@staff_required
def edit(event_id: int):
    event = _managed_event(event_id)
    venue = event.venue
    if request.method == "GET":
        form = EventForm(formdata=None, obj=event)
        form.starts_at.data = to_paris(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_paris(event.ends_at).replace(tzinfo=None)
        form.category.data, form.resource.data = event.category_id, event.resource_id
        form.themes.data = [t.id for t in event.themes]
        form.audience.data = event.audience.value
        _choices(form, venue)
        return form_page("events/form.html", form, venue=venue, event=event, cancel_form=CancelEventForm())
    form = EventForm()
    spaces = _choices(form, venue)
    draft = _draft(form, spaces) if form.validate() else None
    prepared = _image(form, draft, event)
    if draft is None or form.image.errors:
        return form_page("events/form.html", form, venue=venue, event=event, cancel_form=CancelEventForm())
    old_image = event.image_path
    try:
        moved = rules.update_event(event, draft, current_user)
    except Refusal as refusal:
        db.session.rollback()
        _choices(form, venue)
        add_errors(form, refusal)
        return form_page("events/form.html", form, venue=venue, event=event, cancel_form=CancelEventForm())
    _commit_with_image(draft, prepared)
    if old_image and old_image != event.image_path:
        images.discard_unused(current_app, old_image)
    flash(
        _("Évènement modifié : son espace est déplacé et les personnes inscrites sont prévenues.")
        if moved
        else _("Évènement modifié."),
        "success",
    )
    return redirect(url_for("events.attendees", event_id=event.id), code=303)


@bp.post("/gestion/evenements/<int:event_id>/annuler")
@staff_required
def cancel(event_id: int):
    event = _managed_event(event_id)
    form = CancelEventForm()
    if not form.validate():
        abort(400)
    try:
        told = rules.cancel_event(event, current_user, form.reason.data or "")
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("events.edit", event_id=event.id), code=303)
    db.session.commit()
    flash(_("Évènement annulé, son espace est libéré ; %(count)s personne(s) prévenue(s).", count=told), "success")
    return redirect(url_for("events.manage_list"), code=303)


@bp.get("/gestion/evenements/<int:event_id>/inscrits")
@staff_required
def attendees(event_id: int):
    return _attendees_page(_managed_event(event_id))


def _attendees_page(
    event: Event,
    status: int = 200,
    message_form: MessageForm | None = None,
    attendance_form: AttendanceForm | None = None,
):
    return page(
        "events/attendees.html",
        status,
        event=event,
        people=registrations.attendees(event),
        message_form=message_form or MessageForm(formdata=None),
        attendance_form=attendance_form or AttendanceForm(formdata=None),
        form=EmptyForm(),
        ended=event.starts_at <= rules.utcnow(),
    )


@bp.get("/gestion/evenements/<int:event_id>/inscrits.csv")
@staff_required
def attendees_csv(event_id: int):
    event = _managed_event(event_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Nom"), _("Adresse e-mail"), _("Statut"), _("Inscrit·e le"), _("Présent·e"), _("Compte")])
    for person in registrations.attendees(event):
        writer.writerow(
            [
                _safe_cell(person.name),
                _safe_cell(person.email),
                str(STATUS_LABELS[person.status]),
                to_paris(person.created_at).strftime("%Y-%m-%d %H:%M"),
                "" if person.attended is None else (_("oui") if person.attended else _("non")),
                _("oui") if person.user_id else _("non"),
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="inscrits-{event.id}.csv"'},
    )


def _safe_cell(text: str) -> str:
    """No formula in a spreadsheet cell made from what people typed."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.post("/gestion/evenements/<int:event_id>/message")
@staff_required
def message(event_id: int):
    event = _managed_event(event_id)
    form = MessageForm()
    if form.validate():
        try:
            sent = registrations.message_attendees(event, current_user, form.subject.data or "", form.body.data or "")
        except Refusal as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            db.session.commit()
            flash(_("Message envoyé à %(count)s personne(s).", count=sent), "success")
            return redirect(url_for("events.attendees", event_id=event.id), code=303)
    return _attendees_page(event, 422, message_form=form)


@bp.post("/gestion/evenements/<int:event_id>/presences")
@staff_required
def attendance(event_id: int):
    event = _managed_event(event_id)
    form = AttendanceForm()
    if not form.validate():  # a date that is not one: next to its field, the rest as it was
        return _attendees_page(event, 422, attendance_form=form)
    present = {int(value) for value in request.form.getlist("present") if value.isdigit()}
    try:
        result = registrations.mark_attendance(
            event,
            current_user,
            present,
            consortium_wide=bool(form.consortium_wide.data),
            expires_on=form.expires_on.data,
        )
    except Refusal as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        return _attendees_page(event, 422, attendance_form=form)
    db.session.commit()
    flash(
        _(
            "Présences notées (%(count)s). Habilitations accordées : %(qualified)s.",
            count=result.attended,
            qualified=len(result.qualified),
        ),
        "success",
    )
    return redirect(url_for("events.attendees", event_id=event.id), code=303)


@bp.post("/gestion/evenements/<int:event_id>/proposer")
@staff_required
def propose(event_id: int):
    event = _managed_event(event_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        rules.propose(event, current_user)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(_("Évènement proposé au programme commun : la coordination est prévenue."), "success")
    return redirect(url_for("events.manage_list"), code=303)


# --- The coordinators' review -----------------------------------------------------------------------


@bp.get("/gestion/coordination/programme")
@coordinator_required
def programme_review():
    return page(
        "events/review.html",
        events=rules.proposals(),
        form=NoteForm(formdata=None),
        category_form=CategoryForm(formdata=None),
        categories=rules.ensure_categories(),
    )


@bp.post("/gestion/coordination/programme/categories")
@coordinator_required
def add_category():
    form = CategoryForm()
    if form.validate():
        try:
            category = rules.add_category(
                form.name_fr.data or "", form.name_en.data or "", current_user, is_training=bool(form.is_training.data)
            )
        except Refusal as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            db.session.commit()
            flash(_("Catégorie « %(name)s » ajoutée.", name=category.name_fr), "success")
            return redirect(url_for("events.programme_review"), code=303)
    return page(
        "events/review.html",
        422,
        events=rules.proposals(),
        form=NoteForm(formdata=None),
        category_form=form,
        categories=rules.ensure_categories(),
    )


@bp.post("/gestion/coordination/programme/<int:event_id>/<any(valider, renvoyer):decision>")
@coordinator_required
def decide(event_id: int, decision: str):
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    form = NoteForm()
    if not form.validate():
        abort(400)
    try:
        if decision == "valider":
            rules.validate(event, current_user)
        else:
            rules.send_back(event, current_user, form.note.data or "")
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(
            _("Évènement validé au programme commun.") if decision == "valider" else _("Proposition renvoyée au lieu."),
            "success",
        )
    return redirect(url_for("events.programme_review"), code=303)
