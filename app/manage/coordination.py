"""What only coordinators change: venues, themes, organisations' audience, users. No request here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from app.core import colours
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.core.search import Page, contains, page_of
from app.extensions import db
from app.manage import audit
from app.manage.parsing import SLUG_PATTERN, Interval, slugify
from app.models import Audience, OpeningHours, Organisation, Theme, User, Venue, VenueMembership


class InvalidChange(Refusal):
    """Made from ``{form field: message}``; the ``None`` field is for the page."""

    code = "invalid_change"


def _taken(model, column, value, current_id: int | None, *, case_insensitive: bool = False) -> bool:
    compared = func.lower(column) == value.lower() if case_insensitive else column == value
    clash = db.session.scalar(select(model.id).where(compared))
    return clash is not None and clash != current_id


def _check_slug(slug: str, errors: dict, model, current_id: int | None) -> None:
    if not slug or not re.match(SLUG_PATTERN, slug):
        errors["slug"] = _l("L'identifiant ne contient que des minuscules sans accent, des chiffres et des tirets.")
    elif _taken(model, model.slug, slug, current_id):
        errors["slug"] = _l("L'identifiant « %(slug)s » est déjà pris.", slug=slug)


# --- Venues ----------------------------------------------------------------------------------------


@dataclass
class VenueData:
    name: str
    slug: str = ""
    short_description: str = ""
    description: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    representative_name: str = ""
    representative_role: str = ""
    is_lead: bool = False
    is_active: bool = True
    theme_ids: list[int] = field(default_factory=list)
    opening_hours: dict[int, list[Interval]] = field(default_factory=dict)

    TEXT_FIELDS = (
        "name",
        "slug",
        "short_description",
        "description",
        "street",
        "postal_code",
        "city",
        "email",
        "phone",
        "website",
        "representative_name",
        "representative_role",
    )


def venue_hours(venue: Venue) -> dict[int, list[Interval]]:
    hours: dict[int, list[Interval]] = {}
    for row in venue.opening_hours:
        hours.setdefault(row.weekday, []).append((row.opens, row.closes))
    return hours


def save_venue(venue: Venue | None, data: VenueData, actor: User) -> Venue:
    """Create (``venue`` None) or change a venue. Raises ``InvalidChange``; the caller commits."""
    for name in VenueData.TEXT_FIELDS:
        value = getattr(data, name).strip()
        setattr(data, name, value.replace("\r\n", "\n") if name == "description" else " ".join(value.split()))
    data.slug = data.slug.lower() or slugify(data.name, 60)
    data.email = data.email.lower()
    current_id = venue.id if venue else None
    errors: dict[str | None, str] = {}
    if not data.name:
        errors["name"] = _l("Indiquez le nom du lieu.")
    elif _taken(Venue, Venue.name, data.name, current_id, case_insensitive=True):
        errors["name"] = _l("Un autre lieu porte déjà ce nom.")
    _check_slug(data.slug, errors, Venue, current_id)
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids)))) if data.theme_ids else []
    if len(themes) != len(set(data.theme_ids)):
        errors["theme_ids"] = _l("Choisissez des thématiques de la liste.")
    if errors:
        raise InvalidChange(errors)

    created = venue is None
    if created:
        others = db.session.execute(select(Venue.colour, Venue.id).where(Venue.is_active.is_(True))).all()
        used = [colours.effective_colour(colour, venue_id) for colour, venue_id in others]
        venue = Venue(name=data.name, slug=data.slug, colour=colours.first_free(used))
        db.session.add(venue)
    if data.is_lead:  # one lead venue at most: the mark moves here
        db.session.flush()
        db.session.execute(update(Venue).where(Venue.is_lead.is_(True), Venue.id != venue.id).values(is_lead=False))
    values = {name: getattr(data, name) for name in VenueData.TEXT_FIELDS} | {
        "is_lead": data.is_lead,
        "is_active": data.is_active,
    }
    changed = audit.changes(venue, values)
    before_themes = sorted(t.slug for t in venue.themes)
    venue.themes = sorted(themes, key=lambda t: t.position)
    if sorted(t.slug for t in themes) != before_themes:
        changed["themes"] = [before_themes, sorted(t.slug for t in themes)]
    wanted = {day: sorted(iv) for day, iv in data.opening_hours.items() if iv}
    before_hours = venue_hours(venue) if not created else {}
    if wanted != before_hours:
        venue.opening_hours.clear()
        for day, intervals in sorted(wanted.items()):
            for opens, closes in intervals:
                venue.opening_hours.append(OpeningHours(weekday=day, opens=opens, closes=closes))
        changed["opening_hours"] = [audit.plain(before_hours), audit.plain(wanted)]
    db.session.flush()
    if created:
        audit.record(actor, "venue", venue.id, "created", name=venue.name, slug=venue.slug)
    elif changed:
        audit.record(actor, "venue", venue.id, "updated", changes=changed)
    return venue


# --- Themes ----------------------------------------------------------------------------------------


def save_theme(theme: Theme | None, *, name_fr: str, name_en: str, slug: str, position: int, actor: User) -> Theme:
    name_fr, name_en = " ".join(name_fr.split()), " ".join(name_en.split())
    slug = slug.strip().lower() or slugify(name_fr, 60)
    errors: dict[str | None, str] = {}
    if not name_fr:
        errors["name_fr"] = _l("Indiquez le nom en français.")
    if not name_en:
        errors["name_en"] = _l("Indiquez le nom en anglais.")
    _check_slug(slug, errors, Theme, theme.id if theme else None)
    if errors:
        raise InvalidChange(errors)
    created = theme is None
    if created:
        theme = Theme(slug=slug, name_fr=name_fr, name_en=name_en, position=position)
        db.session.add(theme)
        db.session.flush()
        audit.record(actor, "theme", theme.id, "created", slug=slug, name_fr=name_fr, name_en=name_en)
        return theme
    changed = audit.changes(theme, {"slug": slug, "name_fr": name_fr, "name_en": name_en, "position": position})
    if changed:
        audit.record(actor, "theme", theme.id, "updated", changes=changed)
    return theme


# --- Searching people and organisations ------------------------------------------------------------


def search_users(text: str = "", page: int = 1) -> Page:
    query = (
        select(User)
        .options(selectinload(User.organisation), selectinload(User.memberships).selectinload(VenueMembership.venue))
        .order_by(User.name, User.id)
    )
    text = text.strip()
    if text:
        query = query.where(or_(contains(User.name, text), contains(User.email, text)))
    return page_of(query, page)


def search_organisations(text: str = "", page: int = 1) -> Page:
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    text = text.strip()
    if text:
        query = query.where(contains(Organisation.name, text))
    return page_of(query, page)


# --- Organisations and users -----------------------------------------------------------------------


def set_audience(organisation: Organisation, audience: Audience, actor: User) -> bool:
    """The audience decides the tariff an organisation pays and which resources it may book."""
    if organisation.audience == audience:
        return False
    entry = audit.record(actor, "organisation", organisation.id, "audience_changed")
    entry.from_status, entry.to_status = organisation.audience.value, audience.value
    organisation.audience = audience
    return True


def set_active(user: User, active: bool, actor: User | None) -> bool:
    """Deactivate (every session of the person ends at once) or reactivate an account; ``actor``
    None is the command line."""
    if actor is not None and user.id == actor.id and not active:
        raise InvalidChange({None: _l("Vous ne pouvez pas désactiver votre propre compte.")})
    if user.active == active:
        return False
    user.active = active
    if not active:
        user.rotate_session_token()
    audit.record(actor, "user", user.id, "reactivated" if active else "deactivated")
    return True


def set_coordinator(user: User, coordinator: bool, actor: User) -> bool:
    if user.id == actor.id and not coordinator:
        raise InvalidChange({None: _l("Vous ne pouvez pas vous retirer vous-même le rôle de coordination.")})
    if user.is_coordinator == coordinator:
        return False
    user.is_coordinator = coordinator
    audit.record(actor, "user", user.id, "coordinator_granted" if coordinator else "coordinator_revoked")
    return True
