"""Request hooks shared by every page: security headers, template helpers, htmx."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, abort, current_app
from flask_babel import format_time, get_locale
from htmx_flask import request  # flask.request, typed with its ``htmx`` attribute
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from app.core.forms import MAX_INTEGER, has_required, is_required
from app.core.i18n import current_language, format_day, format_moment, html_language, written_in_french
from app.core.money import format_cents

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in our routes stops at what the databases store: a larger number is a page
    that does not exist (404), never a query that overflows."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ):  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_INTEGER if max is None else max, signed)


MAX_ADDRESS_LENGTH = 4094  # gunicorn's limit_request_line


class NulByteRefused(BadRequest):
    """A request carrying a NUL byte (its page says so: ``app.core.errors``)."""


def has_nul(*texts: str) -> bool:
    return any("\x00" in text for text in texts)


def is_htmx_fragment_request(target: str | None = None) -> bool:
    """True when htmx asks for a fragment, not a whole page.

    Boosted navigation sends ``HX-Request`` too but wants the whole page: we
    decide on the target, as the htmx idioms in shared/EXAMPLES.md say.
    """
    if not request.htmx or request.htmx.boosted or request.htmx.history_restore_request:
        return False
    if target is None:
        return True
    return request.htmx.target == target


def register_web_hooks(app: Flask) -> None:
    @app.before_request
    def _refuse_hostile_requests():
        """An address longer than gunicorn would take (4 KiB) is refused, as it would be in
        production. A NUL byte cannot be typed in a page, has no use in any text, and PostgreSQL
        refuses it: a request carrying one, in its address or a form, gets a 400 page that says
        so. (Other control characters are refused field by field, next to the field:
        ``app.core.forms``.)"""
        if len(request.path) + len(request.query_string) > MAX_ADDRESS_LENGTH:
            abort(414)
        texts = [request.path, *request.args.keys(), *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            texts += [*request.form.keys(), *request.form.values()]
        if has_nul(*texts):
            raise NulByteRefused()

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if current_app.config.get("FNT_ENV") == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.vary.add("HX-Request")
        response.vary.add("Cookie")
        return response

    @app.context_processor
    def _template_globals():
        return {
            "current_locale": current_language(),
            "html_language": html_language(),
            "languages": current_app.config["LANGUAGES"],
            "is_htmx_fragment_request": is_htmx_fragment_request,
        }

    # For the shared form macros, which are imported without the page's context.
    app.jinja_env.globals.update(is_required=is_required, has_required=has_required)

    @app.template_filter("datetime")
    def _format_datetime(value: datetime | None, fmt: str = "medium") -> str:
        """In Paris time and the page's language; ``"day"``: the full date and the short time
        ("lundi 7 décembre 2026, 10:00"), for a moment people plan around."""
        if value is None:
            return ""
        if fmt == "day":
            return f"{format_day(value, 'full')}, {format_time(value, 'short')}"
        return format_moment(value, fmt)

    @app.template_filter("machine_time")
    def _machine_time(value: datetime | str | None) -> str:
        """A moment for ``<time datetime>``: ISO 8601 to the second (no microseconds, which HTML
        does not accept), in UTC."""
        if value is None:
            return ""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    app.add_template_filter(written_in_french, "french")

    @app.template_filter("money")
    def _format_money(cents: int | None) -> str:
        return format_cents(cents, str(get_locale()))
