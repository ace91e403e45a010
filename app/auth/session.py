"""Flask-Login wiring: loading users, and what an anonymous visitor is told."""

from __future__ import annotations

from functools import cache

from flask import Flask, redirect, request, url_for
from flask_login import LoginManager
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.core.i18n import lazy_gettext as _l
from app.extensions import db


@cache
def _person() -> Select:
    from app.models import User

    return (
        select(User)
        .where(User.id == bindparam("id", type_=User.__table__.c.id.type))
        .options(joinedload(User.organisation), joinedload(User.memberships))
    )


def load_person(user_id: int):
    """The signed-in person as each request loads them: with what most requests ask of them, their
    organisation (the audience their prices and rights follow) and their venues (their roles), in
    the same statement (built once: it costs more to build than to run)."""
    return db.session.execute(_person(), {"id": user_id}).unique().scalar_one_or_none()


def configure_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = load_person(int(user_id))
        if user is None or user.session_token != token:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash

        flash(login_manager.login_message, "info")
        target = request.full_path if request.query_string else request.path
        if request.htmx:
            # An htmx request cannot follow a 302 into a fragment: send the whole page to log in,
            # then back to the page the user was on.
            back_to = request.htmx.current_url or target
            from urllib.parse import urlsplit

            parts = urlsplit(back_to)
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            response = app.response_class(status=401)
            response.headers["HX-Redirect"] = url_for("auth.login", next=local)
            return response
        return redirect(url_for("auth.login", next=target))
