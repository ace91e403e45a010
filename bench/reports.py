"""Benchmark of the activity reports: the reports page and the pooling ledger over one year.

Usage (from the project folder):

    .venv/bin/python bench/reports.py            # 100,000 bookings in the year, on SQLite
    .venv/bin/python bench/reports.py --quick    # 10,000 bookings, under a minute
    .venv/bin/python bench/reports.py --json     # the last line is one JSON object with every figure
    .venv/bin/python bench/reports.py --postgres-url postgresql://postgres@127.0.0.1:5432/postgres
                                                 # also on PostgreSQL, in a scratch database made
                                                 # on that server and dropped at the end

It builds a consortium of 6 venues and 100 resources (40 spaces, 35 machines, 25 kits), 200
members of 20 organisations attached to the venues, and that many bookings in 2027 (half as many
in 2026, for the comparison with the previous period): slots of 1 h 30 on weekdays, some kits lent
over two days and nights, about 10 % cancelled or rejected, the kits handed over with a commune;
500 newcomers' requests; and 250 events on Saturday evenings with 5,000 registrations (the events
section of the page).

The seed writes the bookings in bulk, which notes every month of the reports' roll-up as to
rebuild (``app.reports.rollup``); the bench then rebuilds it as ``flask reports rebuild`` does after a
deployment, and prints how long that took (``rebuild_s``). The first request of each kind is not
counted. It times, each in a fresh session like a request:

- ``page``: ``GET /gestion/bilans/?periode=year&annee=2027`` as a coordinator, through the whole app
  (every section, the comparison with 2026, the charts, the template);
- ``ledger``: the pooling ledger alone (``app.reports.ledger.tables``) for the year.

- ``dates``: the page for 5 January to 20 December (not whole months: the roll-up's months and the
  bookings of the edges, and as much before for the comparison);
- ``after_write``: the year's page again, each request just after one booking cancelled through the
  ORM (``write``: the time of that commit, the roll-up kept in step in its transaction included).

It prints the median and the 95th percentile in milliseconds; the target is under 300 ms for the
page and the ledger.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

# This folder holds http.py (bench/http.py), which would hide the standard library's http package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

SIZE, QUICK_SIZE = 100_000, 10_000
EVENTS, REGISTRATIONS = 250, 5_000
KINDS = (("space", 40), ("machine", 35), ("kit", 25))
VENUES = ("La Machinerie", "L'Île aux Fruits", "La Maison du Colonel", "ALCO", "La Briqueterie", "LAM")
SLOTS = (9, 11, 14, 16)
COMMUNES = ("Amiens", "Poix-de-Picardie", "Corbie", "Abbeville", "Ailly-sur-Noye", "Conty", "Longueau", "Flixecourt")
PARIS = ZoneInfo("Europe/Paris")
TARGET_MS = 300.0
YEAR = 2027
DATES = f"periode=dates&du={YEAR}-01-05&au={YEAR}-12-20"  # not whole months: edges read from the bookings


def weekdays(year: int) -> list[date]:
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "runs": len(ordered),
    }


class Bench:
    def __init__(self, database_url: str, rng: random.Random):
        from app import create_app

        self.rng = rng
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SECRET_KEY": "bench",
                "CHECK_MIGRATIONS": False,
                "RATELIMIT_ENABLED": False,
                "MAIL_ECHO": False,
                "SMTP_HOST": "",
                "TESTING": True,
            }
        )

    def migrate(self) -> None:
        from flask_migrate import upgrade

        with self.app.app_context():
            upgrade()

    def seed(self, size: int) -> None:
        from app.events.models import Event, EventCategory, Registration
        from app.extensions import db
        from app.models import (
            Booking,
            KitCheck,
            OpeningHours,
            Organisation,
            Resource,
            Tariff,
            Theme,
            User,
            Venue,
            VenueMembership,
            venue_themes,
        )
        from app.newcomers.models import TestSpaceRequest, request_themes

        rng = self.rng
        with self.app.app_context():
            insert = lambda model, rows: db.session.execute(sa.insert(model), rows)  # noqa: E731
            insert(Venue, [{"id": i + 1, "slug": f"lieu-{i + 1}", "name": name} for i, name in enumerate(VENUES)])
            insert(
                Theme,
                [
                    {
                        "id": i + 1,
                        "slug": f"theme-{i + 1}",
                        "name_fr": f"Thème {i + 1}",
                        "name_en": f"Theme {i + 1}",
                        "position": i,
                    }
                    for i in range(6)
                ],
            )
            db.session.execute(sa.insert(venue_themes), [{"venue_id": v + 1, "theme_id": v % 6 + 1} for v in range(6)])
            insert(
                OpeningHours,
                [
                    {"venue_id": v + 1, "weekday": d, "opens": clock(9), "closes": clock(18)}
                    for v in range(6)
                    for d in range(5)
                ],
            )
            insert(
                Organisation,
                [
                    {
                        "id": i + 1,
                        "name": f"Structure {i + 1}",
                        "audience": ("consortium", "partner", "external", "newcomer")[i % 4],
                    }
                    for i in range(20)
                ],
            )
            insert(
                User,
                [
                    {
                        "id": i + 1,
                        "email": f"membre{i + 1}@bench.example",
                        "name": f"Membre {i + 1}",
                        "password_hash": "!bench",
                        "organisation_id": i % 20 + 1,
                    }
                    for i in range(200)
                ]
                + [
                    {
                        "id": 201,
                        "email": "coordination@bench.example",
                        "name": "Coordination",
                        "password_hash": "!bench",
                        "is_coordinator": True,
                    }
                ],
            )
            insert(VenueMembership, [{"user_id": i + 1, "venue_id": i % 6 + 1} for i in range(200)])
            resources, rid = [], 0
            for kind, count in KINDS:
                for n in range(count):
                    rid += 1
                    resources.append(
                        {
                            "id": rid,
                            "venue_id": rid % 6 + 1,
                            "slug": f"{kind}-{n + 1}",
                            "name": f"{kind.title()} {n + 1}",
                            "kind": kind,
                            "units": 4 if kind == "kit" else 1,
                            "max_duration_minutes": 7 * 24 * 60 if kind == "kit" else 8 * 60,
                        }
                    )
            insert(Resource, resources)
            insert(
                Tariff,
                [
                    {"resource_id": r["id"], "audience": "consortium", "hour_cents": 500, "day_cents": 2500}
                    for r in resources
                ],
            )
            rows, handed = [], []
            for year, count in ((YEAR, size), (YEAR - 1, size // 2)):
                slots = [(d, h) for d in weekdays(year) for h in SLOTS]
                per_resource = count // len(resources)
                for resource in resources:
                    for day, hour in rng.sample(slots, min(per_resource, len(slots))):
                        start = datetime.combine(day, clock(hour), tzinfo=PARIS).astimezone(UTC)
                        kit = resource["kind"] == "kit"
                        end = start + (timedelta(days=2) if kit and rng.random() < 0.2 else timedelta(minutes=90))
                        status = rng.choices(["approved", "requested", "cancelled", "rejected"], [80, 10, 7, 3])[0]
                        if kit and status == "approved":
                            status = "returned"
                        rows.append(
                            {
                                "resource_id": resource["id"],
                                "requester_id": rng.randint(1, 200),
                                "organisation_id": rng.randint(1, 20),
                                "starts_at": start,
                                "ends_at": end,
                                "holds_until": end,
                                "exclusive": not kit,
                                "quantity": 1 if not kit else rng.randint(1, 4),
                                "status": status,
                                "created_at": start - timedelta(days=10),
                                "updated_at": start - timedelta(days=10),
                            }
                        )
                        handed.append(status == "returned")
            for first in range(0, len(rows), 10_000):
                db.session.execute(sa.insert(Booking), rows[first : first + 10_000])
            ids = db.session.scalars(sa.select(Booking.id).order_by(Booking.id)).all()
            checks = [
                {
                    "booking_id": booking_id,
                    "kind": "handover",
                    "at": row["starts_at"],
                    "commune": rng.choice(COMMUNES),
                    "checklist": [],
                }
                for booking_id, row, was in zip(ids, rows, handed, strict=True)
                if was
            ]
            for first in range(0, len(checks), 10_000):
                db.session.execute(sa.insert(KitCheck), checks[first : first + 10_000])
            # 250 events on Saturday evenings in the spaces (outside the weekday slots), each booked
            # as the engine books them (a booking of kind "event"), 20 registrations each: 5,000.
            categories = db.session.scalars(sa.select(EventCategory.id).order_by(EventCategory.position)).all()
            spaces = [r for r in resources if r["kind"] == "space"]
            saturdays = [d for d in (date(YEAR, 1, 1) + timedelta(days=n) for n in range(365)) if d.weekday() == 5]
            first_id = (db.session.scalar(sa.select(sa.func.max(Booking.id))) or 0) + 1
            event_bookings, events, registrations = [], [], []
            for n in range(EVENTS):
                space = spaces[n % len(spaces)]
                start = datetime.combine(saturdays[n % len(saturdays)], clock(18), tzinfo=PARIS).astimezone(UTC)
                end = start + timedelta(hours=2)
                common = {"starts_at": start, "ends_at": end, "created_at": start - timedelta(days=30)}
                event_bookings.append(
                    {
                        "id": first_id + n,
                        "resource_id": space["id"],
                        "requester_id": 201,
                        "holds_until": end,
                        "exclusive": True,
                        "status": "approved",
                        "kind": "event",
                        "updated_at": common["created_at"],
                        **common,
                    }
                )
                events.append(
                    {
                        "id": n + 1,
                        "venue_id": space["venue_id"],
                        "resource_id": space["id"],
                        "booking_id": first_id + n,
                        "category_id": categories[n % len(categories)],
                        "title": f"Évènement {n + 1}",
                        "capacity": REGISTRATIONS // EVENTS,
                        "updated_at": common["created_at"],
                        **common,
                    }
                )
                for k in range(REGISTRATIONS // EVENTS):
                    registrations.append(
                        {
                            "event_id": n + 1,
                            "name": f"Personne {k}",
                            "email": f"personne{rng.randint(1, 3000)}@bench.example",
                            "token": uuid.UUID(int=rng.getrandbits(128)).hex,
                            "attended": rng.choice([True, True, False, None]),
                            "created_at": start - timedelta(days=7),
                        }
                    )
            insert(Booking, event_bookings)
            insert(Event, events)
            insert(Registration, registrations)
            requests = []
            for n in range(500):
                created = datetime(YEAR, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 525_000))
                requests.append(
                    {
                        "id": n + 1,
                        "status": rng.choice(["new", "accepted", "declined", "redirected"]),
                        "venue_id": rng.randint(1, 6),
                        "name": "Porteur",
                        "email": f"porteur{n}@bench.example",
                        "project_title": "Projet",
                        "project_description": "Un projet",
                        "support_kind": "test_space",
                        "period_start": created.date(),
                        "period_end": created.date(),
                        "consent_at": created,
                        "retention_days": 365,
                        "created_at": created,
                        "last_activity_at": created,
                    }
                )
            insert(TestSpaceRequest, requests)
            db.session.execute(
                sa.insert(request_themes), [{"request_id": n + 1, "theme_id": n % 6 + 1} for n in range(500)]
            )
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            else:
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()

    def rebuild(self) -> float:
        """``flask reports rebuild``: every month's sums of the roll-up built from the bookings, in seconds."""
        from app.reports import rollup

        with self.app.app_context():
            started = time.perf_counter()
            rollup.rebuild_all()
            return time.perf_counter() - started

    def page(
        self, repeat: int, query: str = f"periode=year&annee={YEAR}", writes: list[float] | None = None
    ) -> list[float]:
        """The page's times; with ``writes``, each request follows one booking cancelled through the
        ORM (its time, roll-up kept in step included, goes to ``writes``)."""
        from app.extensions import db
        from app.models import Booking, BookingStatus, User

        client = self.app.test_client()
        with self.app.app_context():
            user = db.session.get(User, 201)
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        times = []
        for run in range(repeat + 1):
            if writes is not None:
                with self.app.app_context():
                    booking = db.session.scalars(
                        sa.select(Booking)
                        .where(
                            Booking.status == BookingStatus.APPROVED,
                            Booking.starts_at >= datetime(YEAR, 1, 1, tzinfo=UTC),
                        )
                        .order_by(Booking.id)
                        .limit(1)
                    ).one()
                    started = time.perf_counter()
                    booking.status = BookingStatus.CANCELLED
                    db.session.commit()
                    if run:
                        writes.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = client.get(f"/gestion/bilans/?{query}")
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            if run:
                times.append(elapsed)
        return times

    def ledger(self, repeat: int) -> list[float]:
        from app.extensions import db
        from app.reports import ledger, periods
        from app.reports.figures import Filters, Report

        times = []
        with self.app.app_context():
            filters = Filters(periods.year_of(YEAR), tuple(range(1, 7)), every_venue=True)
            for run in range(repeat + 1):
                with self.app.test_request_context():
                    started = time.perf_counter()
                    ledger.tables(Report(filters))
                    elapsed = (time.perf_counter() - started) * 1000
                db.session.remove()
                if run:
                    times.append(elapsed)
        return times


def run(url: str, size: int, repeat: int, seed: int) -> dict:
    from app.config import normalise_database_url

    bench = Bench(normalise_database_url(url), random.Random(seed))
    bench.migrate()
    started = time.perf_counter()
    bench.seed(size)
    seeded = time.perf_counter() - started
    rebuilt = bench.rebuild()
    figures = {
        "seed_s": round(seeded, 1),
        "rebuild_s": round(rebuilt, 1),
        "page": summary(bench.page(repeat)),
        "ledger": summary(bench.ledger(repeat)),
        "dates": summary(bench.page(repeat, DATES)),
    }
    writes: list[float] = []
    figures["after_write"] = summary(bench.page(repeat, writes=writes))
    figures["write"] = summary(writes)
    with bench.app.app_context():
        from app.extensions import db

        db.engine.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 bookings, under a minute")
    parser.add_argument("--json", action="store_true", help="print every figure as one JSON object on the last line")
    parser.add_argument("--postgres-url", help="a PostgreSQL server (any database on it) to run on as well")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    size = QUICK_SIZE if args.quick else SIZE
    repeat = 5 if args.quick else 20
    results: dict = {
        "bookings": size,
        "previous_year_bookings": size // 2,
        "events": EVENTS,
        "registrations": REGISTRATIONS,
        "target_ms": TARGET_MS,
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="fnt-bench-") as folder:
        os.environ["FNT_INSTANCE_PATH"] = folder
        targets = [("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}")]
        scratch = None
        if args.postgres_url:
            admin = sa.make_url(args.postgres_url).set(drivername="postgresql+psycopg")
            scratch = f"fnt_bench_reports_{uuid.uuid4().hex[:8]}"
            engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{scratch}"')
            targets.append(("postgresql", admin.set(database=scratch).render_as_string(hide_password=False)))
        try:
            for name, url in targets:
                figures = run(url, size, repeat, args.seed)
                results["databases"][name] = figures
                print(
                    f"{name}: {size} bookings in {YEAR} (seeded in {figures['seed_s']} s, "
                    f"roll-up rebuilt in {figures['rebuild_s']} s)"
                )
                for what in ("page", "ledger", "dates", "after_write", "write"):
                    line = figures[what]
                    verdict = "ok" if line["p95_ms"] < TARGET_MS else "OVER TARGET"
                    print(
                        f"    {what:<8} median {line['median_ms']:8.1f} ms   p95 {line['p95_ms']:8.1f} ms   {verdict}"
                    )
        finally:
            if scratch:
                with engine.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
                engine.dispose()
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
