"""Benchmark of the agreements: rendering a one-occurrence and a twenty-occurrence agreement.

Usage (from the project folder):

    .venv/bin/python bench/agreements.py           # 30 and 15 timed renderings after 3 warm-ups
    .venv/bin/python bench/agreements.py --quick   # 10 and 5
    .venv/bin/python bench/agreements.py --json    # the last line is one JSON object with every figure

It builds a consortium on a temporary SQLite database (migrated as in production), approves one
booking and a weekly series of 20 occurrences the way the booking engine does (the agreement
records are issued by the signal receivers), then times ``rendering.render_pdf`` (HTML to PDF/A
with WeasyPrint, QR code included) and, separately, render + PAdES seal (``storage.produce``).

Figures: median and 95th percentile in milliseconds; peak memory measured three ways, all reported:

- ``peak_rss_rendering_mib``: the process's peak resident set size (``VmHWM``) while it renders (before pyHanko is imported),
  the peak being reset (``/proc/self/clear_refs``) once the application is loaded: interpreter,
  Flask, SQLAlchemy, WeasyPrint, Pango, fonts and the renderings themselves. This is the figure
  compared with the target.
- ``peak_rss_process_mib``: ``resource.getrusage`` maximum RSS of the whole run, which also
  counts what happens before any rendering (loading the application hashes a dummy password with
  argon2, a transient 64 MiB).
- ``tracemalloc_peak_mib``: the peak of Python allocations during one rendering of each agreement
  (a separate pass, since tracing slows everything down).

Cold start (``cold_start``): in two fresh processes, the first agreement's render + seal and the
next one's, without and with the warm-up that gunicorn's workers run at start
(``app.agreements.warmup``), and the warm-up's own time.

Targets: median < 250 ms for one occurrence, peak < 150 MiB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# This folder holds http.py (bench/http.py), which would hide the standard library's http package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PARIS = ZoneInfo("Europe/Paris")
TARGETS = {"one_median_ms": 250.0, "peak_mib": 150.0}
WARM_UP = 3


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build(app) -> tuple[int, int]:
    """A lending venue with a space, a borrower, one approved booking and an approved series of 20."""
    from app.agreements.models import Agreement
    from app.bookings.signals import booking_approved
    from app.extensions import db
    from app.models import Booking, BookingStatus, Organisation, Resource, ResourceKind, Series, User, Venue

    lead = Venue(
        slug="la-machinerie",
        name="La Machinerie",
        street="2 rue Dijon",
        postal_code="80000",
        is_lead=True,
        representative_name="Élise Durand",
        representative_role="Directrice",
    )
    venue = Venue(
        slug="la-briqueterie",
        name="La Briqueterie",
        street="10 rue des Briques",
        postal_code="80080",
        email="contact@briqueterie.example",
        representative_name="Marc Lefèvre",
        representative_role="Président",
    )
    space = Resource(
        venue=venue,
        slug="grande-salle",
        name="Grande salle",
        kind=ResourceKind.SPACE,
        capacity=40,
        documentation="Capacité 40 personnes. Issues de secours côté jardin.",
    )
    kit = Resource(
        venue=venue,
        slug="sono",
        name="Kit sono",
        kind=ResourceKind.KIT,
        units=3,
        checklist="Enceinte amplifiée (x2)\nTable de mixage\nCâbles XLR (x4)",
    )
    organisation = Organisation(
        name="Les Jardins Partagés",
        street="5 allée des Tilleuls",
        postal_code="80000",
        city="Amiens",
        email="bureau@jardins.example",
        siret="12345678900011",
    )
    borrower = User(
        email="camille@jardins.example", name="Camille Martin", password_hash="!bench", organisation=organisation
    )
    db.session.add_all([lead, venue, space, kit, organisation, borrower])
    db.session.flush()

    def booking(resource, start, series=None):
        return Booking(
            resource=resource,
            requester=borrower,
            organisation=organisation,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            holds_until=start + timedelta(hours=3),
            exclusive=resource.is_exclusive,
            purpose="Atelier",
            attendees=12,
            price_cents=4500,
            series=series,
            status=BookingStatus.APPROVED,
        )

    first = datetime(2027, 3, 1, 14, tzinfo=PARIS)
    single = booking(kit, first)
    series = Series(
        resource_id=space.id,
        requester_id=borrower.id,
        organisation_id=organisation.id,
        frequency="weekly",
        interval=1,
        count=20,
    )
    db.session.add_all([single, series])
    db.session.flush()
    occurrences = [booking(space, first + timedelta(weeks=week), series) for week in range(20)]
    db.session.add_all(occurrences)
    db.session.flush()
    for approved in [single, *occurrences]:
        booking_approved.send(approved, actor=None, reason="")
    db.session.commit()
    one = db.session.scalars(db.select(Agreement).where(Agreement.series_id.is_(None))).one()
    twenty = db.session.scalars(db.select(Agreement).where(Agreement.series_id == series.id)).one()
    assert len(one.content["items"]) == 1 and len(twenty.content["items"]) == 20
    return one.id, twenty.id


def reset_peak_rss() -> bool:
    """Reset the process's peak RSS (Linux); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _proc_status_mib(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mib() -> float:
    peak = _proc_status_mib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB


def current_rss_mib() -> float:
    return _proc_status_mib("VmRSS") or 0.0


def timed(action, runs: int) -> list[float]:
    for _ in range(WARM_UP):
        action()
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def summary(durations: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 0.95), 1),
        "runs": len(durations),
    }


def _bench_app(folder: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
            "SECRET_KEY": "bench",
            "CHECK_MIGRATIONS": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_ECHO": False,
            "SMTP_HOST": "",
            "OUTBOX_DIR": str(Path(folder) / "outbox"),
            "TESTING": True,
        }
    )


@contextlib.contextmanager
def prepared(prefix: str):
    """A migrated temporary database with the two agreements, in its app's context: (app, one, twenty)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        os.environ["FNT_INSTANCE_PATH"] = folder
        from flask_migrate import upgrade

        from app.agreements.models import Agreement
        from app.extensions import db

        app = _bench_app(folder)
        with app.app_context():
            upgrade()
            one_id, twenty_id = build(app)
            yield app, db.session.get(Agreement, one_id), db.session.get(Agreement, twenty_id)
            db.session.remove()
            db.engine.dispose()


def cold_child(warm: bool) -> dict:
    """In this fresh process: the first and the second render + seal, after the warm-up or not."""
    from app.agreements import storage
    from app.agreements.warmup import warm_up

    with prepared("fnt-bench-cold-") as (app, one, _twenty):
        storage.sealing.seal_files()  # the development key is made once, outside the timings
        warm_seconds = warm_up(app) if warm else None
        first = timed(lambda: storage.produce(one, False), 1)[0]
        second = timed(lambda: storage.produce(one, False), 1)[0]
    return {
        "warm_up_ms": None if warm_seconds is None else round(warm_seconds * 1000, 1),
        "first_ms": round(first, 1),
        "second_ms": round(second, 1),
    }


def cold_start() -> dict:
    import subprocess

    figures = {}
    for mode in ("cold", "warm"):
        child = subprocess.run(
            [sys.executable, __file__, "--cold-child", mode], capture_output=True, text=True, check=True
        )
        figures[mode] = json.loads(child.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold-child", choices=("cold", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fewer timed renderings")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args()
    if args.cold_child:
        print(json.dumps(cold_child(args.cold_child == "warm")))
        return 0
    runs_one, runs_twenty = (10, 5) if args.quick else (30, 15)

    from app.agreements import rendering, storage

    with prepared("fnt-bench-agreements-") as (_app, one, twenty):
        import weasyprint  # noqa: F401 - loaded before the baseline, as in a worker that has rendered once

        baseline_mib = current_rss_mib()
        reset_peak_rss()
        results = {
            "render_one": summary(timed(lambda: rendering.render_pdf(one), runs_one)),
            "render_twenty": summary(timed(lambda: rendering.render_pdf(twenty), runs_twenty)),
        }
        rendering_peak_mib = peak_rss_mib()  # before pyHanko is even imported: rendering alone
        results["render_and_seal_one"] = summary(timed(lambda: storage.produce(one, False), runs_one))
        results["pdf_bytes_one"] = len(rendering.render_pdf(one))
        results["pdf_bytes_twenty"] = len(rendering.render_pdf(twenty))
        peaks = {}
        for name, agreement in (("one", one), ("twenty", twenty)):
            tracemalloc.start()
            rendering.render_pdf(agreement)
            peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()

    results["rss_before_rendering_mib"] = round(baseline_mib, 1)
    results["peak_rss_rendering_mib"] = round(rendering_peak_mib, 1)
    results["peak_rss_process_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["tracemalloc_peak_mib"] = {name: round(value, 1) for name, value in peaks.items()}
    results["cold_start"] = cold_start()
    results["targets"] = TARGETS
    results["meets_targets"] = {
        "one_median": results["render_one"]["median_ms"] < TARGETS["one_median_ms"],
        "peak_tracemalloc": max(results["tracemalloc_peak_mib"].values()) < TARGETS["peak_mib"],
        "peak_rss_rendering": results["peak_rss_rendering_mib"] < TARGETS["peak_mib"],
    }

    print(
        f"render, 1 occurrence:    median {results['render_one']['median_ms']} ms, "
        f"p95 {results['render_one']['p95_ms']} ms ({runs_one} runs after {WARM_UP} warm-ups)"
    )
    print(
        f"render, 20 occurrences:  median {results['render_twenty']['median_ms']} ms, "
        f"p95 {results['render_twenty']['p95_ms']} ms ({runs_twenty} runs)"
    )
    print(
        f"render + seal, 1 occ.:   median {results['render_and_seal_one']['median_ms']} ms, "
        f"p95 {results['render_and_seal_one']['p95_ms']} ms"
    )
    print(
        f"memory: tracemalloc peak of one rendering {results['tracemalloc_peak_mib']['one']} MiB (1 occ.), "
        f"{results['tracemalloc_peak_mib']['twenty']} MiB (20 occ.); process RSS {results['rss_before_rendering_mib']} "
        f"MiB loaded, peak {results['peak_rss_rendering_mib']} MiB while rendering, "
        f"{results['peak_rss_process_mib']} MiB over the whole run"
    )
    cold, warm = results["cold_start"]["cold"], results["cold_start"]["warm"]
    print(
        f"cold start, fresh process: first render + seal {cold['first_ms']} ms, next {cold['second_ms']} ms; "
        f"after the workers' warm-up ({warm['warm_up_ms']} ms): first {warm['first_ms']} ms, next {warm['second_ms']} ms"
    )
    print(
        "targets (median < 250 ms for one occurrence, peak < 150 MiB):",
        ", ".join(f"{name} {'met' if met else 'NOT met'}" for name, met in results["meets_targets"].items()),
    )
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
