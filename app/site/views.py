"""Home page, health check and language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from app.agreements import sealing
from app.core.forms import LanguageForm
from app.core.navigation import safe_next_url
from app.extensions import db
from app.models import Theme, Venue
from app.notifications import outbox

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
def home():
    venues = db.session.scalars(
        select(Venue)
        .where(Venue.is_active.is_(True))
        .options(selectinload(Venue.themes))
        .order_by(Venue.is_lead.desc(), Venue.name)
    ).all()
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    return render_template("site/home.html", venues=venues, themes=themes)


@bp.get("/healthz")
def healthz():
    """The service's health, without secrets: the database (answers and takes writes), the outbox
    (messages due, how long the oldest has waited, dead ones) and the agreements' seal. 200 when
    all work; 503 when the database is down or read-only, the sender is late
    (``HEALTH_OUTBOX_MAX_WAIT_SECONDS``, 15 min) or the seal does not load."""
    try:
        db.session.execute(text("SELECT 1"))
        writable = _database_takes_writes()
        db.session.rollback()
    except Exception as error:  # the database is down or unreachable
        current_app.logger.warning("Health check: database unreachable: %s", error)
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    if not writable:
        current_app.logger.warning("Health check: the database is read-only")
        return jsonify(status="error", database="read-only"), 503
    mail = outbox.health()
    db.session.rollback()
    late = mail.late(current_app.config["HEALTH_OUTBOX_MAX_WAIT_SECONDS"])
    seal_problem = sealing.seal_problem()
    failed = late or seal_problem is not None
    if failed:
        current_app.logger.warning("Health check: outbox late=%s, seal: %s", late, seal_problem or "ok")
    answer = {
        "status": "error" if failed else "ok",
        "database": "ok",
        "outbox": {
            "status": "late" if late else "ok",
            "pending": mail.pending,
            "oldest_pending_seconds": mail.oldest_pending_seconds,
            "dead": mail.dead,
        },
        "seal": "ok" if seal_problem is None else "unavailable",
    }
    return jsonify(answer), 503 if failed else 200


# Staff pages that moved under /gestion/ (one tree for the staff area): the old addresses, in
# bookmarks and in emails already sent, answer 308 (the method and the form are kept).
MOVED_STAFF_PAGES = {
    "/projets/gestion": "/gestion/projets",
    "/projets/orientation": "/gestion/coordination/orientation",
    "/coordination/courriels": "/gestion/coordination/courriels",
}


def _moved_to(new: str):
    def moved(rest: str = ""):
        target = new + (f"/{rest}" if rest else "")
        if request.query_string:
            target += "?" + request.query_string.decode("latin-1")
        return redirect(target, code=308)

    return moved


for _old, _new in MOVED_STAFF_PAGES.items():
    _view = _moved_to(_new)
    for _rule in (_old, _old + "/<path:rest>"):
        bp.add_url_rule(_rule, f"moved{_old.replace('/', '_')}", _view, methods=["GET", "POST"])


@bp.get("/sante/gabarit")
def template_probe():
    """A page of the layout that reads nothing from the database: the floor of what a page costs
    (``bench/load.py`` compares the real pages with it)."""
    return render_template("site/template_probe.html")


def _database_takes_writes() -> bool:
    """A write that changes nothing, rolled back: SQLite rewrites its header's user version (a
    read-only file refuses it); PostgreSQL says whether its transactions may write."""
    if db.engine.dialect.name == "sqlite":
        version = db.session.execute(text("PRAGMA user_version")).scalar_one()
        try:
            db.session.execute(text(f"PRAGMA user_version = {int(version)}"))
        except OperationalError:
            return False
        return True
    return db.session.execute(text("SHOW transaction_read_only")).scalar() == "off"


@bp.post("/langue")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next"), url_for("site.home")), code=303)
