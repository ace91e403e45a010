"""Benchmark of the JSON API beside the HTML pages for the same requests, in the same run.

Usage (from the project folder):

    .venv/bin/python bench/api.py            # 100,000 bookings, on SQLite
    .venv/bin/python bench/api.py --quick    # 10,000 bookings, fewer requests
    .venv/bin/python bench/api.py --json     # the last line is one JSON object with every figure
    .venv/bin/python bench/api.py --database-url postgresql://postgres@127.0.0.1:5432/bench  (EMPTIED)

It builds the booking benchmark's consortium (``bench/booking.py``: 6 venues, 100 resources, 200
members, that many bookings, the weeks to come about half full) and times, through the whole app
(WSGI, routing, the rules, the serialisation or the template), each request alone:

- ``availability``: ``GET /api/v1/resources/<id>/availability?start=<Monday>&days=7`` beside the
  resource's page for the same week, ``GET /ressources/<id>?semaine=<week>`` (both anonymous);
- ``create``: ``POST /api/v1/me/bookings`` with a member's token beside the booking form
  ``POST /ressources/<id>/reserver`` with the member's session, for random slots (some free, some
  taken: both answer the engine's verdict).

It prints the median (p50) and the 95th percentile in milliseconds, and the ratio API / HTML.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This folder holds http.py (bench/http.py), which would hide the standard library's http package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

SIZE, QUICK_SIZE = 100_000, 10_000
REPEAT, QUICK_REPEAT = 200, 40
WARM_UP = 10


def _booking_bench():
    spec = importlib.util.spec_from_file_location("bench_booking", HERE / "booking.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summary(times: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(statistics.quantiles(times, n=20, method="inclusive")[-1], 3),
        "count": len(times),
    }


def timed(request, repeat: int) -> tuple[list[float], dict[int, int]]:
    times, statuses = [], {}
    gc.collect()
    for run in range(WARM_UP + repeat):
        started = time.perf_counter()
        status = request()
        elapsed = (time.perf_counter() - started) * 1000
        if run >= WARM_UP:
            times.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1
    return times, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 bookings and fewer requests")
    parser.add_argument("--json", action="store_true", help="print every figure as one JSON object on the last line")
    parser.add_argument("--database-url", help="a database to use (emptied!) instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    size = QUICK_SIZE if args.quick else SIZE
    repeat = QUICK_REPEAT if args.quick else REPEAT

    with tempfile.TemporaryDirectory(prefix="fnt-bench-api-") as folder:
        os.environ["FNT_INSTANCE_PATH"] = folder
        booking = _booking_bench()
        from app.config import normalise_database_url

        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        rng = random.Random(args.seed)
        bench = booking.Bench(normalise_database_url(url), rng)
        bench.app.config["WTF_CSRF_ENABLED"] = False  # the form is posted as a browser would, without its token
        bench.migrate()
        if args.database_url:
            bench.empty()
        started = time.perf_counter()
        bench.seed(size)
        seeded = time.perf_counter() - started
        app = bench.app

        from app.api.tokens import create_token
        from app.catalogue.calendar import iso_week
        from app.core.clock import PARIS
        from app.extensions import db
        from app.models import User

        members = list(range(1, 201))
        with app.app_context():
            tokens = {}
            sessions = {}
            for user_id in members[:20]:
                user = db.session.get(User, user_id)
                _row, plain = create_token(user, "bench")
                tokens[user_id] = {"Authorization": f"Bearer {plain}"}
                sessions[user_id] = user.get_id()
            db.session.commit()

        resource_ids = sorted(bench.resources)
        monday = bench.future_days[0] - timedelta(days=bench.future_days[0].weekday())
        week = iso_week(monday)

        def availability_api():
            rid = rng.choice(resource_ids)
            return client.get(f"/api/v1/resources/{rid}/availability?start={monday.isoformat()}&days=7").status_code

        def availability_html():
            rid = rng.choice(resource_ids)
            return client.get(f"/ressources/{rid}?semaine={week}").status_code

        def slot():
            start, end = paris_slot(rng.choice(bench.future_days), rng.choice(booking.SLOTS))
            return rng.choice(resource_ids), start, end

        paris_slot = booking.paris_slot

        def create_api():
            rid, start, end = slot()
            member = rng.choice(list(tokens))
            body = {"resource_id": rid, "starts_at": start.isoformat(), "ends_at": end.isoformat()}
            if bench.resources[rid]["kind"] == "space":  # as the form, which asks the attendees of a space only
                body["attendees"] = 2
            return client.post("/api/v1/me/bookings", json=body, headers=tokens[member]).status_code

        html_clients = {}

        def create_html():
            rid, start, end = slot()
            member = rng.choice(list(sessions))
            form = {
                "starts_at": start.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": end.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
                "attendees": "2",
                "quantity": "1",
                "purpose": "",
                "repeat": "none",
            }
            return html_clients[member].post(f"/ressources/{rid}/reserver", data=form).status_code

        client = app.test_client()
        for member, session_id in sessions.items():
            html_clients[member] = app.test_client()
            with html_clients[member].session_transaction() as session:
                session["_user_id"] = session_id
                session["_fresh"] = True

        figures: dict = {}
        for name, api_request, html_request in (
            ("availability", availability_api, availability_html),
            ("create", create_api, create_html),
        ):
            api_times, api_statuses = timed(api_request, repeat)
            html_times, html_statuses = timed(html_request, repeat)
            api, html = summary(api_times), summary(html_times)
            figures[name] = {
                "api": api | {"statuses": api_statuses},
                "html": html | {"statuses": html_statuses},
                "ratio_p50": round(api["p50_ms"] / html["p50_ms"], 3),
                "ratio_p95": round(api["p95_ms"] / html["p95_ms"], 3),
            }
            print(
                f"{name:13} API  p50 {api['p50_ms']:8.2f} ms  p95 {api['p95_ms']:8.2f} ms  {api_statuses}\n"
                f"{'':13} HTML p50 {html['p50_ms']:8.2f} ms  p95 {html['p95_ms']:8.2f} ms  {html_statuses}\n"
                f"{'':13} API / HTML: p50 × {figures[name]['ratio_p50']}, p95 × {figures[name]['ratio_p95']}"
            )
        results = {
            "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
            "bookings": size,
            "repeat": repeat,
            "seed_seconds": round(seeded, 1),
            **figures,
        }
        with app.app_context():
            db.engine.dispose()
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
