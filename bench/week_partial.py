"""How long the week partial of a resource's calendar takes to render, through Flask's test client.

Usage (from the project folder):

    .venv/bin/python bench/week_partial.py            # SQLite in a temporary folder, n=200
    .venv/bin/python bench/week_partial.py -n 500 --bookings 60
    .venv/bin/python bench/week_partial.py --quick --json   # n=50; the figures as one JSON object

It loads the demo consortium into a fresh SQLite database, books ``--bookings`` one-hour slots
of La Machinerie's first space over next week (through the booking engine, approved), logs in as
the demo member and asks ``/ressources/<id>?semaine=<next week>`` as htmx does (``HX-Request`` and
``HX-Target: calendrier``: the fragment alone), 20 times to warm up and then ``-n`` times, and
prints the median, p90 and mean in milliseconds of CPU time of this process (less sensitive to the
machine's load than wall-clock time; still compare runs made one after the other). The database and folders are
removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="measured renders (default 200)")
    parser.add_argument("--bookings", type=int, default=40, help="approved bookings next week (default 40)")
    parser.add_argument("--quick", action="store_true", help="n=50 (unless -n is given)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object on the last line")
    options = parser.parse_args()
    if options.quick and "-n" not in sys.argv[1:]:
        options.n = 50
    folder = tempfile.mkdtemp(prefix="fnt-week-")
    os.environ.setdefault("FNT_INSTANCE_PATH", folder)

    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.bookings import service
    from app.bookings.hours import hours_for, intervals_on
    from app.core.clock import paris_to_utc, paris_today
    from app.core.refusals import Refusal
    from app.demo.content import DEMO_PASSWORD
    from app.demo.data import load_demo
    from app.extensions import db
    from app.models import Resource, User, Venue
    from tests.helpers import make_test_config

    config = make_test_config(f"sqlite:///{folder}/bench.db", Path(folder), WTF_CSRF_ENABLED=False)
    app = create_app(config)
    with app.app_context():
        upgrade()
        load_demo(production=False)
        db.session.commit()
        space = db.session.scalar(
            select(Resource)
            .join(Venue)
            .where(Venue.slug == "la-machinerie", Resource.kind == "space")
            .order_by(Resource.id)
        )
        members = list(db.session.scalars(select(User).where(User.email.like("%@example.org")).order_by(User.id)))
        monday = paris_today() + timedelta(days=7 - paris_today().weekday())
        hours = hours_for([space])[space.id]
        made = 0
        for offset in range(7):
            day = monday + timedelta(days=offset)
            for opens, closes in intervals_on(hours, day.weekday()):
                start = paris_to_utc(day, opens)
                while made < options.bookings and start + timedelta(hours=1) <= paris_to_utc(day, closes):
                    for who in members:
                        try:
                            service.request_booking(space, who, start, start + timedelta(hours=1))
                        except Refusal:
                            continue
                        made += 1
                        break
                    start += timedelta(hours=2)
        db.session.commit()
        space_id = space.id
        week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"

    client = app.test_client()
    response = client.post("/compte/connexion", data={"email": "membre@example.org", "password": DEMO_PASSWORD})
    if response.status_code not in (302, 303):
        print(f"log-in: status {response.status_code}", file=sys.stderr)
        return 1
    headers = {"HX-Request": "true", "HX-Target": "calendrier"}
    url = f"/ressources/{space_id}?semaine={week}"
    timings = []
    for index in range(20 + options.n):
        started = time.process_time()
        response = client.get(url, headers=headers)
        elapsed = time.process_time() - started
        if response.status_code != 200:
            print(f"status {response.status_code}", file=sys.stderr)
            return 1
        if index >= 20:
            timings.append(elapsed * 1000)
    timings.sort()
    shutil.rmtree(folder, ignore_errors=True)
    size = len(response.get_data())
    figures = {
        "bookings": made,
        "n": options.n,
        "median_ms": round(statistics.median(timings), 2),
        "p90_ms": round(timings[int(len(timings) * 0.9)], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "bytes": size,
    }
    print(
        f"week partial, {made} bookings, n={options.n}: median {statistics.median(timings):.2f} ms, "
        f"p90 {timings[int(len(timings) * 0.9)]:.2f} ms, mean {statistics.fmean(timings):.2f} ms, {size} bytes"
    )
    if options.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
