"""Agreements, the bookings they cover, and the yearly counter that numbers them."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Booking, Organisation, User, Venue
from app.models.types import UTCDateTime, str_enum, utcnow


class AgreementStatus(enum.StrEnum):
    ISSUED = "issued"  # waits for the borrower's acceptance
    ACCEPTED = "accepted"  # accepted by the borrower, waits for the venue's countersignature
    SIGNED = "signed"  # countersigned: the final version exists
    VOID = "void"  # replaced by a newer version, or its bookings were all cancelled


class AgreementKind(enum.StrEnum):
    BOOKING = "booking"  # convention de mise à disposition
    TEST_SPACE = "test_space"  # convention d'occupation temporaire d'espace test


# Letters and digits that cannot be mistaken for one another when typed from paper.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_verification_code() -> str:
    """The code of the short verification URL printed on the document (and in its QR code):
    12 characters, about 59 random bits, so that codes cannot be guessed or enumerated."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


agreement_bookings = sa.Table(
    "agreement_bookings",
    db.metadata,
    sa.Column("agreement_id", sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("booking_id", sa.ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class AgreementCounter(db.Model):
    """The last number given in a year. Its row is locked while a number is taken, so numbers
    have no gap (a rolled-back approval gives its number back) and no duplicate."""

    __tablename__ = "agreement_counters"
    __table_args__ = (sa.CheckConstraint("last_number >= 0", name="last_number_non_negative"),)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Agreement(db.Model):
    """One version of an agreement. Versions share the number; only the newest is not void.

    ``content`` is the snapshot of everything the document says, taken when the version is
    issued: the PDF is rendered from it, so a later change of a venue or a booking never
    alters an issued document (a change of the booking makes a new version instead).
    """

    __tablename__ = "agreements"
    __table_args__ = (
        sa.UniqueConstraint("number", "version", name="uq_agreements_number_version"),
        sa.UniqueConstraint("year", "sequence", "version", name="uq_agreements_year_sequence_version"),
        sa.CheckConstraint("version >= 1 AND sequence >= 1", name="version_and_sequence_positive"),
        # At most one version of a number is in force.
        sa.Index(
            "uq_agreements_current_number",
            "number",
            unique=True,
            sqlite_where=sa.text("status != 'void'"),
            postgresql_where=sa.text("status != 'void'"),
        ),
        sa.Index("ix_agreements_venue_status", "venue_id", "status"),
        sa.Index("ix_agreements_borrower", "borrower_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20))  # FNT-2026-0042
    year: Mapped[int] = mapped_column()
    sequence: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[AgreementKind] = mapped_column(
        str_enum(AgreementKind, "agreement_kind"), default=AgreementKind.BOOKING
    )
    status: Mapped[AgreementStatus] = mapped_column(
        str_enum(AgreementStatus, "agreement_status"), default=AgreementStatus.ISSUED
    )
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"))
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    content: Mapped[dict] = mapped_column(sa.JSON)
    verification_code: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_verification_code)
    # NO ACTION (checked at the end of the statement), so a table can be emptied in one DELETE.
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreements.id"), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The document as issued, sealed: stored file and its SHA-256 (None until first rendered).
    file_name: Mapped[str | None] = mapped_column(sa.String(120))
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The borrower's online acceptance.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    accepted_name: Mapped[str] = mapped_column(sa.String(160), default="")
    accepted_ip: Mapped[str] = mapped_column(sa.String(45), default="")
    # The venue manager's countersignature.
    countersigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    countersigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    countersigned_name: Mapped[str] = mapped_column(sa.String(160), default="")
    countersigned_ip: Mapped[str] = mapped_column(sa.String(45), default="")
    # The final version: the document plus the signature page, sealed.
    final_file_name: Mapped[str | None] = mapped_column(sa.String(120))
    final_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(sa.Text, default="")

    venue: Mapped[Venue] = relationship()
    borrower: Mapped[User] = relationship(foreign_keys=[borrower_id])
    organisation: Mapped[Organisation | None] = relationship()
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    countersigned_by: Mapped[User | None] = relationship(foreign_keys=[countersigned_by_id])
    bookings: Mapped[list[Booking]] = relationship(secondary=agreement_bookings, order_by=Booking.starts_at)
    previous: Mapped[Agreement | None] = relationship(
        remote_side=[id], back_populates="next_version", foreign_keys=[previous_id]
    )
    next_version: Mapped[Agreement | None] = relationship(back_populates="previous", foreign_keys=[previous_id])

    @property
    def is_current(self) -> bool:
        return self.status != AgreementStatus.VOID

    @property
    def label(self) -> str:
        return f"{self.number} v{self.version}"

    def __repr__(self) -> str:
        return f"<Agreement {self.number} v{self.version} {self.status}>"
