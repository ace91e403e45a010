"""Sign-up, log-in, log-out and password reset."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import accounts
from app.auth.forms import LoginForm, ResetPasswordForm, ResetRequestForm, SignupForm
from app.auth.tokens import (
    make_confirmation_token,
    make_reset_token,
    user_from_confirmation_token,
    user_from_reset_token,
)
from app.core.forms import EmptyForm
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import speaking
from app.core.navigation import safe_next_url
from app.core.responses import form_page
from app.extensions import db, limiter
from app.models import OrganisationKind
from app.notifications import send_email
from app.notifications.compose import html_version

bp = Blueprint("auth", __name__, url_prefix="/compte", template_folder="templates")


def _start_session(user, remember: bool) -> None:
    locale = session.get("locale")
    session.clear()  # a new session on login: nothing from before carries over
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    """The same answer whether or not the address already has an account (no enumeration): a new
    account waits for its owner to follow the emailed link; the owner of an existing one is told
    by email that someone tried, with the links to log in or choose a new password."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                organisation_name=form.organisation.data,
                organisation_kind=OrganisationKind(form.organisation_kind.data),
                locale=session.get("locale", current_app.config["BABEL_DEFAULT_LOCALE"]),
            )
        except accounts.EmailAlreadyRegistered:
            owner = accounts.find_user_by_email(form.email.data)
            if owner is not None and owner.is_active:
                _send_account_email(
                    owner, _l("Votre compte FNT Partage existe déjà"), "auth/email/already_registered.txt"
                )
        else:
            _send_confirmation(user)
        db.session.commit()
        flash(
            _(
                "Nous avons envoyé un e-mail à %(email)s : suivez le lien qu'il contient pour ouvrir votre compte.",
                email=accounts.normalise_email(form.email.data),
            ),
            "info",
        )
        return redirect(url_for("auth.login"), code=303)
    return form_page("auth/signup.html", form)


def _send_account_email(user, subject: LazyString, template: str, **links: str) -> None:
    """One email about the account, in its owner's language, with the links to log in and to
    choose a new password, and ``links`` (paths made absolute). The caller commits."""
    base = current_app.config["BASE_URL"]
    with speaking(user.locale):
        text = render_template(
            template,
            user=user,
            login_link=base + url_for("auth.login"),
            reset_link=base + url_for("auth.reset_request"),
            preferences_link=base + url_for("notifications.preferences"),
            **{name: base + link for name, link in links.items()},
        )
        # Text and HTML, like every other email (the HTML is the text with its links made clickable).
        send_email(user.email, str(subject), text, html_version(str(subject), text))


def _send_confirmation(user) -> None:
    _send_account_email(
        user,
        _l("Ouvrez votre compte FNT Partage"),
        "auth/email/confirm.txt",
        link=url_for("auth.confirm_email", token=make_confirmation_token(user)),
    )


@bp.get("/confirmer/<token>")
def confirm_email(token: str):
    user = user_from_confirmation_token(token)
    if user is None:
        flash(
            _(
                "Ce lien d'activation n'est plus valable. Connectez-vous : si votre compte attend encore "
                "sa confirmation, un nouveau lien vous sera envoyé."
            ),
            "error",
        )
        return redirect(url_for("auth.login"))
    accounts.confirm_email(user)
    db.session.commit()
    _start_session(user, remember=False)
    flash(_("Bienvenue, %(name)s ! Votre compte est ouvert.", name=user.name), "success")
    return redirect(url_for("site.home"), code=303)


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.EmailNotConfirmed as waiting:
            _send_confirmation(waiting.user)
            db.session.commit()
            form.email.errors.append(
                _(
                    "Votre adresse n'est pas encore confirmée : nous venons de vous renvoyer le lien "
                    "qui ouvre votre compte. Suivez-le, puis connectez-vous."
                )
            )
        except accounts.LoginBlocked as blocked:
            form.password.errors.append(
                _(
                    "Trop de mots de passe erronés pour ce compte : réessayez après %(time)s, "
                    "ou choisissez un nouveau mot de passe (« Mot de passe oublié »).",
                    time=format_time(blocked.until, "short"),
                )
            )
        else:
            db.session.commit()  # the successful log-in, or the count of failures
            if user is not None:
                _start_session(user, remember=form.remember.data)
                flash(_("Vous êtes connecté·e."), "success")
                return redirect(safe_next_url(form.next.data, url_for("dashboards.home")), code=303)
            form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return form_page("auth/login.html", form)


@bp.post("/deconnexion")
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        locale = session.get("locale")
        # The session cookie and the "remember me" cookie carry the account's session token:
        # a new one makes both worthless, even replayed (every session of the account ends).
        current_user.rotate_session_token()
        db.session.commit()
        logout_user()
        session.clear()
        if locale:
            session["locale"] = locale
        flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("site.home"), code=303)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            _send_account_email(
                user,
                _l("Réinitialisation de votre mot de passe FNT Partage"),
                "auth/email/reset.txt",
                link=url_for("auth.reset_password", token=make_reset_token(user)),
            )
            db.session.commit()
        # Same answer whether or not the address has an account.
        flash(
            _(
                "Si un compte existe pour cette adresse, un e-mail avec un lien de réinitialisation vient d'être envoyé."
            ),
            "info",
        )
        return redirect(url_for("auth.login"), code=303)
    return form_page("auth/reset_request.html", form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = user_from_reset_token(token)
    if user is None:
        flash(_("Ce lien de réinitialisation n'est plus valable. Demandez-en un nouveau."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    form.identity = (user.email, user.name)
    if form.validate_on_submit():
        accounts.change_password(user, form.password.data)
        db.session.commit()
        _start_session(user, remember=False)
        flash(_("Votre mot de passe est changé."), "success")
        return redirect(url_for("site.home"), code=303)
    return form_page("auth/reset_password.html", form, token=token)
