"""The public read service: what anyone may see, without signing in.

It reads one table, `catalogue_entry`, whose rows are snapshots of public facts taken when an
officer published (tlo.catalogue.publishing), and returns `PublicTechnology` values built from
the columns named in PUBLIC_FIELDS only. It never joins a case table, so nothing confidential
can reach the public pages through it: tests/services/test_catalogue_public.py proves that over
generated cases full of confidential text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from tlo.catalogue.models import CatalogueEntry
from tlo.catalogue.publishing import PatentState

PAGE_SIZE = 20
QUERY_MAX = 100  # characters of a search kept
SORTS = ("newest", "title")


@dataclass(frozen=True)
class PublicTechnology:
    slug: str
    title: str
    summary: str
    problem: str
    solution: str
    advantages: str
    applications: str
    stage: str
    field: str
    patent_state: str
    ip_status: str
    patent_numbers: str
    inventors: str
    keywords: str
    has_image: bool
    first_published_at: datetime
    published_at: datetime

    @property
    def patent_label(self) -> str:
        return PatentState.LABELS.get(self.patent_state, self.patent_state)


PUBLIC_FIELDS = tuple(
    name for name in PublicTechnology.__dataclass_fields__ if name not in ("has_image",)
)


def _public(entry: CatalogueEntry) -> PublicTechnology:
    values = {name: getattr(entry, name) for name in PUBLIC_FIELDS}
    return PublicTechnology(**values, has_image=entry.image_sha256 is not None)


@dataclass(frozen=True)
class SearchResult:
    technologies: list[PublicTechnology]
    total: int
    page: int
    pages: int


def clean_query(text: object) -> str:
    """A visitor's search words: text only, control characters dropped, at most QUERY_MAX."""
    if not isinstance(text, str):
        return ""
    kept = "".join(ch for ch in text if ch.isprintable())
    return " ".join(kept.split())[:QUERY_MAX]


def _like(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


SEARCHED = ("title", "summary", "problem", "solution", "advantages", "applications", "keywords")


def _filtered(query, *, words: str, field: str, stage: str, patent_state: str):
    for word in words.split():
        like = _like(word)
        query = query.where(
            or_(
                *(
                    func.lower(getattr(CatalogueEntry, name)).like(like, escape="\\")
                    for name in SEARCHED
                )
            )
        )
    if field:
        query = query.where(CatalogueEntry.field == field)
    if stage:
        query = query.where(CatalogueEntry.stage == stage)
    if patent_state:
        query = query.where(CatalogueEntry.patent_state == patent_state)
    return query


def search(
    session: Session,
    *,
    words: object = "",
    field: object = "",
    stage: object = "",
    patent_state: object = "",
    sort: object = "newest",
    page: object = 1,
) -> SearchResult:
    """Published technologies matching every word (in any public text) and the filters."""
    words, field, stage = clean_query(words), clean_query(field), clean_query(stage)
    patent_state = patent_state if patent_state in PatentState.LABELS else ""
    sort = sort if sort in SORTS else "newest"
    page = page if isinstance(page, int) and page >= 1 else 1
    where = dict(words=words, field=field, stage=stage, patent_state=patent_state)
    total = session.exec(_filtered(select(func.count(CatalogueEntry.id)), **where)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    order = (
        [col(CatalogueEntry.published_at).desc(), col(CatalogueEntry.id).desc()]
        if sort == "newest"
        else [func.lower(CatalogueEntry.title), col(CatalogueEntry.id)]
    )
    rows = session.exec(
        _filtered(select(CatalogueEntry), **where)
        .order_by(*order)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return SearchResult([_public(e) for e in rows], total, page, pages)


def technology(session: Session, slug: object) -> PublicTechnology | None:
    if not isinstance(slug, str) or len(slug) > 80:
        return None
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.slug == slug)).first()
    return _public(entry) if entry else None


def image(session: Session, slug: object) -> tuple[str, str] | None:
    """(sha256, content type) of a published technology's image, for the file store."""
    if not isinstance(slug, str) or len(slug) > 80:
        return None
    row = session.exec(
        select(CatalogueEntry.image_sha256, CatalogueEntry.image_type).where(
            CatalogueEntry.slug == slug
        )
    ).first()
    return (row[0], row[1]) if row and row[0] else None


def facets(session: Session) -> dict[str, list[tuple[str, int]]]:
    """The filter choices with how many published technologies each holds."""
    out = {}
    for name in ("field", "stage", "patent_state"):
        column = getattr(CatalogueEntry, name)
        out[name] = [
            (value, count)
            for value, count in session.exec(
                select(column, func.count(CatalogueEntry.id))
                .where(column != "")
                .group_by(column)
                .order_by(column)
            ).all()
        ]
    return out


def newest(session: Session, *, limit: int = 50) -> list[PublicTechnology]:
    """For the feed: the technologies most recently published first."""
    rows = session.exec(
        select(CatalogueEntry)
        .order_by(col(CatalogueEntry.first_published_at).desc(), col(CatalogueEntry.id).desc())
        .limit(limit)
    ).all()
    return [_public(e) for e in rows]


def sitemap(session: Session) -> list[tuple[str, datetime]]:
    """(slug, last changed) of every published technology."""
    return [
        (slug, at)
        for slug, at in session.exec(
            select(CatalogueEntry.slug, CatalogueEntry.published_at).order_by(
                sa.asc(CatalogueEntry.slug)
            )
        ).all()
    ]


def disclosure_of(session: Session, slug: str) -> int | None:
    """The case behind a published page, for counting its views and taking its inquiries;
    never shown."""
    return session.exec(
        select(CatalogueEntry.disclosure_id).where(CatalogueEntry.slug == slug)
    ).first()
