"""Searching and paging lists (the catalogue, the administration's). No request here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from app.extensions import db

PAGE_SIZE = 50
MAX_PAGE = 10_000  # beyond, a page number is nonsense (and its offset would overflow the database's integer)


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern (escape character ``\\``), its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str):
    """Case-insensitive "contains", with the LIKE wildcards of ``text`` taken literally."""
    return func.lower(column).like(f"%{like_literal(text).lower()}%", escape="\\")


@dataclass
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(query, number: int) -> Page:
    """One page of a query's rows, and whether there is a next one."""
    number = min(max(number, 1), MAX_PAGE)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((number - 1) * PAGE_SIZE)))
    return Page(items=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)
