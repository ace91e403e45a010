"""The project holders' tariff: an accepted newcomer booking a test space no longer pays the
external price (the test space's project-holder tariff, else the consortium's)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.bookings import service
from app.extensions import db
from app.models import Audience, Booking, Tariff, TariffAudience
from tests.factories import PASSWORD, make_organisation, make_resource, make_user
from tests.factories.bookings import NOW, paris
from tests.factories.newcomers import consortium, only_request, submit
from tests.helpers import next_weekday, text_of


def _test_space(venue, **fields):
    space = make_resource(venue, slug="espace-test", name="Atelier test", is_test_space=True, open_to=Audience.NEWCOMER)
    space.tariffs.append(Tariff(audience=TariffAudience.CONSORTIUM, hour_cents=1000))
    space.tariffs.append(Tariff(audience=TariffAudience.EXTERNAL, hour_cents=2500))
    space.tariffs.append(Tariff(audience=TariffAudience.PROJECT_HOLDER, hour_cents=300))
    return space


def test_a_newcomer_accepted_for_a_test_space_pays_the_project_holders_tariff(client, outbox):
    themes, venues, managers = consortium()
    space = _test_space(venues["la-machinerie"])
    db.session.commit()
    submit(client, themes, "fablab")
    stored = only_request()
    detail = f"/gestion/projets/{stored.id}"
    tuesday = next_weekday(stored.period_start, 1)
    client.login(managers["la-machinerie"].email, PASSWORD)
    accepted = client.submit(
        f"{detail}/acceptation",
        {
            "test_space": space.id,
            "first_day": tuesday.isoformat(),
            "session_start": "14:00",
            "session_end": "16:00",
            "frequency": "weekly",
            "last_day": (tuesday + timedelta(days=7)).isoformat(),
        },
        page=detail,
    )
    assert accepted.status_code == 303
    bookings = db.session.scalars(select(Booking).order_by(Booking.starts_at)).all()
    assert [(b.tariff_audience, b.price_cents) for b in bookings] == [(TariffAudience.PROJECT_HOLDER, 600)] * 2
    # The resource's page says so, under the project holders' line.
    page = text_of(client.get(f"/ressources/{space.id}").get_data(as_text=True))
    assert "Porteurs de projet 3,00 € l'heure" in page


def test_without_a_project_holders_tariff_the_consortiums_applies_and_only_on_test_spaces(world):
    newcomer = make_user(
        "porteur@test.example", "Inès Durand", organisation=make_organisation("Projet", Audience.NEWCOMER)
    )
    space = _test_space(world.venue)
    start, end = paris(2027, 3, 2, 10), paris(2027, 3, 2, 12)
    assert service.check_booking(space, newcomer, start, end, now=NOW).price.price_cents == 600
    space.tariffs.remove(space.tariff_for(TariffAudience.PROJECT_HOLDER))
    db.session.flush()
    quote = service.check_booking(space, newcomer, start, end, now=NOW).price
    assert (quote.tariff_audience, quote.price_cents) == (TariffAudience.CONSORTIUM, 2000)
    # Another resource than a test space: a newcomer is charged as an outsider, as before.
    world.room.open_to = Audience.NEWCOMER
    quote = service.check_booking(world.room, newcomer, start, end, now=NOW).price
    assert (quote.tariff_audience, quote.price_cents) == (TariffAudience.EXTERNAL, 5000)
