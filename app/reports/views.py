"""The reports page (``/gestion/bilans``), its CSV exports and the annual report: blueprint ``reports``.

Coordinators see every venue, managers their own venues only (another venue asked for answers 404).
Views parse the filters, call ``sections`` (the one source of figures) and render: the whole page,
or the figures alone for htmx (``HX-Target: rapport``); a CSV; a PDF. Bad filters: 422 with the
message next to the field, no figure computed.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.core.access import coordinator_required, staff_only
from app.core.clock import paris_today
from app.core.i18n import gettext as _
from app.core.web import is_htmx_fragment_request
from app.extensions import db
from app.manage import permissions
from app.models import ResourceKind, Theme, Venue
from app.reports import annual, charts, export, periods, sections
from app.reports.figures import Filters
from app.reports.forms import PARAGRAPH_MAX, AnnualReportForm, FiltersForm
from app.reports.tables import show

bp = Blueprint("reports", __name__, url_prefix="/gestion/bilans", template_folder="templates")
bp.before_request(staff_only)

TARGET = "rapport"


@bp.context_processor
def _helpers():
    # the language read once per page, not once per number (a page prints a few thousand)
    return {"show": partial(show, locale=str(get_locale() or "fr")), "chart": charts.image}


def _filters() -> tuple[FiltersForm, Filters | None, list[Venue]]:
    """The form read from the address, and the filters it gives (None when a field is wrong)."""
    venues = permissions.manageable_venues(current_user)
    themes = list(db.session.scalars(db.select(Theme).order_by(Theme.position)))
    form = FiltersForm(request.args)
    form.lieu.choices = [
        SelectChoice("", _("Tous les lieux") if current_user.is_coordinator else _("Tous mes lieux"))
    ] + [SelectChoice(v.slug, v.name) for v in venues]
    form.thematique.choices = [SelectChoice("", _("Toutes"))] + [SelectChoice(t.slug, t.name_fr) for t in themes]
    if request.args.get("lieu") and request.args["lieu"] not in {v.slug for v in venues}:
        abort(404)  # another venue's figures: as if it did not exist
    valid = form.validate()
    try:
        period = periods.parse(request.args, paris_today())
    except periods.PeriodError as error:
        getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
        return form, None, venues
    if not valid:
        return form, None, venues
    chosen = [v for v in venues if not form.lieu.data or v.slug == form.lieu.data]
    theme = next((t for t in themes if t.slug == form.thematique.data), None)
    filters = Filters(
        period=period,
        venue_ids=tuple(v.id for v in chosen),
        kind=ResourceKind(form.type.data) if form.type.data else None,
        theme_id=theme.id if theme else None,
        every_venue=bool(current_user.is_coordinator and not form.lieu.data),
    )
    return form, filters, venues


def _query_without(key: str) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != key}


@bp.get("/")
def index():
    form, filters, venues = _filters()
    context = {
        "form": form,
        "filters": filters,
        "venues": venues,
        "built": sections.build(filters) if filters else [],
        "query": _query_without("sep"),
    }
    template = "reports/_report.html" if is_htmx_fragment_request(TARGET) else "reports/index.html"
    response = Response(render_template(template, **context), status=200 if filters else 422)
    response.vary.add("HX-Request")
    return response


@bp.get("/export/<key>.csv")
def csv_export(key: str):
    _form, filters, _venues = _filters()
    if filters is None:
        abort(400)
    table = sections.find_table(filters, key)
    if table is None:
        abort(404)
    semicolon = request.args.get("sep") == "semicolon"
    name = f"{key}-{filters.period.first.isoformat()}-{filters.period.last.isoformat()}.csv"
    return Response(
        export.to_csv(table, semicolon),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/annuel", methods=["GET", "POST"])
@coordinator_required
def annual_report():
    """The coordinator writes the foreword and one paragraph per venue (kept per year), then gets the PDF."""
    venues = list(db.session.scalars(db.select(Venue).where(Venue.is_active).order_by(Venue.name)))
    saved = False
    if request.method == "GET":
        year = request.args.get("annee", type=int) or paris_today().year - 1
        foreword, kept = annual.saved_texts(year)
        form = AnnualReportForm(data={"annee": year, "avant_propos": foreword})
        paragraphs = {v.id: kept.get(v.id, "") for v in venues}
        too_long: set[int] = set()
    else:
        form = AnnualReportForm()
        paragraphs = {v.id: request.form.get(f"lieu-{v.id}", "").strip() for v in venues}
        too_long = {v.id for v in venues if len(paragraphs[v.id]) > PARAGRAPH_MAX}
        if form.validate_on_submit() and not too_long:
            year = form.annee.data
            annual.save_texts(year, form.avant_propos.data or "", paragraphs, current_user)
            db.session.commit()
            if request.form.get("action") != "save":
                pdf = annual.render_pdf(year, form.avant_propos.data or "", paragraphs)
                return Response(
                    pdf,
                    mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="bilan-activite-{year}.pdf"'},
                )
            saved = True
    status = 422 if request.method == "POST" and not saved else 200
    return (
        render_template(
            "reports/annual.html",
            form=form,
            venues=venues,
            paragraphs=paragraphs,
            too_long=too_long,
            paragraph_max=PARAGRAPH_MAX,
            saved=saved,
        ),
        status,
    )
