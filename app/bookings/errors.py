"""Why the engine says no: reasons with a machine-readable code and a translatable message.

A ``Reason`` is a value: rules return lists of them, so that a preview can show
every problem at once. An operation that cannot go ahead raises ``Refusal``
carrying one or more reasons. Messages are ``lazy_gettext`` strings in French;
the values inside them (moments, durations, amounts) are formatted when the
message is shown, in the reader's language and in Europe/Paris time.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale, get_locale

from app.core.i18n import format_moment
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.money import format_cents
from app.core.refusals import Reason, Refusal, refuse


class Code:
    """Every reason the engine can give, as stable strings (the JSON API exposes them)."""

    INVALID_PERIOD = "invalid_period"
    PAST = "past"
    NOTICE = "notice"
    HORIZON = "horizon"
    TOO_FAR = "too_far"  # ends beyond any booking's reach (rules.MAX_REACH)
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    GRANULARITY = "granularity"
    OUTSIDE_HOURS = "outside_hours"
    CLOSURE = "closure"
    OUT_OF_SERVICE = "out_of_service"  # a machine or a kit out of service (app/bookings/outages.py)
    RESOURCE_INACTIVE = "resource_inactive"
    ACCOUNT_INACTIVE = "account_inactive"
    AUDIENCE = "audience"
    QUANTITY = "quantity"
    ATTENDEES = "attendees"
    CAPACITY = "capacity"
    QUALIFICATION_REQUIRED = "qualification_required"
    QUALIFICATION_EXPIRED = "qualification_expired"
    ALREADY_BOOKED = "already_booked"
    NOT_ENOUGH_UNITS = "not_enough_units"
    NOT_ALLOWED = "not_allowed"
    TRANSITION = "transition"
    STARTED = "started"
    REASON_REQUIRED = "reason_required"
    NOTHING_TO_CHANGE = "nothing_to_change"
    CHECKLIST = "checklist"
    DEPOSIT = "deposit"
    SERIES = "series"
    ALREADY_WAITING = "already_waiting"
    QUOTA = "quota"  # over the resource's hours per member or organisation and week or month


# The engine refuses in the shape every rule uses (app.core.refusals).
__all__ = ["Code", "Minutes", "Moment", "Money", "Reason", "Refusal", "refuse"]


# --- Values shown inside messages, formatted when the message is read -------------------------


class Moment:
    """A moment shown in Europe/Paris time and in the reader's language, without its seconds."""

    def __init__(self, value: datetime, style: str = "short"):
        self.value = value
        self.style = style

    def __str__(self) -> str:
        return format_moment(self.value, self.style)


class Minutes:
    """A duration such as "1 h 30", "45 min" or "2 h"."""

    def __init__(self, minutes: int):
        self.minutes = minutes

    def __str__(self) -> str:
        days, rest = divmod(self.minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        parts = []
        if days:
            parts.append(_("%(count)s j", count=days))
        if hours and minutes:
            parts.append(_("%(hours)s h %(minutes)02d", hours=hours, minutes=minutes))
        elif hours:
            parts.append(_("%(hours)s h", hours=hours))
        elif minutes or not parts:
            parts.append(_("%(minutes)s min", minutes=minutes))
        return " ".join(parts)


class Money:
    """An amount in cents, shown in the reader's language."""

    def __init__(self, cents: int):
        self.cents = cents

    def __str__(self) -> str:
        locale = get_locale()
        return format_cents(self.cents, str(locale) if locale else "fr")


# --- The reasons that several modules give ----------------------------------------------------


def already_booked() -> Reason:
    return Reason(Code.ALREADY_BOOKED, _l("Ce créneau est déjà réservé."), "starts_at")


def too_close(buffer_minutes: int) -> Reason:
    """The slot itself is free, but the resource's preparation time around another booking is not
    (same code as a taken slot: for the JSON API and the waitlist, the slot cannot be held)."""
    return Reason(
        Code.ALREADY_BOOKED,
        _l(
            "Trop proche d'une autre réservation : il faut %(minutes)s de préparation entre deux réservations.",
            minutes=Minutes(buffer_minutes),
        ),
        "starts_at",
    )


def not_enough_units(free: int, wanted: int) -> Reason:
    return Reason(
        Code.NOT_ENOUGH_UNITS,
        _l(
            "Il ne reste que %(free)s unité(s) disponible(s) sur cette période ; vous en demandez %(wanted)s.",
            free=free,
            wanted=wanted,
        ),
        "quantity",
    )


def not_allowed() -> Reason:
    return Reason(Code.NOT_ALLOWED, _l("Vous n'avez pas le droit de faire cela sur cette réservation."))


def reason_required() -> Reason:
    return Reason(Code.REASON_REQUIRED, _l("Indiquez un motif."), "reason")


def as_text(message: object) -> str:
    """A message as stored text (audit trail, decision notes, signals): in French, the
    consortium's language, whatever the language of the person who triggered it."""
    with force_locale("fr"):
        return str(message)
