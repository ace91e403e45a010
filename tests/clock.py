"""The tests' clock: pinned, never the real one.

The whole session runs under time-machine, frozen (``tick=False``) at one instant:
``--at=2027-03-28T01:30:00+01:00`` (or ``FNT_TEST_AT``), else the real moment the
session started, read once here and printed in the header so that a failure can
be replayed with ``--at``. Every test starts at that same instant; a test that
needs time to pass moves the clock itself with the ``clock`` fixture
(``clock.shift(timedelta(minutes=5))``, ``clock.move_to(...)``).

time-machine moves ``datetime.now``, ``date.today`` and ``time.time`` (not the
monotonic clocks, so timeouts and event loops keep working), hence the
application's one clock, ``app.core.clock.utcnow``, and the libraries' too
(itsdangerous, Flask-Login, the seal's certificate) agree on the instant.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import time_machine

from app.core.clock import PARIS

_state: dict = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--at",
        default=os.environ.get("FNT_TEST_AT", ""),
        help="pin the clock of every test at this ISO 8601 instant with its offset, "
        "for example 2026-12-31T23:30:00+01:00 (default: FNT_TEST_AT, else the moment the session starts)",
    )


def parse_instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise pytest.UsageError(f"--at: {text!r} is not an ISO 8601 instant ({error})") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--at: {text!r} has no UTC offset; write it as 2026-12-31T23:30:00+01:00")
    return moment.astimezone(UTC)


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("--at")
    instant = parse_instant(text) if text else datetime.now(UTC).replace(microsecond=0)
    traveller = time_machine.travel(instant, tick=False)
    _state.update(instant=instant, travel=traveller, traveller=traveller.start())


def pytest_unconfigure(config: pytest.Config) -> None:
    if "travel" in _state:
        _state.pop("travel").stop()


def pytest_report_header(config: pytest.Config) -> str:
    instant = _state["instant"]
    return (
        f"clock pinned at {instant.isoformat()} (Paris: {instant.astimezone(PARIS).isoformat()}); "
        f"replay with --at={instant.astimezone(PARIS).isoformat()}"
    )


def pinned_instant() -> datetime:
    """The instant every test starts at (aware, UTC)."""
    return _state["instant"]


@pytest.fixture(autouse=True)
def _clock_at_the_pinned_instant():
    """Each test starts at the session's instant, whatever the test before it did to the clock."""
    _state["traveller"].move_to(_state["instant"])
    yield


@pytest.fixture()
def clock() -> time_machine.Traveller:
    """The pinned clock, to move on purpose: ``clock.shift(seconds)``, ``clock.move_to(moment)``."""
    return _state["traveller"]
