"""Coordinators' pages: venues, managers, themes, organisations' audience, consortium closures, users."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.accounts import find_user_by_email
from app.core.access import coordinator_required
from app.core.i18n import current_language, ngettext
from app.core.i18n import gettext as _
from app.core.responses import action_done, action_refused, add_errors, back_to, form_page, list_page, page
from app.extensions import db
from app.manage import bp, coordination
from app.manage import closures as closure_rules
from app.manage import memberships as membership_rules
from app.manage.forms import (
    AudienceForm,
    ConsortiumClosureForm,
    ListFilterForm,
    ManagerForm,
    ThemeForm,
    VenueForm,
    WeekHoursForm,
    choices,
)
from app.manage.web import found_or_404
from app.models import (
    Audience,
    ConsortiumClosure,
    Organisation,
    Theme,
    User,
    Venue,
    VenueMembership,
    VenueRole,
    utcnow,
)

# --- Venues ----------------------------------------------------------------------------------------


@bp.get("/coordination/lieux")
@coordinator_required
def venues():
    rows = db.session.scalars(
        select(Venue).options(selectinload(Venue.memberships).selectinload(VenueMembership.user)).order_by(Venue.name)
    ).all()
    return page("manage/venues.html", venues=rows)


def _all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name_fr)))


def _venue_form(venue: Venue | None) -> VenueForm:
    if venue is None:
        form = VenueForm(data={"is_active": True, "city": "Amiens"})
    else:
        initial = {name: getattr(venue, name) for name in coordination.VenueData.TEXT_FIELDS}
        initial |= {
            "is_lead": venue.is_lead,
            "is_active": venue.is_active,
            "theme_ids": [theme.id for theme in venue.themes],
            "hours": WeekHoursForm.initial(coordination.venue_hours(venue)),
        }
        form = VenueForm(data=initial)
    form.theme_ids.choices = choices((theme.id, theme.name(current_language())) for theme in _all_themes())
    return form


def _save_venue(venue: Venue | None):
    form = _venue_form(venue)
    if form.validate_on_submit():
        data = coordination.VenueData(
            **{name: form[name].data or "" for name in coordination.VenueData.TEXT_FIELDS},
            is_lead=form.is_lead.data,
            is_active=form.is_active.data,
            theme_ids=list(form.theme_ids.data or []),
            opening_hours=form.hours.form.by_weekday(),
        )
        try:
            saved = coordination.save_venue(venue, data, current_user)
        except coordination.InvalidChange as error:
            add_errors(form, error)
        else:
            db.session.commit()
            if venue is None:
                flash(
                    _("Le lieu « %(name)s » est créé. Nommez maintenant ses gestionnaires.", name=saved.name), "success"
                )
            else:
                flash(_("Le lieu « %(name)s » est enregistré.", name=saved.name), "success")
            return redirect(url_for("manage.venues"), code=303)
    return form_page("manage/venue_form.html", form, venue=venue)


@bp.route("/coordination/lieux/nouveau", methods=["GET", "POST"])
@coordinator_required
def new_venue():
    return _save_venue(None)


@bp.route("/coordination/lieux/<int:venue_id>", methods=["GET", "POST"])
@coordinator_required
def edit_venue(venue_id: int):
    return _save_venue(found_or_404(db.session.get(Venue, venue_id)))


# --- Managers --------------------------------------------------------------------------------------


@bp.route("/coordination/gestionnaires", methods=["GET", "POST"])
@coordinator_required
def managers():
    form = ManagerForm()
    all_venues = list(db.session.scalars(select(Venue).order_by(Venue.name)))
    form.venue_id.choices = choices((venue.id, venue.name) for venue in all_venues)
    if form.validate_on_submit():
        venue = next((v for v in all_venues if v.id == form.venue_id.data), None)
        if venue is None:
            add_errors(form, {"venue_id": _("Choisissez un lieu de la liste.")})
        else:
            try:
                membership = membership_rules.make_manager(venue, find_user_by_email(form.email.data), current_user)
            except membership_rules.MembershipRefused as error:
                add_errors(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s gère maintenant %(venue)s.", name=membership.user.name, venue=venue.name), "success")
                return redirect(url_for("manage.managers"), code=303)
    return form_page(
        "manage/managers.html", form, by_venue=membership_rules.managers_by_venue(), back_url=url_for("manage.managers")
    )


@bp.post("/coordination/gestionnaires/<int:membership_id>/retirer")
@coordinator_required
def remove_manager(membership_id: int):
    membership = found_or_404(db.session.get(VenueMembership, membership_id))
    if membership.role != VenueRole.MANAGER:
        abort(404)
    membership_rules.remove_manager(membership, current_user)
    db.session.commit()
    return action_done(
        _(
            "%(name)s ne gère plus %(venue)s (reste membre du lieu).",
            name=membership.user.name,
            venue=membership.venue.name,
        ),
        url_for("manage.managers"),
        f"manager-{membership.id}",
        lambda **messages: render_template("manage/_status.html", **messages),
    )


# --- Themes ----------------------------------------------------------------------------------------


def _save_theme(theme: Theme | None, form: ThemeForm):
    try:
        saved = coordination.save_theme(
            theme,
            name_fr=form.name_fr.data,
            name_en=form.name_en.data,
            slug=form.slug.data or "",
            position=form.position.data,
            actor=current_user,
        )
    except coordination.InvalidChange as error:
        add_errors(form, error)
        return None
    db.session.commit()
    flash(_("La thématique « %(name)s » est enregistrée.", name=saved.name_fr), "success")
    return redirect(url_for("manage.themes"), code=303)


@bp.route("/coordination/thematiques", methods=["GET", "POST"])
@coordinator_required
def themes():
    form = ThemeForm()
    if form.validate_on_submit():
        done = _save_theme(None, form)
        if done is not None:
            return done
    return form_page("manage/themes.html", form, themes=_all_themes(), theme=None)


@bp.route("/coordination/thematiques/<int:theme_id>", methods=["GET", "POST"])
@coordinator_required
def edit_theme(theme_id: int):
    theme = found_or_404(db.session.get(Theme, theme_id))
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        done = _save_theme(theme, form)
        if done is not None:
            return done
    return form_page("manage/theme_form.html", form, theme=theme)


# --- Organisations ---------------------------------------------------------------------------------


def _search_page(search, template: str, rows_template: str, rows_target: str):
    """A searchable, paged list: ``?q=…&page=…``; the rows alone for htmx."""
    filters = ListFilterForm(formdata=request.args)
    filters.validate()
    number = request.args.get("page", "1")
    results = search(filters.q.data or "", int(number) if number.isdigit() else 1)
    return list_page(
        template, rows_template, rows_target, filters=filters, results=results, back_url=request.full_path.rstrip("?")
    )


@bp.get("/coordination/structures")
@coordinator_required
def organisations():
    return _search_page(
        coordination.search_organisations,
        "manage/organisations.html",
        "manage/_organisation_rows.html",
        "organisation-rows",
    )


@bp.post("/coordination/structures/<int:organisation_id>/public")
@coordinator_required
def set_audience(organisation_id: int):
    organisation = found_or_404(db.session.get(Organisation, organisation_id))
    form = AudienceForm()
    target = f"organisation-{organisation.id}"

    def render_row(**messages):
        return render_template(
            "manage/_organisation_row.html",
            organisation=organisation,
            back_url=back_to(url_for("manage.organisations")),
            **messages,
        )

    if not form.validate_on_submit():
        return action_refused(
            _("Choisissez un public de la liste."), url_for("manage.organisations"), target, render_row
        )
    coordination.set_audience(organisation, Audience(form.audience.data), current_user)
    db.session.commit()
    return action_done(
        _("Le public de « %(name)s » est enregistré.", name=organisation.name),
        url_for("manage.organisations"),
        target,
        render_row,
    )


# --- Consortium closures ---------------------------------------------------------------------------


@bp.route("/coordination/fermetures", methods=["GET", "POST"])
@coordinator_required
def consortium_closures():
    all_venues = list(db.session.scalars(select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.name)))
    form = ConsortiumClosureForm()
    form.venue_ids.choices = choices((venue.id, venue.name) for venue in all_venues)
    now = utcnow()
    if form.validate_on_submit():
        starts_at, ends_at = form.period()
        chosen = [venue for venue in all_venues if venue.id in (form.venue_ids.data or [])]
        try:
            closure_rules.propose_consortium_closure(chosen, starts_at, ends_at, form.reason.data, current_user, now)
        except closure_rules.InvalidClosure as error:
            add_errors(form, error)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "La fermeture est proposée à %(num)d lieu ; elle s'appliquera quand son ou sa gestionnaire la confirmera.",
                    "La fermeture est proposée à %(num)d lieux ; elle s'appliquera dans chaque lieu quand ses gestionnaires la confirmeront.",
                    len(chosen),
                ),
                "success",
            )
            return redirect(url_for("manage.consortium_closures"), code=303)
    proposals = db.session.scalars(
        select(ConsortiumClosure)
        .options(selectinload(ConsortiumClosure.closures))
        .order_by(ConsortiumClosure.starts_at.desc())
        .limit(50)
    ).all()
    return form_page("manage/consortium_closures.html", form, proposals=proposals, now=now)


# --- Users -----------------------------------------------------------------------------------------

USER_ACTIONS = {
    "desactiver": (coordination.set_active, False),
    "reactiver": (coordination.set_active, True),
    "donner-coordination": (coordination.set_coordinator, True),
    "retirer-coordination": (coordination.set_coordinator, False),
}


def _user_action_message(action: str, name: str) -> str:
    if action == "desactiver":
        return _("Le compte de %(name)s est désactivé ; ses sessions sont fermées.", name=name)
    if action == "reactiver":
        return _("Le compte de %(name)s est réactivé.", name=name)
    if action == "donner-coordination":
        return _("%(name)s fait maintenant partie de la coordination.", name=name)
    return _("%(name)s ne fait plus partie de la coordination.", name=name)


@bp.get("/coordination/utilisateurs")
@coordinator_required
def users():
    return _search_page(coordination.search_users, "manage/users.html", "manage/_user_rows.html", "user-rows")


@bp.post("/coordination/utilisateurs/<int:user_id>/<action>")
@coordinator_required
def user_action(user_id: int, action: str):
    if action not in USER_ACTIONS:
        abort(404)
    user = found_or_404(db.session.get(User, user_id))
    rule, value = USER_ACTIONS[action]
    target = f"user-{user.id}"

    def render_row(**messages):
        return render_template(
            "manage/_user_row.html", user=user, back_url=back_to(url_for("manage.users")), **messages
        )

    try:
        rule(user, value, current_user)
    except coordination.InvalidChange as error:
        return action_refused(str(error), url_for("manage.users"), target, render_row)
    db.session.commit()
    return action_done(_user_action_message(action, user.name), url_for("manage.users"), target, render_row)
