"""Settings of the outbox and reminders: the app's configuration first, else the environment.

| variable | default | meaning |
| --- | --- | --- |
| ``OUTBOX_MAX_ATTEMPTS`` | 10 | failed tries before a message is dead (kept, shown to coordinators) |
| ``OUTBOX_RETRY_SECONDS`` | 60 | delay after the first failure; doubled after each next one |
| ``OUTBOX_RETRY_MAX_SECONDS`` | 21600 | the longest delay between two tries (6 hours) |
| ``OUTBOX_LEASE_SECONDS`` | 300 | how long a sender owns a message it claimed; then another may retry it |
| ``OUTBOX_POLL_SECONDS`` | 5 | pause of ``flask outbox send --loop`` when nothing is due |
| ``OUTBOX_DELIVER_ON_COMMIT`` | on without ``SMTP_HOST`` | deliver (as ``.eml`` files) right after the commit |
| ``AGREEMENT_REMINDER_DAYS`` | 3 | days an agreement waits for acceptance before its reminder |
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import current_app

DEFAULTS: dict[str, int | bool | None] = {
    "OUTBOX_MAX_ATTEMPTS": 10,
    "OUTBOX_RETRY_SECONDS": 60,
    "OUTBOX_RETRY_MAX_SECONDS": 6 * 3600,
    "OUTBOX_LEASE_SECONDS": 300,
    "OUTBOX_POLL_SECONDS": 5,
    "OUTBOX_DELIVER_ON_COMMIT": None,  # None: on exactly when no SMTP server is configured
    "AGREEMENT_REMINDER_DAYS": 3,
}


def setting(name: str):
    """The value of one of :data:`DEFAULTS`, from the app's config, else the environment."""
    if name in current_app.config:
        value = current_app.config[name]
    else:
        raw = os.environ.get(name, "").strip()
        if not raw:
            value = DEFAULTS[name]
        elif name == "OUTBOX_DELIVER_ON_COMMIT":
            value = raw.lower() in {"1", "true", "yes", "on", "oui"}
        else:
            value = int(raw)
    if name == "OUTBOX_DELIVER_ON_COMMIT" and value is None:
        return not current_app.config["SMTP_HOST"]
    return value


def site_domain() -> str:
    """The host name of the service (``BASE_URL``), for globally unique identifiers: emails'
    Message-IDs, iCalendar UIDs."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "fnt-partage.local"
