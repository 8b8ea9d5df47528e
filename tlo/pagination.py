"""One page of a long list: the rows asked for and how many there are in all."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

from sqlmodel import Session, func, select

MAX_PAGE_SIZE = 500

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int

    @property
    def page_count(self) -> int:
        return max(1, ceil(self.total / self.limit))

    @property
    def page_number(self) -> int:
        return self.offset // self.limit + 1


def paginate(session: Session, query, *, offset: int = 0, limit: int = 50) -> Page:
    """Run an ordered `select` for one page, counting the whole result in SQL."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    items = list(session.exec(query.offset(offset).limit(limit)).all())
    return Page(items=items, total=total, offset=offset, limit=limit)
