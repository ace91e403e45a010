"""Language and time-zone selection for Flask-Babel."""

from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_login import current_user

PARIS = "Europe/Paris"


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The user's chosen language, else the one chosen in this session, else French.

    Outside a request (commands, workers) there is no user nor session: the default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported_locales():
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported_locales():
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return PARIS
