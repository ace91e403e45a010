"""Who calls: the personal API token of ``Authorization: Bearer <token>``, and its rate limit."""

from __future__ import annotations

from flask import current_app, g, request

from app.api import tokens
from app.api.problems import problem
from app.core.i18n import gettext as _
from app.extensions import db
from app.models import User


class Unauthorised(Exception):
    """No token, or not one in force: 401 with ``WWW-Authenticate: Bearer``."""


def bearer() -> str:
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def caller() -> User:
    """The owner of the request's token (once per request); raises :class:`Unauthorised`."""
    if "api_user" in g:
        return g.api_user
    token = tokens.authenticate(bearer())
    if token is None:
        raise Unauthorised()
    if request.method in ("GET", "HEAD"):
        db.session.commit()  # its last use, when it was noted (a change commits it with the change)
    g.api_user = token.user
    return token.user


def rate_key() -> str:
    """The rate limit counts per token (its digest), else per address."""
    plain = bearer()
    if plain:
        return "api-token:" + tokens.digest(plain)
    from flask_limiter.util import get_remote_address

    return "api-address:" + (get_remote_address() or "")


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def unauthorised_problem():
    return problem(
        401,
        _("Jeton d'API manquant ou invalide"),
        _(
            "Envoyez un jeton d'API en service dans l'en-tête « Authorization: Bearer » suivi du jeton (il se crée sur la page Mon compte)."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="FNT Partage"'},
    )
