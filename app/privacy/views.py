"""The privacy page, "my data" (export as a page and as JSON, request for erasure), and the
coordinators' confirmation of erasures. Thin: the rules are in :mod:`app.privacy.export`, :mod:`.erasure` and :mod:`.retention`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_login import current_user, login_required
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select

from app.auth.passwords import verify_password
from app.core.access import coordinator_required
from app.core.forms import EmptyForm
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.extensions import db
from app.models import User
from app.notifications import notify
from app.notifications.links import absolute_url
from app.privacy import erasure, export
from app.privacy.forms import ErasureRequestForm

bp = Blueprint("privacy", __name__, template_folder="templates")


@bp.app_template_filter("iso_moment")
def _iso_moment(value: str) -> str:
    """An ISO 8601 moment of the export, as the reader reads dates (in Paris time)."""
    return format_datetime(datetime.fromisoformat(value), "short")


# docs/ at the top of the source tree; an installed package carries a copy (setup.py).
_PACKAGED_DOCS = Path(__file__).resolve().parents[1] / "_docs"
DOCS = _PACKAGED_DOCS if _PACKAGED_DOCS.is_dir() else Path(__file__).resolve().parents[2] / "docs"


def privacy_text(locale: str) -> Markup:
    """``docs/privacy.md`` (or its English twin ``privacy.en.md``), as HTML. Our own text: the
    parser's HTML is off all the same, so that nothing in it can become markup."""
    source = DOCS / f"privacy.{locale}.md"
    if not source.exists():
        source = DOCS / "privacy.md"
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Each table in a region that scrolls sideways on a phone (as app/templates/_tables.html does).
    region = Markup('<div class="table-scroll" role="region" tabindex="0" aria-label="{}">\n<table>\n').format(
        _("Tableau (défile de côté sur un petit écran)")
    )
    parser.add_render_rule("table_open", lambda *_args: str(region))
    parser.add_render_rule("table_close", lambda *_args: "</table>\n</div>\n")
    return Markup(parser.render(source.read_text("utf-8")))


@bp.get("/confidentialite")
def policy():
    return render_template("privacy/policy.html", text=privacy_text(current_language()))


def _my_data_page(form: ErasureRequestForm, status: int = 200):
    return (
        render_template(
            "privacy/my_data.html",
            data=export.personal_data(current_user),
            form=form,
            withdraw_form=EmptyForm(),  # shown instead of the request form: one CSRF field per page
        ),
        status,
    )


@bp.get("/compte/mes-donnees")
@login_required
def my_data():
    return _my_data_page(ErasureRequestForm())


@bp.get("/compte/mes-donnees.json")
@login_required
def my_data_json():
    body = json.dumps(export.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="fnt-partage-mes-donnees.json"'},
    )


@bp.post("/compte/mes-donnees/effacement")
@login_required
def request_erasure():
    form = ErasureRequestForm()
    valid = form.validate_on_submit()
    if valid and not verify_password(current_user.password_hash, form.password.data):
        form.password.errors.append(_("Ce n'est pas votre mot de passe."))
        valid = False
    if not valid:
        return _my_data_page(form, 422)
    user = current_user._get_current_object()
    if erasure.request_erasure(user):
        link = absolute_url("privacy.erasures")
        for coordinator in db.session.scalars(
            select(User).where(User.is_coordinator.is_(True), User.active.is_(True), User.id != user.id)
        ):
            notify(coordinator, "privacy/email/erasure_requested", member=user, link=link)
        notify(user, "privacy/email/erasure_received", link=absolute_url("privacy.my_data"))
    db.session.commit()
    flash(
        _("Votre demande d'effacement est enregistrée : la coordination la confirmera sous un mois au plus."), "success"
    )
    return redirect(url_for("privacy.my_data"), code=303)


@bp.post("/compte/mes-donnees/effacement/retirer")
@login_required
def withdraw_erasure():
    if EmptyForm().validate_on_submit() and erasure.withdraw_erasure(current_user):
        db.session.commit()
        flash(_("Votre demande d'effacement est retirée : votre compte reste ouvert."), "info")
    return redirect(url_for("privacy.my_data"), code=303)


def _erasures_page(errors: dict[int, str] | None = None, status: int = 200):
    waiting = erasure.waiting_erasures()
    return (
        render_template(
            "privacy/erasures.html",
            waiting=waiting,
            in_progress={user.id: erasure.bookings_in_progress(user) for user in waiting},
            errors=errors or {},
            form=EmptyForm(),
        ),
        status,
    )


@bp.get("/gestion/coordination/effacements")
@coordinator_required
def erasures():
    return _erasures_page()


@bp.post("/gestion/coordination/effacements/<int:user_id>")
@coordinator_required
def confirm_erasure(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.erasure_requested_at is None or user.erased_at is not None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        return _erasures_page({user_id: _("Le formulaire a expiré : confirmez de nouveau.")}, 422)
    try:
        erasure.erase(user, current_user)
    except erasure.ErasureRefused as refused:
        db.session.rollback()
        return _erasures_page({user_id: str(refused)}, 422)
    db.session.commit()
    current_app.logger.info("account %s erased by coordinator %s", user_id, current_user.id)
    flash(_("Le compte est effacé."), "success")
    return redirect(url_for("privacy.erasures"), code=303)
