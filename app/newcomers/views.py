"""Newcomers: the public request form, the private follow-up page, the invitation, the
managers' triage desk and the coordination's routing table."""

from __future__ import annotations

from datetime import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.agreements.issuing import current_agreement_of
from app.bookings.service import STATUS_LABELS as BOOKING_STATUS_LABELS
from app.bookings.service import Frequency
from app.core.access import coordinator_required, staff_required
from app.core.forms import EmptyForm
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.core.responses import form_status
from app.extensions import db, limiter
from app.models import OrganisationKind, Resource, Theme, Venue, utcnow
from app.newcomers import acceptance, notices, routing, spam, workflow
from app.newcomers.forms import (
    AcceptForm,
    DeclineForm,
    InvitationForm,
    LostLinkForm,
    MessageForm,
    NewcomerRequestForm,
    RedirectForm,
    RouteForm,
    WithdrawForm,
)
from app.newcomers.labels import (
    AUDIT_ACTION_LABELS,
    SPACE_LABELS,
    STATUS_EXPLANATIONS,
    STATUS_LABELS,
    SUPPORT_LABELS,
)
from app.newcomers.models import NewcomerRoute, RequestStatus, SpaceKind, SupportKind, TestSpaceRequest
from app.newcomers.tokens import make_invitation_token, request_from_invitation_token, request_from_status_token

# The newcomers' pages under /projets/; the venues' desk of requests under /gestion/projets/ and the
# coordination's routing table under /gestion/coordination/orientation, with the other staff pages.
bp = Blueprint("newcomers", __name__, template_folder="templates")


@bp.app_context_processor
def _labels():
    return {
        "request_status_labels": STATUS_LABELS,
        "support_labels": SUPPORT_LABELS,
        "space_labels": SPACE_LABELS,
        "booking_status_labels": BOOKING_STATUS_LABELS,
    }


def _rate_limit() -> str:
    return current_app.config["NEWCOMER_RATE_LIMIT"]


def _retention_days() -> int:
    return current_app.config["NEWCOMER_RETENTION_DAYS"]


def _theme_choices() -> list[tuple[int, str]]:
    locale = current_language()
    return [(theme.id, theme.name(locale)) for theme in db.session.scalars(select(Theme).order_by(Theme.position))]


# --- the newcomer --------------------------------------------------------------------------------


@bp.route("/projets/proposer", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def new_request():
    form = NewcomerRequestForm()
    form.themes.choices = _theme_choices()
    form.set_retention(_retention_days())
    too_fast = False
    if form.validate_on_submit():
        if spam.honeypot_filled(form.website.data):
            # A robot: it gets the same answer as a person, and nothing is kept or sent.
            return redirect(url_for("newcomers.sent"), code=303)
        if spam.filled_by_a_person(form.started.data):
            themes = db.session.scalars(select(Theme).where(Theme.id.in_(form.themes.data))).all()
            new = workflow.submit_request(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data or "",
                organisation_name=form.organisation.data or "",
                project_title=form.project_title.data,
                project_description=form.project_description.data,
                themes=sorted(themes, key=lambda theme: theme.position),
                support_kind=SupportKind(form.support_kind.data),
                space_kind=SpaceKind(form.space_kind.data),
                equipment=form.equipment.data or "",
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                retention_days=_retention_days(),
                locale=current_language(),
            )
            db.session.commit()
            session["newcomer_sent"] = {"email": new.email, "venue": new.venue.name if new.venue else ""}
            return redirect(url_for("newcomers.sent"), code=303)
        too_fast = True
    form.started.data = spam.make_form_stamp()
    status = 422 if too_fast else form_status(form)
    return render_template("newcomers/request_form.html", form=form, too_fast=too_fast), status


@bp.get("/projets/envoyee")
def sent():
    return render_template("newcomers/sent.html", sent=session.pop("newcomer_sent", None))


def _locked(found: TestSpaceRequest) -> TestSpaceRequest:
    """Reload the request with a row lock (PostgreSQL), so that two changes never cross:
    the second one sees the status the first one left. SQLite locks on BEGIN IMMEDIATE."""
    db.session.refresh(found, with_for_update=True)
    return found


def _request_for_token(token: str, for_update: bool = False) -> TestSpaceRequest:
    found = request_from_status_token(token)
    if found is None:
        abort(404)
    return _locked(found) if for_update else found


def _status_page(found: TestSpaceRequest, token: str, message_form=None, withdraw_form=None):
    message_form = message_form or MessageForm(formdata=None)
    withdraw_form = withdraw_form or WithdrawForm(formdata=None)
    pending = found.status == RequestStatus.ACCEPTED and acceptance.account_pending(found.user)
    page = render_template(
        "newcomers/status.html",
        req=found,
        # A fresh invitation each time: the emailed one may have expired.
        invitation_token=make_invitation_token(found) if pending else None,
        bookings=acceptance.bookings_of(found),
        token=token,
        message_form=message_form,
        withdraw_form=withdraw_form,
        explanation=STATUS_EXPLANATIONS[found.status],
    )
    return page, 422 if (message_form.errors or withdraw_form.errors) else 200


@bp.get("/projets/suivi/<token>")
def status(token: str):
    response = current_app.make_response(_status_page(_request_for_token(token), token))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/projets/suivi/<token>/message")
@limiter.limit(_rate_limit, methods=["POST"])
def newcomer_message(token: str):
    found = _request_for_token(token, for_update=True)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            workflow.post_newcomer_message(found, form.body.data)
        except workflow.WorkflowError as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Votre message est envoyé au lieu."), "success")
            return redirect(url_for("newcomers.status", token=token), code=303)
    return _status_page(found, token, message_form=form)


@bp.post("/projets/suivi/<token>/retrait")
def withdraw(token: str):
    found = _request_for_token(token, for_update=True)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            workflow.withdraw(found, form.reason.data or "")
        except workflow.WorkflowError as error:
            form.confirm.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Votre demande est retirée."), "success")
            return redirect(url_for("newcomers.status", token=token), code=303)
    return _status_page(found, token, withdraw_form=form)


@bp.route("/projets/lien-perdu", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def lost_link():
    form = LostLinkForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        found = db.session.scalars(
            select(TestSpaceRequest)
            .where(TestSpaceRequest.email == email, TestSpaceRequest.anonymised_at.is_(None))
            .order_by(TestSpaceRequest.created_at)
        ).all()
        if found:
            notices.links_resent(email, found[-1].locale, list(found))
            db.session.commit()
        # Same answer whether or not the address made a request.
        flash(
            _("Si une demande a été faite avec cette adresse, un e-mail avec son lien de suivi vient d'être envoyé."),
            "info",
        )
        return redirect(url_for("newcomers.lost_link"), code=303)
    return render_template("newcomers/lost_link.html", form=form), form_status(form)


@bp.route("/projets/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = request_from_invitation_token(token)
    if found is None or found.user is None:
        abort(404)
    if request.method == "POST":
        _locked(found)
    if found.account_created_at is not None or not acceptance.account_pending(found.user):
        flash(_("Votre compte est déjà ouvert : connectez-vous."), "info")
        return redirect(url_for("auth.login"), code=303)
    user = found.user
    form = InvitationForm()
    form.identity = (user.email,)
    if request.method == "GET":
        form.name.data = user.name
        form.phone.data = user.phone
        form.organisation.data = user.organisation.name if user.organisation else found.organisation_name
        form.organisation_kind.data = (
            user.organisation.kind.value if user.organisation else OrganisationKind.INDIVIDUAL.value
        )
    if form.validate_on_submit():
        acceptance.complete_account(
            found,
            name=form.name.data,
            phone=form.phone.data or "",
            password=form.password.data,
            organisation_name=form.organisation.data,
            organisation_kind=OrganisationKind(form.organisation_kind.data),
        )
        user.last_login_at = utcnow()
        db.session.commit()
        locale = session.get("locale")
        session.clear()
        if locale:
            session["locale"] = locale
        login_user(user)
        flash(_("Bienvenue, %(name)s ! Votre compte est ouvert.", name=user.name), "success")
        return redirect(url_for("site.home"), code=303)
    return render_template("newcomers/invitation.html", form=form, req=found, user=user), form_status(form)


# --- the managers' desk ----------------------------------------------------------------------------


def _visible_request(request_id: int, for_update: bool = False) -> TestSpaceRequest:
    found = db.session.get(TestSpaceRequest, request_id)
    if found is None or not workflow.can_view(current_user, found):
        abort(404)
    return _locked(found) if for_update else found


@bp.get("/gestion/projets")
@staff_required
def desk():
    wanted = request.args.get("statut", "")
    query = workflow.visible_requests(current_user).options(
        selectinload(TestSpaceRequest.themes), selectinload(TestSpaceRequest.venue)
    )
    if wanted in {status.value for status in RequestStatus}:
        query = query.where(TestSpaceRequest.status == RequestStatus(wanted))
    found = db.session.scalars(query).all()
    managed = {venue.id for venue in current_user.managed_venues}

    def handled_here(req: TestSpaceRequest) -> bool:
        return req.venue_id in managed or (current_user.is_coordinator and req.venue_id is None)

    return render_template(
        "newcomers/desk.html",
        to_handle=[req for req in found if handled_here(req)],
        others=[req for req in found if not handled_here(req)],
        wanted=wanted,
        statuses=list(RequestStatus),
        now=utcnow(),
    )


def _desk_page(found: TestSpaceRequest, status: int = 200, **forms):
    spaces = acceptance.offered_test_spaces(found)
    accept_form = forms.get("accept_form") or AcceptForm(
        formdata=None,
        first_day=found.period_start,
        last_day=found.period_end,
        session_start=time(9, 0),
        session_end=time(12, 0),
    )
    accept_form.test_space.choices = [(0, _("Sans espace test"))] + [(space.id, space.name) for space in spaces]
    redirect_form = forms.get("redirect_form") or RedirectForm(formdata=None)
    redirect_form.venue.choices = _redirect_choices(found)
    bookings = acceptance.bookings_of(found)
    return (
        render_template(
            "newcomers/desk_request.html",
            req=found,
            bookings=bookings,
            agreements=_agreements_of(bookings),
            can_act=workflow.can_act(current_user, found),
            can_redirect=workflow.can_redirect(current_user, found),
            history=workflow.history(found),
            action_labels=AUDIT_ACTION_LABELS,
            message_form=forms.get("message_form") or MessageForm(formdata=None),
            decline_form=forms.get("decline_form") or DeclineForm(formdata=None),
            redirect_form=redirect_form,
            accept_form=accept_form,
            review_form=EmptyForm(),
            now=utcnow(),
        ),
        status,
    )


def _agreements_of(bookings) -> list:
    """The current agreements covering these bookings (the test-space agreement), once each."""
    found = {}
    for booking in bookings:
        agreement = current_agreement_of(booking)
        if agreement is not None:
            found[agreement.id] = agreement
    return list(found.values())


def _redirect_choices(found: TestSpaceRequest) -> list[tuple[int, str]]:
    venues = db.session.scalars(select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.name)).all()
    return [(venue.id, venue.name) for venue in venues if venue.id != found.venue_id]


@bp.get("/gestion/projets/<int:request_id>")
@staff_required
def desk_request(request_id: int):
    return _desk_page(_visible_request(request_id))


def _act(found: TestSpaceRequest, form_name: str, form, action, success: str, error_field):
    """Run one desk action: validate, call the rule, commit once, or show the form again (422)."""
    if form.validate_on_submit():
        try:
            action()
        except workflow.NotAllowed:
            abort(404)
        except workflow.WorkflowError as error:
            if not found.is_open:  # a closed request shows no form to put the error next to
                db.session.rollback()
                flash(str(error), "error")
                return redirect(url_for("newcomers.desk_request", request_id=found.id), code=303)
            error_field.errors.append(str(error))
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("newcomers.desk_request", request_id=found.id), code=303)
    db.session.rollback()
    return _desk_page(db.session.get(TestSpaceRequest, found.id), 422, **{form_name: form})


@bp.post("/gestion/projets/<int:request_id>/examen")
@staff_required
def desk_review(request_id: int):
    found = _visible_request(request_id, for_update=True)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        workflow.take_under_review(found, current_user)
    except workflow.NotAllowed:
        abort(404)
    except workflow.WorkflowError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("La demande est à l'étude ; le porteur de projet en est informé."), "success")
    return redirect(url_for("newcomers.desk_request", request_id=found.id), code=303)


@bp.post("/gestion/projets/<int:request_id>/message")
@staff_required
def desk_message(request_id: int):
    found = _visible_request(request_id, for_update=True)
    form = MessageForm()
    return _act(
        found,
        "message_form",
        form,
        lambda: workflow.post_venue_message(found, current_user, form.body.data),
        _("Votre message est envoyé au porteur de projet."),
        form.body,
    )


@bp.post("/gestion/projets/<int:request_id>/refus")
@staff_required
def desk_decline(request_id: int):
    found = _visible_request(request_id, for_update=True)
    form = DeclineForm()
    return _act(
        found,
        "decline_form",
        form,
        lambda: workflow.decline(found, current_user, form.decline_note.data),
        _("La demande est déclinée ; le porteur de projet en est informé."),
        form.decline_note,
    )


@bp.post("/gestion/projets/<int:request_id>/reorientation")
@staff_required
def desk_redirect(request_id: int):
    found = _visible_request(request_id, for_update=True)
    form = RedirectForm()
    form.venue.choices = _redirect_choices(found)
    return _act(
        found,
        "redirect_form",
        form,
        lambda: workflow.redirect(found, current_user, db.session.get(Venue, form.venue.data), form.redirect_note.data),
        _("La demande est confiée à un autre lieu ; le porteur de projet et ce lieu en sont informés."),
        form.venue,
    )


@bp.post("/gestion/projets/<int:request_id>/acceptation")
@staff_required
def desk_accept(request_id: int):
    found = _visible_request(request_id, for_update=True)
    form = AcceptForm()
    form.test_space.choices = [(0, "")] + [(space.id, space.name) for space in acceptance.offered_test_spaces(found)]

    def accept():
        space, schedule = None, None
        if form.test_space.data:
            space = db.session.get(Resource, form.test_space.data)
            schedule = acceptance.Schedule(
                first_day=form.first_day.data,
                starts=form.session_start.data,
                ends=form.session_end.data,
                until=form.last_day.data,
                frequency=Frequency(form.frequency.data),
            )
        acceptance.accept(found, current_user, form.accept_note.data or "", test_space=space, schedule=schedule)

    return _act(
        found,
        "accept_form",
        form,
        accept,
        _("La demande est acceptée ; le porteur de projet reçoit son invitation."),
        form.test_space,
    )


# --- the coordination's routing table --------------------------------------------------------------


def _route_form(formdata=True) -> RouteForm:
    form = RouteForm() if formdata else RouteForm(formdata=None)
    form.theme.choices = _theme_choices()
    venues = db.session.scalars(select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.name)).all()
    form.venue.choices = [(venue.id, venue.name) for venue in venues]
    return form


@bp.route("/gestion/coordination/orientation", methods=["GET", "POST"])
@coordinator_required
def routing_table():
    form = _route_form()
    if form.validate_on_submit():
        theme, venue = db.session.get(Theme, form.theme.data), db.session.get(Venue, form.venue.data)
        try:
            routing.add_route(theme, venue, SupportKind(form.support_kind.data) if form.support_kind.data else None)
        except routing.RoutingError as error:
            form.venue.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("La règle d'orientation est ajoutée."), "success")
            return redirect(url_for("newcomers.routing_table"), code=303)
    return (
        render_template("newcomers/routing.html", form=form, routes=routing.routes(), row_form=EmptyForm()),
        form_status(form),
    )


def _route_or_404(route_id: int) -> NewcomerRoute:
    route = db.session.get(NewcomerRoute, route_id)
    if route is None:
        abort(404)
    return route


@bp.post("/gestion/coordination/orientation/<int:route_id>/<any(monter, descendre, supprimer):action>")
@coordinator_required
def routing_change(route_id: int, action: str):
    route = _route_or_404(route_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "supprimer":
        routing.remove_route(route)
        flash(_("La règle d'orientation est supprimée."), "success")
    else:
        routing.move_route(route, -1 if action == "monter" else 1)
    db.session.commit()
    return redirect(url_for("newcomers.routing_table"), code=303)


@bp.post("/gestion/coordination/orientation/par-defaut")
@coordinator_required
def routing_defaults():
    if not EmptyForm().validate_on_submit():
        abort(400)
    created, missing = routing.install_default_routing()
    db.session.commit()
    if created:
        flash(_("%(count)d règles d'orientation sont installées.", count=len(created)), "success")
    if missing:
        flash(_("Introuvables, donc ignorés : %(slugs)s.", slugs=", ".join(missing)), "warning")
    return redirect(url_for("newcomers.routing_table"), code=303)
