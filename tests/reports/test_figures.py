"""The figures against the small consortium of 2027, computed by hand (``tests.factories.reports``)."""

from __future__ import annotations

from datetime import date

from app.reports import figures, ledger, periods
from app.reports.figures import Filters, Report


def rows(table, key="label"):
    return {row[key]: row for row in table.rows}


def test_march_2027_by_hand(world):
    venues = (world.machinerie.id, world.ile.id)
    march = Report(Filters(periods.month_of(date(2027, 3, 1)), venues, every_venue=True))

    by_venue = rows(figures.bookings_by_venue(march))
    # La Machinerie: the night of 31 March counts its 2 hours before midnight; 15 March 3 h. The
    # cancelled and the rejected bookings are left out.
    assert (by_venue["La Machinerie"]["n"], by_venue["La Machinerie"]["hours"]) == (2, 5.0)
    # L'Île aux Fruits: the night of the clock change lasts 5 hours; the kit 48.
    assert (by_venue["L'Île aux Fruits"]["n"], by_venue["L'Île aux Fruits"]["hours"]) == (2, 53.0)
    assert by_venue["L'Île aux Fruits"]["hours_before"] == 0

    by_kind = rows(figures.bookings_by_kind(march))
    assert (by_kind["Espaces"]["n"], by_kind["Espaces"]["hours"]) == (3, 10.0)
    assert (by_kind["Kits mobiles"]["n"], by_kind["Kits mobiles"]["hours"]) == (1, 48.0)
    assert "Machines" not in by_kind

    by_audience = rows(figures.bookings_by_audience(march))
    assert (by_audience["Consortium"]["n"], by_audience["Consortium"]["hours"]) == (2, 53.0)
    assert (by_audience["Partenaire"]["n"], by_audience["Partenaire"]["hours"]) == (2, 5.0)

    by_theme = rows(figures.bookings_by_theme(march))
    assert by_theme["Création et gestion de FabLab"]["hours"] == 5.0
    assert by_theme["Écologie et maraîchage bio"]["hours"] == 53.0

    occupancy = rows(figures.occupancy(march))
    # 23 weekdays in March 2027, less Easter Monday (29th) and the closure of the 17th: 21 × 9 h.
    assert occupancy["Salle de réunion"]["open_hours"] == 189.0
    assert occupancy["Salle de réunion"]["hours"] == 5.0
    assert occupancy["Découpeuse laser"]["hours"] == 0
    # L'Île aux Fruits has no closure: 22 × 9 h.
    assert occupancy["Serre pédagogique"]["open_hours"] == 198.0

    heat = {(r["day"], r["hour"]): r["hours"] for r in figures.heatmap(march).rows}
    assert heat[(5, 22)] == heat[(5, 23)] == 1.0  # Saturday 27th, before midnight
    assert heat[(6, 0)] == heat[(6, 1)] == heat[(6, 3)] == 1.0 and heat[(6, 2)] == 0  # 2:00 never came
    assert heat[(2, 22)] == heat[(2, 23)] == 1.0  # Wednesday 31st; its April hours are April's
    assert heat[(0, 9)] == heat[(0, 10)] == heat[(0, 11)] == 1.0
    assert sum(heat.values()) == 10.0  # spaces and machines only: the kit is not on the map

    machines = rows(figures.machines(march))
    assert machines["Découpeuse laser"]["trainings"] == 1 and machines["Découpeuse laser"]["n"] == 0

    assert rows(figures.kits(march))["Kit son"]["kit_days"] == 4.0
    communes = figures.communes(march)
    assert communes.rows == [{"label": "Poix-de-Picardie", "rural": "rurale", "is_rural": True, "n": 1}]

    newcomers = figures.newcomers(march)
    by_theme = rows(newcomers)
    assert by_theme["Création et gestion de FabLab"] == {
        "label": "Création et gestion de FabLab",
        "n": 1,
        "wait": 24.0,
        "accepted": 1.0,
        "redirected": 0,
        "spaces": 1,
    }
    assert (by_theme["Écologie et maraîchage bio"]["wait"], by_theme["Écologie et maraîchage bio"]["redirected"]) == (
        6.0,
        1,
    )
    assert (newcomers.totals["n"], newcomers.totals["wait"], newcomers.totals["accepted"]) == (2, 15.0, 0.5)

    matrix, balance, organisations = ledger.tables(march)
    pairs = {(r["label"], r["host"]): r for r in matrix.rows}
    # Alice (La Machinerie) at L'Île aux Fruits: the greenhouse 5 h × 8 € and the kit 4 kit-days × 5 €.
    assert pairs[("La Machinerie", "L'Île aux Fruits")] == {
        "label": "La Machinerie",
        "host": "L'Île aux Fruits",
        "hours": 5.0,
        "kit_days": 4.0,
        "value": 6000,
    }
    # Bruno (L'Île aux Fruits first) in La Machinerie's room: 5 h × 10 €.
    assert pairs[("L'Île aux Fruits", "La Machinerie")]["value"] == 5000
    balances = rows(balance)
    assert (balances["La Machinerie"]["given_value"], balances["La Machinerie"]["received_value"]) == (5000, 6000)
    assert balances["La Machinerie"]["balance"] == -1000 and balances["L'Île aux Fruits"]["balance"] == 1000
    assert {(r["label"], r["host"]): r["value"] for r in organisations.rows} == {
        ("Asso des Makers", "L'Île aux Fruits"): 6000,
        ("Collectif Potager", "La Machinerie"): 5000,
    }


def test_april_and_october_clock_change(world):
    venues = (world.machinerie.id, world.ile.id)
    april = rows(figures.bookings_by_venue(Report(Filters(periods.month_of(date(2027, 4, 1)), venues))))
    # The night of 31 March: counted in March (it starts there), its two hours after midnight in April.
    assert (april["La Machinerie"]["n"], april["La Machinerie"]["hours"]) == (0, 2.0)
    assert april["La Machinerie"]["hours_before"] == 5.0

    october = Report(Filters(periods.month_of(date(2027, 10, 1)), venues))
    by_kind = rows(figures.bookings_by_kind(october))
    assert (by_kind["Machines"]["n"], by_kind["Machines"]["hours"]) == (1, 4.0)  # 1:00 to 4:00 lasts 4 hours
    heat = {(r["day"], r["hour"]): r["hours"] for r in figures.heatmap(october).rows}
    assert (heat[(6, 1)], heat[(6, 2)], heat[(6, 3)]) == (1.0, 2.0, 1.0)  # 2:00 came twice

    # A year: everything once, each booking's hours whole.
    year = rows(figures.bookings_by_venue(Report(Filters(periods.year_of(2027), venues))))
    assert (year["La Machinerie"]["n"], year["La Machinerie"]["hours"]) == (3, 11.0)
    assert (year["L'Île aux Fruits"]["n"], year["L'Île aux Fruits"]["hours"]) == (2, 53.0)
