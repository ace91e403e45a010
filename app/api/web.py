"""The API's plumbing: the OpenAPI description (flask-smorest), the language of Accept-Language,
problem details for every error, ETag / If-None-Match, CORS on the public reads, pagination links.

``register(app)`` is called by the application factory. The endpoints are in ``public`` (no
login), ``member`` (a member's or a manager's personal token) and ``partners`` (webhooks); a new
part (the events' programme, when it exists) is a new flask-smorest blueprint registered here.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request, url_for
from flask_smorest import Api
from flask_smorest.spec import prepare_response
from werkzeug.exceptions import HTTPException

from app.api.problems import PROBLEM_TYPE, invalid_parameters, problem
from app.api.schemas import ProblemSchema
from app.core.errors import render_errors_under
from app.core.i18n import gettext as _
from app.extensions import csrf

PREFIX = "/api/v1"
PUBLIC_BLUEPRINTS = frozenset({"api_public", "api_events", "api-docs", "api_docs_page"})
API_BLUEPRINTS = PUBLIC_BLUEPRINTS | {"api_member", "api_manager"}

DESCRIPTION = """The JSON API of FNT Partage, the booking service of the tiers-lieux of the Grand Amiénois.

* Times are ISO 8601 with their offset, in Europe/Paris time; amounts are integer cents.
* Lists are paged (`page`, `per_page`) with `Link` headers and `links` in the body.
* Reads carry an `ETag`; send it back in `If-None-Match` to get `304 Not Modified`.
* Errors are RFC 9457 problem details (`application/problem+json`) with the booking engine's reason
  codes and messages in the language of `Accept-Language` (French by default, or English).
* The public reads need no login and allow any origin (CORS). The member's and the manager's
  endpoints need a personal API token, made on the account page: `Authorization: Bearer <token>`.
"""


class FntApi(Api):
    """flask-smorest, with our errors: problem details for the API only (the HTML pages keep theirs)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """flask-smorest would answer every HTTP error of the whole site in JSON: ours are below."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = FntApi()


def in_api() -> bool:
    return request.path.startswith(PREFIX + "/") or request.path == PREFIX


def register(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "FNT Partage")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": DESCRIPTION}})
    api.init_app(app)
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})

    from app.api import docs, documents, member, programme, public  # noqa: F401 - documents adds its routes to member's

    for blueprint in (public.blp, programme.blp, member.blp, programme.member_blp, member.manager_blp):
        csrf.exempt(blueprint)  # no cookie authenticates the API: a token or nothing
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    from app.api import partners, token_views

    app.register_blueprint(token_views.bp)
    app.register_blueprint(partners.bp)

    render_errors_under(app, PREFIX + "/", _problem_page)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if not in_api():
            return error
        if error.code == 422 and getattr(error, "data", None):
            return invalid_parameters(error.data.get("messages", {}))
        headers = dict(error.get_headers()) if error.code == 405 else {}
        headers.pop("Content-Type", None)
        return problem(error.code or 500, error.name, error.description or "", headers=headers)

    @app.before_request
    def _language():
        if in_api() and request.blueprint != "api_docs_page":  # the docs are a page: the site's language
            g.request_language = request.accept_languages.best_match(app.config["LANGUAGES"]) or "fr"

    @app.after_request
    def _api_headers(response):
        if not in_api():
            return response
        response.vary.add("Accept-Language")
        response.vary.add("Authorization")  # a member's answers differ from one token to another
        if request.blueprint in PUBLIC_BLUEPRINTS and request.method in ("GET", "HEAD", "OPTIONS"):
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Link, Content-Language"
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Accept-Language, If-None-Match"
                response.headers["Access-Control-Max-Age"] = "86400"
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.direct_passthrough:
            response.add_etag()
            response.headers.setdefault("Cache-Control", "no-cache")
            response.make_conditional(request)
        return response


def _problem_page(status: int, title: str, message: str):
    """An error the site's handlers answered (404, 405, 500…), as a problem; a 405 says what is allowed."""
    headers = {}
    routing = request.routing_exception
    if status == 405 and getattr(routing, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(routing.valid_methods))
    return problem(status, title, message, headers=headers)


def page_links(endpoint: str, page: int, total: int, per_page: int, **values) -> dict[str, str]:
    """``self``, ``first``, ``last``, and ``prev`` / ``next`` when there are such pages."""
    last = max((total + per_page - 1) // per_page, 1)

    def to(number: int) -> str:
        query = {k: v for k, v in request.args.items() if k not in ("page",)}
        query["page"] = str(number)
        return url_for(endpoint, _external=True, **values) + "?" + urlencode(query)

    links = {"self": to(page), "first": to(1), "last": to(last)}
    if page > 1:
        links["prev"] = to(min(page - 1, last))
    if page < last:
        links["next"] = to(page + 1)
    return links


def paginated(query, endpoint: str, args: dict, item: Callable[[Any], dict], **values):
    """One page of ``query`` (ordered, with its loading options) as an answer: the items written by
    ``item``, the page, the total and the links, in the body and in ``Link``."""
    from sqlalchemy import func, select

    from app.extensions import db

    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    links = page_links(endpoint, page, total, per_page, **values)
    body = {"items": [item(row) for row in rows], "page": page, "total": total, "links": links}
    return body, 200, link_header(links)


def link_header(links: dict[str, str]) -> dict[str, str]:
    """The same links as an RFC 8288 ``Link`` header."""
    return {"Link": ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if rel != "self")}


def not_found():
    from flask import abort

    abort(404, _("Cette ressource n'existe pas ou plus."))
