"""The catalogue across the six venues: filters, and "what is free between these two moments". No request here.

Without a period the search lists the resources in service that match the filters
(venue, kind, theme of the venue, words in the name, descriptions or venue name), a
page at a time. With a period it keeps those that the booking engine finds free then
(``service.free_resources_and_reads``: opening hours, closures, held slots and buffers, and
for a kit the quantity asked), and, for a logged-in member, checks each result of the page
(``service.check_bookings``, with what the search read: the calendars and holds are not read
twice): their price, and why they could not book it (a training, the notice, the duration…).
Anonymous visitors get the tariffs per audience instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, inspect, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.bookings import service
from app.catalogue.display import TariffLine, tariff_lines
from app.core.clock import PARIS, paris_to_utc, within_reach
from app.core.forms import out_of_reach_message
from app.core.i18n import lazy_gettext as _l
from app.core.search import contains
from app.extensions import db
from app.models import Resource, ResourceKind, ResourcePhoto, Tariff, Theme, User, Venue, venue_themes

PAGE_SIZE = 20
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")


class InvalidMoment(ValueError):
    pass


class OutOfReach(InvalidMoment):
    """A date the service does not work with (before 2000, or more than ten years ahead)."""


def parse_local(text: str) -> datetime:
    """A Paris wall-clock date and time typed or sent by a ``datetime-local`` field, as an aware UTC moment."""
    text = (text or "").strip()
    for pattern in LOCAL_FORMATS:
        try:
            naive = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if not within_reach(naive.date()):
            raise OutOfReach(text)
        return paris_to_utc(naive.date(), naive.time())
    raise InvalidMoment(text)


def local_text(moment: datetime) -> str:
    """A moment as a ``datetime-local`` value in Paris time: ``2026-12-01T10:00``."""
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


UNREADABLE = _l("Date et heure illisibles : écrivez-les sous la forme AAAA-MM-JJ HH:MM (par exemple 2026-12-01 10:00).")


def unreadable(error: InvalidMoment):
    """The message for a date and time that cannot be used."""
    return out_of_reach_message() if isinstance(error, OutOfReach) else UNREADABLE


def period_errors(start_text: str, end_text: str) -> tuple[datetime | None, datetime | None, dict[str, object]]:
    """The period asked for, or the messages to show next to the ``debut`` and ``fin`` fields."""
    errors: dict[str, object] = {}
    start_text, end_text = (start_text or "").strip(), (end_text or "").strip()
    if not start_text and not end_text:
        return None, None, errors
    starts_at = ends_at = None
    if not start_text:
        errors["debut"] = _l("Indiquez aussi le début.")
    else:
        try:
            starts_at = parse_local(start_text)
        except InvalidMoment as error:
            errors["debut"] = unreadable(error)
    if not end_text:
        errors["fin"] = _l("Indiquez aussi la fin.")
    else:
        try:
            ends_at = parse_local(end_text)
        except InvalidMoment as error:
            errors["fin"] = unreadable(error)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["fin"] = _l("La fin doit suivre le début.")
    if errors:
        return None, None, errors
    return starts_at, ends_at, errors


@dataclass
class Criteria:
    venue: Venue | None = None
    kind: ResourceKind | None = None
    theme: Theme | None = None
    text: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    quantity: int = 1

    @property
    def has_period(self) -> bool:
        return self.starts_at is not None and self.ends_at is not None


@dataclass
class Result:
    resource: Resource
    free_units: int | None = None  # kits, when a period is asked
    quote: service.Quote | None = None  # the logged-in member's price for the period
    reasons: list[service.Reason] = field(default_factory=list)  # why this member could not book it then
    tariffs: list[TariffLine] = field(default_factory=list)  # per audience, unless the member's price is known

    @property
    def bookable(self) -> bool:
        return not self.reasons


@dataclass
class ResultPage:
    results: list[Result]
    number: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * PAGE_SIZE < self.total


def _matching(criteria: Criteria):
    query = (
        select(Resource)
        .join(Venue, Resource.venue_id == Venue.id)
        .where(Resource.is_active.is_(True), Venue.is_active.is_(True))
    )
    if criteria.venue is not None:
        query = query.where(Resource.venue_id == criteria.venue.id)
    if criteria.kind is not None:
        query = query.where(Resource.kind == criteria.kind)
    if criteria.theme is not None:
        query = query.where(
            Resource.venue_id.in_(select(venue_themes.c.venue_id).where(venue_themes.c.theme_id == criteria.theme.id))
        )
    for word in criteria.text.split()[:8]:
        query = query.where(
            or_(
                contains(Resource.name, word),
                contains(Resource.short_description, word),
                contains(Resource.description, word),
                contains(Venue.name, word),
            )
        )
    return query


def _with_details(ids: list[int]) -> dict[int, Resource]:
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Resource)
        .where(Resource.id.in_(ids))
        .options(selectinload(Resource.venue), selectinload(Resource.tariffs), selectinload(Resource.photos))
    )
    return {resource.id: resource for resource in rows}


@cache
def _tariffs_of() -> Select:
    t = Tariff.__table__.c
    return select(Tariff).where(t.resource_id.in_(bindparam("ids", expanding=True))).order_by(t.resource_id, t.audience)


@cache
def _photos_of() -> Select:
    p = ResourcePhoto.__table__.c
    return (
        select(ResourcePhoto)
        .where(p.resource_id.in_(bindparam("ids", expanding=True)))
        .order_by(p.resource_id, p.position, p.id)
    )


def _load_details(resources: list[Resource]) -> None:
    """The tariffs and photos of resources already read (their venues are in the session: the
    search form read them), one query each (built once), as ``selectinload`` would, without
    reading the resources again."""
    if not resources:
        return
    ids = [resource.id for resource in resources]
    tariffs: dict[int, list[Tariff]] = {resource_id: [] for resource_id in ids}
    for tariff in db.session.scalars(_tariffs_of(), {"ids": ids}):
        tariffs[tariff.resource_id].append(tariff)
    photos: dict[int, list[ResourcePhoto]] = {resource_id: [] for resource_id in ids}
    for photo in db.session.scalars(_photos_of(), {"ids": ids}):
        photos[photo.resource_id].append(photo)
    for resource in resources:
        unloaded = inspect(resource).unloaded
        if "tariffs" in unloaded:
            set_committed_value(resource, "tariffs", tariffs[resource.id])
        if "photos" in unloaded:
            set_committed_value(resource, "photos", photos[resource.id])


def search(criteria: Criteria, user: User | None, page: int = 1) -> ResultPage:
    """One page of results. ``user`` is the logged-in member (None for a visitor)."""
    page = max(page, 1)
    ordered = _matching(criteria).order_by(Venue.name, Resource.name)
    reads = None
    if not criteria.has_period:
        total = db.session.scalar(select(db.func.count()).select_from(_matching(criteria).subquery())) or 0
        ids = list(
            db.session.scalars(ordered.with_only_columns(Resource.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
        )
        details = _with_details(ids)
        resources = [details[resource_id] for resource_id in ids]
        free_units: dict[int, int | None] = {resource_id: None for resource_id in ids}
    else:
        venue_ids = [criteria.venue.id] if criteria.venue else None
        # Every kind at once (the quantity counts for kits only): one read of the calendars and holds,
        # which the checks of the page's results use again.
        found, reads = service.free_resources_and_reads(
            criteria.kind, criteria.starts_at, criteria.ends_at, quantity=criteria.quantity, venue_ids=venue_ids
        )
        if criteria.theme is not None or criteria.text.split():  # what free_resources does not filter on
            wanted = set(db.session.scalars(ordered.with_only_columns(Resource.id)))
            found = [free for free in found if free.resource.id in wanted]
        found.sort(key=lambda free: (free.resource.venue.name, free.resource.name))
        total = len(found)
        chosen = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        resources = [free.resource for free in chosen]
        _load_details(resources)
        free_units = {
            free.resource.id: free.free_units if free.resource.kind == ResourceKind.KIT else None for free in chosen
        }
    results = [Result(resource, free_units=free_units[resource.id]) for resource in resources]
    if criteria.has_period and user is not None:
        asked = [(r, criteria.quantity if r.kind == ResourceKind.KIT else 1) for r in resources]
        checks = service.check_bookings(asked, user, criteria.starts_at, criteria.ends_at, reads=reads)
        for result, check in zip(results, checks, strict=True):
            result.reasons = check.reasons
            result.quote = check.quote
    else:
        for result in results:
            result.tariffs = tariff_lines(result.resource)
    return ResultPage(results, page, total)
