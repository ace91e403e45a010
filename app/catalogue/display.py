"""What the public pages say about a resource: booking terms, grouped opening hours, tariffs.

Plain functions over models and values (no request); texts go through Flask-Babel, so they
need an application context with a locale, as templates have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from typing import Any

from flask_babel import get_locale
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.bookings.errors import Minutes
from app.bookings.pricing import project_holder, tariff_audience
from app.core.i18n import current_language, format_day, ngettext
from app.core.i18n import gettext as _
from app.core.memo import per_request
from app.core.money import format_cents
from app.extensions import db
from app.models import Audience, OpeningHours, Resource, ResourceKind, Tariff, TariffAudience
from app.models.labels import AUDIENCE_LABELS, OPEN_TO_LABELS, WEEKDAY_LABELS


@cache
def _shown_resource(whole_page: bool) -> Select:
    page_only = (joinedload(Resource.tariffs), joinedload(Resource.photos)) if whole_page else ()
    return (
        select(Resource)
        .where(Resource.id == bindparam("id", type_=Resource.__table__.c.id.type))
        .options(joinedload(Resource.venue), *page_only)
    )


def shown_resource(resource_id: int, whole_page: bool = True) -> Resource | None:
    """The resource of its page with its venue (and for the whole page its tariffs and photos), in
    one statement built once (it costs more to build than to run); the calendar alone needs no
    more. Joined, not one statement per collection: a resource has a few tariffs and photos, and
    a statement costs more than the rows it repeats (3.1 → 1.1 ms for the page's resource)."""
    return db.session.scalars(_shown_resource(whole_page), {"id": resource_id}).unique().one_or_none()


def booking_terms(resource: Resource) -> list[str]:
    """The booking rules a visitor should know before asking: duration, notice, horizon."""
    terms = []
    if resource.max_duration_minutes is None:
        terms.append(_("Durée : %(min)s au moins.", min=Minutes(resource.min_duration_minutes)))
    else:
        terms.append(
            _(
                "Durée : de %(min)s à %(max)s.",
                min=Minutes(resource.min_duration_minutes),
                max=Minutes(resource.max_duration_minutes),
            )
        )
    horizon = ngettext("%(num)d jour", "%(num)d jours", resource.horizon_days)
    if resource.notice_minutes:
        terms.append(
            _(
                "À réserver au moins %(notice)s à l'avance, au plus %(horizon)s à l'avance.",
                notice=Minutes(resource.notice_minutes),
                horizon=horizon,
            )
        )
    else:
        terms.append(_("À réserver au plus %(horizon)s à l'avance.", horizon=horizon))
    return terms


@dataclass(frozen=True)
class HoursLine:
    days: str  # "Lundi" or "Mardi – Samedi"
    intervals: str  # "09:30–12:30, 14:00–19:00"


def hours_summary(rows: Iterable[OpeningHours]) -> list[HoursLine]:
    """Opening hours as lines of consecutive weekdays sharing the same intervals; closed days left out."""
    by_day: dict[int, list[OpeningHours]] = {}
    for row in sorted(rows, key=lambda r: (r.weekday, r.opens)):
        by_day.setdefault(row.weekday, []).append(row)
    texts = {
        day: ", ".join(f"{row.opens:%H:%M}–{row.closes:%H:%M}" for row in day_rows) for day, day_rows in by_day.items()
    }
    runs: list[list[int]] = []
    for day in sorted(texts):
        if runs and runs[-1][-1] == day - 1 and texts[runs[-1][0]] == texts[day]:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [
        HoursLine(
            str(WEEKDAY_LABELS[run[0]]) if len(run) == 1 else f"{WEEKDAY_LABELS[run[0]]} – {WEEKDAY_LABELS[run[-1]]}",
            texts[run[0]],
        )
        for run in runs
    ]


@dataclass(frozen=True)
class TariffLine:
    audience: str
    price: str


def _rates_text(tariff: Tariff, per_unit: bool) -> str:
    offered = [cents for cents in (tariff.hour_cents, tariff.half_day_cents, tariff.day_cents) if cents is not None]
    if not any(offered):
        return _("gratuit")
    locale = str(get_locale())
    parts = []
    if tariff.hour_cents is not None:
        parts.append(_("%(price)s l'heure", price=format_cents(tariff.hour_cents, locale)))
    if tariff.half_day_cents is not None:
        parts.append(_("%(price)s la demi-journée", price=format_cents(tariff.half_day_cents, locale)))
    if tariff.day_cents is not None:
        parts.append(_("%(price)s la journée", price=format_cents(tariff.day_cents, locale)))
    text = " · ".join(parts)
    return _("%(rates)s, par unité", rates=text) if per_unit else text


def tariff_lines(resource: Resource) -> list[TariffLine]:
    """The price for each audience the resource is open to, in the order of the audiences.

    An audience the resource is open to without a tariff of its own books for free.
    """
    lines = []
    per_unit = resource.kind == ResourceKind.KIT and resource.units > 1
    for audience in Audience:
        if audience.rank > resource.open_to.rank:
            break
        if project_holder(resource, audience):
            # Accepted newcomers on a test space: the project holders' tariff, else the consortium's.
            tariff = resource.tariff_for(TariffAudience.PROJECT_HOLDER) or resource.tariff_for(
                TariffAudience.CONSORTIUM
            )
            text = _("gratuit") if tariff is None else _rates_text(tariff, per_unit)
            lines.append(TariffLine(str(AUDIENCE_LABELS[audience]), text))
            continue
        if audience == Audience.NEWCOMER and resource.open_to != Audience.NEWCOMER:
            continue  # newcomers pay the external tariff, shown once under "external"
        tariff = resource.tariff_for(tariff_audience(audience))
        text = _("gratuit") if tariff is None else _rates_text(tariff, per_unit)
        lines.append(TariffLine(str(AUDIENCE_LABELS[audience]), text))
    return lines


def deposit_text(resource: Resource) -> str:
    """The deposit asked for a kit, or "" when there is none."""
    if resource.kind != ResourceKind.KIT or not resource.deposit_cents:
        return ""
    amount = format_cents(resource.deposit_cents, str(get_locale()))
    if resource.units > 1:
        return _("Caution : %(amount)s par unité.", amount=amount)
    return _("Caution : %(amount)s.", amount=amount)


@dataclass(frozen=True)
class ResourceCard:
    """Everything the venue page shows about one resource."""

    resource: Resource
    open_to: str
    terms: list[str]
    tariffs: list[TariffLine]
    deposit: str
    own_hours: list[HoursLine]  # empty when the resource follows its venue's hours


def resource_card(resource: Resource, own_hours: Iterable[Any] | None = None) -> ResourceCard:
    """``own_hours``: the resource's own opening rows, when the caller has read them."""
    return ResourceCard(
        resource=resource,
        open_to=str(OPEN_TO_LABELS[resource.open_to]),
        terms=booking_terms(resource),
        tariffs=tariff_lines(resource),
        deposit=deposit_text(resource),
        own_hours=hours_summary(resource.opening_hours if own_hours is None else own_hours),
    )


# The calendar's words: days and times as a reader says them, in their language.


@per_request
def day_label(day: date) -> str:
    """ "mardi 1 décembre" (French), "Tuesday 1 December" (English)."""
    return format_day(day, "EEEE d MMMM")


@per_request
def short_day_label(day: date) -> str:
    """ "mar. 1 déc." / "Tue 1 Dec"."""
    return format_day(day, "EEE d MMM")


@per_request
def clock(at: time) -> str:
    """ "10 h", "10 h 30" in French; "10:00", "10:30" in English."""
    if current_language() == "fr":
        return f"{at.hour} h" if at.minute == 0 else f"{at.hour} h {at.minute:02d}"
    return f"{at.hour}:{at.minute:02d}"


def period_words(first: date, last: date) -> str:
    """ "du lundi 30 novembre au dimanche 6 décembre 2026"."""
    return _("du %(first)s au %(last)s", first=format_day(first, "EEEE d MMMM"), last=format_day(last, "EEEE d MMMM y"))


def month_label(first: date) -> str:
    return format_day(first, "LLLL y")
