"""The managers' desk (``/gestion/demandes``) and planning (``/gestion/planning``): blueprint ``desk``.

Views parse the form, call ``app.desk.rules`` / ``app.bookings.service``, commit once, and
answer with a page, a redirect (303) or htmx fragments (the row, the rows it changed and the
menu's counter out of band). On ``Refusal`` they roll back and show the reasons on the row.

Refusals: anonymous → log in (``HX-Redirect`` for htmx); a member who manages nothing → 403;
another venue's request, series or venue → 404 (as if it did not exist).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from app.billing import deposits
from app.bookings import service
from app.bookings.service import Code, Reason, Refusal
from app.catalogue.calendar import iso_week, monday_of, parse_week
from app.catalogue.display import clock, day_label
from app.catalogue.links import booking_url
from app.core.access import is_staff, staff_only
from app.core.clock import PARIS, within_reach
from app.core.i18n import format_day, moment_writer, ngettext
from app.core.i18n import gettext as _
from app.core.money import format_cents
from app.core.navigation import safe_next_url
from app.core.web import is_htmx_fragment_request
from app.desk import planning as plan_rules
from app.desk import rules
from app.desk.forms import BulkForm, DecisionForm, HandOverForm, ReturnForm, ticked
from app.extensions import db
from app.fairuse import training
from app.manage import permissions
from app.models import Booking, BookingChange, BookingStatus, ResourceKind, Series, utcnow

bp = Blueprint("desk", __name__, url_prefix="/gestion", template_folder="templates")

LIST_TARGET = "desk-list"
PLANNING_TARGET = "planning"


bp.before_request(staff_only)


@bp.app_context_processor
def _pending_counter():
    """``desk_pending_count()``: the menu's counter, None for who has no desk. Lazy: the COUNT query
    runs only when a page's menu asks for it, and once per request."""

    def desk_pending_count() -> int | None:
        if "desk_pending_count" not in g:
            user = current_user
            g.desk_pending_count = (
                rules.pending_count(user) if user and user.is_authenticated and is_staff(user) else None
            )
        return g.desk_pending_count

    return {"desk_pending_count": desk_pending_count}


@bp.context_processor
def _labels():
    return {
        "status_labels": service.STATUS_LABELS,
        "ResourceKind": ResourceKind,
        "BookingStatus": BookingStatus,
        "row_words": _row_words,
        "short_moment": _moments_writer(),
    }


def _row_words() -> dict[str, Markup]:
    """The words every request of the desk repeats (``desk/_row.html``), translated once a request
    rather than once a row (a desk shows dozens); as safe as a template's ``_()`` makes them. The
    statuses' labels under ``status``."""
    words = g.get("desk_row_words")
    if words is None:
        words = g.desk_row_words = {
            "when": Markup(_("Quand")),
            "requester": Markup(_("Demandeur")),
            "organisation": Markup(_("Structure")),
            "none": Markup(_("aucune")),
            "purpose": Markup(_("Objet")),
            "unspecified": Markup(_("non précisé")),
            "quantity": Markup(_("Quantité")),
            "attendees": Markup(_("Participants")),
            "price": Markup(_("Prix")),
            "paid": Markup(_("réglé")),
            "to_pay": Markup(_("à régler")),
            "requested_on": Markup(_("Demandée le")),
            "decision": Markup(_("Décision")),
            "no_collision": Markup(_("Aucune autre demande sur ce créneau.")),
            "rejects_none": Markup(_("La valider ne refusera aucune autre demande.")),
            "approve": Markup(_("Valider")),
            "reject": Markup(_("Refuser")),
            "status": {status: Markup(str(label)) for status, label in service.STATUS_LABELS.items()},
        }
    return words


def _moments_writer():
    """``moment|datetime("short")`` for one page: each moment written once (a row shows its start
    twice, a collision is listed under each request it crosses), from a plain dictionary rather than
    the request's globals, at every one of a desk's hundreds of moments; the reader's language and
    time zone looked up at the first."""
    known: dict = {}
    write = None

    def short_moment(moment) -> str:
        nonlocal write
        text = known.get(moment)
        if text is None:
            if write is None:
                write = moment_writer("short")
            text = known[moment] = write(moment)
        return text

    return short_moment


# --- Scope ----------------------------------------------------------------------------------------


def _scope():
    """The venues the user manages, the one chosen (``?lieu=slug``, 404 if not theirs) and the ids shown."""
    venues = permissions.manageable_venues(current_user)
    slug = request.values.get("lieu") or None
    if slug:
        venue = permissions.find_managed_venue(current_user, slug)
        if venue is None:
            abort(404)
        return venues, venue, [venue.id]
    return venues, None, [venue.id for venue in venues]


def _booking_or_404(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or not rules.can_decide(current_user, booking):
        abort(404)
    return booking


def _desk_url(venue=None) -> str:
    return url_for("desk.requests", lieu=venue.slug if venue else None)


def _back(fallback: str) -> str:
    return safe_next_url(request.form.get("next"), fallback)


def _fresh_count() -> int:
    g.pop("desk_pending_count", None)
    return rules.pending_count(current_user)


# --- The desk -------------------------------------------------------------------------------------


def _attach(items, reasons: dict[int, list], outcomes: dict[int, str], group_reasons: dict[int, list] | None = None):
    """Put refusals and outcomes on the rows (and series) they belong to."""
    for item in items:
        rows = item.rows if isinstance(item, rules.Group) else [item]
        if isinstance(item, rules.Group) and group_reasons:
            item.reasons = group_reasons.get(item.series.id, [])
        for row in rows:
            row.reasons = reasons.get(row.booking.id, [])
            row.outcome = outcomes.get(row.booking.id, "")


def _desk_context(venues, venue, venue_ids, touched=(), reasons=None, outcomes=None, group_reasons=None, **extra):
    items = rules.desk_items(venue_ids, touched)
    _attach(items, reasons or {}, outcomes or {}, group_reasons)
    changes = rules.pending_changes_in(venue_ids)
    for row in changes:
        row.reasons = (extra.get("change_reasons") or {}).get(row.change.id, [])
    extra.pop("change_reasons", None)
    return {
        "changes": changes,
        "venues": venues,
        "venue": venue,
        "items": items,
        "bulk_form": extra.pop("bulk_form", None) or BulkForm(),
        "recent": rules.recently_decided(venue_ids, utcnow()),
        "training_requests": training.open_requests(venue_ids),
        "back_url": _desk_url(venue),
        "pending_total": sum(
            len(item.pending_rows) if isinstance(item, rules.Group) else int(item.pending) for item in items
        ),
        **extra,
    }


@bp.get("/demandes")
def requests():
    venues, venue, venue_ids = _scope()
    context = _desk_context(venues, venue, venue_ids)
    if venue is None:  # every venue the user decides for: the menu's counter is this page's total
        g.desk_pending_count = context["pending_total"]
    if is_htmx_fragment_request(LIST_TARGET):
        return render_template("desk/_list.html", **context)
    return render_template("desk/requests.html", **context)


def _outcome_text(outcome: rules.Outcome, approve: bool) -> str:
    if outcome.superseded:
        return _("Non traitée : déjà refusée, le créneau a été attribué à une demande validée juste avant.")
    if not outcome.done:
        return _("Non validée.") if approve else _("Non refusée.")
    if approve:
        if outcome.rejected:
            return ngettext(
                "Validée ; %(num)d demande en conflit a été refusée.",
                "Validée ; %(num)d demandes en conflit ont été refusées.",
                len(outcome.rejected),
            )
        return _("Validée.")
    return _("Refusée.")


REJECTED_BY_OTHER = "rejected_by_other"


def _oob_rows(bookings, outcomes: dict[int, str]) -> str:
    html = []
    for booking in bookings:
        row = rules.make_row(booking)
        row.outcome = outcomes.get(booking.id, "")
        html.append(render_template("desk/_row.html", row=row, oob=True))
    return "".join(html)


def _inline_answer(main_html: str, others: list[Booking], others_outcomes: dict[int, str], status: int):
    """The row (or series) swapped in place, the other rows it changed and the menu's counter out of band.

    The decision is read out once: by its outcome (or its reasons) in the swapped row, which takes
    the focus (``autofocus``); the desk's live region is emptied, not filled with the same words."""
    body = [
        main_html,
        _oob_rows(others, others_outcomes),
        render_template("desk/_counter.html", count=_fresh_count(), oob=True),
        render_template("desk/_pending_title.html", pending_total=_pending_on_page(), oob=True),
        render_template("desk/_status.html", message=""),
    ]
    return "".join(body), status


def _pending_on_page() -> int:
    """The count of the desk's heading, for the venue the page shows (``lieu`` of its ``next`` address)."""
    venues = permissions.manageable_venues(current_user)
    slug = parse_qs(urlsplit(request.form.get("next", "")).query).get("lieu", [""])[0]
    venue = permissions.find_managed_venue(current_user, slug) if slug else None
    return rules.pending_count_in([venue.id] if venue else [v.id for v in venues])


def _refused_page(reasons=None, group_reasons=None):
    """Without JavaScript, a refused decision: the desk again (422), the reasons on the row or series."""
    venues, venue, venue_ids = _scope()
    context = _desk_context(venues, venue, venue_ids, reasons=reasons, group_reasons=group_reasons)
    return render_template("desk/requests.html", **context), 422


def _decide_one(booking_id: int, approve: bool):
    booking = _booking_or_404(booking_id)
    form = DecisionForm()
    target = f"booking-{booking.id}"
    if not form.validate():
        db.session.rollback()
        errors = [Reason(Code.REASON_REQUIRED, message, "note") for message in form.note.errors] or [
            Reason(Code.NOT_ALLOWED, _("Le formulaire a expiré ; rechargez la page."))
        ]
        outcome = rules.Outcome(booking, False, reasons=errors)
    else:
        collisions = rules.make_row(booking).collisions
        # The rows that list one of those in their own collisions change too once it is turned down.
        mentioning = [
            other
            for collision in collisions
            for other in rules.make_row(collision).collisions
            if other.id != booking.id
        ]
        outcome = rules.decide(booking, current_user, approve, form.note.data or "")
    series_target = f"series-{booking.series_id}" if booking.series_id else None
    if not outcome.done:
        db.session.rollback()
        if series_target and is_htmx_fragment_request(series_target):
            return _inline_answer(_occurrence_in_series(booking, reasons=outcome.reasons), [], {}, 422)
        if is_htmx_fragment_request(target):
            row = rules.make_row(db.session.get(Booking, booking.id))
            row.reasons = outcome.reasons
            return _inline_answer(render_template("desk/_row.html", row=row, focus=True), [], {}, 422)
        return _refused_page(reasons={booking.id: outcome.reasons})
    db.session.commit()
    message = _outcome_text(outcome, approve)
    auto = _("Refusée automatiquement : le créneau a été attribué à une autre demande.")
    if series_target and is_htmx_fragment_request(series_target):
        others = {b.id: b for b in [*outcome.rejected, *collisions] if b.series_id != booking.series_id}
        rejected_in_series = {b.id for b in outcome.rejected if b.series_id == booking.series_id}
        html = _occurrence_in_series(booking, outcome=message, touched=rejected_in_series, auto=auto)
        return _inline_answer(html, list(others.values()), {b.id: auto for b in outcome.rejected}, 200)
    if is_htmx_fragment_request(target):
        row = rules.make_row(booking)
        row.outcome = message
        rejected_ids = {b.id for b in outcome.rejected}
        others = {b.id: b for b in [*outcome.rejected, *collisions, *mentioning]}
        outcomes = {
            i: _("Refusée automatiquement : le créneau a été attribué à une autre demande.") for i in rejected_ids
        }
        return _inline_answer(
            render_template("desk/_row.html", row=row, focus=True), list(others.values()), outcomes, 200
        )
    flash(message, "success")
    return redirect(_back(_desk_url()), code=303)


def _occurrence_in_series(booking: Booking, *, reasons=None, outcome: str = "", touched=(), auto: str = "") -> str:
    """The series of an occurrence decided inline, its counts updated, the occurrence's news on its row."""
    series = booking.series
    group = rules.make_group(series, rules.series_bookings(series, {booking.id, *touched}))
    for row in group.rows:
        if row.booking.id == booking.id:
            row.reasons, row.outcome, row.focus = reasons or [], outcome, True
        elif row.booking.id in touched:
            row.outcome = auto
    return render_template("desk/_group.html", group=group)


@bp.post("/demandes/<int:booking_id>/valider")
def approve(booking_id: int):
    return _decide_one(booking_id, approve=True)


@bp.post("/demandes/<int:booking_id>/refuser")
def reject(booking_id: int):
    return _decide_one(booking_id, approve=False)


def _bulk(approve: bool):
    venues, venue, venue_ids = _scope()
    form = BulkForm()
    ids = form.booking_ids(request.form.getlist("booking_ids"))
    bookings = rules.bookings_by_ids(ids)
    if len(bookings) != len(set(ids)) or any(not rules.can_decide(current_user, b) for b in bookings):
        abort(404)
    if not form.validate() or not bookings:
        if not bookings:
            form.form_errors.append(_("Cochez au moins une demande."))
        db.session.rollback()
        context = _desk_context(venues, venue, venue_ids, bulk_form=form)
        template = "desk/_list.html" if is_htmx_fragment_request(LIST_TARGET) else "desk/requests.html"
        return render_template(template, **context), 422
    outcomes = rules.decide_many(bookings, current_user, approve, form.note.data or "")
    db.session.commit()
    done = [o for o in outcomes if o.done]
    refused = [o for o in outcomes if not o.done and not o.superseded]
    superseded = [o for o in outcomes if o.superseded]
    texts = {o.booking.id: _outcome_text(o, approve) for o in outcomes}
    touched = set(ids)
    for outcome in done:
        for other in outcome.rejected:
            touched.add(other.id)
            texts.setdefault(other.id, _("Refusée automatiquement : le créneau a été attribué à une autre demande."))
    reasons = {o.booking.id: o.reasons for o in refused}
    if approve:
        summary = ngettext("%(num)d demande validée.", "%(num)d demandes validées.", len(done))
    else:
        summary = ngettext("%(num)d demande refusée.", "%(num)d demandes refusées.", len(done))
    if superseded:
        summary += " " + ngettext(
            "%(num)d était déjà refusée : son créneau a été attribué à une demande validée juste avant.",
            "%(num)d étaient déjà refusées : leur créneau a été attribué à une demande validée juste avant.",
            len(superseded),
        )
    if refused:
        summary += " " + ngettext(
            "%(num)d n'a pas pu l'être : voyez la raison sur sa ligne.",
            "%(num)d n'ont pas pu l'être : voyez la raison sur leur ligne.",
            len(refused),
        )
    context = _desk_context(
        venues,
        venue,
        venue_ids,
        touched=touched,
        reasons=reasons,
        outcomes=texts,
        bulk_summary=summary,
        bulk_refused=bool(refused),
    )
    if is_htmx_fragment_request(LIST_TARGET):
        # The summary once, in the desk's live region (not also at the top of the list).
        body = render_template("desk/_list.html", **{**context, "bulk_summary": None})
        body += render_template("desk/_counter.html", count=_fresh_count(), oob=True)
        body += render_template("desk/_status.html", message=summary, error=bool(refused))
        return body
    return render_template("desk/requests.html", **context)


@bp.post("/demandes/lot/valider")
def bulk_approve():
    return _bulk(approve=True)


@bp.post("/demandes/lot/refuser")
def bulk_reject():
    return _bulk(approve=False)


def _series_or_404(series_id: int) -> Series:
    series = db.session.get(Series, series_id)
    if series is None or not series.bookings or not rules.can_decide(current_user, series.bookings[0]):
        abort(404)
    return series


def _decide_series(series_id: int, approve: bool):
    series = _series_or_404(series_id)
    form = DecisionForm()
    target = f"series-{series.id}"
    occurrences = rules.series_bookings(series)
    collisions = {
        b.id: b for row in map(rules.make_row, occurrences) for b in row.collisions if b.series_id != series.id
    }
    try:
        if not form.validate():
            raise Refusal(
                Reason(
                    Code.REASON_REQUIRED,
                    " ".join(form.note.errors) or _("Le formulaire a expiré ; rechargez la page."),
                    "note",
                )
            )
        decided, rejected = rules.decide_series(series, current_user, approve, form.note.data or "")
    except Refusal as refusal:
        db.session.rollback()
        if is_htmx_fragment_request(target):
            group = rules.make_group(series, rules.series_bookings(series))
            group.reasons = refusal.reasons
            return _inline_answer(render_template("desk/_group.html", group=group, focus=True), [], {}, 422)
        return _refused_page(group_reasons={series.id: refusal.reasons})
    db.session.commit()
    if approve:
        message = ngettext("Série validée : %(num)d occurrence.", "Série validée : %(num)d occurrences.", len(decided))
        if rejected:
            message += " " + ngettext(
                "%(num)d demande en conflit a été refusée.",
                "%(num)d demandes en conflit ont été refusées.",
                len(rejected),
            )
    else:
        message = ngettext("Série refusée : %(num)d occurrence.", "Série refusée : %(num)d occurrences.", len(decided))
    if is_htmx_fragment_request(target):
        touched = [b.id for b in decided]
        group = rules.make_group(series, rules.series_bookings(series, touched))
        group.outcome = message
        auto = _("Refusée automatiquement : le créneau a été attribué à une autre demande.")
        for row in group.rows:
            row.outcome = auto if row.booking in rejected else (_("Validée.") if approve else _("Refusée."))
        others = {b.id: b for b in [*rejected, *collisions.values()] if b.series_id != series.id}
        return _inline_answer(
            render_template("desk/_group.html", group=group, focus=True),
            list(others.values()),
            {b.id: auto for b in rejected},
            200,
        )
    flash(message, "success")
    return redirect(_back(_desk_url()), code=303)


@bp.post("/demandes/series/<int:series_id>/valider")
def approve_series(series_id: int):
    return _decide_series(series_id, approve=True)


@bp.post("/demandes/series/<int:series_id>/refuser")
def reject_series(series_id: int):
    return _decide_series(series_id, approve=False)


# --- Changes to approved bookings -------------------------------------------------------------------


def _change_or_404(change_id: int) -> BookingChange:
    change = db.session.get(BookingChange, change_id)
    if change is None or not rules.can_decide_change(current_user, change):
        abort(404)
    return change


def _decide_change(change_id: int, approve: bool):
    """Approve or refuse a change asked for an approved booking; refused: the desk again (422) with
    the reasons on the change's card."""
    change = _change_or_404(change_id)
    form = DecisionForm()
    note = form.note.data or ""
    try:
        if not form.validate():
            raise Refusal(Reason(Code.NOT_ALLOWED, _("Le formulaire a expiré ; rechargez la page.")))
        if approve:
            rejected = service.approve_change(change, current_user, note)
        else:
            service.refuse_change(change, current_user, note)
            rejected = []
    except Refusal as refusal:
        db.session.rollback()
        venues, venue, venue_ids = _scope()
        context = _desk_context(venues, venue, venue_ids, change_reasons={change_id: refusal.reasons})
        return render_template("desk/requests.html", **context), 422
    db.session.commit()
    if not approve:
        message = _("Modification refusée : la réservation reste telle qu'elle était et le membre est prévenu.")
    elif rejected:
        message = ngettext(
            "Modification acceptée ; %(num)d demande en conflit a été refusée.",
            "Modification acceptée ; %(num)d demandes en conflit ont été refusées.",
            len(rejected),
        )
    else:
        message = _("Modification acceptée : la réservation et sa convention sont mises à jour.")
    flash(message, "success")
    return redirect(_back(_desk_url()), code=303)


@bp.post("/modifications/<int:change_id>/accepter")
def approve_change(change_id: int):
    return _decide_change(change_id, approve=True)


@bp.post("/modifications/<int:change_id>/refuser")
def refuse_change(change_id: int):
    return _decide_change(change_id, approve=False)


# --- The planning ---------------------------------------------------------------------------------


def _parse_day(text: str | None) -> date | None:
    if not text or len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if within_reach(day) else None


def _planning_context():
    venues = permissions.manageable_venues(current_user)
    if not venues:
        abort(404)
    slug = request.args.get("lieu") or None
    if slug:
        venue = permissions.find_managed_venue(current_user, slug)
        if venue is None:
            abort(404)
    else:
        venue = venues[0]
    now = utcnow()
    today = plan_rules.paris_today(now)
    monday = parse_week(request.args.get("semaine"))
    if monday is not None:
        days = [monday + timedelta(days=n) for n in range(7)]
        view = {
            "mode": "week",
            "title": _(
                "Semaine du %(start)s au %(end)s", start=format_day(days[0], "long"), end=format_day(days[-1], "long")
            ),
            "previous": {"semaine": iso_week(monday - timedelta(days=7))},
            "next": {"semaine": iso_week(monday + timedelta(days=7))},
            "current": {"semaine": iso_week(today)},
            "other": {"jour": (today if monday == monday_of(today) else monday).isoformat()},
        }
    else:
        day = _parse_day(request.args.get("jour")) or today
        days = [day]
        view = {
            "mode": "day",
            "title": format_day(day, "full"),
            "previous": {"jour": (day - timedelta(days=1)).isoformat()},
            "next": {"jour": (day + timedelta(days=1)).isoformat()},
            "current": {"jour": today.isoformat()},
            "other": {"semaine": iso_week(day)},
        }
    overdue = plan_rules.overdue([venue.id], now)
    return {
        "venues": venues,
        "venue": venue,
        "view": view,
        "days": plan_rules.plan(venue, days, now),
        "today": today,
        "now": now,
        "to_hand_over": plan_rules.to_hand_over([venue.id], now),
        "to_take_back": plan_rules.to_take_back([venue.id], now),
        "overdue": overdue,
        "overdue_ids": {booking.id for booking in overdue},  # marked "en retard" in the days' rows
        "handover_of": plan_rules.handover_of,
        "format_day": lambda day: format_day(day, "full"),
        "day_label": day_label,
        "clock": clock,
        "booking_url": booking_url,
        "paris": PARIS,
    }


@bp.get("/planning")
def planning():
    context = _planning_context()
    if is_htmx_fragment_request(PLANNING_TARGET):
        return render_template("desk/_planning.html", **context)
    return render_template("desk/planning.html", **context)


def _kit_or_404(booking_id: int) -> Booking:
    booking = _booking_or_404(booking_id)
    if booking.resource.kind != ResourceKind.KIT:
        abort(404)
    return booking


def _planning_url(booking: Booking) -> str:
    return url_for("desk.planning", lieu=booking.resource.venue.slug)


def _kit_action(booking_id: int, returning: bool):
    booking = _kit_or_404(booking_id)
    form = ReturnForm() if returning else HandOverForm()
    items = booking.resource.checklist_items
    handover = plan_rules.handover_of(booking)
    if request.method == "GET":
        if returning and handover is not None:
            form.deposit.data = handover.deposit_cents
        elif not returning:
            form.deposit.data = booking.deposit_cents
    present = None
    reasons = []
    if returning and booking.status == BookingStatus.RETURNED:
        # Recorded once (a form sent twice, an old tab): say so plainly; nothing is written or billed again.
        kept = deposits.invoice_of(booking)
        words = _("Le retour de ce kit est déjà enregistré : il ne s'enregistre qu'une fois.")
        if kept is not None:
            words += " " + _(
                "La caution conservée est déjà facturée (facture %(number)s) ; une facture émise ne se modifie pas.",
                number=kept.number,
            )
        reasons.append(Reason(Code.TRANSITION, words, None))
    elif form.validate_on_submit():
        present = ticked(items, request.form.getlist("present"))
        try:
            if returning:
                service.return_kit(
                    booking,
                    current_user,
                    checklist=present,
                    condition_notes=form.condition_notes.data or "",
                    deposit_returned_cents=form.deposit.data,
                )
            else:
                service.hand_over(
                    booking,
                    current_user,
                    checklist=present,
                    condition_notes=form.condition_notes.data or "",
                    deposit_cents=form.deposit.data,
                    commune=form.commune.data or "",
                    partner=form.partner.data or "",
                )
        except Refusal as refusal:
            db.session.rollback()
            reasons = refusal.reasons
        else:
            db.session.commit()
            kept = deposits.invoice_of(booking) if returning else None
            if kept is not None:  # the deposit kept is invoiced, and settled by the deposit
                link = Markup('<a href="{}">{}</a>').format(url_for("billing.show", invoice_id=kept.id), kept.number)
                flash(
                    escape(
                        _(
                            "Le retour du kit « %(kit)s » est enregistré. La caution conservée (%(amount)s) est "
                            "facturée : facture %(number)s, réglée par retenue sur caution."
                        )
                    )
                    % {"kit": booking.resource.name, "amount": format_cents(kept.total_cents), "number": link},
                    "success",
                )
            elif returning:
                flash(_("Le retour du kit « %(kit)s » est enregistré.", kit=booking.resource.name), "success")
            else:
                flash(
                    _(
                        "Le kit « %(kit)s » est remis à %(name)s.",
                        kit=booking.resource.name,
                        name=booking.requester.name,
                    ),
                    "success",
                )
            return redirect(_planning_url(booking), code=303)
    elif request.method == "POST":
        present = ticked(items, request.form.getlist("present"))
    for reason in reasons:
        field = {"condition_notes": form.condition_notes, "deposit": form.deposit}.get(reason.field or "")
        if field is not None:
            field.errors = [*field.errors, str(reason.message)]
    checklist_errors = [str(r.message) for r in reasons if r.field == "checklist"]
    other_errors = [str(r.message) for r in reasons if r.field not in ("checklist", "condition_notes", "deposit")]
    failed = request.method == "POST"
    return render_template(
        "desk/kit.html",
        booking=booking,
        form=form,
        returning=returning,
        items=items,
        present=present,
        handover=handover,
        checklist_errors=checklist_errors,
        other_errors=other_errors,
        back_url=_planning_url(booking),
        now_utc=utcnow(),
    ), (422 if failed else 200)


@bp.route("/planning/remise/<int:booking_id>", methods=["GET", "POST"])
def hand_over(booking_id: int):
    return _kit_action(booking_id, returning=False)


@bp.route("/planning/retour/<int:booking_id>", methods=["GET", "POST"])
def return_kit(booking_id: int):
    return _kit_action(booking_id, returning=True)
