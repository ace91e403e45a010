"""The member's and the manager's endpoints, with a personal API token."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_member",
    __name__,
    url_prefix="/api/v1/me",
    description="A member's own bookings, agreements, invoices (token).",
)
manager_blp = Blueprint(
    "api_manager", __name__, url_prefix="/api/v1/desk", description="A manager's pending requests (token)."
)
