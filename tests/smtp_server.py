"""A real SMTP server on loopback (aiosmtpd), and an app that sends to it.

``smtp`` is the server: it keeps every message it accepts, can be stopped and started again on
the same port (a mail server that is down, then back), can answer with an error code, and can
take its time over each message (so that two senders overlap).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.reply: str | None = None  # e.g. "451 4.3.0 try later": refuse every message so
        self.delay = 0.0
        self.unknown: set[str] = set()  # addresses refused for good (550) at RCPT
        self._lock = threading.Condition()
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply:
            return self.reply
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), message))
            self._lock.notify_all()
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The messages, once at least ``count`` have arrived (woken by each arrival, no polling);
        fewer if ``timeout`` seconds pass first, a guard against a hang, never a pace."""
        with self._lock:
            self._lock.wait_for(lambda: len(self.received) >= count, timeout=timeout)
            return [message for _, message in self.received]

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [message for _, message in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [message for recipients, message in self.received if address in recipients]

    @property
    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture()
def smtp():
    """The SMTP server, not started: tests start it (or leave it down)."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture()
def mail_app(app, app_factory, smtp):
    """An app that sends through ``smtp`` (plain SMTP on loopback), its context pushed.

    Messages wait in the outbox until a sender runs (no delivery at commit), and retries come
    after one, two, four… seconds: the tests move the clock instead of waiting.
    """
    application = app_factory(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_SECURITY="none",
        SMTP_TIMEOUT=5,
        OUTBOX_RETRY_SECONDS=1,
        OUTBOX_RETRY_MAX_SECONDS=8,
        OUTBOX_MAX_ATTEMPTS=4,
        OUTBOX_LEASE_SECONDS=60,
    )
    with application.app_context():
        yield application
