"""The emails of the newcomers' journey, to the newcomer and to the venues' managers.

Every link in them is absolute (``BASE_URL``) and built without a request, so that the
CLI (reminders) sends the same emails as the views.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.models import Venue
from app.newcomers.models import TestSpaceRequest
from app.newcomers.tokens import make_invitation_token, make_status_token
from app.notifications import send_email


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link to one of our pages, with or without a request under way."""
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)


def status_link(request: TestSpaceRequest) -> str:
    return absolute_url("newcomers.status", token=make_status_token(request))


def desk_link(request: TestSpaceRequest) -> str:
    return absolute_url("newcomers.desk_request", request_id=request.id)


def venue_recipients(venue: Venue | None) -> list[tuple[str, str]]:
    """(email, locale) of the people who answer for a venue: its active managers, else its address."""
    if venue is None:
        return []
    people = [(user.email, user.locale) for user in venue.managers if user.is_active]
    if not people and venue.email:
        people = [(venue.email, current_app.config["BABEL_DEFAULT_LOCALE"])]
    return people


def _send(to: str, locale: str, subject, template: str, subject_args: dict | None = None, **context) -> None:
    """Render and send one email in the recipient's language (``subject`` is a lazy msgid,
    formatted with ``subject_args``)."""
    with force_locale(locale):
        send_email(to, str(subject) % (subject_args or {}), render_template(template, **context))


def _to_newcomer(request: TestSpaceRequest, subject, template: str, **context) -> None:
    _send(request.email, request.locale, subject, template, request=request, link=status_link(request), **context)


def _to_venue(request: TestSpaceRequest, subject, template: str, **context) -> None:
    """To the people who answer for the venue handling the request; subjects may name its title."""
    link, venue = desk_link(request), request.venue
    for email, locale in venue_recipients(venue):
        _send(email, locale, subject, template, subject_args={"title": request.project_title},
              request=request, venue=venue, link=link, **context)


def request_received(request: TestSpaceRequest) -> None:
    _to_newcomer(request, _l("Votre demande d'espace test est bien reçue"), "newcomers/email/received.txt")
    _to_venue(
        request,
        _l("Nouvelle demande d'espace test : %(title)s"),
        "newcomers/email/new_for_venue.txt",
    )


def venue_wrote(request: TestSpaceRequest, body: str) -> None:
    _to_newcomer(
        request,
        _l("Nouveau message de %(venue)s sur votre demande"),
        "newcomers/email/venue_message.txt",
        body=body,
        subject_args={"venue": request.venue.name if request.venue else ""},
    )


def newcomer_wrote(request: TestSpaceRequest, body: str) -> None:
    _to_venue(
        request,
        _l("Message du porteur de projet : %(title)s"),
        "newcomers/email/newcomer_message.txt",
        body=body,
    )


def under_review(request: TestSpaceRequest) -> None:
    _to_newcomer(request, _l("Votre demande d'espace test est à l'étude"), "newcomers/email/under_review.txt")


def declined(request: TestSpaceRequest, note: str) -> None:
    _to_newcomer(request, _l("Réponse à votre demande d'espace test"), "newcomers/email/declined.txt", note=note)


def redirected(request: TestSpaceRequest, previous: Venue | None, note: str) -> None:
    _to_newcomer(
        request, _l("Votre demande est confiée à un autre lieu"), "newcomers/email/redirected.txt",
        previous=previous, note=note,
    )
    _to_venue(
        request,
        _l("Demande d'espace test réorientée vers vous : %(title)s"),
        "newcomers/email/redirected_to_venue.txt",
        previous=previous,
        note=note,
    )


def accepted(request: TestSpaceRequest, note: str, account_exists: bool) -> None:
    invitation = None if account_exists else absolute_url(
        "newcomers.invitation", token=make_invitation_token(request)
    )
    _to_newcomer(
        request, _l("Votre demande d'espace test est acceptée"), "newcomers/email/accepted.txt",
        note=note, invitation=invitation, login=absolute_url("auth.login"),
    )


def withdrawn(request: TestSpaceRequest, reason: str) -> None:
    _to_venue(
        request,
        _l("Demande d'espace test retirée : %(title)s"),
        "newcomers/email/withdrawn.txt",
        reason=reason,
    )


def reminder(request: TestSpaceRequest, days: int) -> None:
    _to_venue(
        request,
        _l("Rappel : une demande d'espace test attend votre réponse"),
        "newcomers/email/reminder.txt",
        days=days,
    )


def links_resent(email: str, locale: str, requests: list[TestSpaceRequest]) -> None:
    links = [(request, status_link(request)) for request in requests]
    _send(email, locale, _l("Vos liens de suivi FNT Partage"), "newcomers/email/links.txt", links=links)
