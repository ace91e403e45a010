"""The booking feature's notices: the emails of a booking's life, on the engine's signals
(``app.bookings.signals``), and its reminders (registered with ``app.notifications.reminders``).

| signal | to whom | message |
| --- | --- | --- |
| ``booking_requested`` | the venue's managers (daily digest if they chose it) | a request waits for you |
| ``booking_approved`` | the requester; when approved automatically, also the managers (digest) | accepted |
| ``booking_rejected`` | the requester | refused, and why |
| ``booking_cancelled`` | the requester; the managers (digest) when the requester cancelled | cancelled |
| ``booking_edited`` | the requester; the managers (digest) when the requester changed it | what changed |
| ``waitlist_offered`` | the member on the waiting list | a slot is free |

The receivers run inside the engine's transaction and only note what happened in the session;
just before the commit (``before_commit``), the notes become one outbox *intent*
(``intent:bookings``, ``app.notifications.intents``): to whom in general (the requester, "the
venue's managers"), which booking, why, what an edit changed. Nothing is looked up or rendered in
the request. The outbox's sender expands it (``_expand``), in one transaction with the intent
marked sent: the venue's managers as they are then, each recipient's language and digest choice,
the emails grouped so that nobody gets one email per occurrence of a series: one message per
recipient, kind and series (or booking). An edit note stands for the status notes that follow it
about the same booking and recipient (the edit email says where the booking stands). A rollback
drops the notes: nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from app.bookings import signals
from app.core.clock import paris_to_utc, to_paris
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import ngettext, pgettext
from app.extensions import db
from app.models import Booking, BookingKind, BookingStatus, Resource, ResourceKind, User, Venue
from app.notifications import compose, intents
from app.notifications.compose import Recipient, covered_addresses, notify
from app.notifications.links import absolute_url, booking_url
from app.notifications.reminders import record_once, reminder

_NOTES = "bookings.notes"
NOTICES = "bookings"  # the intents' kind: ``intent:bookings``
EMAILS = "bookings/email/"
# Notes an edit note stands for, about the same booking and recipient.
ABSORBED_BY_EDIT = {"booking_requested", "booking_approved", "booking_confirmed"}
# What each note tells, as the coordinators' outbox page names an intent not yet written.
NOTE_LABELS = {
    "booking_requested": _l("demande à valider, aux gestionnaires"),
    "booking_approved": _l("réservation validée, au demandeur"),
    "booking_confirmed": _l("réservation confirmée, aux gestionnaires"),
    "booking_rejected": _l("demande refusée, au demandeur"),
    "booking_cancelled": _l("réservation annulée, au demandeur"),
    "booking_cancelled_for_venue": _l("réservation annulée, aux gestionnaires"),
    "booking_edited": _l("réservation modifiée, au demandeur"),
    "booking_edited_for_venue": _l("réservation modifiée, aux gestionnaires"),
    "booking_returned": _l("kit rendu, au demandeur"),
}


@dataclass(frozen=True)
class Staff:
    """The managers of a venue (but the one acting), as the sender finds them when it expands the notes."""

    venue_id: int
    besides_id: int | None = None


@dataclass
class Note:
    kind: str  # the template, under bookings/email/
    recipient: User | Recipient | Staff
    booking: Booking
    reason: str = ""
    changes: dict = field(default_factory=dict)
    digest: bool = False
    context: dict = field(default_factory=dict)  # what an edit email shows (``_changes_context``)

    @property
    def who(self) -> object:
        if isinstance(self.recipient, Staff):
            return ("staff", self.recipient.venue_id, self.recipient.besides_id)
        return self.recipient.id if isinstance(self.recipient, User) else self.recipient.email


def venue_staff(venue, besides: User | None = None) -> list[Staff]:
    """The venue's managers, found when the notes are expanded (``compose.venue_staff``)."""
    return [Staff(venue.id, besides.id if besides is not None else None)]


def _note(kind: str, recipients: Sequence[User | Recipient | Staff], booking: Booking, **details) -> None:
    if booking.is_event:  # the venue's own event: its registrants hear from app.events instead
        return
    notes = db.session.info.setdefault(_NOTES, [])
    notes.extend(Note(kind, recipient, booking, **details) for recipient in recipients)


def _by_requester(booking: Booking, actor: User | None) -> bool:
    return actor is not None and actor.id == booking.requester_id


@signals.booking_requested.connect
def _requested(booking: Booking, actor: User | None = None, reason: str = "", **_) -> None:
    _note("booking_requested", venue_staff(booking.resource.venue, actor), booking, reason=reason, digest=True)


@signals.booking_approved.connect
def _approved(booking: Booking, actor: User | None = None, reason: str = "", **_) -> None:
    _note("booking_approved", [booking.requester], booking, reason=reason)
    if actor is None:  # approved by the resource's rules: the venue learns of it
        _note("booking_confirmed", venue_staff(booking.resource.venue), booking, digest=True)


@signals.booking_rejected.connect
def _rejected(booking: Booking, actor: User | None = None, reason: str = "", **_) -> None:
    _note("booking_rejected", [booking.requester], booking, reason=reason)


@signals.booking_cancelled.connect
def _cancelled(booking: Booking, actor: User | None = None, reason: str = "", **_) -> None:
    _note("booking_cancelled", [booking.requester], booking, reason=reason)
    if _by_requester(booking, actor):
        _note(
            "booking_cancelled_for_venue",
            venue_staff(booking.resource.venue, actor),
            booking,
            reason=reason,
            digest=True,
        )


@signals.booking_edited.connect
def _edited(booking: Booking, actor: User | None = None, reason: str = "", changes: dict | None = None, **_) -> None:
    _note("booking_edited", [booking.requester], booking, reason=reason, changes=changes or {})
    if _by_requester(booking, actor):
        _note(
            "booking_edited_for_venue",
            venue_staff(booking.resource.venue, actor),
            booking,
            reason=reason,
            changes=changes or {},
            digest=True,
        )


@signals.waitlist_offered.connect
def _offered(entry, booking: Booking | None = None, **_) -> None:
    notify(
        entry.user,
        EMAILS + "waitlist_offered",
        entry=entry,
        resource=entry.resource,
        link=absolute_url("catalogue.venue", slug=entry.resource.venue.slug),
    )


def _still_asked(notes: list[Note]) -> list[Note]:
    """Not a request to review that was decided in the same transaction (a newcomer's sessions
    approved on acceptance): judged at the commit, on the booking as it is then."""
    return [
        note
        for note in notes
        if not (note.kind == "booking_requested" and note.booking.status != BookingStatus.REQUESTED)
    ]


def _kept(notes: list[Note]) -> list[Note]:
    """The notes still worth an email (their recipients known): not those an edit note stands for."""
    edited = {(note.who, note.booking.id) for note in notes if note.kind.startswith("booking_edited")}
    return [note for note in notes if not (note.kind in ABSORBED_BY_EDIT and (note.who, note.booking.id) in edited)]


def _changes_context(note: Note) -> dict:
    """What an edit email shows besides the booking: its period, units and price before."""
    changes, booking = note.changes, note.booking
    return {
        "period_changed": bool({"starts_at", "ends_at"} & changes.keys()),
        "before_start": changes.get("starts_at", (booking.starts_at,))[0],
        "before_end": changes.get("ends_at", (booking.ends_at,))[0],
        "quantity_before": changes["quantity"][0] if "quantity" in changes else None,
        "price_before": changes["price_cents"][0] if "price_cents" in changes else None,
    }


def _to(recipient: User | Recipient | Staff) -> dict:
    if isinstance(recipient, Staff):
        return {"staff": recipient.venue_id, "besides": recipient.besides_id}
    if isinstance(recipient, User):
        return {"user": recipient.id}
    return {"email": recipient.email, "locale": recipient.locale, "name": recipient.name}


def write_intent(notes: list[Note]) -> None:
    """The transaction's notes as one outbox intent (``app.notifications.intents``): who in general,
    which booking, why, what changed; the sender expands it (``_expand``). Nothing is looked up or
    rendered in the request."""
    kept = _still_asked(notes)
    if not kept:
        return
    if any(note.booking.id is None for note in kept):
        db.session.flush()
    written = []
    for note in kept:
        context = _changes_context(note) if note.kind.startswith("booking_edited") else {}
        for name in ("before_start", "before_end"):
            if context.get(name) is not None:
                context[name] = context[name].isoformat()
        written.append(
            {
                "kind": note.kind,
                "to": _to(note.recipient),
                "booking": note.booking.id,
                "reason": note.reason,
                "digest": note.digest,
                "context": context,
            }
        )
    summary = ", ".join(sorted({note.kind for note in kept}))
    intents.write(NOTICES, {"notes": written, "covered": sorted(covered_addresses())}, summary)


@intents.describer(NOTICES)
def _describe(intent: dict) -> str:
    """« Avis sur la réservation n° 12 : réservation validée, au demandeur ; … »."""
    notes = intent["notes"]
    bookings = sorted({note["booking"] for note in notes})
    said = pgettext("séparateur d'une liste de propositions", " ; ").join(
        dict.fromkeys(str(NOTE_LABELS.get(note["kind"], note["kind"])) for note in notes)
    )
    return ngettext(
        "Avis sur la réservation n° %(ids)s : %(said)s",
        "Avis sur les réservations n° %(ids)s : %(said)s",
        len(bookings),
        ids=", ".join(str(booking) for booking in bookings),
        said=said,
    )


@intents.expander(NOTICES)
def _expand(session: Session, intent: dict) -> list:
    """The emails of an intent, as of now: the venue's managers and the recipients' languages and
    digest choices read now, the bookings as they are now; grouped as ``write_notes`` does."""
    ids = sorted({note["booking"] for note in intent["notes"]})
    bookings = {b.id: b for b in session.scalars(select(Booking).where(Booking.id.in_(ids)))}
    notes: list[Note] = []
    for written in intent["notes"]:
        booking = bookings.get(written["booking"])
        if booking is None:  # deleted since (an erasure): nothing to say about it
            continue
        to = written["to"]
        if "staff" in to:
            venue = session.get(Venue, to["staff"])
            besides = session.get(User, to["besides"]) if to["besides"] is not None else None
            recipients = compose.venue_staff(venue, besides, session) if venue is not None else []
        elif "user" in to:
            recipients = [user] if (user := session.get(User, to["user"])) is not None else []
        else:
            recipients = [Recipient(to["email"], to["locale"], to["name"])]
        context = dict(written["context"])
        for name in ("before_start", "before_end"):
            if context.get(name) is not None:
                context[name] = datetime.fromisoformat(context[name])
        notes.extend(
            Note(written["kind"], recipient, booking, written["reason"], digest=written["digest"], context=context)
            for recipient in recipients
        )
    return write_notes(notes, expanding=True, covered=frozenset(intent["covered"]))


def write_notes(notes: list[Note], *, expanding: bool = False, covered: frozenset[str] = frozenset()) -> list:
    """One email per recipient, kind and series (or single booking), in the order things happened
    (``expanding``: by a sender, the rows returned for it to write)."""
    groups: dict[tuple, list[Note]] = {}
    for note in _kept(_still_asked(notes) if not expanding else notes):
        group = ("series", note.booking.series_id) if note.booking.series_id else ("booking", note.booking.id)
        groups.setdefault((note.kind, note.who, group, note.reason), []).append(note)
    made = []
    for same in groups.values():
        first = same[0]
        assert not isinstance(first.recipient, Staff)  # expanded by the sender (``_expand``)
        bookings = sorted({note.booking.id: note.booking for note in same}.values(), key=lambda b: b.starts_at)
        context = first.context or (_changes_context(first) if first.kind.startswith("booking_edited") else {})
        row = notify(
            first.recipient,
            EMAILS + first.kind,
            digest=first.digest,
            expanding=expanding,
            covered=covered,
            booking=bookings[0],
            bookings=bookings,
            reason=first.reason,
            link=booking_url(bookings[0]),
            ics_link=absolute_url("calendars.booking_ics", booking_id=bookings[0].id),
            resource_link=absolute_url("catalogue.resource", resource_id=bookings[0].resource_id),
            **context,
        )
        if row is not None:
            made.append(row)
    return made


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint is released, not the transaction committed
        return
    notes = session.info.pop(_NOTES, None)
    if notes:
        write_intent(notes)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_NOTES, None)


# --- Reminders (``flask reminders``, once a day) ---------------------------------------------------


def _paris_day(now: datetime, offset: int = 0) -> tuple[datetime, datetime]:
    day = to_paris(now).date() + timedelta(days=offset)
    return paris_to_utc(day, time(0)), paris_to_utc(day + timedelta(days=1), time(0))


def _new_only(kind: str, bookings: Iterable[Booking], now: datetime) -> dict[User, list[Booking]]:
    """The bookings not reminded of yet (recording them now), by requester."""
    by_person: dict[User, list[Booking]] = {}
    for booking in bookings:
        if record_once(kind, booking.id, now):
            by_person.setdefault(booking.requester, []).append(booking)
    return by_person


def _bookings(*conditions) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .join(Resource, Booking.resource_id == Resource.id)
            .where(*conditions)
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def _remind(kind: str, by_person: dict[User, list[Booking]]) -> int:
    for person, bookings in by_person.items():
        notify(
            person, EMAILS + "reminder_" + kind, bookings=bookings, booking=bookings[0], link=booking_url(bookings[0])
        )
    return sum(len(bookings) for bookings in by_person.values())


@reminder("booking_tomorrow")
def bookings_tomorrow(now: datetime) -> int:
    start, end = _paris_day(now, 1)
    due = _bookings(
        Booking.status == BookingStatus.APPROVED,
        Booking.kind == BookingKind.MEMBER,  # an event's registrants get the event's own reminder
        Booking.starts_at >= start,
        Booking.starts_at < end,
    )
    return _remind("booking_tomorrow", _new_only("booking_tomorrow", due, now))


@reminder("kit_due_today")
def kits_due_today(now: datetime) -> int:
    start, end = _paris_day(now)
    due = _bookings(
        Booking.status == BookingStatus.HANDED_OVER,
        Resource.kind == ResourceKind.KIT,
        Booking.ends_at >= max(start, now),
        Booking.ends_at < end,
    )
    return _remind("kit_due_today", _new_only("kit_due_today", due, now))


@reminder("kit_overdue")
def kits_overdue(now: datetime) -> int:
    late = _bookings(
        Booking.status == BookingStatus.HANDED_OVER, Resource.kind == ResourceKind.KIT, Booking.ends_at < now
    )
    by_person = _new_only("kit_overdue", late, now)
    for bookings in by_person.values():
        for booking in bookings:
            for staff in compose.venue_staff(booking.resource.venue):
                notify(
                    staff,
                    EMAILS + "reminder_kit_overdue_for_venue",
                    booking=booking,
                    bookings=[booking],
                    link=booking_url(booking),
                )
    return _remind("kit_overdue", by_person)
