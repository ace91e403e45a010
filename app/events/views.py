"""The events' pages (filled in below)."""

from __future__ import annotations

from flask import Blueprint

from app.events import trainings  # noqa: F401  (registers the training sessions finder)

bp = Blueprint("events", __name__, template_folder="templates")


@bp.get("/programme/<int:event_id>")
def show(event_id: int):
    return ""


@bp.route("/programme/inscription/<token>", methods=["GET", "POST"])
def registration(token: str):
    return ""


@bp.get("/gestion/coordination/programme")
def programme_review():
    return ""


@bp.get("/gestion/evenements")
def manage_list():
    return ""
