"""Every email the service sends goes through :func:`send_email`."""

from app.notifications.mail import build_message, send_email

__all__ = ["build_message", "send_email"]
