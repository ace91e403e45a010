"""Benchmark of the booking engine: check and create a booking, a kit's free units, what is free.

Usage (from the project folder):

    .venv/bin/python bench/booking.py            # 1,000, 10,000 and 100,000 bookings, on SQLite
    .venv/bin/python bench/booking.py --quick    # smaller sizes, under a minute
    .venv/bin/python bench/booking.py --json     # the last line is one JSON object with every figure
    .venv/bin/python bench/booking.py --database-url postgresql://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/booking.py --engine-only  # the booking signals muted: the engine alone

For each size it builds a consortium of 6 venues and 100 resources (40 spaces,
35 machines, 25 kits) with that many bookings, inserted in bulk, then times
through the real engine (``app.bookings.service``), each operation in a fresh
session like a web request:

- ``create``: load the resource and the member as the booking form's request does
  (the resource with its venue, hours and tariffs; the member with their organisation
  and venues, as the login loads them), check every rule, create the booking approved
  at once (half the resources approve members' requests at once) and commit;
  ``request``: the same for a request left to a manager; ``refused``: the same when
  the slot is taken (about half of the random slots are);
- ``kit_week``: a kit's free units over a week;
- ``free_search``: which resources of a kind are free over 1 h 30 across all venues;
- ``ten_year_check``: the live check of a kit lent for ten years (no maximum duration set):
  every rule, the availability and the price, which must stay under 50 ms.

It prints the median and the 95th percentile in milliseconds, and the ratio of
the costs at the largest and the smallest size (the targets: create p95 < 5 ms,
free search p95 < 30 ms at 100,000 bookings, and at most 1.5 times the cost at
1,000). The history grows with the size while the weeks to come stay about as
busy as a real calendar: the queries must read what is to come through indexes,
not scan the past. The features that subscribe to the booking signals (agreements,
notifications) do their work inside the same transaction and are timed with it (the
emails are written to the outbox, as in production, where a worker sends them),
unless ``--engine-only`` mutes the signals. SQLite runs on a temporary file, deleted at the end;
``--database-url`` uses that database instead and EMPTIES every table of it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

# This folder holds http.py (bench/http.py), which would hide the standard library's http package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 3_000, 10_000)
KINDS = (("space", 40), ("machine", 35), ("kit", 25))
VENUES = ("La Machinerie", "L'Île aux Fruits", "La Maison du Colonel", "ALCO", "La Briqueterie", "LAM")
SLOTS = (9, 11, 14, 16)  # slots of 1 h 30 on weekdays, Paris time; gaps cover the machines' buffer
FUTURE_DAYS = 60  # the calendar to come, about half full whatever the history
PARIS = ZoneInfo("Europe/Paris")
TARGETS = {"create_p95_ms": 5.0, "free_search_p95_ms": 30.0, "max_ratio": 1.5, "long_check_p95_ms": 50.0}


def paris_slot(day, hour: int) -> tuple[datetime, datetime]:
    start = datetime.combine(day, clock(hour), tzinfo=PARIS).astimezone(UTC)
    return start, start + timedelta(minutes=90)


def weekdays(first, count: int, step: int = 1) -> list:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=step)
    return days


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
                # As in production: the emails are written to the outbox with the booking, and sent
                # by `flask outbox send --loop`, not by the request (development delivers them at once).
                "OUTBOX_DELIVER_ON_COMMIT": False,
            }
        )
        local_now = datetime.now(PARIS).replace(hour=8, minute=0, second=0, microsecond=0)
        monday = local_now - timedelta(days=local_now.weekday())
        self.now = (monday + timedelta(days=7)).astimezone(UTC)  # next Monday, 8:00 in Paris
        self.today = monday.date() + timedelta(days=7)
        self.future_days = weekdays(self.today + timedelta(days=1), FUTURE_DAYS * 5 // 7)

    # --- data -------------------------------------------------------------------------------------

    def migrate(self) -> None:
        from flask_migrate import upgrade

        with self.app.app_context():
            upgrade()

    def empty(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            tables = [t for t in reversed(db.metadata.sorted_tables)]
            if db.engine.dialect.name == "postgresql":
                db.session.execute(
                    sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE")
                )
            else:
                for table in tables:
                    db.session.execute(table.delete())
            db.session.commit()

    def seed(self, size: int) -> None:
        from app.extensions import db
        from app.models import (
            Booking,
            OpeningHours,
            Organisation,
            Qualification,
            Resource,
            Tariff,
            User,
            Venue,
            VenueMembership,
        )

        rng = self.rng
        with self.app.app_context():
            insert = lambda model, rows: db.session.execute(sa.insert(model), rows)  # noqa: E731
            insert(Venue, [{"id": i + 1, "slug": f"lieu-{i + 1}", "name": name} for i, name in enumerate(VENUES)])
            insert(
                OpeningHours,
                [
                    {"venue_id": v + 1, "weekday": d, "opens": clock(9), "closes": clock(18)}
                    for v in range(len(VENUES))
                    for d in range(5)
                ],
            )
            insert(Organisation, [{"id": i + 1, "name": f"Structure {i + 1}"} for i in range(20)])
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
                ],
            )
            insert(VenueMembership, [{"user_id": i + 1, "venue_id": i % len(VENUES) + 1} for i in range(200)])
            resources, rid = [], 0
            for kind, count in KINDS:
                for n in range(count):
                    rid += 1
                    resources.append(
                        {
                            "id": rid,
                            "venue_id": rid % len(VENUES) + 1,
                            "slug": f"{kind}-{n + 1}",
                            "name": f"{kind.title()} {n + 1}",
                            "kind": kind,
                            # Every other resource approves members' requests at once; the others wait for a manager.
                            "approval_policy": "consortium" if rid % 2 else "manager",
                            "capacity": 20 if kind == "space" else None,
                            "units": rng.randint(2, 5) if kind == "kit" else 1,
                            "machine_type": f"type-{n % 5}" if kind == "machine" else "",
                            "requires_training": kind == "machine" and n % 3 == 0,
                            "buffer_minutes": 15 if kind == "machine" else 0,
                            "notice_minutes": 0,
                            "min_duration_minutes": 60,
                            "slot_minutes": 30,
                            "max_duration_minutes": 7 * 24 * 60 if kind == "kit" else 8 * 60,
                            "deposit_cents": 10000 if kind == "kit" else 0,
                        }
                    )
            insert(Resource, resources)
            insert(
                Tariff,
                [
                    {
                        "resource_id": r["id"],
                        "audience": "consortium",
                        "hour_cents": 500,
                        "half_day_cents": 1500,
                        "day_cents": 2500,
                    }
                    for r in resources
                ],
            )
            insert(
                Qualification,
                [
                    {
                        "user_id": u + 1,
                        "resource_id": r["id"],
                        "machine_type": r["machine_type"],
                        "granted_at": self.now - timedelta(days=100),
                    }
                    for r in resources
                    if r["requires_training"]
                    for u in range(200)
                ],
            )
            db.session.commit()
            self.resources = {r["id"]: r for r in resources}

            past_days = weekdays(self.today - timedelta(days=1), size // len(resources) // len(SLOTS) + 2, step=-1)
            past_slots = [(d, h) for d in past_days for h in SLOTS]
            future_slots = [(d, h) for d in self.future_days for h in SLOTS]
            per_resource = size // len(resources)
            rows = []
            for resource in resources:
                in_future = min(per_resource, len(future_slots) // 2)
                chosen = rng.sample(future_slots, in_future) + past_slots[: per_resource - in_future]
                for day, hour in chosen:
                    start, end = paris_slot(day, hour)
                    future = start > self.now
                    status = rng.choices(
                        ["approved", "requested", "cancelled", "rejected"],
                        [80, 10 if future else 0, 10, 0 if future else 5],
                    )[0]
                    if status == "approved" and not future and resource["kind"] == "kit":
                        status = "returned"
                    rows.append(
                        {
                            "resource_id": resource["id"],
                            "requester_id": rng.randint(1, 200),
                            "starts_at": start,
                            "ends_at": end,
                            "holds_until": end + timedelta(minutes=resource["buffer_minutes"]),
                            "exclusive": resource["kind"] != "kit",
                            "quantity": rng.randint(1, resource["units"]) if resource["kind"] == "kit" else 1,
                            "status": status,
                            "price_cents": 1000,
                            "deposit_cents": resource["deposit_cents"],
                            "created_at": start - timedelta(days=10),
                            "updated_at": start - timedelta(days=10),
                        }
                    )
            for first in range(0, len(rows), 10_000):
                db.session.execute(sa.insert(Booking), rows[first : first + 10_000])
            db.session.commit()
            # The steady state, not the bulk load: PostgreSQL's statistics (autovacuum would
            # gather them), SQLite's write-ahead log folded into the database file.
            if db.engine.dialect.name == "postgresql":
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            else:
                raw = db.engine.raw_connection()  # outside any transaction, as a checkpoint must be
                try:
                    raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    raw.close()

    # --- measurements -------------------------------------------------------------------------------

    def _timed(self, operation, repeat: int, warm_up: int = 10) -> list[tuple[float, object]]:
        """(milliseconds, result) of each run of ``operation``, each in a fresh session like a request."""
        from app.extensions import db

        times = []
        with self.app.app_context():
            gc.collect()
            for run in range(warm_up + repeat):
                started = time.perf_counter()
                result = operation()
                elapsed = (time.perf_counter() - started) * 1000
                db.session.remove()
                if run >= warm_up:
                    times.append((elapsed, result))
        return times

    def _random_slot(self) -> tuple[datetime, datetime]:
        return paris_slot(self.rng.choice(self.future_days), self.rng.choice(SLOTS))

    def create(self, repeat: int) -> dict[str, list[float]]:
        """Times of the requests, by outcome: "approved" at once, "requested" (waits for a manager),
        "refused" (the slot was taken)."""
        from app.auth.session import load_person
        from app.bookings.access import bookable_resource
        from app.bookings.service import Refusal, request_booking
        from app.extensions import db

        def attempt():
            # As the booking form's request loads them: the resource with its venue, hours and
            # tariffs (``access.bookable_resource``), the member with their organisation and venues (the login).
            resource = bookable_resource(self.rng.randint(1, len(self.resources)))
            member = load_person(self.rng.randint(1, 200))
            start, end = self._random_slot()
            try:
                status = str(request_booking(resource, member, start, end, now=self.now).status)
                db.session.commit()
                return status
            except Refusal:
                db.session.rollback()
                return "refused"

        outcomes: dict[str, list[float]] = {"approved": [], "requested": [], "refused": []}
        for ms, outcome in self._timed(attempt, repeat):
            outcomes[outcome].append(ms)
        return outcomes

    def kit_week(self, repeat: int) -> list[float]:
        from app.bookings.service import free_units
        from app.extensions import db
        from app.models import Resource

        kits = [rid for rid, r in self.resources.items() if r["kind"] == "kit"]

        def attempt():
            kit = db.session.get(Resource, self.rng.choice(kits))
            start, _ = paris_slot(self.rng.choice(self.future_days[:-5]), 9)
            free_units(kit, start, start + timedelta(days=7))

        return [ms for ms, _ in self._timed(attempt, repeat)]

    def free_search(self, repeat: int) -> list[float]:
        from app.bookings.service import free_resources
        from app.models import ResourceKind

        def attempt():
            start, end = self._random_slot()
            free_resources(self.rng.choice(list(ResourceKind)), start, end)

        return [ms for ms, _ in self._timed(attempt, repeat)]

    def long_check(self, repeat: int, years: int) -> list[float]:
        """A check (the booking form's live check) of a kit lent for ``years`` years, with no maximum
        duration set: every rule, the availability and the price of the whole period."""
        from app.bookings.service import check_booking
        from app.extensions import db
        from app.models import Resource, User

        kits = [rid for rid, r in self.resources.items() if r["kind"] == "kit"]

        def attempt():
            kit = db.session.get(Resource, self.rng.choice(kits))
            kit.max_duration_minutes = None  # in this session only: never committed
            member = db.session.get(User, self.rng.randint(1, 200))
            start, _ = paris_slot(self.future_days[0], 9)
            check_booking(kit, member, start, start + timedelta(days=365 * years), now=self.now)
            db.session.rollback()

        return [ms for ms, _ in self._timed(attempt, repeat)]


SIGNALS = (
    "booking_requested",
    "booking_approved",
    "booking_rejected",
    "booking_cancelled",
    "booking_edited",
    "booking_handed_over",
    "booking_returned",
    "waitlist_offered",
)


def subscribers() -> list[str]:
    """The receivers connected to the booking signals (other features' work in the same transaction)."""
    from app.bookings import signals

    found = set()
    for name in SIGNALS:
        for receiver in getattr(signals, name).receivers_for(object()):
            found.add(f"{receiver.__module__}.{receiver.__qualname__}")
    return sorted(found)


def summary(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[-1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    parser.add_argument("--json", action="store_true", help="print every figure as one JSON object on the last line")
    parser.add_argument("--database-url", help="a database to use (emptied!) instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="mute the booking signals: time the engine without its subscribers (agreements, notifications)",
    )
    args = parser.parse_args()
    sizes = QUICK_SIZES if args.quick else SIZES
    repeat = 150 if args.quick else 300

    with tempfile.TemporaryDirectory(prefix="fnt-bench-") as folder:
        os.environ["FNT_INSTANCE_PATH"] = folder
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        from app.config import normalise_database_url

        bench = Bench(normalise_database_url(url), random.Random(args.seed))
        bench.migrate()
        results: dict = {
            "database": bench.app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
            "resources": sum(count for _, count in KINDS),
            "engine_only": args.engine_only,
            "subscribers": subscribers(),
            "sizes": {},
        }
        muted = contextlib.ExitStack()
        if args.engine_only:
            from app.bookings import signals

            for name in SIGNALS:
                muted.enter_context(getattr(signals, name).muted())
        print(
            "booking signals muted: the engine alone"
            if args.engine_only
            else "subscribers of the booking signals: " + (", ".join(results["subscribers"]) or "none")
        )
        for size in sizes:
            bench.empty()
            started = time.perf_counter()
            bench.seed(size)
            seeded = time.perf_counter() - started
            outcomes = bench.create(repeat)
            figures = {
                "seed_s": round(seeded, 2),
                "create": {**summary(outcomes["approved"]), "count": len(outcomes["approved"])},
                "request": {**summary(outcomes["requested"]), "count": len(outcomes["requested"])},
                "refused": {**summary(outcomes["refused"]), "count": len(outcomes["refused"])},
                "kit_week": summary(bench.kit_week(repeat)),
                "free_search": summary(bench.free_search(repeat // 2)),
                "ten_year_check": summary(bench.long_check(repeat // 3, 10)),
            }
            results["sizes"][size] = figures
            print(f"{size:>7} bookings (seeded in {seeded:.1f} s)")
            for name in ("create", "request", "refused", "kit_week", "free_search", "ten_year_check"):
                line = figures[name]
                print(f"    {name:<12} median {line['median_ms']:7.2f} ms   p95 {line['p95_ms']:7.2f} ms")
        smallest, largest = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
        results["ratios"] = {
            name: round(largest[name]["median_ms"] / smallest[name]["median_ms"], 2)
            for name in ("create", "request", "kit_week", "free_search")
        }
        results["ratios_p95"] = {
            name: round(largest[name]["p95_ms"] / smallest[name]["p95_ms"], 2)
            for name in ("create", "request", "kit_week", "free_search")
        }
        muted.close()
        results["targets"] = TARGETS
        results["targets_met"] = (
            max(largest["create"]["p95_ms"], largest["request"]["p95_ms"]) < TARGETS["create_p95_ms"]
            and largest["free_search"]["p95_ms"] < TARGETS["free_search_p95_ms"]
            and all(ratio <= TARGETS["max_ratio"] for ratio in results["ratios"].values())
        )
        results["long_check_target_met"] = all(
            figures["ten_year_check"]["p95_ms"] < TARGETS["long_check_p95_ms"] for figures in results["sizes"].values()
        )
        print(
            f"cost at {sizes[-1]:,} / cost at {sizes[0]:,}: "
            + ", ".join(
                f"{name} {ratio} (p95 {results['ratios_p95'][name]})" for name, ratio in results["ratios"].items()
            )
        )
        print("targets met" if results["targets_met"] else "targets NOT met")
        print(
            "check of a 10-year request: "
            + ("under" if results["long_check_target_met"] else "NOT under")
            + f" {TARGETS['long_check_p95_ms']:.0f} ms (p95) at every size"
        )
        if args.json:
            print(json.dumps(results))
        with bench.app.app_context():
            from app.extensions import db

            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
