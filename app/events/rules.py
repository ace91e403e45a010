"""The events' rules: creating, moving and cancelling events, the common programme. No request here.

An event's space is booked through the booking engine (``app.bookings.service``) as a booking of
kind ``event``: every rule of the engine holds (opening hours, closures, other bookings and
events, all under the resource's lock), and its refusals come back as they are. That booking
issues no agreement, no invoice and no booking email (the receivers skip it). Moving an event moves
its booking, or is refused with the engine's reasons; cancelling it cancels the booking (the slot
goes to whoever waits for it) and emails every registered person. The venue's other managers get
the events' own notices instead of the engine's: its space booked (one message for a series),
the booking moved with the event's times, the space freed when it is cancelled (``_tell_venue``).

Registrations are in :mod:`app.events.registrations`. Nothing here commits: the caller commits
once, and rolls back on ``Refusal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.bookings import service
from app.bookings.service import Refusal
from app.core.access import is_coordinator
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Reason
from app.events import signals
from app.events.models import (
    Event,
    EventAudience,
    EventCategory,
    EventStatus,
    ProgrammeStatus,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.manage import audit, permissions
from app.models import BookingKind, Resource, ResourceKind, Theme, User, Venue, utcnow
from app.notifications.compose import Recipient, notify, venue_staff
from app.notifications.links import absolute_url

# The categories every consortium starts with (slug, French, English, training?); coordinators add more.
DEFAULT_CATEGORIES = (
    ("apero-tiers-lieux", "Apéro tiers-lieux", "Tiers-lieux get-together", False),
    ("atelier", "Atelier", "Workshop", False),
    ("mediation-numerique", "Médiation numérique", "Digital mediation", False),
    ("formation", "Formation", "Training", True),
    ("portes-ouvertes", "Portes ouvertes", "Open day", False),
    ("conference", "Conférence", "Talk", False),
    ("reunion-de-pilotage", "Réunion de pilotage", "Steering meeting", False),
)


class EventRefused(Refusal):
    code = "event"


def ensure_categories() -> list[EventCategory]:
    """The default categories, added where missing (the migration seeds them too); all, in order."""
    existing = {c.slug for c in db.session.scalars(select(EventCategory))}
    for position, (slug, name_fr, name_en, training) in enumerate(DEFAULT_CATEGORIES):
        if slug not in existing:
            db.session.add(
                EventCategory(slug=slug, name_fr=name_fr, name_en=name_en, position=position, is_training=training)
            )
    db.session.flush()
    return categories()


def categories() -> list[EventCategory]:
    return list(db.session.scalars(select(EventCategory).order_by(EventCategory.position, EventCategory.id)))


def add_category(name_fr: str, name_en: str, actor: User, *, is_training: bool = False) -> EventCategory:
    """A coordinator adds a category."""
    if not is_coordinator(actor):
        raise EventRefused(_l("Seule la coordination ajoute des catégories."))
    name_fr, name_en = " ".join(name_fr.split()), " ".join(name_en.split()) or " ".join(name_fr.split())
    if not name_fr:
        raise EventRefused(_l("Indiquez un nom."), field="name_fr")
    slug = _slug(name_fr)
    if db.session.scalar(select(EventCategory).where(EventCategory.slug == slug)) is not None:
        raise EventRefused(_l("Cette catégorie existe déjà."), field="name_fr")
    position = len(categories())
    category = EventCategory(slug=slug, name_fr=name_fr, name_en=name_en, position=position, is_training=is_training)
    db.session.add(category)
    db.session.flush()
    return category


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())[:60] or "categorie"


@dataclass
class EventDraft:
    """What a manager fills in for an event (plain values: the form's, the CLI's, the demo's)."""

    title: str
    category: EventCategory
    resource: Resource
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description: str = ""
    themes: list[Theme] = field(default_factory=list)
    audience: EventAudience = EventAudience.ALL
    members_only: bool = False
    price_full_cents: int = 0
    price_reduced_cents: int = 0
    price_member_cents: int = 0
    accessibility: str = ""
    organiser: str = ""
    machine_type: str = ""
    # The image's file (``app.events.images``; "" without one), its description and size.
    image_path: str = ""
    image_alt: str = ""
    image_width: int | None = None
    image_height: int | None = None


def _draft_reasons(draft: EventDraft, venue: Venue) -> list[Reason]:
    reasons = []
    if not draft.title.strip():
        reasons.append(Reason("title", _l("Indiquez un titre."), "title"))
    if draft.resource.venue_id != venue.id or draft.resource.kind != ResourceKind.SPACE:
        reasons.append(Reason("resource", _l("Choisissez un espace de ce lieu."), "resource"))
    if draft.capacity < 1:
        reasons.append(Reason("capacity", _l("Indiquez au moins une place."), "capacity"))
    elif draft.resource.capacity is not None and draft.capacity > draft.resource.capacity:
        reasons.append(
            Reason(
                "capacity",
                _l("Cet espace accueille au plus %(capacity)s personnes.", capacity=draft.resource.capacity),
                "capacity",
            )
        )
    if min(draft.price_full_cents, draft.price_reduced_cents, draft.price_member_cents) < 0:
        reasons.append(Reason("price", _l("Un prix ne peut pas être négatif."), "price_full_cents"))
    if draft.image_path and not draft.image_alt.strip():
        reasons.append(
            Reason(
                "image_alt",
                _l("Décrivez l'image en quelques mots : ce texte est lu aux personnes qui ne la voient pas."),
                "image_alt",
            )
        )
    if draft.category.is_training and not draft.machine_type.strip():
        reasons.append(Reason("machine_type", _l("Une formation indique le type de machine."), "machine_type"))
    return reasons


def _require_manager(actor: User, venue: Venue) -> None:
    if not permissions.can_manage_venue(actor, venue):
        raise EventRefused(_l("Vous ne gérez pas ce lieu."))


def _event_of(draft: EventDraft, venue: Venue, booking, actor: User, now: datetime) -> Event:
    event = Event(
        venue_id=venue.id,
        resource_id=draft.resource.id,
        booking_id=booking.id,
        series_id=booking.series_id,
        category=draft.category,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )
    _apply(event, draft)
    db.session.add(event)
    return event


def _apply(event: Event, draft: EventDraft) -> None:
    event.title = " ".join(draft.title.split())
    event.description = draft.description.strip()
    event.category = draft.category
    event.themes = list(draft.themes)
    event.audience = draft.audience
    event.capacity = draft.capacity
    event.members_only = draft.members_only
    event.price_full_cents = draft.price_full_cents
    event.price_reduced_cents = draft.price_reduced_cents
    event.price_member_cents = draft.price_member_cents
    event.accessibility = draft.accessibility.strip()
    event.organiser = " ".join(draft.organiser.split())
    event.machine_type = draft.machine_type.strip()
    event.image_path = draft.image_path
    has_image = bool(draft.image_path)
    event.image_alt = " ".join(draft.image_alt.split())[:255] if has_image else ""
    event.image_width = draft.image_width if has_image else None
    event.image_height = draft.image_height if has_image else None


def create_event(
    draft: EventDraft, actor: User, *, repetition: service.Repetition | None = None, now: datetime | None = None
) -> list[Event]:
    """Create the event (one per occurrence when it repeats), booking its space through the engine.

    Raises ``Refusal``: the draft's own reasons, or the engine's (a collision, a closure, outside
    opening hours…; for a series, every colliding date: all occurrences are booked or none).
    """
    now = now or utcnow()
    venue = draft.resource.venue
    _require_manager(actor, venue)
    reasons = _draft_reasons(draft, venue)
    if reasons:
        raise EventRefused(reasons)
    purpose = " ".join(draft.title.split())
    if repetition is None:
        booking = service.request_booking(
            draft.resource, actor, draft.starts_at, draft.ends_at, purpose=purpose, now=now, kind=BookingKind.EVENT
        )
        bookings = [booking]
    else:
        _, bookings = service.request_series(
            draft.resource,
            actor,
            draft.starts_at,
            draft.ends_at,
            repetition,
            purpose=purpose,
            only_free=False,
            now=now,
            kind=BookingKind.EVENT,
        )
    db.session.flush()
    events = [_event_of(draft, venue, booking, actor, now) for booking in bookings]
    db.session.flush()
    for event in events:
        audit.record(actor, "event", event.id, "created", venue=venue.slug, booking=event.booking_id)
        signals.event_published.send(event)
    _tell_venue(events, "events/email/space_booked", actor)
    return events


def update_event(event: Event, draft: EventDraft, actor: User, now: datetime | None = None) -> bool:
    """Change an event: its details, and its times (which move its booking, or are refused with the
    engine's reasons). Registered people are told when the times change. True when they did."""
    now = now or utcnow()
    _require_manager(actor, event.venue)
    if event.is_cancelled:
        raise EventRefused(_l("Cet évènement est annulé."))
    if draft.resource.id != event.resource_id:
        raise EventRefused(_l("Pour changer d'espace, annulez l'évènement et créez-en un autre."), field="resource")
    reasons = _draft_reasons(draft, event.venue)
    confirmed = _count(event, RegistrationStatus.CONFIRMED)
    if draft.capacity < confirmed:
        reasons.append(
            Reason(
                "capacity",
                _l("%(count)s personnes sont déjà inscrites : gardez au moins autant de places.", count=confirmed),
                "capacity",
            )
        )
    if reasons:
        raise EventRefused(reasons)
    moved = (draft.starts_at, draft.ends_at) != (event.starts_at, event.ends_at)
    before_start, before_end = event.starts_at, event.ends_at
    if moved:
        service.edit_booking(event.booking, actor, starts_at=draft.starts_at, ends_at=draft.ends_at, now=now)
        event.starts_at, event.ends_at = event.booking.starts_at, event.booking.ends_at
    grew = draft.capacity > event.capacity
    _apply(event, draft)
    event.updated_at = now
    audit.record(actor, "event", event.id, "edited", moved=moved)
    signals.event_changed.send(event)
    if moved:
        for registration in _active(event):
            _tell(registration, "events/email/moved", event=event)
        _tell_venue([event], "events/email/space_moved", actor, before_start=before_start, before_end=before_end)
    if grew:
        from app.events.registrations import promote

        promote(event, now)
    return moved


def cancel_event(event: Event, actor: User, reason: str = "", now: datetime | None = None) -> int:
    """Cancel the event: its space is freed, every registered person is emailed. Returns how many."""
    now = now or utcnow()
    _require_manager(actor, event.venue)
    if event.is_cancelled:
        raise EventRefused(_l("Cet évènement est déjà annulé."))
    if event.ends_at <= now:
        raise EventRefused(_l("Cet évènement est terminé."))
    reason = reason.strip()
    if event.booking.holds_slot or event.booking.status.value == "requested":
        service.cancel(event.booking, actor, reason or str(_l("Évènement annulé.")), now)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = event.updated_at = now
    told = 0
    for registration in _active(event):
        _tell(registration, "events/email/cancelled", event=event, reason=reason)
        told += 1
    audit.record(actor, "event", event.id, "cancelled", reason)
    signals.event_changed.send(event)
    _tell_venue([event], "events/email/space_freed", actor, reason=reason, told=told)
    return told


def _active(event: Event) -> list[Registration]:
    return [r for r in event.registrations if r.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)]


def _count(event: Event, status: RegistrationStatus) -> int:
    return sum(1 for r in event.registrations if r.status == status)


def recipient(registration: Registration) -> Recipient:
    return Recipient(registration.email, registration.locale, registration.name)


def _tell(registration: Registration, template: str, **context) -> None:
    notify(
        recipient(registration),
        template,
        registration=registration,
        link=absolute_url("events.show", event_id=registration.event_id),
        cancel_link=absolute_url("events.registration", token=registration.token),
        **context,
    )


def _tell_venue(events: list[Event], template: str, actor: User, **context) -> None:
    """The venue's managers (not the one acting; the venue's address when it has none) hear of
    what an event did to its space, in its own words: the booking engine's emails say nothing of
    a booking of kind ``event`` (``app.bookings.notices``). One message for a whole series."""
    first = events[0]
    for manager in venue_staff(first.venue, besides=actor):
        notify(
            manager,
            template,
            digest=True,
            events=events,
            event=first,
            actor=actor,
            link=absolute_url("events.attendees", event_id=first.id),
            **context,
        )


# --- the common programme ---------------------------------------------------------------------------


def propose(event: Event, actor: User, now: datetime | None = None) -> None:
    """The venue proposes its event to the common programme; the coordinators are emailed."""
    _require_manager(actor, event.venue)
    if event.programme_status == ProgrammeStatus.VALIDATED:
        raise EventRefused(_l("Cet évènement fait déjà partie du programme commun."))
    if event.is_cancelled:
        raise EventRefused(_l("Cet évènement est annulé."))
    event.programme_status = ProgrammeStatus.PROPOSED
    event.updated_at = now or utcnow()
    for coordinator in db.session.scalars(select(User).where(User.is_coordinator.is_(True), User.active.is_(True))):
        notify(coordinator, "events/email/proposed", event=event, link=absolute_url("events.programme_review"))
    audit.record(actor, "event", event.id, "proposed")


def validate(event: Event, actor: User, now: datetime | None = None) -> None:
    """The coordinators validate a proposed event: it carries the consortium's label."""
    _decide(event, actor, ProgrammeStatus.VALIDATED, "", now)
    signals.event_changed.send(event)


def send_back(event: Event, actor: User, note: str, now: datetime | None = None) -> None:
    """The coordinators send a proposal back with a note (required); the venue's managers are emailed."""
    if not note.strip():
        raise EventRefused(_l("Dites ce qui manque dans une note."), field="note")
    _decide(event, actor, ProgrammeStatus.RETURNED, note.strip(), now)
    for manager in event.venue.managers:
        notify(
            manager, "events/email/returned", event=event, note=note.strip(), link=absolute_url("events.manage_list")
        )


def _decide(event: Event, actor: User, status: ProgrammeStatus, note: str, now: datetime | None) -> None:
    if not is_coordinator(actor):
        raise EventRefused(_l("Seule la coordination valide le programme commun."))
    if event.programme_status != ProgrammeStatus.PROPOSED:
        raise EventRefused(_l("Cet évènement n'attend pas de décision."))
    event.programme_status = status
    event.programme_note = note
    event.updated_at = now or utcnow()
    audit.record(actor, "event", event.id, status.value, note)


def proposals() -> list[Event]:
    return list(
        db.session.scalars(
            select(Event).where(Event.programme_status == ProgrammeStatus.PROPOSED).order_by(Event.starts_at)
        )
    )


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class AgendaFilters:
    """The agenda's filters, as the URL's query string gives them (all optional)."""

    venue: str = ""  # slug
    theme: str = ""  # slug
    category: str = ""  # slug
    audience: str = ""
    start: date | None = None
    end: date | None = None
    labelled: bool = False


def agenda(filters: AgendaFilters, now: datetime | None = None, limit: int = 200) -> list[Event]:
    """Upcoming published events across venues, soonest first, filtered."""
    from app.core.clock import paris_end_of_day, paris_to_utc
    from app.events.models import event_themes

    now = now or utcnow()
    query = select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
    if filters.venue:
        query = query.join(Venue, Event.venue_id == Venue.id).where(Venue.slug == filters.venue)
    if filters.category:
        query = query.join(EventCategory, Event.category_id == EventCategory.id).where(
            EventCategory.slug == filters.category
        )
    if filters.theme:
        query = query.where(
            Event.id.in_(
                select(event_themes.c.event_id)
                .join(Theme, Theme.id == event_themes.c.theme_id)
                .where(Theme.slug == filters.theme)
            )
        )
    if filters.audience in {a.value for a in EventAudience}:
        query = query.where(Event.audience == EventAudience(filters.audience))
    if filters.start:
        from datetime import time

        query = query.where(Event.ends_at > paris_to_utc(filters.start, time(0, 0)))
    if filters.end:
        query = query.where(Event.starts_at < paris_end_of_day(filters.end))
    if filters.labelled:
        query = query.where(Event.programme_status == ProgrammeStatus.VALIDATED)
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id).limit(limit)))


def upcoming_trainings(resource: Resource, now: datetime) -> list[Event]:
    """The upcoming trainings for this machine's type, across the consortium (soonest first): the
    finder the fair-use feature shows beside a refusal for lack of qualification."""
    if not resource.machine_type:
        return []
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.machine_type == resource.machine_type,
                Event.starts_at > now,
            )
            .order_by(Event.starts_at)
            .limit(5)
        )
    )


def venue_events(venue_ids: list[int], now: datetime | None = None, past_days: int = 30) -> list[Event]:
    """The events of these venues, from a month ago on, for their managers."""
    now = now or utcnow()
    if not venue_ids:
        return []
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.venue_id.in_(venue_ids), Event.ends_at > now - timedelta(days=past_days))
            .order_by(Event.starts_at, Event.id)
        )
    )
