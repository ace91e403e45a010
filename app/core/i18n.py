"""Language and time-zone selection for Flask-Babel."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, has_request_context, session
from flask_babel import format_date, format_datetime, format_time, get_locale, get_translations
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


def format_moment(value: datetime, style: str = "medium") -> str:
    """A moment in Paris time and the reader's language, never with its seconds: the date in
    ``style`` ("short", "medium", "long", "full") and the time as hours and minutes, joined as
    the language joins them ("27 oct. 2026, 21:22")."""
    if style == "short":
        return format_datetime(value, "short")
    locale = get_locale()
    pattern = str(locale.datetime_formats[style]) if locale else "{1}, {0}"
    return (
        pattern.replace("'", "").replace("{0}", format_time(value, "short")).replace("{1}", format_date(value, style))
    )


def _request_translations():
    """The reader's catalogue, looked up once a request instead of at every message of a page
    (a calendar shows hundreds); Flask-Babel keeps the language for the request all the same."""
    if not has_request_context():
        return get_translations()
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def install_template_translations(app: Flask) -> None:
    """Templates' ``_()``, ``ngettext()``… through :func:`_request_translations`."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
    )
