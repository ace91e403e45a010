"""The booking engine's public API: what views, the JSON API and the CLI call.

Import from here (``from app.bookings import service``); the modules behind it
are details. No function reads the Flask request; none commits: the caller
commits once per request or command, and rolls back on ``Refusal``.

Dry runs (write nothing)
    check_booking(resource, user, starts_at, ends_at, quantity=, attendees=, now=) -> Check
        .reasons (every Reason against, each with .code and a translatable .message),
        .quote (price, deposit, tariff audience), .approved_at_once
    check_bookings([(resource, quantity), ...], user, starts_at, ends_at, reads=) -> [Check, ...]
        (the same for the results of a search, in four queries whatever their number; none of
        them with the PeriodReads of the search that found them)
    preview_series(resource, user, starts_at, ends_at, Repetition(Frequency.WEEKLY, count=10), ...)
        -> SeriesPreview (occurrence by occurrence: free or colliding, and why)
    preview_approval(booking) -> the pending requests that approving it would reject
    check_edit(booking, starts_at=, ends_at=, quantity=, ...) -> EditCheck (reasons, new quote,
        changes, whether it would go back to a manager)
    preview_series_approval(series)
    allowed_actions(booking, user, now) -> the Actions this person may take now
    free_units(resource, starts_at, ends_at), free_resources(kind, starts_at, ends_at, quantity=),
    free_resources_and_reads(...) -> (the free resources, the PeriodReads behind them)
    quote(resource, audience, starts_at, ends_at, quantity)

Changes (raise Refusal with reasons; nothing is written when they do)
    request_booking(resource, requester, starts_at, ends_at, ...) -> Booking
    approve(booking, actor, note) -> rejected collisions; reject(booking, actor, reason)
    cancel(booking, actor, reason); edit_booking(booking, actor, starts_at=, ...) -> Change
        (an approved booking made longer, moved or given more units keeps its slot: the new values
        wait as Change.pending_change, a BookingChange, until a manager decides)
    approve_change(change, actor, note) -> rejected collisions; refuse_change(change, actor, reason)
    pending_change_of(booking), collisions_of(change) -> (holders, pending requests) of the new period
    hand_over(booking, actor, checklist=, ...), return_kit(booking, actor, checklist=, ...)
    request_series(...), approve_series, reject_series, cancel_series
    join_waitlist(resource, user, starts_at, ends_at, quantity=), leave_waitlist(entry, actor)

All moments are aware datetimes (stored in UTC, rules evaluated in Europe/Paris).
"""

from app.bookings.availability import FreeResource, PeriodReads, free_resources, free_resources_and_reads, free_units
from app.bookings.changes import approve_change, collisions_for, collisions_of, pending_change_of, refuse_change
from app.bookings.errors import Code, Reason, Refusal
from app.bookings.kits import hand_over, return_kit
from app.bookings.lifecycle import (
    Change,
    EditCheck,
    approve,
    cancel,
    check_edit,
    edit_booking,
    preview_approval,
    reject,
    request_booking,
)
from app.bookings.pricing import Quote, quote
from app.bookings.rules import Check, check_booking, check_bookings
from app.bookings.series import (
    Frequency,
    Repetition,
    SeriesPreview,
    approve_series,
    cancel_series,
    preview_series,
    preview_series_approval,
    reject_series,
    request_series,
)
from app.bookings.transitions import STATUS_LABELS, Action, allowed_actions
from app.bookings.waitlist import join_waitlist, leave_waitlist, waiting_for

__all__ = [
    "STATUS_LABELS",
    "Action",
    "Change",
    "Check",
    "EditCheck",
    "Code",
    "FreeResource",
    "PeriodReads",
    "Frequency",
    "Quote",
    "Reason",
    "Refusal",
    "Repetition",
    "SeriesPreview",
    "allowed_actions",
    "approve",
    "approve_change",
    "approve_series",
    "cancel",
    "cancel_series",
    "check_booking",
    "check_bookings",
    "check_edit",
    "collisions_for",
    "collisions_of",
    "edit_booking",
    "free_resources",
    "free_resources_and_reads",
    "free_units",
    "hand_over",
    "join_waitlist",
    "leave_waitlist",
    "pending_change_of",
    "preview_approval",
    "preview_series",
    "preview_series_approval",
    "quote",
    "refuse_change",
    "reject",
    "reject_series",
    "request_booking",
    "request_series",
    "return_kit",
    "waiting_for",
]
