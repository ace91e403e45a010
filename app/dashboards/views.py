"""The home after login (``/tableau-de-bord``): the member's part for everyone, the manager's part
below it for who manages a venue."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.bookings import service
from app.core.clock import utcnow
from app.dashboards import rules
from app.newcomers.labels import STATUS_LABELS as NEWCOMER_STATUS_LABELS

bp = Blueprint("dashboards", __name__, template_folder="templates")


@bp.get("/tableau-de-bord")
@login_required
def home():
    now = utcnow()
    return render_template(
        "dashboards/home.html",
        member=rules.member_home(current_user, now),
        manager=rules.manager_home(current_user, now),
        status_labels=service.STATUS_LABELS,
        newcomer_status_labels=NEWCOMER_STATUS_LABELS,
    )
