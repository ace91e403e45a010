"""Agreements: list, page, downloads, acceptance, countersignature, and the public verification.

Only the borrower, the managers of the lending venue and the coordination reach an agreement or
its files; anybody else gets 404, whatever the URL. Files are served from storage; the first
request for a file renders and stores it (see :mod:`app.agreements.storage`).
"""

from __future__ import annotations

import io
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app.agreements import (
    issuing,  # also connects the receivers of the booking engine's signals
    signing,
    storage,
    verification,
)
from app.agreements.forms import AcceptForm, CountersignForm, UploadForm, VerifyForm
from app.agreements.labels import KIND_LABELS, STATUS_LABELS, VERDICT_LABELS
from app.agreements.models import Agreement, AgreementStatus
from app.agreements.rendering import Formats, PdfToolchainMissing, verification_url
from app.bookings.views import register_agreement_finder
from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.extensions import db, limiter
from app.models import VenueMembership, VenueRole

log = logging.getLogger(__name__)

bp = Blueprint("agreements", __name__, template_folder="templates")


def _visible_agreement_of(booking, user):
    """The booking's agreement in force, when ``user`` may see it (shown on the booking's pages)."""
    agreement = issuing.current_agreement_of(booking)
    return agreement if agreement is not None and signing.can_view(user, agreement) else None


register_agreement_finder(_visible_agreement_of)

LIST_LIMIT = 200
VERIFY_RATE_LIMIT = "30 per minute"


@bp.app_context_processor
def _labels():
    return {"agreement_status_labels": STATUS_LABELS, "agreement_kind_labels": KIND_LABELS}


def _visible_agreement(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not signing.can_view(current_user, agreement):
        abort(404)
    return agreement


def _locale_code() -> str:
    return "en" if current_language() == "en" else "fr"


def _versions(agreement: Agreement) -> list[Agreement]:
    return list(
        db.session.scalars(
            select(Agreement).where(Agreement.number == agreement.number).order_by(Agreement.version.desc())
        )
    )


@bp.get("/conventions/")
@login_required
def index():
    query = select(Agreement).where(Agreement.status != AgreementStatus.VOID)
    if not current_user.is_coordinator:
        managed = select(VenueMembership.venue_id).where(
            VenueMembership.user_id == current_user.id, VenueMembership.role == VenueRole.MANAGER
        )
        query = query.where(or_(Agreement.borrower_id == current_user.id, Agreement.venue_id.in_(managed)))
    agreements = db.session.scalars(query.order_by(Agreement.issued_at.desc()).limit(LIST_LIMIT)).all()
    return render_template("agreements/index.html", agreements=agreements)


def _log_failure(agreement: Agreement, what: str, error: Exception) -> None:
    """A missing system library is one line that names it; anything else, with its traceback."""
    if isinstance(error, PdfToolchainMissing):
        log.error("agreement %s: %s: %s", agreement.label, what, error)
    else:
        log.exception("agreement %s: %s", agreement.label, what)


def _document_ready(agreement: Agreement) -> bool:
    """Make sure the issued file exists (first view renders it); False if it cannot be made now."""
    try:
        storage.ensure_file(agreement)
    except Exception as error:  # the page still shows; the document is retried on the next visit
        _log_failure(agreement, "the document could not be rendered", error)
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _show(agreement: Agreement, accept_form=None, countersign_form=None, status: int = 200):
    ready = storage.is_stored(agreement) or _document_ready(agreement)
    if accept_form is None and signing.can_accept(current_user, agreement):
        accept_form = AcceptForm(document=agreement.sha256)
    if countersign_form is None and signing.can_countersign(current_user, agreement):
        countersign_form = CountersignForm(document=agreement.sha256)
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        c=agreement.content,
        f=Formats(_locale_code()),
        ready=ready,
        versions=_versions(agreement),
        accept_form=accept_form if ready else None,
        countersign_form=countersign_form if ready else None,
        short_url=verification_url(agreement),
    ), status


@bp.get("/conventions/<int:agreement_id>")
@login_required
def show(agreement_id: int):
    return _show(_visible_agreement(agreement_id))


def _send_pdf(agreement: Agreement, final: bool):
    try:
        data = storage.ensure_file(agreement, final)
        db.session.commit()
    except Exception as error:
        _log_failure(agreement, "file could not be served", error)
        db.session.rollback()
        return render_template(
            "errors/error.html",
            status=503,
            title=_("Document en préparation"),
            message=_(
                "La convention n'a pas encore pu être préparée. Réessayez dans quelques minutes ; "
                "si cela continue, écrivez à la coordination."
            ),
        ), 503
    suffix = "-final" if final else ""
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        download_name=f"{agreement.number}-v{agreement.version}{suffix}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/conventions/<int:agreement_id>/convention.pdf")
@login_required
def document(agreement_id: int):
    return _send_pdf(_visible_agreement(agreement_id), final=False)


@bp.get("/conventions/<int:agreement_id>/convention-signee.pdf")
@login_required
def final_document(agreement_id: int):
    agreement = _visible_agreement(agreement_id)
    if agreement.countersigned_at is None:
        abort(404)
    return _send_pdf(agreement, final=True)


def _sign(agreement_id: int, form_class, action, done: str):
    agreement = _visible_agreement(agreement_id)
    db.session.refresh(agreement, with_for_update=True)  # two tabs never sign twice
    form = form_class()
    if form.validate_on_submit():
        try:
            action(
                agreement,
                current_user,
                full_name=form.full_name.data,
                acknowledged=form.acknowledged.data,
                read_sha256=form.document.data or "",
                ip=request.remote_addr or "",
            )
        except signing.SigningError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("agreements.show", agreement_id=agreement.id), code=303)
    db.session.rollback()
    forms = {"accept_form": form} if form_class is AcceptForm else {"countersign_form": form}
    return _show(agreement, status=422, **forms)


@bp.post("/conventions/<int:agreement_id>/accepter")
@login_required
def accept(agreement_id: int):
    return _sign(agreement_id, AcceptForm, signing.accept, _("Convention acceptée. Le lieu va la contresigner."))


@bp.post("/conventions/<int:agreement_id>/contresigner")
@login_required
def countersign(agreement_id: int):
    return _sign(
        agreement_id, CountersignForm, signing.countersign, _("Convention contresignée. L'exemplaire final est prêt.")
    )


# --- public verification -----------------------------------------------------------------------------


def _verify_page(result=None, form=None, upload=None, status: int = 200):
    return render_template(
        "agreements/verify.html",
        form=form or VerifyForm(request.args),
        upload=upload or UploadForm(),
        result=result,
        verdict_labels=VERDICT_LABELS,
        f=Formats(_locale_code()),
    ), status


@bp.get("/conventions/verifier")
@limiter.limit(VERIFY_RATE_LIMIT)
def verify():
    form = VerifyForm(request.args)
    if not request.args:
        return _verify_page(form=VerifyForm(formdata=None))
    if not form.validate():
        return _verify_page(form=form, status=422)
    result = verification.by_sha256(
        verification.normalise_sha256(form.empreinte.data), verification.normalise_number(form.numero.data)
    )
    return _verify_page(result=result, form=form)


@bp.post("/conventions/verifier")
@limiter.limit(VERIFY_RATE_LIMIT)
def verify_upload():
    upload = UploadForm()
    if not upload.validate_on_submit():
        return _verify_page(upload=upload, form=VerifyForm(formdata=None), status=422)
    result = verification.by_upload(upload.document.data.stream)
    return _verify_page(result=result, form=VerifyForm(formdata=None), upload=UploadForm(formdata=None))


@bp.get("/v/<code>")
@limiter.limit(VERIFY_RATE_LIMIT)
def short(code: str):
    """The short URL and QR code printed on every document."""
    result = verification.by_code(code)
    return _verify_page(result=result, form=VerifyForm(formdata=None), status=200 if result.summary else 404)
