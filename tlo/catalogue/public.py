"""The public read service: it reads only the catalogue_entry snapshots, never case tables."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from tlo.catalogue.models import CatalogueEntry

PUBLIC_FIELDS = (
    "slug",
    "title",
    "problem",
    "solution",
    "advantages",
    "applications",
    "stage",
    "ip_status",
    "patent_numbers",
    "inventors",
    "published_at",
)


def _public(entry: CatalogueEntry) -> dict:
    return {name: getattr(entry, name) for name in PUBLIC_FIELDS}


def technologies(session: Session, *, keyword: str = "") -> list[dict]:
    query = select(CatalogueEntry).order_by(col(CatalogueEntry.published_at).desc())
    word = (keyword or "").strip()[:100]
    if word:
        like = f"%{word}%"
        query = query.where(
            or_(
                col(CatalogueEntry.title).ilike(like),
                col(CatalogueEntry.problem).ilike(like),
                col(CatalogueEntry.solution).ilike(like),
                col(CatalogueEntry.applications).ilike(like),
            )
        )
    return [_public(e) for e in session.exec(query).all()]


def technology(session: Session, slug: str) -> dict | None:
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.slug == slug)).first()
    return _public(entry) if entry else None
