"""Managers' pages for one venue: resources and their photos, closures, qualifications, members.

Each view finds the venue among those the user manages (404 otherwise), parses the
form, calls a rule, commits once, and answers with a page, a redirect, or an htmx row.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.accounts import find_user_by_email
from app.core.clock import paris_today
from app.core.i18n import format_day
from app.core.i18n import gettext as _
from app.core.responses import action_done, action_refused, add_errors, back_to, form_page, list_page, page
from app.core.web import is_htmx_fragment_request
from app.extensions import db
from app.manage import bp, disruption_views, permissions, photos
from app.manage import closures as closure_rules
from app.manage import memberships as membership_rules
from app.manage import qualifications as qualification_rules
from app.manage import resources as resource_rules
from app.manage.forms import (
    ClosureForm,
    MemberForm,
    PhotoForm,
    QualificationForm,
    ResourceFilterForm,
    ResourceForm,
    VenueColourForm,
    choices,
)
from app.manage.web import found_or_404, venue_or_404
from app.models import Resource, Venue, utcnow

# --- Dashboard -------------------------------------------------------------------------------------


@bp.get("/")
def index():
    venues = permissions.manageable_venues(current_user)
    ids = [venue.id for venue in venues]
    proposals = {venue.id: closure_rules.pending_proposals([venue.id]) for venue in venues}
    return page(
        "manage/index.html", venues=venues, active_counts=resource_rules.active_counts(ids), proposals=proposals
    )


# --- Resources -------------------------------------------------------------------------------------


def _resources_url(venue: Venue) -> str:
    return url_for("manage.resources", slug=venue.slug)


@bp.get("/lieux/<slug>/ressources")
def resources(slug: str):
    venue = venue_or_404(slug)
    filters = ResourceFilterForm(formdata=request.args)
    filters.validate()
    return list_page(
        "manage/resources.html",
        "manage/_resource_rows.html",
        "resource-rows",
        venue=venue,
        resources=resource_rules.venue_resources(venue, filters.state.data, filters.q.data or ""),
        filters=filters,
        back_url=request.full_path.rstrip("?"),
    )


def _resource_form_page(
    venue: Venue,
    resource: Resource | None,
    form: ResourceForm,
    photo_form: PhotoForm | None = None,
    status: int | None = None,
):
    response = form_page(
        "manage/resource_form.html",
        form,
        venue=venue,
        resource=resource,
        photo_form=photo_form or PhotoForm(formdata=None),
        max_photo_mb=photos.max_bytes(current_app) // (1024 * 1024),
    )
    return (response[0], status) if status else response


@bp.route("/lieux/<slug>/ressources/nouvelle", methods=["GET", "POST"])
def new_resource(slug: str):
    venue = venue_or_404(slug)
    form = ResourceForm(data=ResourceForm.initial())
    if form.validate_on_submit():
        try:
            resource = resource_rules.create_resource(venue, form.to_data(), current_user)
        except resource_rules.InvalidResource as error:
            add_errors(form, error)
        else:
            db.session.commit()
            flash(
                _("La ressource « %(name)s » est créée. Vous pouvez ajouter des photos.", name=resource.name), "success"
            )
            return redirect(url_for("manage.edit_resource", slug=venue.slug, resource_id=resource.id), code=303)
    return _resource_form_page(venue, None, form)


def _venue_resource(slug: str, resource_id: int) -> tuple[Venue, Resource]:
    venue = venue_or_404(slug)
    return venue, found_or_404(permissions.resource_of(venue, resource_id))


def _edit_form(resource: Resource, submitted: bool = True) -> ResourceForm:
    """The edit form, filled from the request when it is the one submitted, else from the resource."""
    initial = ResourceForm.initial(resource, resource_rules.own_hours(resource))
    form = ResourceForm(data=initial) if submitted else ResourceForm(formdata=None, data=initial)
    del form.kind  # the kind of a resource never changes: its bookings depend on it
    return form


@bp.route("/lieux/<slug>/ressources/<int:resource_id>", methods=["GET", "POST"])
def edit_resource(slug: str, resource_id: int):
    venue, resource = _venue_resource(slug, resource_id)
    form = _edit_form(resource)
    if form.validate_on_submit():
        try:
            changed = resource_rules.update_resource(resource, form.to_data(resource.kind), current_user)
        except resource_rules.InvalidResource as error:
            add_errors(form, error)
        else:
            db.session.commit()
            if changed:
                flash(_("Les modifications de « %(name)s » sont enregistrées.", name=resource.name), "success")
            else:
                flash(_("Rien n'a changé."), "info")
            return redirect(url_for("manage.edit_resource", slug=venue.slug, resource_id=resource.id), code=303)
    return _resource_form_page(venue, resource, form)


def _resource_row(venue: Venue, resource: Resource, **messages):
    return render_template(
        "manage/_resource_row.html", venue=venue, resource=resource, back_url=back_to(_resources_url(venue)), **messages
    )


def _resource_state(slug: str, resource_id: int, retire: bool):
    venue, resource = _venue_resource(slug, resource_id)
    if retire:
        changed = resource_rules.retire_resource(resource, current_user)
        message = _("« %(name)s » est retirée du catalogue ; ses réservations sont conservées.", name=resource.name)
    else:
        changed = resource_rules.reactivate_resource(resource, current_user)
        message = _("« %(name)s » est de nouveau en service.", name=resource.name)
    if changed:
        db.session.commit()
    return action_done(
        message,
        _resources_url(venue),
        f"resource-{resource.id}",
        lambda **messages: _resource_row(venue, resource, **messages),
    )


@bp.post("/lieux/<slug>/ressources/<int:resource_id>/retirer")
def retire_resource(slug: str, resource_id: int):
    return _resource_state(slug, resource_id, retire=True)


@bp.post("/lieux/<slug>/ressources/<int:resource_id>/remettre")
def reactivate_resource(slug: str, resource_id: int):
    return _resource_state(slug, resource_id, retire=False)


# --- Photos ----------------------------------------------------------------------------------------


@bp.post("/lieux/<slug>/ressources/<int:resource_id>/photos")
def add_photo(slug: str, resource_id: int):
    venue, resource = _venue_resource(slug, resource_id)
    photo_form = PhotoForm()
    folder = photos.upload_folder(current_app)
    if photo_form.validate_on_submit():
        try:
            photo = photos.add_photo(
                resource,
                photo_form.photo.data,
                photo_form.alt_text.data,
                current_user,
                folder,
                photos.max_bytes(current_app),
            )
        except photos.InvalidPhoto as error:
            add_errors(photo_form, error)
        else:
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                photos.discard_file(folder, photo.filename)
                raise
            flash(_("La photo est ajoutée."), "success")
            return redirect(
                url_for("manage.edit_resource", slug=venue.slug, resource_id=resource.id) + "#photos", code=303
            )
    return _resource_form_page(venue, resource, _edit_form(resource, submitted=False), photo_form, status=422)


@bp.post("/lieux/<slug>/ressources/<int:resource_id>/photos/<int:photo_id>/supprimer")
def remove_photo(slug: str, resource_id: int, photo_id: int):
    venue, resource = _venue_resource(slug, resource_id)
    photo = found_or_404(next((p for p in resource.photos if p.id == photo_id), None))
    filename = photos.remove_photo(photo, current_user)
    db.session.commit()
    photos.discard_file(photos.upload_folder(current_app), filename)
    flash(_("La photo est supprimée."), "success")
    return redirect(url_for("manage.edit_resource", slug=venue.slug, resource_id=resource.id) + "#photos", code=303)


# --- Closures --------------------------------------------------------------------------------------


# --- Colour ----------------------------------------------------------------------------------------


@bp.route("/lieux/<slug>/couleur", methods=["GET", "POST"])
def venue_colour(slug: str):
    """The venue's colour, for its managers and the coordinators: one of the six or one of its own
    whose contrast passes (app.core.contrast); the error sits next to the field."""
    from app.core.colours import VENUE_COLOUR_CHOICES, effective_colour
    from app.core.contrast import check_venue_colour, is_hex
    from app.manage.display import ratio

    venue = venue_or_404(slug)
    own = is_hex(venue.colour)
    form = VenueColourForm(
        data={
            "choice": "custom" if own else effective_colour(venue.colour, venue.id),
            "custom": venue.colour if own else "",
        }
    )
    if form.validate_on_submit():
        venue.colour = form.custom.data if form.choice.data == "custom" else form.choice.data
        db.session.commit()
        flash(_("La couleur du lieu est enregistrée."), "success")
        return redirect(url_for("manage.venue_colour", slug=venue.slug), code=303)
    check = check_venue_colour(venue.colour) if own else None
    return form_page(
        "manage/venue_colour.html",
        form,
        venue=venue,
        check=check,
        ratio=ratio,
        choices_classes=VENUE_COLOUR_CHOICES,
    )


def _closures_url(venue: Venue) -> str:
    return url_for("manage.closures", slug=venue.slug)


@bp.route("/lieux/<slug>/fermetures", methods=["GET", "POST"])
def closures(slug: str):
    venue = venue_or_404(slug)
    form = ClosureForm()
    now = utcnow()
    if form.validate_on_submit():
        starts_at, ends_at = form.period()
        try:
            closure = closure_rules.add_closure(venue, starts_at, ends_at, form.reason.data, current_user, now)
        except closure_rules.InvalidClosure as error:
            add_errors(form, error)
        else:
            db.session.commit()
            flash(_("La fermeture est enregistrée."), "success")
            if disruption_views.flash_hits(venue, closure):  # the bookings it hits: cancel or keep each
                return redirect(disruption_views.hits_url(venue, closure), code=303)
            return redirect(_closures_url(venue), code=303)
    return form_page(
        "manage/closures.html",
        form,
        venue=venue,
        back_url=_closures_url(venue),
        upcoming=closure_rules.venue_closures(venue, now),
        past=closure_rules.venue_closures(venue, now, past=True),
        holidays=closure_rules.upcoming_holidays(venue, paris_today(now)),
        format_day=lambda day: format_day(day, "full"),
    )


@bp.post("/lieux/<slug>/jours-feries/<day>")
def holiday_opening(slug: str, day: str):
    """Open the venue on a public holiday (``ouvrir=1``), or close it again."""
    venue = venue_or_404(slug)
    try:
        holiday = date.fromisoformat(day)
    except ValueError:
        abort(404)
    opened = request.form.get("ouvrir") == "1"
    try:
        closure_rules.set_holiday_open(venue, holiday, opened, current_user)
    except closure_rules.ClosureRefused as error:
        flash(str(error), "error")
        return redirect(_closures_url(venue), code=303)
    db.session.commit()
    if opened:
        flash(_("Le lieu sera ouvert le %(day)s.", day=format_day(holiday, "full")), "success")
    else:
        flash(_("Le lieu sera fermé le %(day)s.", day=format_day(holiday, "full")), "success")
    return redirect(_closures_url(venue), code=303)


def _closure_row(venue, closure, **messages):
    return render_template(
        "manage/_closure_row.html", venue=venue, closure=closure, back_url=back_to(_closures_url(venue)), **messages
    )


@bp.post("/lieux/<slug>/fermetures/<int:closure_id>/supprimer")
def remove_closure(slug: str, closure_id: int):
    venue = venue_or_404(slug)
    closure = found_or_404(permissions.closure_of(venue, closure_id))
    target = f"closure-{closure.id}"
    try:
        closure_rules.remove_closure(closure, current_user)
    except closure_rules.ClosureRefused as error:
        return action_refused(
            str(error), _closures_url(venue), target, lambda **messages: _closure_row(venue, closure, **messages)
        )
    db.session.commit()
    return action_done(
        _("La fermeture est supprimée."),
        _closures_url(venue),
        target,
        lambda **messages: render_template("manage/_status.html", **messages),
    )


def _decide_closure(slug: str, closure_id: int, confirm: bool):
    venue = venue_or_404(slug)
    closure = found_or_404(permissions.closure_of(venue, closure_id))
    target = f"closure-{closure.id}"
    render_row = lambda **messages: _closure_row(venue, closure, **messages)  # noqa: E731
    try:
        closure_rules.decide(closure, confirm, current_user, utcnow())
    except closure_rules.ClosureRefused as error:
        return action_refused(str(error), _closures_url(venue), target, render_row)
    db.session.commit()
    message = _("La fermeture est confirmée pour ce lieu.") if confirm else _("La fermeture est refusée pour ce lieu.")
    if confirm and not is_htmx_fragment_request(target):
        flash(message, "success")
        if disruption_views.flash_hits(venue, closure):  # the bookings it hits: cancel or keep each
            return redirect(disruption_views.hits_url(venue, closure), code=303)
        return redirect(back_to(_closures_url(venue)), code=303)
    return action_done(message, _closures_url(venue), target, render_row)


@bp.post("/lieux/<slug>/fermetures/<int:closure_id>/confirmer")
def confirm_closure(slug: str, closure_id: int):
    return _decide_closure(slug, closure_id, confirm=True)


@bp.post("/lieux/<slug>/fermetures/<int:closure_id>/refuser")
def decline_closure(slug: str, closure_id: int):
    return _decide_closure(slug, closure_id, confirm=False)


# --- Qualifications --------------------------------------------------------------------------------


def _qualifications_url(venue: Venue) -> str:
    return url_for("manage.qualifications", slug=venue.slug)


@bp.route("/lieux/<slug>/habilitations", methods=["GET", "POST"])
def qualifications(slug: str):
    venue = venue_or_404(slug)
    machines = qualification_rules.venue_machines(venue)
    form = QualificationForm()
    form.resource_id.choices = choices((machine.id, machine.name) for machine in machines)
    now = utcnow()
    if form.validate_on_submit():
        try:
            qualification = qualification_rules.grant(
                venue=venue,
                user=find_user_by_email(form.email.data),
                resource=next((m for m in machines if m.id == form.resource_id.data), None),
                expires_on=form.expires_on.data,
                recognised_consortium_wide=form.recognised_consortium_wide.data,
                note=form.note.data or "",
                actor=current_user,
                now=now,
            )
        except qualification_rules.InvalidQualification as error:
            add_errors(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s est habilité·e sur « %(machine)s ».",
                    name=qualification.user.name,
                    machine=qualification.resource.name,
                ),
                "success",
            )
            return redirect(_qualifications_url(venue), code=303)
    return form_page(
        "manage/qualifications.html",
        form,
        venue=venue,
        machines=machines,
        now=now,
        qualifications=qualification_rules.venue_qualifications(venue),
        back_url=_qualifications_url(venue),
    )


@bp.post("/lieux/<slug>/habilitations/<int:qualification_id>/retirer")
def revoke_qualification(slug: str, qualification_id: int):
    venue = venue_or_404(slug)
    qualification = found_or_404(permissions.qualification_of(venue, qualification_id))
    now = utcnow()
    if qualification_rules.revoke(qualification, current_user, now):
        db.session.commit()
    return action_done(
        _("L'habilitation de %(name)s est retirée.", name=qualification.user.name),
        _qualifications_url(venue),
        f"qualification-{qualification.id}",
        lambda **messages: render_template(
            "manage/_qualification_row.html",
            venue=venue,
            qualification=qualification,
            now=now,
            back_url=back_to(_qualifications_url(venue)),
            **messages,
        ),
    )


# --- Members ---------------------------------------------------------------------------------------


def _members_url(venue: Venue) -> str:
    return url_for("manage.members", slug=venue.slug)


@bp.route("/lieux/<slug>/membres", methods=["GET", "POST"])
def members(slug: str):
    venue = venue_or_404(slug)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            membership = membership_rules.add_member(venue, find_user_by_email(form.email.data), current_user)
        except membership_rules.MembershipRefused as error:
            add_errors(form, error)
        else:
            db.session.commit()
            flash(
                _("%(name)s est maintenant membre de %(venue)s.", name=membership.user.name, venue=venue.name),
                "success",
            )
            return redirect(_members_url(venue), code=303)
    return form_page(
        "manage/members.html",
        form,
        venue=venue,
        memberships=membership_rules.venue_memberships(venue),
        back_url=_members_url(venue),
    )


@bp.post("/lieux/<slug>/membres/<int:membership_id>/retirer")
def remove_member(slug: str, membership_id: int):
    venue = venue_or_404(slug)
    membership = found_or_404(permissions.membership_of(venue, membership_id))
    target = f"membership-{membership.id}"
    name = membership.user.name
    try:
        membership_rules.remove_member(membership, current_user)
    except membership_rules.MembershipRefused as error:
        return action_refused(
            str(error),
            _members_url(venue),
            target,
            lambda **messages: render_template(
                "manage/_member_row.html",
                venue=venue,
                membership=membership,
                back_url=back_to(_members_url(venue)),
                **messages,
            ),
        )
    db.session.commit()
    return action_done(
        _("%(name)s ne fait plus partie de %(venue)s.", name=name, venue=venue.name),
        _members_url(venue),
        target,
        lambda **messages: render_template("manage/_status.html", **messages),
    )
