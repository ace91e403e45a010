"""My account: profile, organisation, qualifications, password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth import accounts
from app.auth.forms import ChangePasswordForm, ProfileForm
from app.auth.passwords import verify_password
from app.core.i18n import gettext as _
from app.extensions import db
from app.models import Qualification, Resource, utcnow

bp = Blueprint("account", __name__, url_prefix="/compte", template_folder="templates")


def _account_page(profile_form: ProfileForm, password_form: ChangePasswordForm, status: int = 200):
    qualifications = db.session.scalars(
        select(Qualification)
        .where(Qualification.user_id == current_user.id)
        .options(selectinload(Qualification.resource).selectinload(Resource.venue))
        .order_by(Qualification.granted_at.desc())
    ).all()
    return (
        render_template(
            "auth/account.html",
            profile_form=profile_form,
            password_form=password_form,
            qualifications=qualifications,
            now=utcnow(),
        ),
        status,
    )


@bp.get("/")
@login_required
def account():
    return _account_page(ProfileForm(obj=current_user), ChangePasswordForm(prefix="pw"))


@bp.post("/profil")
@login_required
def update_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _account_page(form, ChangePasswordForm(prefix="pw"), 422)
    current_user.name = " ".join(form.name.data.split())
    current_user.phone = form.phone.data.strip()
    current_user.locale = form.locale.data
    session["locale"] = form.locale.data
    db.session.commit()
    flash(_("Votre profil est enregistré."), "success")
    return redirect(url_for("account.account"), code=303)


@bp.post("/mot-de-passe")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    form.identity = (current_user.email, current_user.name)
    valid = form.validate_on_submit()
    if valid and not verify_password(current_user.password_hash, form.current_password.data):
        form.current_password.errors.append(_("Ce n'est pas votre mot de passe actuel."))
        valid = False
    if not valid:
        return _account_page(ProfileForm(obj=current_user), form, 422)
    accounts.change_password(current_user, form.password.data)
    db.session.commit()
    # Other sessions are logged out by the new token; this one continues with it.
    login_user(current_user._get_current_object())
    flash(_("Votre mot de passe est changé."), "success")
    return redirect(url_for("account.account"), code=303)
