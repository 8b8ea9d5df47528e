"""Does the catalogue work? Views, unique visitors, searches that found nothing, inquiries and
what the inquiries became (a CDA, an option, a license), per technology and for the whole
catalogue.

Privacy first, and no third party: a visitor is counted as the first 32 hex digits of
SHA-256(today's salt, address, browser), the salt a random secret kept for one day in
`catalogue_salt` and deleted the next, so a visitor cannot be traced to a person or from one
day to the next; no cookie is set and no address is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo import clock
from tlo.auth.permissions import Actor, require
from tlo.catalogue.models import (
    CatalogueEntry,
    CatalogueInquiry,
    CatalogueSalt,
    CatalogueSearchMiss,
    CatalogueVisit,
)
from tlo.db import upsert
from tlo.licensing.agreement_models import Agreement, AgreementTechnology, AgreementType
from tlo.licensing.models import Outreach, OutreachStageChange, Stage

LIST_PAGE = 0  # CatalogueVisit.disclosure_id of the list and search page


_SALTS: dict[tuple[str, date], str] = {}  # this process's copy of today's salt, per database


def _salt(session: Session, day: date) -> str:
    """Today's salt: read once a day per process (a page view then costs no statement for it),
    made by the first view of the day, which deletes the earlier days'. Only a salt found
    already stored is kept in memory, never one this transaction made and might roll back."""
    key = (str(session.get_bind().url), day)
    if key in _SALTS:
        return _SALTS[key]
    today = select(CatalogueSalt.salt).where(CatalogueSalt.day == day)
    found = session.exec(today).first()
    if found is not None:
        for other in [k for k in _SALTS if k[1] != day]:
            del _SALTS[other]
        _SALTS[key] = found
        return found
    session.exec(sa.delete(CatalogueSalt).where(col(CatalogueSalt.day) < day))
    session.exec(
        upsert(session, CatalogueSalt)
        .values(day=day, salt=secrets.token_hex(32))
        .on_conflict_do_nothing(index_elements=["day"])
    )
    return session.exec(today).one()


def visitor(session: Session, *, address: str, browser: str) -> str:
    """Today's anonymous name for a visitor (see the module's note)."""
    salt = _salt(session, clock.today())
    text = f"{salt}\n{address[:100]}\n{browser[:500]}".encode("utf-8", "replace")
    return hashlib.sha256(text).hexdigest()[:32]


def record_view(session: Session, *, disclosure_id: int, visitor_id: str) -> None:
    session.exec(
        upsert(session, CatalogueVisit)
        .values(day=clock.today(), disclosure_id=disclosure_id, visitor=visitor_id, views=1)
        .on_conflict_do_update(
            index_elements=["day", "disclosure_id", "visitor"],
            set_={"views": CatalogueVisit.__table__.c.views + 1},
        )
    )


def record_search(session: Session, *, words: str, found: int) -> None:
    """Count a search that found nothing (the words, lower case; no one's name)."""
    words = " ".join(words.lower().split())[:100]
    if found or not words:
        return
    session.exec(
        upsert(session, CatalogueSearchMiss)
        .values(day=clock.today(), query=words, count=1)
        .on_conflict_do_update(
            index_elements=["day", "query"],
            set_={"count": CatalogueSearchMiss.__table__.c.count + 1},
        )
    )


@dataclass(frozen=True)
class Figures:
    views: int = 0
    visitors: int = 0
    inquiries: int = 0
    to_cda: int = 0
    to_option: int = 0
    to_license: int = 0


def _visits(session: Session, since: date, disclosure_id: int | None) -> tuple[int, int]:
    query = select(
        func.coalesce(func.sum(CatalogueVisit.views), 0),
        func.count(sa.distinct(CatalogueVisit.visitor)),
    ).where(col(CatalogueVisit.day) >= since)
    if disclosure_id is not None:
        query = query.where(CatalogueVisit.disclosure_id == disclosure_id)
    views, visitors = session.exec(query).one()
    return int(views), int(visitors)


def _became(kinds: tuple[str, ...]):
    """An inquiry whose company signed an agreement of these kinds for that technology."""
    return (
        select(Agreement.id)
        .join(AgreementTechnology, AgreementTechnology.agreement_id == Agreement.id)
        .where(
            Agreement.company_id == CatalogueInquiry.company_id,
            AgreementTechnology.disclosure_id == CatalogueInquiry.disclosure_id,
            col(Agreement.agreement_type).in_(kinds),
            col(Agreement.signed_on).is_not(None),
        )
        .exists()
    )


LICENSES = tuple(t.value for t in AgreementType if t.is_license)


def _cda():
    signed_in_pipeline = (
        select(OutreachStageChange.id)
        .where(
            OutreachStageChange.outreach_id == CatalogueInquiry.outreach_id,
            OutreachStageChange.to_stage == Stage.CDA_SIGNED.value,
        )
        .exists()
    )
    recorded = (
        select(Outreach.id)
        .where(
            Outreach.id == CatalogueInquiry.outreach_id, col(Outreach.cda_signed_on).is_not(None)
        )
        .exists()
    )
    return sa.or_(signed_in_pipeline, recorded, _became((AgreementType.CDA.value,)))


def _count_if(condition):
    return func.coalesce(func.sum(sa.case((condition, 1), else_=0)), 0)


def _inquiries(session: Session, since: date, disclosure_id: int | None) -> tuple[int, ...]:
    start = clock.start_of_office_day(since)
    query = select(
        func.count(CatalogueInquiry.id),
        _count_if(_cda()),
        _count_if(_became((AgreementType.OPTION.value,))),
        _count_if(_became(LICENSES)),
    ).where(col(CatalogueInquiry.created_at) >= start)
    if disclosure_id is not None:
        query = query.where(CatalogueInquiry.disclosure_id == disclosure_id)
    return tuple(int(n) for n in session.exec(query).one())


def figures(
    session: Session, *, actor: Actor, disclosure_id: int | None = None, days: int = 365
) -> Figures:
    """One technology's figures (or the whole catalogue's, list page included) over the last
    `days` days."""
    require(actor, "catalogue.figures")
    since = clock.today() - timedelta(days=days - 1)
    views, visitors = _visits(session, since, disclosure_id)
    return Figures(views, visitors, *_inquiries(session, since, disclosure_id))


@dataclass(frozen=True)
class TechnologyFigures:
    slug: str
    title: str
    views: int
    visitors: int
    inquiries: int


def by_technology(
    session: Session, *, actor: Actor, days: int = 365, limit: int = 10
) -> list[TechnologyFigures]:
    """The published technologies most viewed over the period, with their inquiries."""
    require(actor, "catalogue.figures")
    since = clock.today() - timedelta(days=days - 1)
    visits = (
        select(
            CatalogueVisit.disclosure_id.label("disclosure_id"),
            func.sum(CatalogueVisit.views).label("views"),
            func.count(sa.distinct(CatalogueVisit.visitor)).label("visitors"),
        )
        .where(col(CatalogueVisit.day) >= since)
        .group_by(CatalogueVisit.disclosure_id)
        .subquery()
    )
    asked = (
        select(
            CatalogueInquiry.disclosure_id.label("disclosure_id"),
            func.count(CatalogueInquiry.id).label("inquiries"),
        )
        .where(col(CatalogueInquiry.created_at) >= clock.start_of_office_day(since))
        .group_by(CatalogueInquiry.disclosure_id)
        .subquery()
    )
    rows = session.exec(
        select(
            CatalogueEntry.slug,
            CatalogueEntry.title,
            func.coalesce(visits.c.views, 0),
            func.coalesce(visits.c.visitors, 0),
            func.coalesce(asked.c.inquiries, 0),
        )
        .outerjoin(visits, visits.c.disclosure_id == CatalogueEntry.disclosure_id)
        .outerjoin(asked, asked.c.disclosure_id == CatalogueEntry.disclosure_id)
        .order_by(
            func.coalesce(visits.c.views, 0).desc(),
            func.coalesce(asked.c.inquiries, 0).desc(),
            CatalogueEntry.slug,
        )
        .limit(limit)
    ).all()
    return [TechnologyFigures(s, t, int(v), int(u), int(i)) for s, t, v, u, i in rows]


def searches_that_found_nothing(
    session: Session, *, actor: Actor, days: int = 90, limit: int = 20
) -> list[tuple[str, int]]:
    """What visitors looked for and did not find: what to publish, or what to call it."""
    require(actor, "catalogue.figures")
    since = clock.today() - timedelta(days=days - 1)
    total = func.sum(CatalogueSearchMiss.count)
    return [
        (query, int(count))
        for query, count in session.exec(
            select(CatalogueSearchMiss.query, total)
            .where(col(CatalogueSearchMiss.day) >= since)
            .group_by(CatalogueSearchMiss.query)
            .order_by(total.desc(), CatalogueSearchMiss.query)
            .limit(limit)
        ).all()
    ]
