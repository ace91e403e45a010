"""The billing tables: each venue's identity as a seller, its invoices and credit notes, their
lines, and the counters that number them per venue, kind and year."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Organisation, User, Venue
from app.models.types import UTCDateTime, str_enum, utcnow

EXEMPTION_WORDING = "TVA non applicable, art. 293 B du CGI"


class InvoicingSchedule(enum.StrEnum):
    """When a venue invoices its paid bookings (``app.billing.schedule``)."""

    AT_APPROVAL = "at_approval"  # when the booking is approved (in the approval's transaction)
    AFTER_BOOKING = "after_booking"  # once the booking has ended (``flask invoices run``)
    MONTHLY = "monthly"  # one invoice per organisation (or member) and month (``flask invoices monthly``)


class BillingIdentity(db.Model):
    """What a venue, as a legal entity of its own, prints on its invoices. Set by its managers
    or a coordinator; an invoice copies it when issued (a later change alters no issued one)."""

    __tablename__ = "billing_identities"
    __table_args__ = (
        sa.CheckConstraint("vat_rate_basis_points >= 0 AND vat_rate_basis_points <= 10000", name="vat_rate_range"),
        sa.CheckConstraint("payment_terms_days >= 0", name="payment_terms_non_negative"),
    )

    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    legal_name: Mapped[str] = mapped_column(sa.String(160))
    street: Mapped[str] = mapped_column(sa.String(255))
    postal_code: Mapped[str] = mapped_column(sa.String(10))
    city: Mapped[str] = mapped_column(sa.String(120))
    siret: Mapped[str] = mapped_column(sa.String(14))
    # Subject to VAT: its intra-community number and rate; else exempt, with the wording printed.
    vat_exempt: Mapped[bool] = mapped_column(default=True)
    vat_number: Mapped[str] = mapped_column(sa.String(20), default="")
    vat_rate_basis_points: Mapped[int] = mapped_column(default=0)  # 2000 = 20 %
    exemption_wording: Mapped[str] = mapped_column(sa.String(255), default=EXEMPTION_WORDING)
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    bic: Mapped[str] = mapped_column(sa.String(11), default="")
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    legal_mentions: Mapped[str] = mapped_column(sa.Text, default="")
    invoicing: Mapped[InvoicingSchedule] = mapped_column(
        str_enum(InvoicingSchedule, "invoicing_schedule"), default=InvoicingSchedule.AT_APPROVAL
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    venue: Mapped[Venue] = relationship()

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)


# The source of a line for the part of a kit's deposit a venue kept at its return (source_id: the
# booking): outside the scope of VAT, and settled by the deposit itself (``app.billing.deposits``).
KEPT_DEPOSIT = "kept_deposit"


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"  # facture
    CREDIT_NOTE = "credit_note"  # avoir


# Number prefixes, per kind: F-2027-0001, AV-2027-0001 (each venue has its own sequences).
PREFIXES = {DocumentKind.INVOICE: "F", DocumentKind.CREDIT_NOTE: "AV"}


class InvoiceCounter(db.Model):
    """The last number a venue gave to one kind of document in a year. Its row is locked while a
    number is taken (see ``app.billing.numbering``): no gap, no duplicate."""

    __tablename__ = "invoice_counters"
    __table_args__ = (sa.CheckConstraint("last_number >= 0", name="last_number_non_negative"),)

    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "billing_document_kind"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Invoice(db.Model):
    """An invoice or a credit note, as issued: never changed afterwards (``app.billing.frozen``
    refuses it), except for its file once rendered. Amounts in integer cents; ``seller`` and
    ``buyer`` are snapshots of the parties when it was issued."""

    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("venue_id", "kind", "year", "sequence", name="uq_invoices_venue_kind_year_sequence"),
        sa.UniqueConstraint("venue_id", "number", name="uq_invoices_venue_number"),
        sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
        sa.CheckConstraint("net_cents >= 0 AND vat_cents >= 0 AND total_cents = net_cents + vat_cents", name="totals"),
        sa.Index("ix_invoices_venue_issued", "venue_id", "issued_at"),
        sa.Index("ix_invoices_buyer", "buyer_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "billing_document_kind"))
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"))
    number: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column()
    sequence: Mapped[int] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(sa.Date)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    # A business buyer (a company) gets the late-payment penalties and the 40 € recovery charge.
    business_buyer: Mapped[bool] = mapped_column(default=False)
    seller: Mapped[dict] = mapped_column(sa.JSON)
    buyer: Mapped[dict] = mapped_column(sa.JSON)
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    net_cents: Mapped[int] = mapped_column()
    vat_cents: Mapped[int] = mapped_column()
    total_cents: Mapped[int] = mapped_column()
    # The reference a bank transfer carries (structured: the venue and the number, checked).
    transfer_reference: Mapped[str] = mapped_column(sa.String(40))
    # A credit note: the invoice it corrects, and why.
    credits_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The Factur-X file once rendered (None until then, and after a failure: retried).
    file_name: Mapped[str | None] = mapped_column(sa.String(120))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue: Mapped[Venue] = relationship()
    buyer_user: Mapped[User] = relationship(foreign_keys=[buyer_id])
    organisation: Mapped[Organisation | None] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )
    credits: Mapped[Invoice | None] = relationship(remote_side=[id], back_populates="credit_notes")
    credit_notes: Mapped[list[Invoice]] = relationship(back_populates="credits", order_by="Invoice.id")
    payments: Mapped[list[Payment]] = relationship(back_populates="invoice", order_by="Payment.received_on")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def is_kept_deposit(self) -> bool:
        """A document about a kit's deposit kept (outside the scope of VAT; an invoice of it is
        settled by the deposit, a credit note of it gives that part of the deposit back)."""
        return bool(self.lines) and all(line.source_type == KEPT_DEPOSIT for line in self.lines)

    def __repr__(self) -> str:
        return f"<Invoice {self.number} {self.kind}>"


class InvoiceLine(db.Model):
    """One line: what was sold, as a generic source (``source_type``, ``source_id``): a booking
        today, an event ticket later (``app.billing.sources``). A credit note's lines point at the
        source they credit, with their own amounts. VAT is computed on the document's total net
    (EN 16931 sums it per rate), so a line carries its rate only."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        sa.UniqueConstraint("invoice_id", "position", name="uq_invoice_lines_position"),
        sa.CheckConstraint("quantity >= 1", name="quantity_positive"),
        sa.CheckConstraint("net_cents >= 0", name="net_non_negative"),
        sa.Index("ix_invoice_lines_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    source_type: Mapped[str] = mapped_column(sa.String(20))  # "booking", later "event_ticket"
    source_id: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(sa.String(255))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price_cents: Mapped[int] = mapped_column()
    net_cents: Mapped[int] = mapped_column()
    vat_rate_basis_points: Mapped[int] = mapped_column(default=0)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class PaymentMethod(enum.StrEnum):
    TRANSFER = "transfer"  # virement, with the invoice's structured reference
    CHEQUE = "cheque"
    CASH = "cash"  # espèces
    CARD = "card"  # carte, en ligne (app.billing.online)
    DEPOSIT = "deposit"  # retenue sur caution: a kit's deposit kept settles its own invoice (app.billing.deposits)


class Payment(db.Model):
    """Money received against an invoice, recorded by a manager of its venue (or, paid online, by
    the provider's confirmation: ``recorded_by`` None); several partial payments may settle one
    invoice."""

    __tablename__ = "invoice_payments"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_invoice_payments_invoice", "invoice_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="RESTRICT"))
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    amount_cents: Mapped[int] = mapped_column()
    received_on: Mapped[date] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(120), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")
    recorded_by: Mapped[User | None] = relationship()


class OnlinePaymentStatus(enum.StrEnum):
    OPEN = "open"  # the intent exists, the buyer has not paid (yet)
    SUCCEEDED = "succeeded"  # the provider confirmed it: a Payment is recorded
    CANCELED = "canceled"  # given up, or replaced by a new intent for another amount


class OnlinePayment(db.Model):
    """A payment asked of a provider for an invoice (Stripe: a PaymentIntent), with the amount
    taken from our database when it was created. Settled once, by the webhook, by the return
    page or by ``flask payments sync``, whichever asks the provider first."""

    __tablename__ = "online_payments"
    __table_args__ = (
        sa.UniqueConstraint("provider", "intent_id", name="uq_online_payments_provider_intent"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_online_payments_invoice", "invoice_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="RESTRICT"))
    provider: Mapped[str] = mapped_column(sa.String(20))
    intent_id: Mapped[str] = mapped_column(sa.String(120))
    amount_cents: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(sa.String(3), default="eur")
    status: Mapped[OnlinePaymentStatus] = mapped_column(
        str_enum(OnlinePaymentStatus, "online_payment_status"), default=OnlinePaymentStatus.OPEN
    )
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoice_payments.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invoice: Mapped[Invoice] = relationship()
    payment: Mapped[Payment | None] = relationship()
    refunds: Mapped[list[Refund]] = relationship(back_populates="online_payment", order_by="Refund.id")


class ProviderEvent(db.Model):
    """A webhook event already applied: the same event again (replayed or duplicated) changes nothing."""

    __tablename__ = "provider_events"

    provider: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RefundStatus(enum.StrEnum):
    PENDING = "pending"  # written with the credit note, sent to the provider after the commit
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the provider refused: the venue refunds by other means


class Refund(db.Model):
    """Money sent back through the provider for a credit note on an invoice paid online."""

    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.Index("ix_refunds_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id", ondelete="RESTRICT"), index=True)
    online_payment_id: Mapped[int] = mapped_column(sa.ForeignKey("online_payments.id", ondelete="RESTRICT"))
    amount_cents: Mapped[int] = mapped_column()
    status: Mapped[RefundStatus] = mapped_column(str_enum(RefundStatus, "refund_status"), default=RefundStatus.PENDING)
    provider_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    credit_note: Mapped[Invoice] = relationship()
    online_payment: Mapped[OnlinePayment] = relationship(back_populates="refunds")


class QuoteCounter(db.Model):
    """The last quote number a venue gave in a year (locked while a number is taken, like invoices)."""

    __tablename__ = "quote_counters"
    __table_args__ = (sa.CheckConstraint("last_number >= 0", name="last_number_non_negative"),)

    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Quote(db.Model):
    """A quote (devis) for a slot of a resource, before booking or for a pending request: numbered
    D-<VENUE>-<year>-NNNN without gaps, valid until a date, accepted online by its requester. Its
    amounts and parties are copied when it is issued, and never changed (only its acceptance is
    recorded afterwards); its PDF is made when it is downloaded."""

    __tablename__ = "quotes"
    __table_args__ = (
        sa.UniqueConstraint("venue_id", "year", "sequence", name="uq_quotes_venue_year_sequence"),
        sa.UniqueConstraint("number", name="uq_quotes_number"),
        sa.CheckConstraint("sequence >= 1", name="sequence_positive"),
        sa.CheckConstraint("net_cents > 0 AND vat_cents >= 0 AND total_cents = net_cents + vat_cents", name="totals"),
        sa.Index("ix_quotes_requester", "requester_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"))
    number: Mapped[str] = mapped_column(sa.String(60))
    year: Mapped[int] = mapped_column()
    sequence: Mapped[int] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="RESTRICT"))
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quantity: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(sa.String(255))
    business_buyer: Mapped[bool] = mapped_column(default=False)
    seller: Mapped[dict] = mapped_column(sa.JSON)
    buyer: Mapped[dict] = mapped_column(sa.JSON)
    net_cents: Mapped[int] = mapped_column()
    vat_cents: Mapped[int] = mapped_column()
    total_cents: Mapped[int] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue: Mapped[Venue] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
