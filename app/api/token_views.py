"""The account page's API tokens (``/compte/jetons-api``): make one (shown once), see them, revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.api import tokens
from app.api.forms import TokenForm
from app.core.forms import EmptyForm
from app.core.i18n import gettext as _
from app.core.responses import add_errors
from app.extensions import db
from app.models import utcnow

bp = Blueprint("api_tokens", __name__, url_prefix="/compte/jetons-api", template_folder="templates")


def _page(form: TokenForm, plain: str | None = None, status: int = 200):
    return render_template(
        "api/tokens.html",
        form=form,
        revoke_form=EmptyForm(),
        tokens=tokens.tokens_of(current_user),
        plain=plain,
        now=utcnow(),
    ), status


@bp.get("/")
@login_required
def index():
    return _page(TokenForm(formdata=None))


@bp.post("/")
@login_required
def create():
    form = TokenForm()
    if not form.validate():
        return _page(form, status=422)
    try:
        _row, plain = tokens.create_token(current_user, form.name.data, form.expires_on.data)
    except tokens.TokenRefused as refusal:
        db.session.rollback()
        add_errors(form, refusal)
        return _page(form, status=422)
    db.session.commit()
    # Shown once, on this answer only: it is not kept anywhere but in its hash.
    return _page(TokenForm(formdata=None), plain=plain, status=201)


@bp.post("/<int:token_id>/revoquer")
@login_required
def revoke(token_id: int):
    token = tokens.own_token(current_user, token_id)
    if token is None:
        abort(404)
    if not EmptyForm().validate():
        abort(400)
    tokens.revoke(token)
    db.session.commit()
    flash(_("Le jeton « %(name)s » est révoqué : il ne donne plus accès à l'API.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"), code=303)
