"""What managers type: euros, durations, opening hours, Paris dates, slugs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.clock import paris_end_of_day
from app.manage.parsing import (
    ParseError,
    format_duration,
    format_euros,
    format_hours,
    paris_moment,
    parse_duration,
    parse_euros,
    parse_hours,
    slugify,
)


@pytest.fixture()
def french(app):
    """Messages are translated in a request's language (French by default)."""
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12.50", 1250),
        ("0,05", 5),
        (" 1 200,00 € ", 120000),
        ("1\u202f200,99", 120099),
        ("0", 0),
        ("", None),
        ("   ", None),
    ],
)
def test_euros_are_read_exactly(typed, cents):
    assert parse_euros(typed) == cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "négatif"),
        ("-0,50", "négatif"),
        ("12,505", "Montant invalide"),
        ("douze", "Montant invalide"),
        ("1.200,50", "Montant invalide"),
        ("12,", "Montant invalide"),
        ("1e3", "Montant invalide"),
    ],
)
def test_bad_amounts_are_refused_with_a_french_message(french, typed, message):
    with pytest.raises(ParseError) as error:
        parse_euros(typed)
    assert message in str(error.value)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_euros_shown_in_a_form_read_back_the_same(cents):
    assert parse_euros(format_euros(cents)) == cents
    assert parse_euros(format_euros(cents, ".")) == cents


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        ("90 min", 90),
        ("1h30", 90),
        ("1 h 30", 90),
        ("1:30", 90),
        ("8h", 480),
        ("48 heures", 2880),
        ("2 j", 2880),
        ("0", 0),
        ("", None),
    ],
)
def test_durations(typed, minutes):
    assert parse_duration(typed) == minutes


def test_durations_shown_read_back_the_same(french):
    for minutes in (0, 5, 45, 60, 90, 480, 2880, 10_000):
        assert parse_duration(format_duration(minutes)) == minutes
    for typed in ("1h75", "une heure", "-30", "1,5h"):
        with pytest.raises(ParseError):
            parse_duration(typed)


def test_opening_hours_with_several_intervals():
    assert parse_hours("14h-18h30, 9:00-12:00") == [(time(9), time(12)), (time(14), time(18, 30))]
    assert parse_hours("9h à 12h et 13h30 - 17h") == [(time(9), time(12)), (time(13, 30), time(17))]
    assert parse_hours("") == []
    assert format_hours(parse_hours("9-12; 14-18")) == "09:00-12:00, 14:00-18:00"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12:00-9:00", "doit suivre"),
        ("9-12, 11-14", "chevauchent"),
        ("9h-25h", "23:59"),
        ("matin", "n'est pas une plage"),
        ("9:00-9:00", "doit suivre"),
    ],
)
def test_bad_opening_hours(french, typed, message):
    with pytest.raises(ParseError) as error:
        parse_hours(typed)
    assert message in str(error.value)


def test_paris_times_become_utc_across_daylight_saving():
    # Winter: Paris is UTC+1; summer: UTC+2.
    assert paris_moment(date(2026, 12, 24), time(9, 0)) == datetime(2026, 12, 24, 8, 0, tzinfo=UTC)
    assert paris_moment(date(2026, 7, 14), time(9, 0)) == datetime(2026, 7, 14, 7, 0, tzinfo=UTC)
    # The last Sunday of March has 23 hours: "until the 29th included" ends at Monday 00:00 Paris.
    assert paris_end_of_day(date(2026, 3, 29)) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_slugs():
    assert slugify("Découpeuse laser (grand format)") == "decoupeuse-laser-grand-format"
    assert slugify("  L'Île aux Fruits — Cœur ") == "l-ile-aux-fruits-coeur"
    assert len(slugify("x" * 200)) == 80
