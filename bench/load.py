"""Load benchmark of the whole service: simulated people on gunicorn and PostgreSQL, over HTTP.

Usage (from the project folder):

    .venv/bin/python bench/load.py                 # 20 people (2 of them venue managers) for 60 s
    .venv/bin/python bench/load.py --quick         # 8 people (2 managers) for 15 s, under a minute in all
    .venv/bin/python bench/load.py --json          # the last line is one JSON object with every figure
    .venv/bin/python bench/load.py --database-url postgresql://user:secret@host:5432/postgres  # another server
    .venv/bin/python bench/load.py --think-ms 0    # no pause between requests: the server's capacity
    .venv/bin/python bench/load.py --users 40 --managers 4 --duration 120
    .venv/bin/python bench/load.py --bare-path /projets/envoyee   # another template-only route as the yardstick

It creates a PostgreSQL database of its own (``fnt_load_<pid>``) on the server of
``--database-url`` (by default postgresql://postgres@127.0.0.1:5432/postgres, whose database
serves only to create and drop it), applies the migrations (``flask db upgrade``), loads the
demo consortium (``flask demo load``) and starts gunicorn as in production (``gunicorn -c
gunicorn.conf.py wsgi:app``, 2 sync workers on a free loopback port) with the log-in rate
limit off, the instance folder and the logs in a temporary folder, and the emails queued in
the outbox as in production (where ``flask outbox send --loop`` sends them). gunicorn is
stopped, the database dropped and the folder deleted at the end, after a failure, Ctrl-C or
SIGTERM too.

Before the run the booking engine itself (``service.check_booking``, in this process) says
which demo member may book which resource (audience, training, capacity), so that the
members ask for what they could really book. Each simulated person is a thread with its own
cookies; they arrive one after the other over the first 5 seconds (a sixth of a shorter run)
and pause 0.5 to 1.5 times ``--think-ms`` (1 s) after each answer, so that 20 of them keep
the two workers busy about half the time (``--think-ms 0`` saturates them):

- members (the demo member accounts, shared when there are more people than accounts) log
  in (CSRF token scraped from the form), then visit again and again: the catalogue
  (``/ressources/``), a date-first search (``?debut=…&fin=…``, half the time with a kind), a
  resource's page, its booking form (GET, then POST ``/ressources/<id>/reserver``) for a
  random slot within the resource's opening hours (Europe/Paris), notice, grid and
  durations, over the four days after its notice, so that many requests succeed and some
  collide (a slot taken: one more try), "Mes réservations", and after one visit in three
  the cancellation of one of their bookings (the form of ``/reservations/<id>``);
- managers (the demo managers of the venues that get the most requests) open the desk
  (``/gestion/demandes``) and approve its pending requests one at a time with its form;
- a probe times ``BARE_PATH`` anonymously every 200 ms: a route of the same app that renders
  a template without touching the database, the floor of what a page costs. When it does not
  answer 200 (not in the app yet), the bare figures and the ratios are null, with a note.

Redirects are followed as a browser does, each answer timed under its own kind. A booking
refused because the slot is taken (422 with the engine's message) and an approval refused
for the same reason are outcomes, not errors; an error is a 5xx, a connection failure or any
other unexpected status.

Figures: requests per second; per kind of request, the 50th, 95th and 99th percentiles of
the latency seen by the client (to send the request and read the whole answer: the wait for
a free worker included) and of the time spent in the worker (gunicorn's access log, without
that wait); the errors, the first ones described; the outcomes (booked, slot taken,
cancelled, approved…); the double bookings left in the database, counted by SQL: pairs of
bookings of a space or a machine that both hold their slot (approved or handed over) over
overlapping periods (buffers included, as the engine holds them), and the moments when a
kit's holding bookings use more units than it has; each kind's median over the bare route's
median, for both times; the CPU time of the gunicorn workers and of this client, which share
the machine's cores. The exit code is 1 when there is an error or a double booking.
"""

from __future__ import annotations

import abc
import argparse
import contextlib
import html
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A route that renders a small template without any database access, reachable anonymously.
BARE_PATH = "/sante/gabarit"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PARIS = ZoneInfo("Europe/Paris")
FULL = {"users": 20, "managers": 2, "duration": 60.0}
QUICK = {"users": 8, "managers": 2, "duration": 15.0}
THINK_MS = 1000  # mean pause of a person between two requests (uniform, 0.5 to 1.5 times this)
WINDOW_DAYS = 4  # members book over these days, from each resource's notice on: some ask for the same slot
LONGEST_MINUTES = 180  # longest booking asked for, unless the resource's minimum is longer
CANCEL_SHARE = 0.3  # share of visits that end with the cancellation of one of the member's bookings
RAMP_SECONDS = 5.0  # people arrive one after the other over this time (at most a sixth of the run)
BARE_INTERVAL = 0.2  # seconds between two probes of the bare route
REQUEST_TIMEOUT = 60.0  # seconds; gunicorn kills a request after 40
FIRST_ERRORS = 10
# gunicorn's access log: the kind of request (a header this client sends), the status, the time in µs
# the worker took (from the request read to the answer sent: the wait for a free worker is not in it).
ACCESS_FORMAT = "%({x-bench-kind}i)s %(s)s %(D)s"
# The engine's words for a slot that is taken (app/bookings/errors.py: already_booked, not_enough_units).
TAKEN_MESSAGES = ("Ce créneau est déjà réservé", "Il ne reste que")
KINDS = (
    "login_form",
    "login",
    "home",
    "catalogue",
    "search",
    "resource",
    "book_form",
    "book",
    "booking",
    "my_bookings",
    "cancel",
    "desk",
    "approve",
    "bare",
)
APPROVE_ACTION = re.compile(r"/gestion/demandes/(\d+)/valider")
BOOKING_PATH = re.compile(r"/reservations/(\d+)")
STATUS_CLASS = re.compile(r'class="status status-([a-z_]+)"')
ERROR_TEXT = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


# --- the plan: who books what, when ----------------------------------------------------------------


@dataclass
class Bookable:
    """What a member needs to ask for a resource: its kind, units, rules of time and opening hours."""

    id: int
    venue_id: int
    kind: str
    units: int
    slot_minutes: int
    min_minutes: int
    max_minutes: int | None
    notice_minutes: int
    horizon_days: int
    hours: dict[int, list[tuple[int, int]]]  # weekday → opening intervals, in minutes of the day (Paris)

    def random_slot(self, rng: random.Random) -> tuple[datetime, datetime] | None:
        """A random period (naive, Paris wall-clock) that the resource's rules allow, or None.

        Starts and lengths are whole hours where the resource's grid allows it, so that
        people ask for the same slots as often as they do for real."""
        local_now = datetime.now(PARIS).replace(tzinfo=None)
        earliest = local_now + timedelta(minutes=self.notice_minutes + 60)  # margin: sent seconds later
        last_day = min(
            earliest.date() + timedelta(days=WINDOW_DAYS), (local_now + timedelta(days=self.horizon_days - 1)).date()
        )
        if last_day < earliest.date():
            return None
        step = 60 if 60 % self.slot_minutes == 0 else self.slot_minutes
        shortest = -(-self.min_minutes // step) * step
        longest = max(shortest, LONGEST_MINUTES)
        if self.max_minutes is not None:
            longest = min(longest, self.max_minutes)
        lengths = list(range(shortest, longest + 1, step))
        if not lengths:
            return None
        for _ in range(40):
            day = earliest.date() + timedelta(days=rng.randint(0, (last_day - earliest.date()).days))
            intervals = self.hours.get(day.weekday())
            if not intervals:
                continue
            opens, closes = rng.choice(intervals)
            length = rng.choice(lengths)
            midnight = datetime.combine(day, clock())
            first = -(-opens // step) * step
            starts = [
                minute
                for minute in range(first, closes - length + 1, step)
                if midnight + timedelta(minutes=minute) >= earliest
            ]
            if starts:
                start = midnight + timedelta(minutes=rng.choice(starts))
                return start, start + timedelta(minutes=length)
        return None


@dataclass
class Plan:
    password: str
    resources: dict[int, Bookable]
    members: dict[str, list[int]]  # member's email → the resources the engine lets them book
    managers: list[str]  # managers' emails, the busiest venues first


def make_plan(database_url: str, rng: random.Random) -> Plan:
    """Ask the booking engine, in this process, which demo member may book which resource."""
    from app import create_app
    from app.bookings import service
    from app.bookings.hours import hours_for, intervals_on
    from app.config import normalise_database_url
    from app.core.clock import paris_to_utc
    from app.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
    from app.extensions import db
    from app.models import Resource, User, Venue, VenueRole

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url), "CHECK_MIGRATIONS": False, "TESTING": True}
    )
    with app.app_context():
        found = db.session.scalars(db.select(Resource).where(Resource.is_active.is_(True)).order_by(Resource.id)).all()
        rows = hours_for(found)
        resources = {}
        for resource in found:
            hours = {}
            for weekday in range(7):
                intervals = [
                    (opens.hour * 60 + opens.minute, 24 * 60 if closes is None else closes.hour * 60 + closes.minute)
                    for opens, closes in intervals_on(rows[resource.id], weekday)
                ]
                if intervals:
                    hours[weekday] = intervals
            resources[resource.id] = Bookable(
                id=resource.id,
                venue_id=resource.venue_id,
                kind=str(resource.kind),
                units=resource.units,
                slot_minutes=resource.slot_minutes,
                min_minutes=resource.min_duration_minutes,
                max_minutes=resource.max_duration_minutes,
                notice_minutes=resource.notice_minutes,
                horizon_days=resource.horizon_days,
                hours=hours,
            )
        managed = {
            account.email: slug
            for account in DEMO_ACCOUNTS
            for slug, role in account.memberships
            if role == VenueRole.MANAGER
        }
        members: dict[str, list[int]] = {}
        waiting: Counter[int] = Counter()  # venue id → (member, resource) pairs left to a manager
        for account in DEMO_ACCOUNTS:
            if account.email in managed or getattr(account, "is_coordinator", False):
                continue
            user = db.session.scalar(db.select(User).where(User.email == account.email))
            if user is None:
                continue
            allowed = []
            for resource in found:
                for _ in range(4):
                    slot = resources[resource.id].random_slot(rng)
                    if slot is None:
                        break
                    start, end = (paris_to_utc(moment.date(), moment.time()) for moment in slot)
                    check = service.check_booking(resource, user, start, end)
                    if check.ok:
                        allowed.append(resource.id)
                        if not check.approved_at_once:
                            waiting[resource.venue_id] += 1
                        break
            if allowed:
                members[account.email] = allowed
        venues = {venue.slug: venue for venue in db.session.scalars(db.select(Venue))}
        managers = sorted(managed, key=lambda email: -waiting[venues[managed[email]].id])
        db.session.remove()
        db.engine.dispose()
    if not members:
        raise RuntimeError("no demo member may book any resource: check the demo data (flask demo load)")
    return Plan(DEMO_PASSWORD, resources, members, managers)


# --- HTTP: a small browser ---------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    body: str


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def values(self, **changes: str) -> list[tuple[str, str]]:
        """What a browser would send, with some fields typed in."""
        sent = [(name, changes.pop(name) if name in changes else value) for name, value in self.fields]
        return sent + list(changes.items())


class FormParser(HTMLParser):
    """The forms of a page, with the values a browser would send (checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: list | None = None  # [name, first option, selected option]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._form = Form(attributes.get("action") or "", (attributes.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._form.fields.append((name, attributes.get("value") or ("on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select is not None:
            value = attributes.get("value") or ""
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attributes:
                self._select[2] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1]).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, chosen = self._select
            self._form.fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "form":
            self._form = None


def forms_of(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


def form_to(page: str, action: str) -> Form | None:
    """The form of the page that posts to ``action`` (a path)."""
    return next((form for form in forms_of(page) if urlsplit(form.action).path == action), None)


def error_texts(page: str) -> list[str]:
    """The messages shown next to the fields of a refused form."""
    texts = (html.unescape(TAG.sub("", text)).strip() for text in ERROR_TEXT.findall(page))
    return [" ".join(text.split()) for text in texts if text]


def snippet(body: str) -> str:
    """A few words of an answer, to describe an error."""
    title = re.search(r"<title>(.*?)</title>", body, re.DOTALL)
    text = html.unescape(TAG.sub(" ", title.group(1) if title else body))
    return " ".join(text.split())[:160]


class Recorder:
    """Every timing, outcome and error, from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.outcomes: Counter[str] = Counter()
        self.errors = 0
        self.first_errors: list[str] = []
        self.refusals: Counter[str] = Counter()  # booking refusals other than a taken slot, by message

    def timing(self, kind: str, milliseconds: float) -> None:
        with self.lock:
            self.times[kind].append(milliseconds)

    def outcome(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] += 1

    def refusal(self, messages: list[str]) -> None:
        with self.lock:
            self.refusals[" ".join(messages)[:200] or "(no message)"] += 1

    def error(self, description: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.first_errors) < FIRST_ERRORS:
                self.first_errors.append(description)


class Browser:
    """One person's browser: its cookies, one connection per request (gunicorn's sync workers close them)."""

    def __init__(self, address: tuple[str, int], recorder: Recorder, keep_cookies: bool = True) -> None:
        self.address = address
        self.recorder = recorder
        self.keep_cookies = keep_cookies
        self.cookies: dict[str, str] = {}

    def send(
        self,
        kind: str,
        method: str,
        path: str,
        form: list[tuple[str, str]] | None = None,
        expect=(200,),
        extra_headers: dict[str, str] | None = None,
    ) -> Response | None:
        """Send one request and time it; None after a connection failure. Unexpected statuses are errors.

        ``extra_headers``: more headers, e.g. those of an htmx request (``HX-Request``, ``HX-Target``)."""
        # The kind goes to gunicorn's access log, which gives each request's time in the worker.
        headers = {"Accept-Language": "fr", "User-Agent": "fnt-partage-bench-load", "X-Bench-Kind": kind}
        headers.update(extra_headers or {})
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(*self.address, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            answer = connection.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as error:
            self.recorder.error(f"{kind}: {method} {path}: {type(error).__name__}: {error}")
            return None
        finally:
            connection.close()
        self.recorder.timing(kind, (time.perf_counter() - started) * 1000)
        if self.keep_cookies:
            self._keep(answer.headers.get_all("Set-Cookie") or [])
        response = Response(
            answer.status, urlsplit(answer.headers.get("Location", "")).path, data.decode(errors="replace")
        )
        if answer.status not in expect:
            self.recorder.error(f"{kind}: {method} {path}: {answer.status} {snippet(response.body)}")
        return response

    def _keep(self, headers: list[str]) -> None:
        for header in headers:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


# --- the people ---------------------------------------------------------------------------------------


def local_text(moment: datetime) -> str:
    """A Paris wall-clock moment as a ``datetime-local`` value."""
    return moment.strftime("%Y-%m-%dT%H:%M")


class Person(threading.Thread, abc.ABC):
    def __init__(self, email: str, plan: Plan, browser: Browser, deadline: float, think: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.email = email
        self.plan = plan
        self.browser = browser
        self.recorder = browser.recorder
        self.deadline = deadline
        self.think = think
        self.rng = random.Random(seed)
        self.arrival = 0.0  # seconds after the start of the run

    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def pause(self, factor: float = 1.0) -> bool:
        """Think a little; False once the run is over."""
        if self.think:
            time.sleep(min(max(self.deadline - time.monotonic(), 0), self.think * factor * self.rng.uniform(0.5, 1.5)))
        return not self.over()

    def get(self, kind: str, path: str) -> Response | None:
        return self.browser.send(kind, "GET", path)

    def follow(self, answer: Response, kind: str) -> Response | None:
        """The page a redirect leads to, as a browser loads it."""
        return self.get(kind, answer.location) if answer.location else None

    def log_in(self) -> bool:
        page = self.get("login_form", "/compte/connexion")
        form = form_to(page.body, "/compte/connexion") if page and page.status == 200 else None
        if form is None:
            if page is not None and page.status == 200:
                self.recorder.error(f"login_form: no log-in form on /compte/connexion for {self.email}")
            return False
        if not self.pause():
            return False
        answer = self.browser.send(
            "login", "POST", "/compte/connexion", form.values(email=self.email, password=self.plan.password), (303,)
        )
        if answer is None or answer.status != 303:
            return False
        self.follow(answer, "home")
        return True

    def run(self) -> None:
        time.sleep(self.arrival)
        try:
            if not self.log_in():
                return
            while self.pause():
                self.visit()
        except Exception as error:  # a bug of this script: say it, do not hide it behind the figures
            self.recorder.error(f"{self.email}: the simulated person stopped: {type(error).__name__}: {error}")

    @abc.abstractmethod
    def visit(self) -> None:
        """One round of this person's requests."""


class Member(Person):
    """Browses, searches, books, looks at their bookings and cancels some of them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = self.plan.members[self.email]
        self.mine: list[int] = []

    def visit(self) -> None:
        resource = self.plan.resources[self.rng.choice(self.allowed)]
        slot = resource.random_slot(self.rng)
        if self.get("catalogue", "/ressources/") is None or not self.pause() or slot is None:
            return
        query = {"debut": local_text(slot[0]), "fin": local_text(slot[1])}
        if self.rng.random() < 0.5:
            query["type"] = resource.kind
        if self.get("search", "/ressources/?" + urlencode(query)) is None or not self.pause():
            return
        if self.get("resource", f"/ressources/{resource.id}") is None or not self.pause():
            return
        if self.book(resource, slot) == "taken" and self.pause():
            slot = resource.random_slot(self.rng)
            if slot is not None:
                self.book(resource, slot)
        if not self.pause() or self.get("my_bookings", "/reservations/") is None:
            return
        if self.mine and self.rng.random() < CANCEL_SHARE and self.pause():
            self.cancel(self.mine.pop(self.rng.randrange(len(self.mine))))

    def book(self, resource: Bookable, slot: tuple[datetime, datetime]) -> str:
        """Open the booking form for the slot and send it: "booked", "taken", "refused" or "failed"."""
        path = f"/ressources/{resource.id}/reserver"
        typed = {"starts_at": local_text(slot[0]), "ends_at": local_text(slot[1]), "purpose": "Banc d'essai de charge"}
        query = {"debut": typed["starts_at"], "fin": typed["ends_at"]}
        if resource.kind == "kit":
            typed["quantity"] = query["quantite"] = str(self.rng.randint(1, max(1, (resource.units + 1) // 2)))
        page = self.get("book_form", f"{path}?{urlencode(query)}")
        if page is None or page.status != 200:
            return "failed"
        form = form_to(page.body, path)
        if form is None:
            self.recorder.error(f"book_form: no booking form on {path}")
            return "failed"
        if not self.pause():
            return "failed"
        answer = self.browser.send("book", "POST", path, form.values(**typed), (303, 422))
        if answer is None or answer.status not in (303, 422):
            return "failed"
        if answer.status == 422:
            messages = error_texts(answer.body)
            if messages and all(any(taken in text for taken in TAKEN_MESSAGES) for text in messages):
                self.recorder.outcome("slot_taken")
                return "taken"
            self.recorder.outcome("refused")
            self.recorder.refusal(messages)
            return "refused"
        found = BOOKING_PATH.fullmatch(answer.location)
        if found is None:
            self.recorder.error(f"book: POST {path}: 303 to {answer.location!r}, not to a booking")
            return "failed"
        self.mine.append(int(found.group(1)))
        shown = self.follow(answer, "booking")
        status = STATUS_CLASS.search(shown.body) if shown is not None else None
        self.recorder.outcome(f"booked_{status.group(1) if status else 'unknown'}")
        return "booked"

    def cancel(self, booking_id: int) -> None:
        page = self.get("booking", f"/reservations/{booking_id}")
        if page is None or page.status != 200:
            return
        path = f"/reservations/{booking_id}/annuler"
        form = form_to(page.body, path)
        if form is None:  # turned down meanwhile (a manager approved a colliding request)
            self.recorder.outcome("nothing_to_cancel")
            return
        if not self.pause():
            return
        answer = self.browser.send("cancel", "POST", path, form.values(reason="Banc d'essai : annulation"), (303, 422))
        if answer is not None and answer.status == 303:
            self.recorder.outcome("cancelled")
            self.follow(answer, "booking")
        elif answer is not None and answer.status == 422:
            self.recorder.outcome("cancel_refused")


class Manager(Person):
    """Opens the desk and approves pending requests, one at a time (the desk's form, without JavaScript)."""

    def visit(self) -> None:
        page = self.get("desk", "/gestion/demandes")
        while page is not None and page.status in (200, 422) and not self.over():
            forms = [form for form in forms_of(page.body) if APPROVE_ACTION.fullmatch(urlsplit(form.action).path)]
            if not forms:
                self.pause(2)  # nothing to decide: come back later
                return
            form = self.rng.choice(forms)
            if not self.pause():
                return
            path = urlsplit(form.action).path
            answer = self.browser.send("approve", "POST", path, form.values(note=""), (303, 422))
            if answer is None or answer.status not in (303, 422):
                return
            if answer.status == 422:  # the slot went to another booking meanwhile: the desk again, with the reason
                self.recorder.outcome("approval_refused")
                page = answer
            else:
                self.recorder.outcome("approved_by_manager")
                page = self.follow(answer, "desk")
            if not self.pause():
                return


class Probe(threading.Thread):
    """Times the bare route now and then, anonymously."""

    def __init__(self, browser: Browser, path: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.browser, self.path, self.deadline = browser, path, deadline

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            self.browser.send("bare", "GET", self.path)
            time.sleep(BARE_INTERVAL)


# --- the database and the server ------------------------------------------------------------------


def server_environment(folder: Path, url: str) -> dict[str, str]:
    """The settings of the app under test (also used by bench/http.py): development mode (production
    refuses SQLite; the pages are the same), no rate limit, no email sent."""
    return {
        "FLASK_APP": "app",
        "FNT_ENV": "development",
        "DATABASE_URL": url,
        "FNT_INSTANCE_PATH": str(folder / "instance"),
        "OUTBOX_DIR": str(folder / "instance" / "outbox"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "false",
        "MAIL_ECHO": "false",
        "SMTP_HOST": "",
        # As in production: the emails wait in the outbox for `flask outbox send --loop`.
        "OUTBOX_DELIVER_ON_COMMIT": "false",
    }


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return parts._replace(path=f"/{name}").geturl()


def connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def create_database(server_url: str, name: str) -> None:
    with connect(server_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server_url: str, name: str) -> None:
    with connect(server_url) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tool(name: str) -> str:
    """A command of the virtual environment that runs this script."""
    return str(Path(sys.executable).with_name(name))


def flask(*arguments: str) -> None:
    done = subprocess.run([tool("flask"), *arguments], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")


def gunicorn_command(folder: Path) -> list[str]:
    """gunicorn with the production settings file, its logs in ``folder`` (also used by bench/http.py)."""
    command = [
        tool("gunicorn"),
        "-c",
        "gunicorn.conf.py",
        "--access-logfile",
        str(folder / "access.log"),
        "--access-logformat",
        ACCESS_FORMAT,
        "--error-logfile",
        str(folder / "error.log"),
    ]
    if int(metadata.version("gunicorn").split(".")[0]) >= 23:
        command.append("--no-control-socket")  # no shared socket in ~/.gunicorn with another gunicorn
    return command


def start_gunicorn(folder: Path, port: int, output) -> subprocess.Popen:
    command = gunicorn_command(folder)
    # Its own session: Ctrl-C reaches this script only, which stops gunicorn itself.
    return subprocess.Popen(
        [*command, "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(server: subprocess.Popen, port: int, folder: Path, timeout: float = 60.0) -> None:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit code {server.returncode}):\n{log_tail(folder)}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{log_tail(folder)}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # graceful: the workers finish their request
        try:
            server.wait(timeout=35)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def server_log(folder: Path) -> list[str]:
    """gunicorn's log, then what gunicorn and the app wrote to their output."""
    return [
        line
        for name in ("error.log", "output.log")
        if (folder / name).exists()
        for line in (folder / name).read_text(errors="replace").splitlines()
    ]


def log_tail(folder: Path, lines: int = 30) -> str:
    return "\n".join(server_log(folder)[-lines:]) or "(no log)"


def server_problems(folder: Path) -> list[str]:
    """The lines of the server's logs that tell of a failure: tracebacks, errors, workers killed."""
    words = ("Traceback", "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT", "ERROR in", "Exception on")
    return [line for line in server_log(folder) if any(word in line for word in words)]


def server_times(folder: Path) -> dict[str, list[float]]:
    """The time each request took in its worker, in milliseconds, by kind (from the access log)."""
    times: dict[str, list[float]] = defaultdict(list)
    path = folder / "access.log"
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            kind, _status, microseconds = (line.split() + ["", "", ""])[:3]
            if kind in KINDS and microseconds.isdigit():
                times[kind].append(int(microseconds) / 1000)
    return times


def cpu_seconds(master: int) -> float | None:
    """CPU time (user + system) of gunicorn's workers alive now, from /proc (Linux); None elsewhere."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def double_bookings(url: str) -> dict[str, int]:
    """Slots held twice, counted in the database itself."""
    from app.models.types import HOLDING_STATUSES

    holding = [str(status) for status in HOLDING_STATUSES]
    with connect(url) as connection:
        # Spaces and machines hold their slot alone: two holding bookings whose held periods overlap.
        (exclusive,) = connection.execute(
            """
            SELECT count(*) FROM bookings a
            JOIN bookings b ON b.resource_id = a.resource_id AND b.id > a.id
            JOIN resources r ON r.id = a.resource_id
            WHERE r.kind <> 'kit' AND a.status = ANY(%(holding)s) AND b.status = ANY(%(holding)s)
              AND a.starts_at < b.holds_until AND b.starts_at < a.holds_until
            """,
            {"holding": holding},
        ).fetchone()
        # A kit holds by units: at the start of each holding booking (where the peaks are), the
        # units of the holding bookings then under way must not exceed the kit's.
        (kits,) = connection.execute(
            """
            WITH holding AS (
                SELECT b.resource_id, b.starts_at, b.holds_until, b.quantity
                FROM bookings b JOIN resources r ON r.id = b.resource_id
                WHERE r.kind = 'kit' AND b.status = ANY(%(holding)s)
            ), peaks AS (
                SELECT i.resource_id, i.at, sum(h.quantity) AS used
                FROM (SELECT DISTINCT resource_id, starts_at AS at FROM holding) i
                JOIN holding h ON h.resource_id = i.resource_id AND h.starts_at <= i.at AND i.at < h.holds_until
                GROUP BY i.resource_id, i.at
            )
            SELECT count(*) FROM peaks JOIN resources r ON r.id = peaks.resource_id WHERE peaks.used > r.units
            """,
            {"holding": holding},
        ).fetchone()
        statuses = dict(connection.execute("SELECT status, count(*) FROM bookings GROUP BY status ORDER BY status"))
    return {"exclusive_pairs": exclusive, "kit_over_units": kits, "total": exclusive + kits, "bookings": statuses}


# --- the run --------------------------------------------------------------------------------------------


def load_average() -> float | None:
    """The machine's load average over the last minute (Unix), rounded."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def percentiles(times: list[float]) -> dict:
    if not times:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}
    cuts = [times[0]] * 99 if len(times) == 1 else statistics.quantiles(times, n=100, method="inclusive")
    return {
        "count": len(times),
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
    }


def warm_up(address: tuple[str, int], plan: Plan, bare_path: str) -> int | None:
    """A few anonymous requests so that each worker has loaded its templates; the bare route's status."""
    browser = Browser(address, Recorder(), keep_cookies=False)
    for _ in range(4):
        for path in ("/", "/ressources/", f"/ressources/{min(plan.resources)}", "/compte/connexion"):
            browser.send("warm_up", "GET", path)
    statuses = [answer.status for answer in (browser.send("warm_up", "GET", bare_path) for _ in range(4)) if answer]
    return statuses[-1] if statuses else None


def run(args, address: tuple[str, int], plan: Plan, bare_status: int | None, master: int) -> tuple[Recorder, dict]:
    recorder = Recorder()
    members = list(plan.members)
    managers = plan.managers[: args.managers] or []
    started = time.monotonic()
    deadline = started + args.duration
    people: list[threading.Thread] = []
    for number in range(args.users):
        browser = Browser(address, recorder)
        seed = args.seed * 1000 + number
        if number < args.managers and managers:
            people.append(
                Manager(managers[number % len(managers)], plan, browser, deadline, args.think_ms / 1000, seed)
            )
        else:
            email = members[number % len(members)]
            people.append(Member(email, plan, browser, deadline, args.think_ms / 1000, seed))
    if bare_status == 200:
        people.append(Probe(Browser(address, recorder, keep_cookies=False), args.bare_path, deadline))
    ramp = min(RAMP_SECONDS, args.duration / 6)
    for number, person in enumerate(people):
        if isinstance(person, Person):
            person.arrival = ramp * number / args.users
    cpu_before, client_before = cpu_seconds(master), time.process_time()
    for person in people:
        person.start()
    for person in people:
        person.join(timeout=max(deadline - time.monotonic(), 0) + REQUEST_TIMEOUT * 3)
    elapsed = time.monotonic() - started
    cpu_after = cpu_seconds(master)
    cpu = {
        "gunicorn_workers": round(cpu_after - cpu_before, 1)
        if cpu_before is not None and cpu_after is not None
        else None,
        "client": round(time.process_time() - client_before, 1),
    }
    return recorder, {"elapsed_s": round(elapsed, 2), "cpu_s": cpu, "load_after": load_average(), "managers": managers}


def ratios_to_bare(figures: dict[str, dict], available: bool) -> dict[str, float | None]:
    """Each kind's median over the bare route's median."""
    bare = figures["bare"]["p50_ms"] if available else None
    return {
        kind: round(line["p50_ms"] / bare, 1) if bare and line["p50_ms"] is not None else None
        for kind, line in figures.items()
        if kind != "bare"
    }


def report(args, recorder: Recorder, facts: dict, doubles: dict, bare_status: int | None, folder: Path) -> dict:
    available = bare_status == 200
    latency = {kind: percentiles(recorder.times.get(kind, []) if available or kind != "bare" else []) for kind in KINDS}
    worker_times = server_times(folder)
    in_worker = {kind: percentiles(worker_times.get(kind, []) if available or kind != "bare" else []) for kind in KINDS}
    requests = sum(len(times) for times in recorder.times.values())
    probes = len(recorder.times.get("bare", []))
    elapsed = facts["elapsed_s"]
    return {
        "database": "postgresql",
        "server": "gunicorn, 2 sync workers",
        "users": args.users,
        "managers": facts["managers"],
        "duration_s": args.duration,
        "think_ms": args.think_ms,
        "seed": args.seed,
        "elapsed_s": elapsed,
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "user_requests_per_s": round((requests - probes) / elapsed, 1),
        "latency_ms": latency,
        "worker_ms": in_worker,
        "errors": recorder.errors,
        "first_errors": recorder.first_errors,
        "server_log_problems": facts["problems"],
        "outcomes": dict(sorted(recorder.outcomes.items())),
        "other_refusals": dict(recorder.refusals.most_common(5)),
        "double_bookings": doubles["total"],
        "double_bookings_detail": {key: doubles[key] for key in ("exclusive_pairs", "kit_over_units")},
        "bookings_by_status": doubles["bookings"],
        "bare": {"path": args.bare_path, "status": bare_status, "available": available},
        "ratio_to_bare_p50": ratios_to_bare(latency, available),
        "worker_ratio_to_bare_p50": ratios_to_bare(in_worker, available),
        "cpu_s": facts["cpu_s"],
        "cores": os.cpu_count(),
        "load_average_1min": {"at_start": facts["load_at_start"], "after_run": facts["load_after"]},
        "ok": recorder.errors == 0 and doubles["total"] == 0,
    }


def number(value: float | None, width: int) -> str:
    return f"{'-' if value is None else f'{value:.1f}':>{width}}"


def show(results: dict, problems: list[str]) -> None:
    managers = ", ".join(results["managers"]) or "none"
    print(
        f"{results['users']} people ({len(results['managers'])} managers: {managers}) for {results['duration_s']:g} s, "
        f"pause ~{results['think_ms']} ms, {results['server']} on PostgreSQL"
    )
    print(f"{'':<12} {'':>6} {'latency seen by the client (ms)':^34}   {'in the worker (ms)':^26}")
    print(
        f"{'kind':<12} {'count':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'/bare':>7}   {'p50':>8} {'p95':>8} {'/bare':>7}"
    )
    for kind, figures in results["latency_ms"].items():
        if not figures["count"]:
            continue
        worker = results["worker_ms"][kind]
        print(
            f"{kind:<12} {figures['count']:>6} {number(figures['p50_ms'], 8)} {number(figures['p95_ms'], 8)} "
            f"{number(figures['p99_ms'], 8)} {number(results['ratio_to_bare_p50'].get(kind), 7)}   "
            f"{number(worker['p50_ms'], 8)} {number(worker['p95_ms'], 8)} "
            f"{number(results['worker_ratio_to_bare_p50'].get(kind), 7)}"
        )
    print(
        f"{results['requests']} requests in {results['elapsed_s']:.1f} s: {results['requests_per_s']} requests/s "
        f"({results['user_requests_per_s']}/s without the bare route's probe)"
    )
    cpu, load = results["cpu_s"], results["load_average_1min"]
    if cpu["gunicorn_workers"] is not None:
        print(f"CPU: gunicorn workers {cpu['gunicorn_workers']} s, this client {cpu['client']} s")
    if load["at_start"] is not None:
        busy = load["at_start"] > 0.5 * (results["cores"] or 1)
        print(
            f"load average (1 min) of the machine ({results['cores']} cores): {load['at_start']:.2f} when this script "
            f"started, {load['after_run']:.2f} after the run"
            + ("; WARNING: other work was running, every figure is slower" if busy else "")
        )
    print("outcomes: " + ", ".join(f"{name} {count}" for name, count in results["outcomes"].items()))
    for message, count in results["other_refusals"].items():
        print(f"  refused for another reason than a taken slot ({count}): {message}")
    print("bookings at the end: " + ", ".join(f"{s} {n}" for s, n in results["bookings_by_status"].items()))
    print(f"errors: {results['errors']}")
    for description in results["first_errors"]:
        print(f"  {description}")
    if problems:
        print(f"gunicorn's log tells of {len(problems)} problem(s), the first: {problems[0]}")
    detail = results["double_bookings_detail"]
    print(
        f"double bookings: {results['double_bookings']} (spaces and machines: {detail['exclusive_pairs']} pairs of "
        f"holding bookings overlapping; kits: {detail['kit_over_units']} moments over their units)"
    )
    bare = results["bare"]
    if not bare["available"]:
        print(
            f"NOTE: the bare route {bare['path']} answered {bare['status']}, not 200: it is not in the app yet, "
            "so the bare figures and the ratios are null."
        )
    print("OK" if results["ok"] else "FAILED: errors or double bookings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 people for 15 s, under a minute in all")
    parser.add_argument("--json", action="store_true", help="print every figure as one JSON object on the last line")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="a PostgreSQL server, through a database used to create and drop the bench's own (default: %(default)s)",
    )
    parser.add_argument("--users", type=int, help="simulated people, managers included (20; --quick 8)")
    parser.add_argument("--managers", type=int, help="how many of them are venue managers (2)")
    parser.add_argument("--duration", type=float, help="seconds of load (60; --quick 15)")
    parser.add_argument("--think-ms", type=int, default=THINK_MS, help="mean pause between two requests of a person")
    parser.add_argument("--bare-path", default=BARE_PATH, help="the template-only route timed as the yardstick")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    args.users = args.users or sizes["users"]
    args.managers = sizes["managers"] if args.managers is None else args.managers
    args.duration = args.duration or sizes["duration"]
    if args.users < 1 or not 0 <= args.managers <= args.users:
        parser.error("--users must be at least 1 and --managers between 0 and --users")
    if not args.database_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        parser.error("--database-url must be a PostgreSQL URL")

    load_at_start = load_average()  # before this script's own work: other work on the machine
    # SIGTERM ends the run like Ctrl-C: gunicorn stopped, the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_url = re.sub(r"^(postgres|postgresql\+psycopg)://", "postgresql://", args.database_url)
    name = f"fnt_load_{os.getpid()}"
    url = database_url(server_url, name)
    # Undone in the reverse order, whatever happens: gunicorn stopped, its output closed, the
    # database dropped, then the temporary folder deleted.
    with tempfile.TemporaryDirectory(prefix="fnt-load-") as temporary, contextlib.ExitStack() as cleanup:
        folder = Path(temporary)
        os.environ.update(server_environment(folder, url))
        print(f"database {name} on {urlsplit(server_url).hostname}: migrations, demo data…", flush=True)
        create_database(server_url, name)
        cleanup.callback(drop_database, server_url, name)
        flask("db", "upgrade")
        flask("demo", "load")
        plan = make_plan(url, random.Random(args.seed))
        port = free_port()
        output = cleanup.enter_context((folder / "output.log").open("w"))
        server = start_gunicorn(folder, port, output)
        cleanup.callback(stop_gunicorn, server)
        wait_until_ready(server, port, folder)
        address = ("127.0.0.1", port)
        bare_status = warm_up(address, plan, args.bare_path)
        print(
            f"gunicorn on 127.0.0.1:{port}; members: "
            + ", ".join(f"{email} ({len(ids)} resources)" for email, ids in plan.members.items()),
            flush=True,
        )
        recorder, facts = run(args, address, plan, bare_status, server.pid)
        doubles = double_bookings(url)
        stop_gunicorn(server)  # its logs complete
        problems = server_problems(folder)
        facts["problems"] = len(problems)
        facts["load_at_start"] = load_at_start
        results = report(args, recorder, facts, doubles, bare_status, folder)
        show(results, problems)
        if args.json:
            print(json.dumps(results))
        return 0 if results["ok"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # everything is undone by then
        print("interrupted", file=sys.stderr)
        sys.exit(130)
