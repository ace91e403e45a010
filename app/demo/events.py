"""The demo's events: the monthly Apéro tiers-lieux at La Maison du Colonel (the first Thursday of
the next months, proposed and validated in the common programme) and a laser-cutter training at
La Machinerie. Made through the events' rules, so that their spaces are booked by the engine;
a date the engine refuses (a public holiday, say) is skipped."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.bookings.service import Refusal
from app.core.clock import paris_to_utc, paris_today
from app.events import rules
from app.extensions import db
from app.models import Resource, Theme, User, Venue


def _first_thursdays(after: date, count: int) -> list[date]:
    days, month = [], date(after.year, after.month, 1)
    while len(days) < count:
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        days.append(month + timedelta(days=(3 - month.weekday()) % 7))
    return days


def _one(slug_venue: str, slug_resource: str) -> Resource | None:
    return db.session.scalar(
        select(Resource)
        .join(Venue, Resource.venue_id == Venue.id)
        .where(Venue.slug == slug_venue, Resource.slug == slug_resource)
    )


def create_demo_events(now: datetime) -> int:
    categories = {c.slug: c for c in rules.ensure_categories()}
    users = {u.email: u for u in db.session.scalars(select(User))}
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    coordinator = users.get("coordination@example.org")
    made = 0
    cafe, colonel = _one("maison-du-colonel", "salle-du-cafe"), users.get("gestion.colonel@example.org")
    if cafe is not None and colonel is not None:
        for day in _first_thursdays(paris_today(now) + timedelta(days=3), 3):
            start = paris_to_utc(day, time(19))
            try:
                [event] = rules.create_event(
                    rules.EventDraft(
                        title="Apéro tiers-lieux",
                        category=categories["apero-tiers-lieux"],
                        resource=cafe,
                        starts_at=start,
                        ends_at=start + timedelta(hours=2, minutes=30),
                        capacity=40,
                        description=(
                            "La rencontre mensuelle des porteurs de projets et des six tiers-lieux du consortium : "
                            "chacun présente son projet en trois minutes, puis on discute autour du bar."
                        ),
                        themes=[t for s, t in themes.items() if s == "participation-citoyenne"],
                        accessibility="Rez-de-chaussée accessible en fauteuil ; toilettes adaptées.",
                    ),
                    colonel,
                    now=now,
                )
            except Refusal:
                continue
            made += 1
            if coordinator is not None:
                rules.propose(event, colonel, now)
                rules.validate(event, coordinator, now)
    room, machinerie = _one("la-machinerie", "salle-verriere"), users.get("gestion.machinerie@example.org")
    if room is not None and machinerie is not None:
        day = paris_today(now) + timedelta(days=45)  # clear of the weeks the tests book in the demo
        for _ in range(14):
            if day.weekday() < 5:
                start = paris_to_utc(day, time(14))
                try:
                    rules.create_event(
                        rules.EventDraft(
                            title="Formation à la découpeuse laser",
                            category=categories["formation"],
                            resource=room,
                            starts_at=start,
                            ends_at=start + timedelta(hours=3),
                            capacity=6,
                            description="Sécurité, réglages, préparation des fichiers : la formation ouvre l'habilitation.",
                            machine_type="decoupeuse-laser",
                            themes=[t for s, t in themes.items() if s == "fablab"],
                        ),
                        machinerie,
                        now=now,
                    )
                except Refusal:
                    pass
                else:
                    made += 1
                    break
            day += timedelta(days=1)
    return made
