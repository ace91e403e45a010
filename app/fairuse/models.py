"""The tables of the fair-use feature: members' requests for a training on a machine."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Resource, User
from app.models.types import UTCDateTime, utcnow


class TrainingRequest(db.Model):
    """A member asks to be trained on a machine that requires a qualification.

    Open until a manager of the venue marks it handled (``handled_at``); one open request per
    member and machine (asking again while one is open changes nothing).
    """

    __tablename__ = "training_requests"
    __table_args__ = (sa.Index("ix_training_requests_resource_handled", "resource_id", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    resource: Mapped[Resource] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
