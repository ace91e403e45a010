"""Quotes (devis): for a slot of a resource before booking, or for a pending request. No request here.

A quote is priced by the engine's tariffs (``app.bookings.pricing``, for the requester's audience),
issued in the venue's name with the invoices' parties and VAT, numbered ``D-<VENUE>-<year>-NNNN``
without gaps (``app.billing.numbering``), valid ``QUOTE_VALIDITY_DAYS`` days (30 by default), and
accepted online by its requester while valid. Its PDF is a PDF/A-3 with every mention of the offer:
Factur-X has no profile for a quote (it is made for invoices and credit notes), so no XML is embedded.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.billing import numbering
from app.billing.issuing import buyer_of, identity_of, seller_of, vat_of
from app.billing.models import Quote
from app.bookings import pricing, queries
from app.core.clock import PARIS, paris_today, utcnow
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage.audit import record
from app.models import Booking, BookingStatus, Resource, ResourceKind, User

DEFAULT_VALIDITY_DAYS = 30


class QuoteRefused(Refusal):
    code = "quote_refused"


def validity_days() -> int:
    return int(current_app.config.get("QUOTE_VALIDITY_DAYS", DEFAULT_VALIDITY_DAYS))


def describe(resource: Resource, starts_at: datetime, ends_at: datetime, quantity: int) -> str:
    start, end = starts_at.astimezone(PARIS), ends_at.astimezone(PARIS)
    if start.date() == end.date():
        when = f"{start:%d/%m/%Y} {start:%H:%M}–{end:%H:%M}"
    else:
        when = f"{start:%d/%m/%Y %H:%M} – {end:%d/%m/%Y %H:%M}"
    units = f" × {quantity}" if resource.kind == ResourceKind.KIT and quantity > 1 else ""
    return f"{resource.name}{units}, {when}"[:255]


def request_quote(
    resource: Resource,
    requester: User,
    starts_at: datetime | None,
    ends_at: datetime | None,
    quantity: int = 1,
    booking: Booking | None = None,
    now: datetime | None = None,
) -> Quote:
    """Issue a quote (the caller commits)."""
    now = now or utcnow()
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise QuoteRefused(_l("La fin doit venir après le début."), field="ends_at")
    if starts_at < now:
        raise QuoteRefused(_l("Le créneau doit être à venir."), field="starts_at")
    if booking is not None and booking.status != BookingStatus.REQUESTED:
        raise QuoteRefused(_l("Un devis se demande avant la réservation ou pour une demande en attente."))
    identity = identity_of(resource.venue_id)
    if identity is None:
        raise QuoteRefused(_l("Ce lieu n'établit pas encore de devis : contactez-le."))
    price = pricing.quote(resource, queries.audience_of(requester), starts_at, ends_at, quantity).price_cents
    if price <= 0:
        raise QuoteRefused(_l("Ce créneau est gratuit pour vous : pas besoin de devis."))
    seller = seller_of(identity)
    buyer, business = buyer_of(SimpleNamespace(requester=requester, organisation=requester.organisation))  # type: ignore[arg-type]
    vat = vat_of(price, seller["vat_rate_basis_points"])
    year, sequence, number = numbering.allocate_quote(resource.venue_id, resource.venue.slug, now)
    quote = Quote(
        venue_id=resource.venue_id,
        number=number,
        year=year,
        sequence=sequence,
        issued_at=now,
        valid_until=paris_today(now) + timedelta(days=validity_days()),
        requester_id=requester.id,
        organisation_id=requester.organisation_id,
        resource_id=resource.id,
        booking_id=booking.id if booking is not None else None,
        starts_at=starts_at,
        ends_at=ends_at,
        quantity=quantity,
        description=describe(resource, starts_at, ends_at, quantity),
        business_buyer=business,
        seller=seller,
        buyer=buyer,
        net_cents=price,
        vat_cents=vat,
        total_cents=price + vat,
    )
    db.session.add(quote)
    db.session.flush()
    record(
        requester, "quote", quote.id, "issued", number=number, total_cents=quote.total_cents, booking=quote.booking_id
    )
    return quote


def is_expired(quote: Quote, today: date | None = None) -> bool:
    return quote.accepted_at is None and quote.valid_until < (today or paris_today())


def accept(quote: Quote, actor: User, now: datetime | None = None) -> Booking:
    """The requester accepts the quote online while it is valid, and its slot is booked in the same
    transaction (the caller commits once; on a refusal it rolls back and the quote stays acceptable).

    A quote made for a pending request accepts that request's price (the request still waits for
    the venue). Any other quote books its slot through the booking engine, with every rule and the
    resource's lock (``service.request_booking``): a slot no longer free raises the engine's own
    ``Refusal`` with its reasons. The booking keeps the quoted price (the quote binds the venue while
    valid): approved at once, it is invoiced with it. Two acceptances at once: the quote's row lock
    lets one through, the other finds it accepted.
    """
    from app.bookings import service

    now = now or utcnow()
    if actor.id != quote.requester_id:
        raise QuoteRefused(_l("Seule la personne qui a demandé le devis peut l'accepter."))
    db.session.scalars(
        select(Quote).where(Quote.id == quote.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if quote.accepted_at is not None:
        raise QuoteRefused(_l("Ce devis est déjà accepté."))
    if is_expired(quote, paris_today(now)):
        raise QuoteRefused(_l("Ce devis n'est plus valable : demandez-en un nouveau."))
    booking = db.session.get(Booking, quote.booking_id) if quote.booking_id else None
    if booking is None or booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
        if quote.starts_at <= now:
            raise QuoteRefused(_l("Le créneau de ce devis est passé : demandez-en un nouveau."))
        resource = db.session.get(Resource, quote.resource_id)
        assert resource is not None
        booking = service.request_booking(
            resource, actor, quote.starts_at, quote.ends_at, quantity=quote.quantity, purpose=quote.description, now=now
        )
        booking.price_cents = quote.net_cents  # the quoted price, invoiced if approved at once (at commit)
        quote.booking_id = booking.id
    quote.accepted_at = now
    record(
        actor,
        "quote",
        quote.id,
        "accepted",
        number=quote.number,
        total_cents=quote.total_cents,
        booking=booking.id,
    )
    return booking


def quotes_of(user: User) -> list[Quote]:
    return list(
        db.session.scalars(
            select(Quote).where(Quote.requester_id == user.id).order_by(Quote.issued_at.desc()).limit(200)
        )
    )


def quotes_of_venue(venue_id: int) -> list[Quote]:
    return list(
        db.session.scalars(select(Quote).where(Quote.venue_id == venue_id).order_by(Quote.issued_at.desc()).limit(500))
    )


# --- the PDF -----------------------------------------------------------------------------------------

QUOTE_MENTIONS = [
    "Pénalités de retard applicables à la facture qui suivra : trois fois le taux d'intérêt légal.",
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € (clients professionnels).",
]


def render_pdf(quote: Quote) -> bytes:
    """The quote as a PDF/A-3b (WeasyPrint, the agreements' fonts and output intent), with every
    mention of the offer; no XML inside: Factur-X has no profile for a quote."""
    from weasyprint import HTML

    from app.agreements.rendering import OUTPUT_INTENT, Formats, PdfToolchainMissing, _font_config, _output_intent_rule
    from app.core import system

    problems = system.pdf_problems()
    if problems:
        raise PdfToolchainMissing("; ".join(problems))
    html = current_app.jinja_env.get_template("billing/pdf/quote.html").render(
        quote=quote,
        f=Formats("fr"),
        issued_on=quote.issued_at.astimezone(PARIS).date(),
        accepted_on=quote.accepted_at.astimezone(PARIS).date() if quote.accepted_at else None,
        mentions=QUOTE_MENTIONS if quote.business_buyer else [],
        output_intent_rule=_output_intent_rule(),
    )
    return HTML(string=html).write_pdf(
        pdf_variant="pdf/a-3b",
        pdf_identifier=quote.number.encode(),
        output_intent=OUTPUT_INTENT,
        font_config=_font_config(),
    )


_QUOTE_MUTABLE = {"accepted_at", "booking_id"}  # its acceptance, and the booking it made


@event.listens_for(Session, "before_flush")
def _refuse_quote_changes(session: Session, _context, _instances) -> None:
    """An issued quote is never changed, only accepted."""
    for obj in session.dirty:
        if isinstance(obj, Quote) and session.is_modified(obj):
            changed = {attr.key for attr in db.inspect(obj).attrs if attr.history.has_changes()}
            if changed - _QUOTE_MUTABLE:
                raise FrozenQuote(f"an issued quote cannot be changed: {obj.number} {sorted(changed)}")


class FrozenQuote(RuntimeError):
    """An issued quote was about to be changed."""
