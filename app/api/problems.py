"""Errors as RFC 9457 problem details (``application/problem+json``), in the reader's language.

Every error of the API answers with a problem: ``type``, ``title``, ``status``, ``detail``, and,
when the booking engine (or a parameter) refused, ``errors``: one item per reason with its stable
``code`` (``app.bookings.errors.Code``), its ``message`` in the language of ``Accept-Language``
and the ``field`` it is about.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, current_app, json

from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal

PROBLEM_TYPE = "application/problem+json"
REFUSED_TYPE = "urn:fnt-partage:problem:refused"
INVALID_TYPE = "urn:fnt-partage:problem:invalid-parameters"

# Reasons that say the slot is taken (another request won it): 409 Conflict.
CONFLICT_CODES = frozenset({"already_booked", "not_enough_units"})


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    type_: str = "about:blank",
    errors: Iterable[dict] | None = None,
    headers: dict | None = None,
) -> Response:
    body: dict = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = list(errors)
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = current_language()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def refused(refusal: Refusal) -> Response:
    """The engine said no: its reasons with their codes, 409 when the slot is taken, 403 when the
    person may not act on it, 422 otherwise."""
    codes = set(refusal.codes)
    if codes and codes <= CONFLICT_CODES:
        status = 409
    elif codes == {"not_allowed"}:
        status = 403
    else:
        status = 422
    errors = [{"code": r.code, "message": str(r.message), "field": r.field} for r in refusal.reasons]
    return problem(status, _("Demande refusée"), str(refusal), type_=REFUSED_TYPE, errors=errors)


# marshmallow's own messages, in the reader's language (others are shown as they come).
FIELD_MESSAGES = {
    "Missing data for required field.": _l("Ce champ est obligatoire."),
    "Unknown field.": _l("Ce champ n'existe pas."),
    "Not a valid integer.": _l("Nombre entier attendu."),
    "Not a valid datetime.": _l("Date et heure ISO 8601 attendues (par exemple 2026-12-07T10:00:00+01:00)."),
    "Not a valid date.": _l("Date ISO 8601 attendue (par exemple 2026-12-07)."),
    "Not a valid string.": _l("Texte attendu."),
    "Field may not be null.": _l("Ce champ ne peut pas être vide."),
    "Invalid input type.": _l("Type de valeur invalide."),
}


def _field_message(text: object) -> str:
    found = FIELD_MESSAGES.get(str(text))
    return str(found) if found is not None else str(text)


def invalid_parameters(messages: dict) -> Response:
    """What webargs found wrong in the query or the body: ``{location: {field: [messages]}}``."""
    errors = []
    for location, fields in (messages or {}).items():
        items = fields.items() if isinstance(fields, dict) else [("", fields)]
        for name, texts in items:
            for text in texts if isinstance(texts, list) else [texts]:
                errors.append(
                    {"code": "invalid", "message": _field_message(text), "field": name or None, "in": location}
                )
    return problem(
        422,
        _("Paramètres invalides"),
        _("Certains paramètres de la demande sont absents ou mal écrits."),
        type_=INVALID_TYPE,
        errors=errors,
    )
