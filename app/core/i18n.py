"""Language and time-zone selection for Flask-Babel."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import (
    LazyString,
    force_locale,
    format_datetime,
    format_time,
    get_locale,
    get_timezone,
    get_translations,
    to_user_timezone,
)
from flask_login import current_user
from markupsafe import Markup

PARIS = "Europe/Paris"

# The formats each interface language is written in. English is written the British way, as
# European readers expect: a 24-hour clock and the day before the month ("12 Jan 2027, 10:00").
# Accounts, sessions and documents keep the language ("fr", "en"); only Babel sees the locale.
FORMAT_LOCALES = {"en": "en_GB"}


def locale_for(language: str) -> str:
    """The Babel locale a language is written in: "en" -> "en_GB", "fr" -> "fr"."""
    return FORMAT_LOCALES.get(language, language)


def current_language() -> str:
    """The language being written in ("fr", "en"): the forced one, the request's, else the default."""
    try:
        locale = _babel_locale(g._get_current_object()) or get_locale()
    except RuntimeError:  # outside any app: the default
        locale = None
    if locale is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale.language


def html_language() -> str:
    """The ``lang`` attribute of a page: "fr", "en-GB"."""
    locale = get_locale()
    if locale is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return f"{locale.language}-{locale.territory}" if locale.territory else locale.language


def speaking(language: str) -> AbstractContextManager:
    """Write in ``language`` ("fr", "en") for a while: its translations and its formats."""
    return force_locale(locale_for(language))


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The user's chosen language, else the one chosen in this session, else French.

    Outside a request (commands, workers) there is no user nor session: the default."""
    return locale_for(_selected_language())


def _selected_language() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = g.get("request_language")  # set by a part that reads Accept-Language (the JSON API)
    if asked in supported_locales():
        return asked
    if current_user and current_user.is_authenticated and current_user.locale in supported_locales():
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported_locales():
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return PARIS


DATE_STYLES = ("short", "medium", "long", "full")
_DAY_OF_MONTH = re.compile(r"(?<![d'])d(?![d'])")  # "d" alone: the day of the month, not "dd" nor a literal


def first_of_month(pattern: str, language: str, day: int) -> str:
    """A Babel date pattern that writes the first of the month as French does: « 1er décembre »."""
    if language == "fr" and day == 1:
        return _DAY_OF_MONTH.sub("d'er'", pattern)
    return pattern


def format_day(value: date | datetime, style: str = "medium", language: str | None = None) -> str:
    """A date in ``style`` (a Babel style or pattern), in the reader's language, or in ``language``
    ("fr", "en") when it is given (documents written in their own language); a moment is read in
    Paris time first. « 1er décembre » in French; "1 December" in English."""
    if language is not None:
        locale = Locale.parse(locale_for(language))
    else:
        locale = get_locale() or Locale.parse(locale_for(current_app.config["BABEL_DEFAULT_LOCALE"]))
        if isinstance(value, datetime):
            value = to_user_timezone(value).date()
    pattern = locale.date_formats[style].pattern if style in DATE_STYLES else style
    pattern = first_of_month(pattern, locale.language, value.day)
    if type(value) is date:
        return _date_words(value, pattern, str(locale))
    return babel_format_date(value, pattern, locale=locale)


@functools.lru_cache(maxsize=4096)
def _date_words(value: date, pattern: str, locale: str) -> str:
    """A day's words depend on nothing else: kept for the worker's life (a calendar says each day
    of its week, a list each day of its rows, on every request)."""
    return babel_format_date(value, pattern, locale=Locale.parse(locale))


def written_in_french(text: str | None) -> Markup | str:
    """Content written in French (names, descriptions, purposes) marked ``lang="fr"`` on a page in
    another language (WCAG 3.1.2); the templates' ``french`` filter. For element content only, never
    inside an attribute."""
    if not text:
        return ""
    if current_language() == "fr":
        return text
    return Markup('<span lang="fr">{}</span>').format(text)


def format_moment(value: datetime, style: str = "medium") -> str:
    """A moment in Paris time and the reader's language, never with its seconds: the date in
    ``style`` ("short", "medium", "long", "full") and the time as hours and minutes, joined as
    the language joins them ("27 oct. 2026, 21:22")."""
    return moment_writer(style)(value)


def moment_writer(style: str = "medium") -> Callable[[datetime], str]:
    """:func:`format_moment` in ``style`` for the many moments of one page: the reader's language
    and time zone looked up once, not at every moment."""
    locale = get_locale()
    if locale is None:  # no request and no language forced: as Flask-Babel writes it then
        return functools.partial(_format_moment_by_babel, style=style)
    zone, locale_name = get_timezone(), str(locale)

    def write(value: datetime) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        wall_clock = value.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        return _moment_words(wall_clock, style, locale_name)

    return write


def _format_moment_by_babel(value: datetime, style: str) -> str:
    if style == "short":
        return format_datetime(value, "short")
    locale = get_locale()
    pattern = str(locale.datetime_formats[style]) if locale else "{1}, {0}"
    return pattern.replace("'", "").replace("{0}", format_time(value, "short")).replace("{1}", format_day(value, style))


@functools.lru_cache(maxsize=8192)
def _moment_words(wall_clock: datetime, style: str, locale_name: str) -> str:
    """A moment's words depend only on its wall-clock minute (in the reader's time zone), the style
    and the language: kept for the worker's life (a page writes dozens, often the same ones), as
    Babel writes them (its date and time formats joined by its pattern)."""
    locale = Locale.parse(locale_name)
    day = wall_clock.date()
    if style == "short":  # as Babel's format_datetime(…, "short"): its short date, without « 1er »
        date_text = babel_format_date(day, "short", locale=locale)
    else:
        pattern = first_of_month(locale.date_formats[style].pattern, locale.language, day.day)
        date_text = babel_format_date(day, pattern, locale=locale)
    time_text = babel_format_time(wall_clock.time(), "short", locale=locale)
    pattern = str(locale.datetime_formats[style])
    return pattern.replace("'", "").replace("{0}", time_text).replace("{1}", date_text)


def _babel_locale(request_globals) -> Locale | None:
    """The locale Flask-Babel has settled on for this request (selected, or forced by
    :func:`speaking`), read from its state on ``g`` without a lookup of its own; None when it has
    not settled on one yet (then ask ``get_locale()``)."""
    return getattr(getattr(request_globals, "_flask_babel", None), "babel_locale", None)


def request_translations():
    """The reader's catalogue, looked up once a request (and once again for each language a part of
    it is written in: an email in its recipient's) instead of at every message of a page (a
    calendar shows hundreds): kept on ``g`` with the locale it is for."""
    if not has_request_context():
        return get_translations()
    request_globals = g._get_current_object()
    locale = _babel_locale(request_globals)
    known = getattr(request_globals, "_translations", None)
    if locale is not None and known is not None and known[0] is locale:
        return known[1]
    translations = get_translations()
    request_globals._translations = (get_locale(), translations)
    return translations


# The app's gettext functions: Flask-Babel's, through the request's catalogue (Flask-Babel's own
# look up the request's state three times and the locale's catalogue again at every message).


def gettext(string: str, **variables) -> str:
    text = request_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return request_translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables) -> str:
    text = request_translations().upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def install_template_translations(app: Flask) -> None:
    """Templates' ``_()``, ``ngettext()``… through :func:`request_translations`."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
