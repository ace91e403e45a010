"""Friendly error pages, in the user's language."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from app.core.i18n import gettext as _
from app.core.web import NulByteRefused
from app.extensions import db


def _page(status: int, title: str, message: str):
    """The error page; under a prefix a part registered (the JSON API), its own kind of answer."""
    for prefix, renderer in current_app.extensions.get(ERROR_RENDERERS, ()):
        if request.path.startswith(prefix):
            return renderer(status, title, message)
    return render_template("errors/error.html", status=status, title=title, message=message), status


ERROR_RENDERERS = "fnt.error_renderers"


def render_errors_under(app: Flask, prefix: str, renderer: Callable[[int, str, str], Any]) -> None:
    """Errors of the requests whose path starts with ``prefix`` answered by ``renderer(status, title,
    message)`` instead of an HTML page (the JSON API answers with problem details)."""
    app.extensions.setdefault(ERROR_RENDERERS, []).append((prefix, renderer))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_error):
        return _page(400, _("Requête invalide"), _("Votre demande n'a pas pu être comprise."))

    @app.errorhandler(NulByteRefused)
    def nul_byte(_error):
        return _page(
            400,
            _("Requête invalide"),
            _("Ce que vous avez envoyé contient un caractère nul (invisible), qui n'a sa place dans aucun champ."),
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _page(
            400,
            _("Formulaire expiré"),
            _("Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez."),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        return _page(403, _("Accès refusé"), _("Vous n'avez pas le droit de voir cette page."))

    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, _("Page introuvable"), _("Cette page n'existe pas ou plus."))

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return _page(405, _("Action impossible"), _("Cette action n'est pas permise ici."))

    @app.errorhandler(414)
    def address_too_long(_error):
        return _page(414, _("Adresse trop longue"), _("L'adresse demandée est trop longue pour être comprise."))

    @app.errorhandler(413)
    def too_large(_error):
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        return _page(
            413,
            _("Envoi trop volumineux"),
            _(
                "Ce que vous avez envoyé dépasse %(size)s Mo. Choisissez un fichier plus petit.",
                size=limit // (1024 * 1024),
            ),
        )

    @app.errorhandler(429)
    def too_many_requests(_error):
        return _page(
            429, _("Trop de tentatives"), _("Trop de demandes en peu de temps. Réessayez dans quelques minutes.")
        )

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        """The database is away, locked too long, or cancelled a statement that ran too long:
        a clear 503 and a hint to retry (the pool reconnects by itself when it is back)."""
        with contextlib.suppress(OperationalError):  # the connection may be gone as well
            db.session.rollback()
        app.logger.warning("Database unavailable on %s: %s", request.path, error.orig)
        title = _("Service momentanément indisponible")
        message = _("Le service ne peut pas répondre pour le moment. Réessayez dans quelques instants.")
        if request.headers.get("HX-Request") or request.accept_mimetypes.best == "application/json":
            response = jsonify(error="service_unavailable", title=title, message=message)
            response.status_code = 503
        else:
            response = app.make_response(_page(503, title, message))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(500)
    def internal_error(_error):
        db.session.rollback()
        app.logger.exception("Internal error on %s", request.path)
        return _page(
            500,
            _("Erreur du serveur"),
            _(
                "Une erreur inattendue s'est produite. Réessayez dans un instant ; si cela continue, écrivez à la coordination."
            ),
        )
