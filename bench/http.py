"""HTTP benchmark of the pages around a busy resource, on gunicorn, on PostgreSQL and on SQLite.

Usage (from the project folder):

    .venv/bin/python bench/http.py                      # both databases, 1,000 bookings, n=100, wrk 15 s a page
    .venv/bin/python bench/http.py --quick              # 200 bookings, n=20, wrk 5 s: about a minute a database
    .venv/bin/python bench/http.py --json               # the last line is one JSON object with every figure
    .venv/bin/python bench/http.py --database sqlite    # or postgres, or both (the default)
    .venv/bin/python bench/http.py --postgres-url postgresql://user:secret@host:5432/postgres
    .venv/bin/python bench/http.py --client python      # a threaded Python client instead of wrk

For each database it builds its own: on PostgreSQL ``fnt_http_<pid>`` (on the server of
``--postgres-url``, by default postgresql://postgres@127.0.0.1:5432/postgres, whose database serves
only to create and drop it), on SQLite a file in a temporary folder; migrates it (``flask db
upgrade``), loads the demo consortium (``flask demo load``) and then, in a separate setup process
with the app's models and engine: 1,000 approved bookings (``--quick`` 200) on the measured
resource, the demo's meeting room « La Verrière » of La Machinerie (a space), inserted in bulk
over past and future weeks, four one-hour slots a weekday with gaps longer than its buffer, owned
by the demo members the booking engine lets book it (two fifths in the weeks to come, up to its
horizon); and 12 pending requests (through the engine) on La Machinerie's coworking floor, so that
its manager's desk has something to decide. The instance folder, the logs and the outbox are in a
temporary folder; the log-in rate limit is off (``RATELIMIT_ENABLED=0``), the migration check on.

The app is served as in production (``gunicorn -c gunicorn.conf.py``, 2 sync workers, a free
loopback port) but through ``bench/http_wsgi.py``, which adds a bare route (``/_bench/bare``: 20
resources read with SQLAlchemy, a small template) that the production app does not have; workers
are not renewed during the run (``--max-requests 0``). Then, in one run:

- latency, one client, one request at a time, n=100 (``--quick`` 20), p50 and p95 (and p99): the
  creation of a booking through the real form, logged in as the demo member of La Machinerie
  (``membre@example.org``, whose requests the room approves at once): GET of the form
  (``/ressources/<id>/reserver?debut=…&fin=…``), POST (the figure that matters, ``book``), and the
  booking's page it leads to, each on a free slot of the weeks to come checked beforehand with the
  engine; the week view of the resource's calendar as htmx asks for it (``/ressources/<id>?semaine=
  <next week>`` with ``HX-Request: true`` and ``HX-Target: calendrier``: the fragment alone); the
  resource's whole page (this week); the catalogue with a period (``/ressources/?debut=…&fin=…``, a
  weekday of next week); the desk (``/gestion/demandes``, logged in as La Machinerie's manager,
  ``gestion.machinerie@example.org``); the bare route;
- throughput, logged in (the session cookie sent with each request): ``wrk -t2 -c8 -d15s`` (``--quick``
  5 s) against each of those GET pages and the bare route (before the pages and after them: its
  figure is the mean of the two), with requests per second, each page's ratio to the bare route's
  (the goal of issue 16: at least 0.5), wrk's latency percentiles, the statuses counted in gunicorn's
  access log (anything but 200 is an error) and the CPU time the workers spent per request. Without
  wrk (Debian: ``apt-get install wrk``), or with ``--client python``, 8 Python threads do the same
  (a weaker client: its figures are lower bounds); the JSON says which client was used;
- memory: another gunicorn, one worker with 8 threads (``--workers 1 --threads 8 --worker-class
  gthread``); 8 demo accounts send the log-in form at the same instant (Argon2id hashes, each
  ``ARGON2_MEMORY_COST`` KiB, at most ``ARGON2_MAX_CONCURRENT`` at once); the worker's peak resident
  memory (``VmHWM`` of ``/proc/<pid>/status``, the worker being the gunicorn master's child) before
  and after, in MiB;
- SQL statements per request, in a separate process without gunicorn: the same requests through
  Flask's test client, a SQLAlchemy ``before_cursor_execute`` listener counting the statements of
  each (and naming the one repeated most: N+1 queries show there).

Every server, database and folder is undone at the end, after a failure, Ctrl-C or SIGTERM too.
The exit code is 1 when a request failed (a 5xx, a refused booking, an unexpected status…).

The machine's load average is sampled during the run and reported: the client, gunicorn and the
database share the machine's cores with whatever else runs, so the figures move from one run to
the next; compare runs made on a quiet machine, and the CPU per request more than requests/s.

This file is named after the issue's ``bench/http.py``, the name of the standard library's ``http``
package: a script of ``bench/`` (whose folder comes first on ``sys.path``) that imports ``http``
would load this file instead, so when it is imported under that name it puts the real package in
its place (see the first lines below).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.machinery
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from datetime import time as clock
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
if __name__ == "http":
    # Imported as the standard library's http package, by a script run from bench/: the real package
    # loaded in this module's place, which the import system then hands to whoever asked. (The rest
    # of this file then only defines functions in a module object nobody keeps.)
    _spec = importlib.machinery.PathFinder.find_spec(
        "http", [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
    )
    if _spec is None or _spec.loader is None:
        raise ImportError("the standard library's http package cannot be found")
    sys.modules["http"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["http"])
else:
    # Run as a script (or in a process it spawned): this folder off the import path, so that
    # ``http`` is the standard library's, and the project folder on it, for ``app`` and ``bench``.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))

import http.client  # noqa: E402  (the standard library's, once the lines above have run)

if __name__ != "http":
    from bench import load
    from bench.http_wsgi import BARE_PATH

ROOT = HERE.parent
FULL = {"bookings": 1000, "requests": 100, "seconds": 15.0}
QUICK = {"bookings": 200, "requests": 20, "seconds": 5.0}
DATABASES = {"postgres": "postgresql", "sqlite": "sqlite"}
VENUE = "la-machinerie"
MEASURED = "salle-verriere"  # « La Verrière », a meeting room approving its venue's members at once
PENDING_ON = "coworking"  # the venue's coworking floor, whose requests wait for a manager
MEMBER = "membre@example.org"  # a member of La Machinerie
MANAGER = "gestion.machinerie@example.org"
PENDING_REQUESTS = 12  # on 10 slots: two of them asked for twice, so the desk shows collisions
# One-hour slots of a weekday, Paris time; the preloaded bookings take every other one, the
# creations the rest: 30 minutes between two slots, more than the room's 15 minutes of buffer.
SLOTS = (clock(9), clock(10, 30), clock(12), clock(13, 30), clock(15), clock(16, 30), clock(18))
PRELOADED_SLOTS = SLOTS[0::2]
CREATED_SLOTS = SLOTS[1::2]
FUTURE_SHARE = 0.4  # of the preloaded bookings, in the weeks to come
HORIZON_MARGIN_DAYS = 10  # the preloaded future stops that far before the room's horizon
WRK_THREADS, WRK_CONNECTIONS = 2, 8
LOGINS = 8  # simultaneous log-ins of the memory phase, as many threads in its one worker
WORKERS = 2
PAGES = ("week", "resource", "catalogue", "desk")  # the GET pages timed, throughput included
LATENCY_KINDS = ("book", "book_form", "booking", *PAGES, "bare")
HTMX_WEEK = {"HX-Request": "true", "HX-Target": "calendrier"}


def mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


def load_sample() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"load average {load_sample()}"


class LoadWatch(threading.Thread):
    """The machine's load average (1 min), every 2 seconds while the benchmark runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            sample = load_sample()
            if sample is not None:
                self.samples.append(sample)
            self.stopped.wait(2)

    def figures(self) -> dict:
        samples = self.samples or [0.0]
        return {"min": min(samples), "max": max(samples), "mean": round(sum(samples) / len(samples), 2)}


# --- the setup process: bookings in bulk, pending requests, free slots ----------------------------


def weekdays_from(first: date, step: int):
    day = first
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=step)


def prepare(url: str, bookings: int, creations: int) -> dict:
    """Run in a process of its own (the app built once there): the bookings of the measured room,
    the desk's pending requests, and the free slots the creations will ask for."""
    import sqlalchemy as sa

    from app import create_app
    from app.bookings import service
    from app.catalogue.calendar import iso_week
    from app.config import normalise_database_url
    from app.core.clock import paris_to_utc, paris_today
    from app.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
    from app.extensions import db
    from app.models import Booking, BookingStatus, Resource, User, Venue, VenueRole, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "CHECK_MIGRATIONS": False})
    with app.app_context():

        def resource_of(slug: str) -> Resource:
            found = db.session.scalar(sa.select(Resource).join(Venue).where(Venue.slug == VENUE, Resource.slug == slug))
            if found is None:
                raise RuntimeError(f"the demo has no resource {slug!r} at {VENUE!r}: check `flask demo load`")
            return found

        room, floor = resource_of(MEASURED), resource_of(PENDING_ON)
        now = utcnow()
        today = paris_today(now)
        staff = {
            a.email for a in DEMO_ACCOUNTS if a.is_coordinator or any(r == VenueRole.MANAGER for _, r in a.memberships)
        }
        members = [
            user
            for user in db.session.scalars(sa.select(User).where(User.email.in_([a.email for a in DEMO_ACCOUNTS])))
            if user.email not in staff
        ]
        probe_day = next(weekdays_from(today + timedelta(days=3), 1))
        probe = (
            paris_to_utc(probe_day, CREATED_SLOTS[0]),
            paris_to_utc(probe_day, CREATED_SLOTS[0]) + timedelta(hours=1),
        )
        owners = sorted((u for u in members if service.check_booking(room, u, *probe).ok), key=lambda u: u.email)
        booker = next((u for u in owners if u.email == MEMBER), None)
        if booker is None or not service.check_booking(room, booker, *probe).approved_at_once:
            raise RuntimeError(f"{MEMBER} may not book {room.name} at once: the demo changed, update bench/http.py")

        # The preloaded bookings: every other slot of each weekday, from today on up to the room's
        # horizon (two fifths of them at most), the rest in the weeks before today.
        last_future = today + timedelta(days=room.horizon_days - HORIZON_MARGIN_DAYS)
        future_days = []
        for day in weekdays_from(today, 1):
            if day > last_future or len(future_days) * len(PRELOADED_SLOTS) >= bookings * FUTURE_SHARE:
                break
            future_days.append(day)
        slots = [(day, at) for day in future_days for at in PRELOADED_SLOTS][: int(bookings * FUTURE_SHARE)]
        in_future = len(slots)
        past = weekdays_from(today - timedelta(days=1), -1)
        while len(slots) < bookings:
            day = next(past)
            slots += [(day, at) for at in PRELOADED_SLOTS][: bookings - len(slots)]
        rows = []
        for number, (day, at) in enumerate(sorted(slots)):
            starts_at = paris_to_utc(day, at)
            ends_at = starts_at + timedelta(hours=1)
            owner = owners[number % len(owners)]
            rows.append(
                {
                    "resource_id": room.id,
                    "requester_id": owner.id,
                    "organisation_id": owner.organisation_id,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "holds_until": ends_at + timedelta(minutes=room.buffer_minutes),
                    "exclusive": True,
                    "quantity": 1,
                    "purpose": f"Réunion n° {number + 1} (banc d'essai)",
                    "status": BookingStatus.APPROVED,
                    "decided_at": starts_at - timedelta(days=7),
                    "created_at": starts_at - timedelta(days=7),
                    "updated_at": starts_at - timedelta(days=7),
                }
            )
        for first in range(0, len(rows), 5000):
            db.session.execute(sa.insert(Booking), rows[first : first + 5000])
        db.session.commit()

        # The desk's pending requests, through the engine (the floor waits for a manager): 10 slots
        # of 4 hours, the first two asked for by two members each, which the desk shows as collisions.
        four_hours = (paris_to_utc(probe_day, clock(9)), paris_to_utc(probe_day, clock(13)))
        asking = [u for u in members if service.check_booking(floor, u, *four_hours).ok]
        if not asking:
            raise RuntimeError(f"no demo member may ask for {floor.name}: the demo changed, update bench/http.py")
        pending = 0
        days = weekdays_from(today + timedelta(days=3), 1)
        while pending < PENDING_REQUESTS:
            day = next(days)
            if day > last_future:
                raise RuntimeError(f"only {pending} pending requests could be made on {floor.name}")
            for at in (clock(9), clock(14)):
                starts_at = paris_to_utc(day, at)
                twice = pending < 4 and PENDING_REQUESTS - pending >= 2
                for who in [asking[pending % len(asking)], asking[(pending + 1) % len(asking)]][: 2 if twice else 1]:
                    if pending >= PENDING_REQUESTS:
                        break
                    try:
                        service.request_booking(
                            floor, who, starts_at, starts_at + timedelta(hours=4), purpose="Atelier (banc d'essai)"
                        )
                    except service.Refusal:  # a closed day, a rule of the demo
                        db.session.rollback()
                        break
                    pending += 1
            db.session.commit()

        # The free slots of the creations (one more for the SQL count), checked with the engine.
        free = []
        for day in weekdays_from(today + timedelta(days=2), 1):
            if len(free) > creations or day > last_future:
                break
            for at in CREATED_SLOTS:
                starts_at = paris_to_utc(day, at)
                check = service.check_booking(room, booker, starts_at, starts_at + timedelta(hours=1))
                if check.ok and check.approved_at_once and len(free) <= creations:
                    moment = datetime.combine(day, at)
                    free.append((load.local_text(moment), load.local_text(moment + timedelta(hours=1))))
        if len(free) <= creations:
            raise RuntimeError(f"only {len(free)} free slots for {creations} creations on {room.name}")

        next_week = today + timedelta(days=7)
        search_day = next(weekdays_from(next_week - timedelta(days=next_week.weekday()) + timedelta(days=1), 1))
        facts = {
            "app": str(Path(sys.modules["app"].__file__).parent),
            # None: a setting this version of the app does not have.
            "argon2": {
                name.removeprefix("ARGON2_").lower(): app.config.get(name)
                for name in ("ARGON2_MEMORY_COST", "ARGON2_TIME_COST", "ARGON2_PARALLELISM", "ARGON2_MAX_CONCURRENT")
            },
            "resource_id": room.id,
            "resource": room.name,
            "venue": VENUE,
            "password": DEMO_PASSWORD,
            "member": booker.email,
            "manager": MANAGER,
            "owners": [u.email for u in owners],
            "accounts": [a.email for a in DEMO_ACCOUNTS],
            "bookings": {"preloaded": len(rows), "future": in_future, "past": len(rows) - in_future},
            "pending_requests": pending,
            "free_slots": free,
            "week": iso_week(next_week),
            "period": (
                load.local_text(datetime.combine(search_day, clock(14))),
                load.local_text(datetime.combine(search_day, clock(16))),
            ),
        }
        db.session.remove()  # no transaction left open: SQLite's checkpoint would wait for it
        # The steady state, not the bulk load: PostgreSQL's statistics, SQLite's log folded in.
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        else:
            raw = db.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        db.session.remove()
        db.engine.dispose()
    return facts


def in_fresh_process(function, *arguments):
    """Call ``function`` in a new Python process (spawned, not forked): the app built there alone."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *arguments).result()


# --- gunicorn -----------------------------------------------------------------------------------------


def start_gunicorn(folder: Path, port: int, threads: int = 1) -> subprocess.Popen:
    """gunicorn as in production (its settings file) serving bench/http_wsgi.py, logs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    workers = 1 if threads > 1 else WORKERS
    command = [
        *load.gunicorn_command(folder),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--max-requests",
        "0",  # no worker renewed in the middle of a measure
    ]
    if threads > 1:
        command += ["--threads", str(threads), "--worker-class", "gthread"]
    output = (folder / "output.log").open("w")
    try:
        return subprocess.Popen(
            [*command, "bench.http_wsgi:create_bench_app()"],
            cwd=ROOT,
            env={**os.environ, "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches this script only, which stops gunicorn itself
        )
    finally:
        output.close()  # the child has its own copy


def children(master: int) -> list[int]:
    """The processes whose parent is ``master`` (gunicorn's workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry))
    return sorted(found)


def memory_of(pid: int) -> dict[str, int]:
    """VmHWM (peak resident memory) and VmRSS of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            values[name] = int(rest.split()[0])
    return values


def access_log(folder: Path) -> dict[str, list[tuple[str, float]]]:
    """Status and time in the worker (ms) of each request, by the kind the client named."""
    found: dict[str, list[tuple[str, float]]] = defaultdict(list)
    path = folder / "access.log"
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            kind, status, microseconds = (line.split() + ["", "", ""])[:3]
            if microseconds.isdigit():
                found[kind].append((status, int(microseconds) / 1000))
    return found


# --- the client -----------------------------------------------------------------------------------------


def log_in(browser: load.Browser, email: str, password: str) -> None:
    """The log-in form sent as a browser does, then the page it leads to (the flash message shown)."""
    page = browser.send("warm_up", "GET", "/compte/connexion")
    form = load.form_to(page.body, "/compte/connexion") if page and page.status == 200 else None
    if form is None:
        raise RuntimeError("no log-in form on /compte/connexion")
    answer = browser.send("login", "POST", "/compte/connexion", form.values(email=email, password=password), (303,))
    if answer is None or answer.status != 303:
        raise RuntimeError(f"{email} could not log in")
    browser.send("warm_up", "GET", answer.location or "/")


def cookie_header(browser: load.Browser) -> str:
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def create_bookings(browser: load.Browser, resource_id: int, slots: list[tuple[str, str]]) -> Counter:
    """Book each slot through the form: GET it, POST it, open the booking it leads to."""
    path = f"/ressources/{resource_id}/reserver"
    outcomes: Counter[str] = Counter()
    for starts_at, ends_at in slots:
        page = browser.send("book_form", "GET", f"{path}?{urlencode({'debut': starts_at, 'fin': ends_at})}")
        form = load.form_to(page.body, path) if page is not None and page.status == 200 else None
        if form is None:
            outcomes["no_form"] += 1
            continue
        typed = {"starts_at": starts_at, "ends_at": ends_at, "purpose": "Banc d'essai HTTP"}
        answer = browser.send("book", "POST", path, form.values(**typed), (303, 422))
        if answer is not None and answer.status == 303:
            outcomes["created"] += 1
            browser.send("booking", "GET", answer.location)
        elif answer is not None:  # the slot was checked free: a refusal is an error here
            outcomes["refused"] += 1
            reasons = " ".join(load.error_texts(answer.body)) or load.snippet(answer.body)
            browser.recorder.error(f"book: POST {path} for {starts_at}: {answer.status} {reasons[:200]}")
    return outcomes


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk_milliseconds(text: str) -> float | None:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return round(float(found.group(1)) * WRK_UNITS[found.group(2)], 2) if found else None


def run_wrk(url: str, headers: dict[str, str], seconds: float) -> dict:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds:g}s", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    out = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
    percentiles = {f"p{p}_ms": wrk_milliseconds(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(rate.group(1)) if rate else None,
        "requests": int(total.group(1)) if total else None,
        "latency_ms": percentiles,
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {},
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def run_python_client(address: tuple[str, int], path: str, headers: dict[str, str], seconds: float) -> dict:
    """wrk's measure with 8 threads of this process, one connection per request (sync workers close them)."""
    times: list[float] = []
    failures = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection(*address, timeout=30)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    failures[type(error).__name__] += 1
                continue
            finally:
                connection.close()
            with lock:
                times.append((time.perf_counter() - started) * 1000)
                if status >= 400:
                    failures[str(status)] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(WRK_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    figures = load.percentiles(times)
    return {
        "requests_per_s": round(len(times) / elapsed, 2),
        "requests": len(times),
        "latency_ms": {"p50_ms": figures["p50_ms"], "p99_ms": figures["p99_ms"]},
        "socket_errors": dict(failures),
        "non_2xx_3xx": sum(count for name, count in failures.items() if name.isdigit()),
    }


def cpu_ticks() -> tuple[int, int] | None:
    """The machine's busy and total CPU ticks (/proc/stat), to tell how busy the cores were."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def throughput(args, address, master: int, paths: dict[str, str], cookies: dict[str, str]) -> dict:
    """Each GET page and the bare route (before and after the pages) under wrk -t2 -c8, logged in."""
    figures = {}
    order = ["bare_before", *PAGES, "bare_after"]
    for name in order:
        kind = name.removesuffix("_before").removesuffix("_after")
        headers = {"Cookie": cookies[kind], "Accept-Language": "fr", "X-Bench-Kind": f"tp_{name}"}
        if kind == "week":
            headers.update(HTMX_WEEK)
        cpu_before, ticks_before = load.cpu_seconds(master), cpu_ticks()
        if args.client == "wrk":
            result = run_wrk(f"http://{address[0]}:{address[1]}{paths[kind]}", headers, args.seconds)
        else:
            result = run_python_client(address, paths[kind], headers, args.seconds)
        cpu_after, ticks_after = load.cpu_seconds(master), cpu_ticks()
        if cpu_before is not None and cpu_after is not None and result["requests"]:
            result["worker_cpu_ms_per_request"] = round((cpu_after - cpu_before) * 1000 / result["requests"], 2)
        if ticks_before and ticks_after and ticks_after[1] > ticks_before[1]:
            busy = (ticks_after[0] - ticks_before[0]) / (ticks_after[1] - ticks_before[1])
            result["machine_cpu_busy"] = round(busy, 2)
        result["load_average_1min"] = load_sample()
        figures[name] = result
    rates = [figures[n]["requests_per_s"] for n in ("bare_before", "bare_after") if figures[n]["requests_per_s"]]
    bare = round(sum(rates) / len(rates), 2) if rates else None
    costs = [figures[n].get("worker_cpu_ms_per_request") for n in ("bare_before", "bare_after")]
    cost = round(sum(costs) / len(costs), 2) if all(costs) else None
    figures["bare"] = {"requests_per_s": bare, "runs": rates, "worker_cpu_ms_per_request": cost}
    for name in PAGES:
        rate, spent = figures[name]["requests_per_s"], figures[name].get("worker_cpu_ms_per_request")
        figures[name]["ratio_to_bare"] = round(rate / bare, 2) if bare and rate else None
        # The same ratio from the CPU time the workers spent per request: less moved by other work.
        figures[name]["cpu_ratio_to_bare"] = round(cost / spent, 2) if cost and spent else None
        figures[name]["meets_goal"] = bool(figures[name]["ratio_to_bare"] and figures[name]["ratio_to_bare"] >= 0.5)
    return figures


def statuses(log: dict[str, list[tuple[str, float]]], prefix: str) -> dict[str, dict[str, int]]:
    return {
        kind.removeprefix(prefix): dict(Counter(status for status, _ in rows))
        for kind, rows in sorted(log.items())
        if kind.startswith(prefix)
    }


def memory(folder: Path, facts: dict) -> dict:
    """One worker with 8 threads: its peak resident memory before and after 8 log-ins at once."""
    port = load.free_port()
    server = start_gunicorn(folder, port, threads=LOGINS)
    try:
        load.wait_until_ready(server, port, folder)
        address = ("127.0.0.1", port)
        recorder = load.Recorder()
        load.Browser(address, recorder).send("warm_up", "GET", "/compte/connexion")
        workers = children(server.pid)
        if len(workers) != 1:
            raise RuntimeError(f"gunicorn --workers 1 has {len(workers)} child processes: {workers}")
        worker = workers[0]
        accounts = facts["accounts"][:LOGINS]
        browsers = [load.Browser(address, recorder) for _ in accounts]
        ready, go = threading.Barrier(len(accounts) + 1), threading.Event()
        logged_in: list[str] = []

        def log_in_now(browser: load.Browser, email: str) -> None:
            page = browser.send("memory_form", "GET", "/compte/connexion")
            form = load.form_to(page.body, "/compte/connexion") if page and page.status == 200 else None
            ready.wait()
            go.wait()
            if form is not None:
                values = form.values(email=email, password=facts["password"])
                answer = browser.send("memory_login", "POST", "/compte/connexion", values, (303,))
                if answer is not None and answer.status == 303:
                    logged_in.append(email)

        threads = [
            threading.Thread(target=log_in_now, args=(b, e), daemon=True)
            for b, e in zip(browsers, accounts, strict=True)
        ]
        for thread in threads:
            thread.start()
        ready.wait(timeout=60)
        before = memory_of(worker)
        started = time.perf_counter()
        go.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.perf_counter() - started
        after = memory_of(worker)
        return {
            "server": f"gunicorn, 1 gthread worker, {LOGINS} threads",
            "logins": len(accounts),
            "logged_in": len(logged_in),
            "logins_wall_s": round(elapsed, 2),
            "login_ms": load.percentiles(recorder.times.get("memory_login", [])),
            "peak_rss_mib": {"before": mib(before.get("VmHWM")), "after": mib(after.get("VmHWM"))},
            "peak_rss_growth_mib": mib(after.get("VmHWM", 0) - before.get("VmHWM", 0)),
            "rss_mib": {"before": mib(before.get("VmRSS")), "after": mib(after.get("VmRSS"))},
            "argon2": facts["argon2"],
            "errors": recorder.errors,
            "first_errors": recorder.first_errors,
        }
    finally:
        load.stop_gunicorn(server)


# --- the SQL statements of each request (Flask's test client, no gunicorn) ---------------------------


def count_statements(facts: dict, paths: dict[str, str]) -> dict:
    """Run in a process of its own: each request once more through Flask's test client, its SQL
    statements counted by a ``before_cursor_execute`` listener, the most repeated one named."""
    from sqlalchemy import event
    from werkzeug.datastructures import MultiDict

    from app.extensions import db
    from bench.http_wsgi import create_bench_app

    app = create_bench_app()
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda _c, _k, sql, *_: statements.append(sql))
    headers = {"Accept-Language": "fr"}
    counts: dict[str, dict] = {}

    def send(client, kind: str, method: str, path: str, **options):
        statements.clear()
        answer = client.open(path, method=method, headers={**headers, **options.pop("headers", {})}, **options)
        repeated = Counter(" ".join(sql.split()) for sql in statements).most_common(1)
        counts[kind] = {
            "status": answer.status_code,
            "statements": len(statements),
            "distinct": len(set(statements)),
            "most_repeated": {"times": repeated[0][1], "sql": repeated[0][0][:160]} if repeated else None,
        }
        return answer

    def logged_in(email: str):
        client = app.test_client()
        page = client.get("/compte/connexion", headers=headers)
        form = load.form_to(page.get_data(as_text=True), "/compte/connexion")
        values = form.values(email=email, password=facts["password"])
        answer = send(client, "login", "POST", "/compte/connexion", data=MultiDict(values))
        client.get(urlsplit(answer.headers.get("Location", "/")).path or "/", headers=headers)
        return client

    member = logged_in(facts["member"])
    starts_at, ends_at = facts["free_slots"][-1]
    book = f"/ressources/{facts['resource_id']}/reserver"
    page = send(member, "book_form", "GET", f"{book}?{urlencode({'debut': starts_at, 'fin': ends_at})}")
    form = load.form_to(page.get_data(as_text=True), book)
    if form is not None:
        values = form.values(starts_at=starts_at, ends_at=ends_at, purpose="Banc d'essai HTTP (SQL)")
        answer = send(member, "book", "POST", book, data=MultiDict(values))
        send(member, "booking", "GET", urlsplit(answer.headers.get("Location", "/")).path)
    send(member, "week", "GET", paths["week"], headers=HTMX_WEEK)
    for kind in ("resource", "catalogue", "bare"):
        send(member, kind, "GET", paths[kind])
    send(logged_in(facts["manager"]), "desk", "GET", paths["desk"])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return counts


# --- one database -------------------------------------------------------------------------------------


def restore_environment(saved: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(saved)


def environment(folder: Path, url: str) -> dict[str, str]:
    """bench/load.py's settings of the app under test, with this tree's app first on the path."""
    return load.server_environment(folder, url) | {
        "CHECK_MIGRATIONS": "1",
        "PYTHONPATH": str(ROOT),  # this tree's app, whatever the virtual environment has installed
    }


def bench_database(args, database: str, sizes: dict) -> dict:
    started = time.monotonic()
    pid = os.getpid()
    with tempfile.TemporaryDirectory(prefix=f"fnt-http-{database}-") as temporary, contextlib.ExitStack() as cleanup:
        folder = Path(temporary)
        if database == "postgresql":
            server_url = re.sub(r"^(postgres|postgresql\+psycopg)://", "postgresql://", args.postgres_url)
            name = f"fnt_http_{pid}"
            url = load.database_url(server_url, name)
            load.create_database(server_url, name)
            cleanup.callback(load.drop_database, server_url, name)
            where = f"database {name} on {urlsplit(server_url).hostname}"
        else:
            url = f"sqlite:///{folder / 'fnt.db'}"
            where = f"SQLite file {folder / 'fnt.db'}"
        cleanup.callback(restore_environment, dict(os.environ))
        os.environ.update(environment(folder, url))
        say(f"[{database}] {where}: migrations, demo data, {sizes['bookings']:,} bookings…")
        load.flask("db", "upgrade")
        load.flask("demo", "load")
        facts = in_fresh_process(prepare, url, sizes["bookings"], sizes["requests"])
        setup_s = round(time.monotonic() - started, 1)
        rid = facts["resource_id"]
        debut, fin = facts["period"]
        paths = {
            "week": f"/ressources/{rid}?semaine={facts['week']}",
            "resource": f"/ressources/{rid}",
            "catalogue": "/ressources/?" + urlencode({"debut": debut, "fin": fin}),
            "desk": "/gestion/demandes",
            "bare": BARE_PATH,
        }

        port = load.free_port()
        pages_folder = folder / "pages"
        server = start_gunicorn(pages_folder, port)
        cleanup.callback(load.stop_gunicorn, server)
        load.wait_until_ready(server, port, pages_folder)
        address = ("127.0.0.1", port)
        recorder = load.Recorder()
        member, manager = load.Browser(address, recorder), load.Browser(address, recorder)
        log_in(member, facts["member"], facts["password"])
        log_in(manager, facts["manager"], facts["password"])
        for _ in range(2 * WORKERS):  # each worker's templates loaded, the session's CSRF token set
            for kind in ("week", "resource", "catalogue", "bare"):
                member.send("warm_up", "GET", paths[kind], extra_headers=HTMX_WEEK if kind == "week" else None)
            member.send("warm_up", "GET", f"/ressources/{rid}/reserver")
            desk = manager.send("warm_up", "GET", paths["desk"])
        pending_shown = len(set(re.findall(r"/gestion/demandes/(\d+)/valider", desk.body if desk else "")))
        week = member.send("warm_up", "GET", paths["week"], extra_headers=HTMX_WEEK)
        if week is not None and "<html" in week.body.lower():
            recorder.error("week: the htmx request got the whole page, not the calendar's fragment")
        say(f"[{database}] gunicorn on 127.0.0.1:{port}: latency, {sizes['requests']} requests each…")

        load_before = load_sample()
        outcomes = create_bookings(member, rid, [tuple(slot) for slot in facts["free_slots"][: sizes["requests"]]])
        for kind in PAGES + ("bare",):
            browser = manager if kind == "desk" else member
            for _ in range(sizes["requests"]):
                browser.send(kind, "GET", paths[kind], extra_headers=HTMX_WEEK if kind == "week" else None)
        say(f"[{database}] throughput: {args.client}, {len(PAGES) + 2} runs of {args.seconds:g} s…")
        cookies = {kind: cookie_header(manager if kind == "desk" else member) for kind in (*PAGES, "bare")}
        rates = throughput(args, address, server.pid, paths, cookies)
        load.stop_gunicorn(server)
        log = access_log(pages_folder)
        problems = load.server_problems(pages_folder)

        say(f"[{database}] memory: {LOGINS} log-ins at once on 1 worker with {LOGINS} threads…")
        memory_folder = folder / "memory"
        memory_figures = memory(memory_folder, facts)
        problems += load.server_problems(memory_folder)
        say(f"[{database}] SQL statements per request (test client)…")
        sql = in_fresh_process(count_statements, facts, paths)

        tp_statuses = statuses(log, "tp_")
        tp_errors = sum(n for counts in tp_statuses.values() for s, n in counts.items() if s != "200")
        sql_errors = [f"{kind}: {line['status']}" for kind, line in sql.items() if line["status"] >= 400]
        errors = recorder.errors + memory_figures["errors"] + tp_errors + len(sql_errors) + len(problems)
        if outcomes["created"] != sizes["requests"]:
            errors += 1
        return {
            "database": database,
            "setup_s": setup_s,
            "app": facts["app"],
            "resource": {"id": rid, "name": facts["resource"], "venue": facts["venue"]},
            "bookings": facts["bookings"],
            "pending_requests": facts["pending_requests"],
            "pending_shown_on_desk": pending_shown,
            "member": facts["member"],
            "manager": facts["manager"],
            "owners": facts["owners"],
            "paths": paths,
            "creations": dict(outcomes),
            "latency_ms": {kind: load.percentiles(recorder.times.get(kind, [])) for kind in LATENCY_KINDS},
            "worker_ms": {kind: load.percentiles([ms for status, ms in log.get(kind, [])]) for kind in LATENCY_KINDS},
            "throughput": rates,
            "throughput_statuses": tp_statuses,
            "memory": memory_figures,
            "sql_statements": sql,
            "errors": errors,
            "first_errors": (recorder.first_errors + memory_figures["first_errors"] + sql_errors)[:10],
            "server_log_problems": problems[:5],
            "load_average_1min": {"before_latency": load_before, "after": load_sample()},
            "elapsed_s": round(time.monotonic() - started, 1),
        }


# --- the report -------------------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, flush=True)


def figure(value, width: int = 8, decimals: int = 1) -> str:
    return f"{'-' if value is None else f'{value:.{decimals}f}':>{width}}"


def show(results: dict) -> None:
    print()
    print(
        f"client: {results['client']}; load average (1 min) during the run: {results['load_average_1min']}; "
        f"{results['cores']} cores"
    )
    for database, line in results["databases"].items():
        b = line["bookings"]
        print(
            f"\n== {database}: {b['preloaded']:,} bookings on « {line['resource']['name']} » "
            f"({b['future']} to come, {b['past']} past), {line['pending_requests']} pending requests "
            f"({line['pending_shown_on_desk']} on the desk); set up in {line['setup_s']} s"
        )
        print(f"latency, one request at a time (ms)       {'p50':>8} {'p95':>8} {'p99':>8}   worker p50")
        for kind in LATENCY_KINDS:
            f, w = line["latency_ms"][kind], line["worker_ms"][kind]
            if f["count"]:
                label = {"book": "book (POST of the form)", "book_form": "book_form (GET)"}.get(kind, kind)
                print(
                    f"  {label:<24} n={f['count']:<5}    {figure(f['p50_ms'])} {figure(f['p95_ms'])} "
                    f"{figure(f['p99_ms'])}   {figure(w['p50_ms'])}"
                )
        rates = line["throughput"]
        print(
            f"throughput, logged in ({results['client']}, {WRK_CONNECTIONS} connections):"
            f"{'req/s':>9} {'/bare':>6} {'CPU ms/req':>11} {'by CPU':>7} {'p50 ms':>8}"
        )
        bare = rates["bare"]
        print(
            f"  {'bare (' + ', '.join(f'{r:g}' for r in bare['runs']) + ' req/s)':<48}{figure(bare['requests_per_s'], 9)}"
            f" {'':>6} {figure(bare['worker_cpu_ms_per_request'], 11, 2)}"
        )
        for name in PAGES:
            r = rates[name]
            print(
                f"  {name:<48}{figure(r['requests_per_s'], 9)} {figure(r['ratio_to_bare'], 6, 2)} "
                f"{figure(r.get('worker_cpu_ms_per_request'), 11, 2)} {figure(r['cpu_ratio_to_bare'], 7, 2)} "
                f"{figure(r['latency_ms'].get('p50_ms'), 8)}  {'goal met' if r['meets_goal'] else 'below 0.5'}"
            )
        m = line["memory"]
        print(
            f"memory ({m['server']}): {m['logged_in']}/{m['logins']} log-ins at once in {m['logins_wall_s']} s; "
            f"peak RSS {m['peak_rss_mib']['before']} → {m['peak_rss_mib']['after']} MiB "
            f"(+{m['peak_rss_growth_mib']} MiB)"
        )
        print(
            "SQL statements per request: "
            + ", ".join(f"{k} {v['statements']}" for k, v in line["sql_statements"].items())
        )
        for kind, v in line["sql_statements"].items():
            if v["most_repeated"] and v["most_repeated"]["times"] > 2:
                print(f"  {kind}: {v['most_repeated']['times']} times: {v['most_repeated']['sql'][:110]}")
        print(f"errors: {line['errors']}")
        for text in line["first_errors"] + line["server_log_problems"]:
            print(f"  {text}")
    print("\nOK" if results["ok"] else "\nFAILED: some requests failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 bookings, n=20, wrk 5 s: about a minute a database")
    parser.add_argument("--json", action="store_true", help="print every figure as one JSON object on the last line")
    parser.add_argument("--database", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument(
        "--postgres-url",
        default=load.DEFAULT_SERVER,
        help="a PostgreSQL server, through a database used to create and drop the bench's own (default: %(default)s)",
    )
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto", help="the throughput client")
    parser.add_argument("--bookings", type=int, help="approved bookings on the measured room (1,000; --quick 200)")
    parser.add_argument("--requests", type=int, help="requests of each latency figure, creations included (100; 20)")
    parser.add_argument("--seconds", type=float, help="seconds of each throughput run (15; --quick 5)")
    args = parser.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    if sizes["bookings"] < 10 or sizes["requests"] < 1 or sizes["seconds"] <= 0:
        parser.error("--bookings must be at least 10, --requests at least 1 and --seconds positive")
    args.seconds = sizes["seconds"]
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk); use --client python")
    client = "python threads (8)"
    if args.client == "wrk":
        version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0]
        client = version.strip() or "wrk"

    # SIGTERM ends the run like Ctrl-C: servers stopped, databases dropped, folders deleted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    watch = LoadWatch()
    watch.start()
    results: dict = {
        "benchmark": "http",
        "quick": args.quick,
        "sizes": sizes,
        "client": client,
        "wrk": {"threads": WRK_THREADS, "connections": WRK_CONNECTIONS, "seconds": args.seconds},
        "server": f"gunicorn {metadata.version('gunicorn')}, {WORKERS} sync workers, bench.http_wsgi",
        "code": code_version(),
        "cores": os.cpu_count(),
        "uptime_at_start": uptime(),
        "databases": {},
    }
    chosen = ["postgres", "sqlite"] if args.database == "both" else [args.database]
    for database in chosen:
        results["databases"][DATABASES[database]] = bench_database(args, DATABASES[database], sizes)
    watch.stopped.set()
    results["uptime_at_end"] = uptime()
    results["load_average_1min"] = watch.figures()
    results["ok"] = all(line["errors"] == 0 for line in results["databases"].values())
    show(results)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0 if results["ok"] else 1


def code_version() -> dict:
    """The commit of the tree measured, and whether app/ differs from it."""

    def git(*arguments: str) -> str:
        try:
            done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    return {
        "commit": commit or None,
        "app_changed": bool(git("status", "--porcelain", "--", "app")) if commit else None,
    }


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # everything is undone by then
        print("interrupted", file=sys.stderr)
        sys.exit(130)
