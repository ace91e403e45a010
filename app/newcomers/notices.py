"""The emails of the newcomers' journey, to the newcomer and to the venue's managers.

Each one is queued with :func:`app.notifications.notify` inside the transaction of the change
that causes it (the caller's commit sends it, a rollback drops it). Templates live in
``newcomers/email/`` and set their subject at the top; every link in them is absolute.
"""

from __future__ import annotations

from app.newcomers.models import TestSpaceRequest
from app.newcomers.tokens import make_invitation_token, make_status_token
from app.notifications import Recipient, notify
from app.notifications.compose import venue_staff
from app.notifications.links import absolute_url

EMAILS = "newcomers/email/"


def status_link(request: TestSpaceRequest) -> str:
    return absolute_url("newcomers.status", token=make_status_token(request))


def _to_newcomer(request: TestSpaceRequest, template: str, **context) -> None:
    """To the newcomer, who has no account (or not yet): their private link goes with every email."""
    notify(
        Recipient(request.email, request.locale, request.name),
        EMAILS + template,
        req=request,
        link=status_link(request),
        **context,
    )


def _to_venue(request: TestSpaceRequest, template: str, **context) -> None:
    """To the people who answer for the venue handling the request (the daily digest if they chose it)."""
    if request.venue is None:
        return
    link = absolute_url("newcomers.desk_request", request_id=request.id)
    for person in venue_staff(request.venue):
        notify(person, EMAILS + template, digest=True, req=request, venue=request.venue, link=link, **context)


def request_received(request: TestSpaceRequest) -> None:
    _to_newcomer(request, "received")
    _to_venue(request, "new_for_venue")


def venue_wrote(request: TestSpaceRequest, body: str) -> None:
    _to_newcomer(request, "venue_message", body=body)


def newcomer_wrote(request: TestSpaceRequest, body: str) -> None:
    _to_venue(request, "newcomer_message", body=body)


def under_review(request: TestSpaceRequest) -> None:
    _to_newcomer(request, "under_review")


def declined(request: TestSpaceRequest, note: str) -> None:
    _to_newcomer(request, "declined", note=note)


def redirected(request: TestSpaceRequest, previous, note: str) -> None:
    _to_newcomer(request, "redirected", previous=previous, note=note)
    _to_venue(request, "redirected_to_venue", previous=previous, note=note)


def accepted(
    request: TestSpaceRequest, note: str, account_exists: bool, bookings=(), calendar_token: str | None = None
) -> None:
    """The one message of an acceptance: the sessions, their agreement, a calendar link that needs
    no log-in (the feed of the newcomer's bookings, by its secret token), and the invitation."""
    invitation = None if account_exists else absolute_url("newcomers.invitation", token=make_invitation_token(request))
    calendar = absolute_url("calendars.my_feed", token=calendar_token) if calendar_token else None
    _to_newcomer(
        request,
        "accepted",
        note=note,
        invitation=invitation,
        login=absolute_url("auth.login"),
        bookings=list(bookings),
        calendar=calendar,
    )


def withdrawn(request: TestSpaceRequest, reason: str) -> None:
    _to_venue(request, "withdrawn", reason=reason)


def reminder(request: TestSpaceRequest, days: int) -> None:
    _to_venue(request, "reminder", days=days)


def links_resent(email: str, locale: str, requests: list[TestSpaceRequest]) -> None:
    links = [(request, status_link(request)) for request in requests]
    notify(Recipient(email, locale), EMAILS + "links", links=links)
