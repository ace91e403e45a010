"""The shared documentation's tables: guides of resources (with their versions), the mediation
toolbox, the gallery of projects, their files, and the search index over the three."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Resource, Theme, User, Venue
from app.models.types import UTCDateTime, str_enum, utcnow


class Language(enum.StrEnum):
    FR = "fr"
    EN = "en"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"  # logged-in members of the consortium only


class ToolAudience(enum.StrEnum):
    """Who a mediation tool is made for."""

    CHILDREN = "children"
    TEENAGERS = "teenagers"
    ADULTS = "adults"
    SENIORS = "seniors"
    FAMILIES = "families"
    PROFESSIONALS = "professionals"  # mediators, facilitators, teachers
    EVERYONE = "everyone"


class Licence(enum.StrEnum):
    """The Creative Commons licences a project can be published under."""

    CC_BY = "cc-by"
    CC_BY_SA = "cc-by-sa"
    CC_BY_NC = "cc-by-nc"
    CC_BY_NC_SA = "cc-by-nc-sa"
    CC_BY_ND = "cc-by-nd"
    CC_BY_NC_ND = "cc-by-nc-nd"
    CC0 = "cc0"


class ProjectStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for a venue's manager
    PUBLISHED = "published"
    REJECTED = "rejected"


class Guide(db.Model):
    """A guide to one resource, in one language, written by the resource's managers; its text lives
    in its versions (the last one is shown)."""

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    language: Mapped[Language] = mapped_column(str_enum(Language, "guide_language"), default=Language.FR)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship()
    versions: Mapped[list[GuideVersion]] = relationship(
        back_populates="guide", order_by="GuideVersion.number", cascade="all, delete-orphan"
    )
    files: Mapped[list[DocumentFile]] = relationship(
        primaryjoin="DocumentFile.guide_id == Guide.id", order_by="DocumentFile.id", viewonly=True
    )

    @property
    def current(self) -> GuideVersion:
        return self.versions[-1]


class GuideVersion(db.Model):
    """One version of a guide's text (Markdown), never changed: an edit adds a version."""

    __tablename__ = "guide_versions"
    __table_args__ = (sa.UniqueConstraint("guide_id", "number", name="uq_guide_versions_guide_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(sa.ForeignKey("guides.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(160))
    body: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    guide: Mapped[Guide] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


tool_themes = sa.Table(
    "toolbox_item_themes",
    db.metadata,
    sa.Column("tool_id", sa.ForeignKey("toolbox_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

tool_resources = sa.Table(
    "toolbox_item_resources",
    db.metadata,
    sa.Column("tool_id", sa.ForeignKey("toolbox_items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("resource_id", sa.ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
)


class Tool(db.Model):
    """A mediation tool (workshop plan, facilitation sheet, template…) shared by one venue."""

    __tablename__ = "toolbox_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(255), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[ToolAudience] = mapped_column(str_enum(ToolAudience, "tool_audience"))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility, "tool_visibility"), default=Visibility.PUBLIC)
    # A reused tool: the one it was copied from, and its credit kept in words (the original may go).
    reused_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("toolbox_items.id", ondelete="SET NULL"))
    credit: Mapped[str] = mapped_column(sa.String(400), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    venue: Mapped[Venue] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=tool_themes, order_by="Theme.position")
    resources: Mapped[list[Resource]] = relationship(secondary=tool_resources, order_by="Resource.name")
    reused_from: Mapped[Tool | None] = relationship(remote_side=[id])
    files: Mapped[list[DocumentFile]] = relationship(
        primaryjoin="DocumentFile.tool_id == Tool.id", order_by="DocumentFile.id", viewonly=True
    )


project_resources = sa.Table(
    "project_resources",
    db.metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("resource_id", sa.ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True, index=True),
)

project_venues = sa.Table(
    "project_venues",
    db.metadata,
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("venue_id", sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Project(db.Model):
    """A member's project made with the shared resources, published once a venue's manager agrees."""

    __tablename__ = "projects"
    __table_args__ = (sa.Index("ix_projects_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(255), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    licence: Mapped[Licence] = mapped_column(str_enum(Licence, "project_licence"))
    status: Mapped[ProjectStatus] = mapped_column(
        str_enum(ProjectStatus, "project_status"), default=ProjectStatus.SUBMITTED
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderation_note: Mapped[str] = mapped_column(sa.Text, default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    moderated_by: Mapped[User | None] = relationship(foreign_keys=[moderated_by_id])
    resources: Mapped[list[Resource]] = relationship(secondary=project_resources, order_by="Resource.name")
    venues: Mapped[list[Venue]] = relationship(secondary=project_venues, order_by="Venue.name")
    files: Mapped[list[DocumentFile]] = relationship(
        primaryjoin="DocumentFile.project_id == Project.id", order_by="DocumentFile.id", viewonly=True
    )


class DocumentFile(db.Model):
    """A file attached to a guide, a tool or a project, stored under ``instance/`` by its token."""

    __tablename__ = "documentation_files"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN guide_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN tool_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN project_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(40), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    extension: Mapped[str] = mapped_column(sa.String(10))
    size_bytes: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(sa.String(255), default="")
    guide_id: Mapped[int | None] = mapped_column(sa.ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    tool_id: Mapped[int | None] = mapped_column(sa.ForeignKey("toolbox_items.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SearchEntry(db.Model):
    """One searchable guide, tool or project: what the full-text search reads.

    PostgreSQL searches ``title`` and ``body`` with its French configuration (accents folded by
    ``fnt_unaccent``, made by the migration); SQLite's FTS5 table ``fts_documentation`` (made by the
    migration, kept in step by triggers) indexes ``stems``, the words unaccented and stemmed in
    Python (``app.documentation.search``). Only what may be shown is indexed: a project once
    published, a members-only tool with ``members_only`` set."""

    __tablename__ = "documentation_search"
    __table_args__ = (sa.UniqueConstraint("kind", "item_id", name="uq_documentation_search_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # "guide", "tool", "project"
    item_id: Mapped[int] = mapped_column()
    members_only: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(sa.String(160))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    stems: Mapped[str] = mapped_column(sa.Text, default="")
