"""Full-text search in French over guides, tools and projects. No request here.

Each searchable item has one row in ``documentation_search`` (``SearchEntry``), written in the same
transaction as the item by :func:`index` (or removed by :func:`unindex`), and only while the item
may be shown: a project once published, a members-only tool marked ``members_only``.

- PostgreSQL: ``to_tsvector('french', fnt_unaccent(title || ' ' || body))``, the French Snowball
  stemmer over the text with its accents folded (``fnt_unaccent`` is the ``unaccent`` extension,
  made IMMUTABLE by the migration so that a GIN index holds it; on a server without the
  extension, a ``translate()`` of the French accented letters). The query goes through the same
  folding and ``websearch_to_tsquery``.
- SQLite: the FTS5 table ``fts_documentation`` indexes ``stems``, the text's words stemmed in
  Python by the same Snowball French stemmer (PyStemmer), then unaccented and lower-cased; the
  query's words go through the same steps and must all match (a word typed is also a prefix).

Either way "reparer" finds "réparation", "outils" finds "outil".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import Stemmer
from sqlalchemy import delete, select

from app.documentation.models import SearchEntry
from app.extensions import db

KINDS = ("guide", "tool", "project")
_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = Stemmer.Stemmer("french")
MAX_QUERY_WORDS = 12
MAX_RESULTS = 50


def fold(text: str) -> str:
    """Lower-case, accents removed ("Réparation" -> "reparation"); œ and æ spelt out."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def stems(text: str) -> list[str]:
    """The words of ``text`` stemmed in French, then folded: "Réparations des vélos" -> repar, de, velo."""
    words = _WORD.findall(text.lower())
    return [fold(stem) for stem in _STEMMER.stemWords(words)]


def index(kind: str, item_id: int, *, title: str, body: str, members_only: bool) -> None:
    """Add or refresh the item's row (the caller commits)."""
    entry = db.session.scalar(select(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.item_id == item_id))
    if entry is None:
        entry = SearchEntry(kind=kind, item_id=item_id)
        db.session.add(entry)
    entry.title = title
    entry.body = body
    entry.members_only = members_only
    entry.stems = " ".join(stems(f"{title} {body}"))
    db.session.flush()


def unindex(kind: str, item_id: int) -> None:
    db.session.execute(delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.item_id == item_id))


@dataclass(frozen=True)
class Hit:
    kind: str
    item_id: int
    title: str
    body: str


def search(query: str, *, members: bool, kinds: tuple[str, ...] = KINDS, limit: int = MAX_RESULTS) -> list[Hit]:
    """The items matching every word of ``query``, best first; members-only ones only for ``members``."""
    words = _WORD.findall(query or "")[:MAX_QUERY_WORDS]
    if not words:
        return []
    dialect = db.session.get_bind().dialect.name
    conditions = [SearchEntry.kind.in_(kinds)]
    if not members:
        conditions.append(SearchEntry.members_only.is_(False))
    if dialect == "postgresql":
        document = sa.func.to_tsvector(
            sa.literal_column("'french'::regconfig"),
            sa.func.fnt_unaccent(SearchEntry.title + " " + SearchEntry.body),
        )
        tsquery = sa.func.websearch_to_tsquery(
            sa.literal_column("'french'::regconfig"), sa.func.fnt_unaccent(" ".join(words))
        )
        statement = (
            select(SearchEntry)
            .where(document.op("@@")(tsquery), *conditions)
            .order_by(sa.func.ts_rank(document, tsquery).desc(), SearchEntry.id)
        )
    else:
        terms = [stem for stem in stems(" ".join(words)) if stem]
        if not terms:
            return []
        match = " ".join(f'"{term}"*' for term in terms)
        fts = sa.table("fts_documentation", sa.column("rowid"))
        statement = (
            select(SearchEntry)
            .join(fts, fts.c.rowid == SearchEntry.id)
            .where(sa.text("fts_documentation MATCH :match").bindparams(match=match), *conditions)
            .order_by(sa.text("bm25(fts_documentation)"), SearchEntry.id)
        )
    return [
        Hit(entry.kind, entry.item_id, entry.title, entry.body) for entry in db.session.scalars(statement.limit(limit))
    ]


def matching_ids(query: str, kind: str, *, members: bool) -> list[int]:
    return [hit.item_id for hit in search(query, members=members, kinds=(kind,), limit=500)]


# What the migration makes by hand, beside the models: Alembic's autogenerate (migrations/env.py)
# and the test that models and migrations agree leave these alone.
FTS_TABLE_PREFIX = "fts_"
HAND_MADE_INDEXES = frozenset({"ix_documentation_search_french"})


def managed_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name``: False for SQLite's FTS5 tables and PostgreSQL's search index."""
    if type_ == "table" and name:
        return not name.startswith(FTS_TABLE_PREFIX)
    if type_ == "index":
        return name not in HAND_MADE_INDEXES
    return True
