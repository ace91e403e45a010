"""Hostile input over every route of the URL map: never an answer of 500 or more.

The demo consortium is loaded; a coordinator (who reaches every staff page) and a visitor walk
every rule of the URL map, its converters filled with ordinary and hostile values (ids beyond
the databases' integers, NUL bytes, endless words), with hostile query strings, and every
form-accepting rule receives bodies drawn by hypothesis from ordinary and hostile values for
every field name the service's forms have (years 1 and 9999, NUL and control characters,
100,000 characters, numbers beyond 64 bits). Each body carries the session's CSRF token, so
that it reaches the code behind it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import app
from app.core.forms import Form, Subform
from app.demo.content import DEMO_PASSWORD
from app.demo.data import load_demo
from app.extensions import db
from tests.helpers import csrf_token_from

HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "ligne\x07cloche",
    "x" * 100_000,
    "0001-01-01T00:00",
    "9999-12-31T18:00",
    "0001-01-01",
    "9999-12-31",
    "2027-02-30",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "-1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "",
]
ORDINARY_TEXT = ["1", "2", "2027-03-02T10:00", "2027-03-02", "10:00", "Atelier", "oui", "y", "fr", "weekly"]
PATH_VALUES = {
    "int": ["1", "3", "6", "2147483648", "9223372036854775808"],
    "default": ["la-machinerie", "x", "%00", "a" * 300],
}
QUERY_NAMES = [
    "debut",
    "fin",
    "q",
    "jour",
    "semaine",
    "mois",
    "page",
    "lieu",
    "type",
    "theme",
    "quantite",
    "vue",
    "next",
]
SKIPPED = {"static", "auth.logout"}  # files on disk; logging out ends the walk's session
ROLES = [None, "membre@example.org", "gestion.machinerie@example.org", "coordination@example.org"]


def _form_field_names() -> list[str]:
    """Every field name of every form of the service (each feature's ``forms`` module imported)."""
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    names: set[str] = set()
    pending = [Form, Subform]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        names.update(name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField))
    return sorted(names - {"csrf_token"})


FIELD_NAMES = _form_field_names()


def _urls(rule) -> list[str]:
    """The rule's URL with each converter filled with each of its values (one value at a time)."""
    if not rule.arguments:
        return [rule.rule]
    urls = []
    for index in range(5):
        url = rule.rule
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__
            if "Any" in converter:
                value = sorted(rule._converters[name].items)[0]
            else:
                values = PATH_VALUES["int" if "Integer" in converter else "default"]
                value = values[index % len(values)]
            url = re.sub(rf"<(?:[^<>:]+:)?{name}(?:\([^)]*\))?>", value, url)
        urls.append(url)
    return urls


@pytest.fixture()
def walk(app_factory, app):
    served = app_factory(RATELIMIT_ENABLED=False)
    with served.app_context():
        assert load_demo()
    rules = [rule for rule in served.url_map.iter_rules() if rule.endpoint not in SKIPPED]

    def client(email: str | None):
        """A client, logged in with this demo account (or a visitor), and its session's CSRF token."""
        browser = served.test_client()
        token = csrf_token_from(browser.get("/compte/connexion").get_data(as_text=True))
        if email:
            response = browser.post(
                "/compte/connexion", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
            )
            assert response.status_code == 303
            token = csrf_token_from(browser.get("/").get_data(as_text=True))
        return browser, token

    return served, rules, client


def _check(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert len(response.headers.get("Location", "")) < 2048, f"{what}: Location of {len(response.headers['Location'])}"


# The values that broke something once: every field of every form gets one of them at a time.
SHARPEST = [
    "\x00",
    "ligne\x07cloche",
    "x" * 10_001,  # past every field's limit (the mixed bodies carry 100,000)
    "0001-01-01T00:00",
    "9999-12-31T18:00",
    "0001-01-01",
    "9999-12-31",
    "9223372036854775808",
    "-1",
]


@pytest.mark.timeout(600)  # every route with every hostile value: about 2 min on a loaded machine
def test_every_route_with_hostile_addresses_and_query_strings(walk):
    served, rules, client = walk
    for email in (None, "membre@example.org", "coordination@example.org"):
        browser, _ = client(email)
        for rule in rules:
            if "GET" not in rule.methods:
                continue
            first, *others = _urls(rule)
            for url in others:
                _check(browser.get(url), f"GET {url}")
            if email == "membre@example.org":
                continue  # a member's pages take the same query strings as the coordinator's
            for value in SHARPEST:
                query = {name: value for name in QUERY_NAMES}
                _check(browser.get(first, query_string=query), f"GET {first} with {value[:20]!r}")


@pytest.mark.timeout(600)  # it posts every form of every page, hundreds of requests: slow on a loaded machine
def test_every_form_with_one_hostile_value_in_every_field(walk):
    """One demo consortium for all the values (loading it costs more than the requests)."""
    served, rules, client = walk
    for email in (None, "membre@example.org", "coordination@example.org"):
        browser, token = client(email)
        for value in SHARPEST:
            if email == "membre@example.org" and len(value) > 100:
                continue  # a member's forms are the coordinator's too: the longest bodies once less
            body = dict.fromkeys(FIELD_NAMES, value)
            for rule in rules:
                if "POST" not in rule.methods:
                    continue
                for url in _urls(rule)[: 3 if email else 1]:
                    response = browser.post(url, data={**body, "csrf_token": token})
                    _check(response, f"POST {url} as {email} with {value[:20]!r}")


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=st.fixed_dictionaries(
        {}, optional={name: st.sampled_from(HOSTILE_TEXT + ORDINARY_TEXT) for name in FIELD_NAMES}
    ),
    email=st.sampled_from(ROLES),
)
def test_every_form_with_hostile_and_ordinary_values_mixed(walk, body, email):
    served, rules, client = walk
    browser, token = client(email)
    for rule in rules:
        if "POST" not in rule.methods:
            continue
        for url in _urls(rule)[:3]:  # ids that exist (or not, depending on the route)
            _check(browser.post(url, data={**body, "csrf_token": token}), f"POST {url} with {sorted(body)}")
    with served.app_context():
        db.session.remove()
