"""Where to send a user back to, without becoming an open redirect."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(candidate: str | None, fallback: str) -> str:
    """Accept only a local path (``/…``), never another host or scheme."""
    if not candidate:
        return fallback
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/") or candidate.startswith("//"):
        return fallback
    if "\\" in candidate:
        return fallback
    return candidate
