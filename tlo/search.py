"""Finding records: cases, agreements, companies and people by what a user remembers of them.

One search box in the sidebar of every staff page (tlo/ui/search_box.py) and the search pickers
(tlo/ui/pickers.py) call these services. Each kind of record is searched by its own service,
which checks the permission to read that kind and keeps to the records the actor may read (an
inventor finds their own cases, nobody finds a draft); `search` asks every kind the actor may
read at once.

A search is a few words; a record matches when each word is found (case aside) in one of its
fields: a case's docket number, title, keywords or an inventor's name; an agreement's number,
title or licensee; a company's name; a person's name or e-mail address. Words are matched with
LIKE on lower-cased text in SQL, the same on SQLite and PostgreSQL, with `%`, `_` and `\\` taken
literally. Results are ranked (the exact docket or agreement number first, then records whose
name starts with what was typed, then the newest) and limited: `limit` per kind, and whether
more matched. One query per kind, never one per record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo.auth.permissions import Actor, can, require, sees_all
from tlo.disclosures.access import owned_by
from tlo.disclosures.models import Disclosure, DisclosureInventor, DisclosureStatus
from tlo.errors import ValidationError
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementType
from tlo.licensing.models import Company, CompanySize
from tlo.people.models import Department, Person
from tlo.text import clean_int, clean_text

LIMIT = 20  # records of each kind a search returns
MAX_LIMIT = 50
MAX_LENGTH = 200  # characters of a search
MAX_WORDS = 8
MIN_LENGTH = 2  # a shorter search finds nothing (one letter would match nearly everything)


class Kind(StrEnum):
    CASE = "case"
    AGREEMENT = "agreement"
    COMPANY = "company"
    PERSON = "person"

    @property
    def label(self) -> str:
        return {
            "case": "Cases",
            "agreement": "Agreements",
            "company": "Companies",
            "person": "People",
        }[self.value]


# The permission that lets an actor read (and so find) records of each kind.
READ_PERMISSIONS = {
    Kind.CASE: "disclosure.read",
    Kind.AGREEMENT: "agreement.read",
    Kind.COMPANY: "company.read",
    Kind.PERSON: "person.read",
}


@dataclass(frozen=True)
class Hit:
    """One record found. `key` is what its address names (`?case=S26-0142`,
    `?agreement=AGR-00022`, `?company=Acme Robotics`; a person's e-mail address), `title` its
    title or name, `detail` a few facts that tell it from others (status, licensee, department)."""

    kind: Kind
    id: int
    key: str
    title: str
    detail: str = ""
    exact: bool = False  # the exact docket or agreement number, or the exact name

    @property
    def label(self) -> str:
        if self.kind in (Kind.CASE, Kind.AGREEMENT):
            return f"{self.key} · {self.title}"
        return self.title


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    more: bool = False  # more records matched than were returned

    @property
    def count(self) -> int:
        return len(self.hits)


NOTHING = Found([])


@dataclass(frozen=True)
class Results:
    """What one search found, by kind; a kind the actor may not read is absent (None)."""

    text: str
    cases: Found | None = None
    agreements: Found | None = None
    companies: Found | None = None
    people: Found | None = None

    @property
    def groups(self) -> list[tuple[Kind, Found]]:
        """The kinds searched, in the order shown, each with what it found."""
        found = (
            (Kind.CASE, self.cases),
            (Kind.AGREEMENT, self.agreements),
            (Kind.COMPANY, self.companies),
            (Kind.PERSON, self.people),
        )
        return [(kind, result) for kind, result in found if result is not None]

    @property
    def total(self) -> int:
        return sum(result.count for _, result in self.groups)


# --- input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str  # as typed, stripped
    words: list[str]


def clean_query(text: object) -> Query:
    """The search as text on one line, at most MAX_LENGTH characters and MAX_WORDS words;
    shorter than MIN_LENGTH, it has no words (and finds nothing)."""
    text = clean_text(text, what="search", max_length=MAX_LENGTH, multiline=False)
    words = text.split()
    if len(words) > MAX_WORDS:
        raise ValidationError(f"Search with at most {MAX_WORDS} words.")
    if len(text) < MIN_LENGTH:
        words = []
    return Query(text, words)


def _clean_limit(limit: object) -> int:
    return clean_int(limit, what="number of results", minimum=1, maximum=MAX_LIMIT)


class _Matcher:
    """Text matching as each database does it fastest, with the same answers: on SQLite, LIKE
    (which ignores the case of ASCII letters; lower() on every row costs more than the match);
    on PostgreSQL, LIKE on lower() (a third faster than ILIKE), and one match over a case's
    fields joined by a separator no search can hold (a control character) rather than one
    per field (40 % less at 50,000 cases; on SQLite, one per field is faster). The escape
    clause, which slows SQLite's LIKE down by half, is written only for a word that holds `%`,
    `_` or a backslash."""

    SEPARATOR = "\x1f"  # clean_text refuses it in a search: a word never spans two fields

    def __init__(self, session: Session) -> None:
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def _like(self, column, word: str, *, prefix: bool, fold: bool = True):
        special = any(char in word for char in "\\%_")
        if special:
            word = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"{word}%" if prefix else f"%{word}%"
        escape = "\\" if special else None
        if self.postgresql and fold:
            return func.lower(column).like(pattern.lower(), escape=escape)
        return column.like(pattern, escape=escape)

    def contains(self, column, word: str):
        """`column` holds `word`, case aside. Not every database folds the case of every letter
        (SQLite: ASCII only; PostgreSQL: as its locale says), so a word with other letters also
        matches as typed, in lower case, capitalised and in capitals: both find "Zoë Ångström"
        from "ångström"."""
        matches = [self._like(column, word, prefix=False)]
        if not word.isascii():
            spellings = sorted({word, word.lower(), word.upper(), word.capitalize()})
            matches += [self._like(column, s, prefix=False, fold=False) for s in spellings]
        return sa.or_(*matches)

    def contains_any(self, columns, word: str):
        """One of `columns` holds `word` (see `contains`)."""
        if not self.postgresql:
            return sa.or_(*(self.contains(column, word) for column in columns))
        joined = func.coalesce(columns[0], "")
        for column in columns[1:]:
            joined = joined + self.SEPARATOR + func.coalesce(column, "")
        return self.contains(joined, word)

    def starts_with(self, column, text: str):
        return self._like(column, text, prefix=True)

    def ordered(self, expression):
        """Sort text by its characters, as SQLite does, whatever PostgreSQL's locale."""
        return expression.collate("C") if self.postgresql else expression


def _found(rows: list, limit: int, hit) -> Found:
    return Found([hit(row) for row in rows[:limit]], more=len(rows) > limit)


# --- cases ------------------------------------------------------------------------------------


def find_cases(session: Session, *, actor: Actor, text: str, limit: int = LIMIT) -> Found:
    """Cases whose docket number, title, keywords or an inventor's name hold every word; the
    exact docket number first, then dockets and titles that start with the search, then the
    newest. Drafts are never found (they are their inventors' own until submitted); an actor
    who may not read every case finds only their own."""
    require(actor, READ_PERMISSIONS[Kind.CASE])
    query_text = clean_query(text)
    limit = _clean_limit(limit)
    if not query_text.words:
        return NOTHING
    m = _Matcher(session)
    query = select(
        Disclosure.id,
        Disclosure.docket,
        Disclosure.title,
        Disclosure.status,
        Disclosure.fiscal_year,
    ).where(Disclosure.status != DisclosureStatus.DRAFT.value)
    if not sees_all(actor, READ_PERMISSIONS[Kind.CASE]):
        query = query.where(owned_by(actor.person_id))
    for word in query_text.words:
        inventors = (
            select(DisclosureInventor.disclosure_id)
            .join(Person, Person.id == DisclosureInventor.person_id)
            .where(m.contains(Person.full_name, word))
        )
        query = query.where(
            sa.or_(
                m.contains_any([Disclosure.docket, Disclosure.title, Disclosure.keywords], word),
                col(Disclosure.id).in_(inventors),
            )
        )
    docket = query_text.text.upper()
    rank = sa.case(
        (Disclosure.docket == docket, 0),
        (m.starts_with(Disclosure.docket, query_text.text), 1),
        (m.starts_with(Disclosure.title, query_text.text), 2),
        else_=3,
    )
    rows = session.exec(
        query.order_by(
            rank, col(Disclosure.submitted_at).desc().nulls_last(), Disclosure.id.desc()
        ).limit(limit + 1)
    ).all()

    def hit(row) -> Hit:
        status = DisclosureStatus(row.status).label
        year = f"FY{row.fiscal_year} · " if row.fiscal_year else ""
        return Hit(Kind.CASE, row.id, row.docket, row.title, year + status, row.docket == docket)

    return _found(rows, limit, hit)


# --- agreements -------------------------------------------------------------------------------

_AGREEMENT_NUMBER = re.compile(r"^(?:AGR[-\s]?)?0*(\d{1,9})$", re.IGNORECASE)


def agreement_id_in(text: str) -> int | None:
    """The agreement a search names by its number (`AGR-00022`, `agr-22`, `AGR 22`), or by
    the bare number; None when it names none."""
    match = _AGREEMENT_NUMBER.match(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 0 < number < 2**31 else None


def find_agreements(session: Session, *, actor: Actor, text: str, limit: int = LIMIT) -> Found:
    """Agreements named by their number, or whose title or licensee holds every word; the
    exact number first, then those whose licensee or title starts with the search, newest
    first. An actor who may read only the agreements they handle finds only those."""
    permission = READ_PERMISSIONS[Kind.AGREEMENT]
    require(actor, permission)
    query_text = clean_query(text)
    limit = _clean_limit(limit)
    if not query_text.words:
        return NOTHING
    m = _Matcher(session)
    words = [m.contains_any([Agreement.title, Company.name], word) for word in query_text.words]
    matches = sa.and_(*words)
    number = agreement_id_in(query_text.text)
    if number is not None:
        matches = sa.or_(Agreement.id == number, matches)
    query = (
        select(
            Agreement.id,
            Agreement.title,
            Agreement.agreement_type,
            Agreement.status,
            Company.name.label("licensee"),
        )
        .join(Company, Company.id == Agreement.company_id)
        .where(matches)
    )
    if not sees_all(actor, permission):
        query = query.where(Agreement.officer_person_id == actor.person_id)
    rank = sa.case(
        (Agreement.id == (number or 0), 0),
        (m.starts_with(Company.name, query_text.text), 1),
        (m.starts_with(Agreement.title, query_text.text), 1),
        else_=2,
    )
    rows = session.exec(query.order_by(rank, Agreement.id.desc()).limit(limit + 1)).all()

    def hit(row) -> Hit:
        kind = AgreementType(row.agreement_type).label
        detail = f"{row.licensee} · {kind} · {AgreementStatus(row.status).label}"
        return Hit(
            Kind.AGREEMENT,
            row.id,
            _agreement_number(row.id),
            row.title,
            detail,
            row.id == number,
        )

    return _found(rows, limit, hit)


def _agreement_number(agreement_id: int) -> str:
    return f"AGR-{agreement_id:05d}"  # as Agreement.number


# --- companies --------------------------------------------------------------------------------

_SIZES = {size.value for size in CompanySize}


def find_companies(session: Session, *, actor: Actor, text: str, limit: int = LIMIT) -> Found:
    """Companies whose name holds every word (also as the name is compared for duplicates:
    without punctuation and legal suffixes); the exact name first, then names that start with
    the search, then by name."""
    require(actor, READ_PERMISSIONS[Kind.COMPANY])
    return _companies(session, text, limit)


def find_licensee_companies(
    session: Session, *, actor: Actor, text: str, limit: int = LIMIT
) -> Found:
    """The same, for linking a licensee's account to its company: for whoever manages
    accounts (the administrator), who reads no other company record."""
    require(actor, "account.manage")
    return _companies(session, text, limit)


def _companies(session: Session, text: str, limit: int) -> Found:
    query_text = clean_query(text)
    limit = _clean_limit(limit)
    if not query_text.words:
        return NOTHING
    m = _Matcher(session)
    query = select(
        Company.id, Company.name, Company.size, Company.sector, Company.do_not_contact
    ).where(
        *(
            m.contains_any([Company.name, Company.normalized_name], word)
            for word in query_text.words
        )
    )
    whole = query_text.text.lower()
    rank = sa.case(
        (func.lower(Company.name) == whole, 0),
        (m.starts_with(Company.name, query_text.text), 1),
        else_=2,
    )
    rows = session.exec(
        query.order_by(rank, m.ordered(func.lower(Company.name)), Company.id).limit(limit + 1)
    ).all()

    def hit(row) -> Hit:
        facts = [CompanySize(row.size).label if row.size in _SIZES else row.size]
        facts += [row.sector] if row.sector else []
        facts += ["do not contact"] if row.do_not_contact else []
        return Hit(
            Kind.COMPANY, row.id, row.name, row.name, " · ".join(facts), row.name.lower() == whole
        )

    return _found(rows, limit, hit)


# --- people -----------------------------------------------------------------------------------


def find_people(session: Session, *, actor: Actor, text: str, limit: int = LIMIT) -> Found:
    """People whose name or e-mail address holds every word; the exact name first, then names
    that start with the search, active people before deactivated ones, then by name. An actor
    who may read only their own record finds only themselves."""
    permission = READ_PERMISSIONS[Kind.PERSON]
    require(actor, permission)
    query_text = clean_query(text)
    limit = _clean_limit(limit)
    if not query_text.words:
        return NOTHING
    m = _Matcher(session)
    query = (
        select(
            Person.id,
            Person.full_name,
            Person.email,
            Person.organisation,
            Person.is_external,
            Person.active,
            Department.name.label("department"),
        )
        .join(Department, Department.id == Person.department_id, isouter=True)
        .where(
            *(m.contains_any([Person.full_name, Person.email], word) for word in query_text.words)
        )
    )
    if not sees_all(actor, permission):
        query = query.where(Person.id == actor.person_id)
    whole = query_text.text.lower()
    rank = sa.case(
        (func.lower(Person.full_name) == whole, 0),
        (m.starts_with(Person.full_name, query_text.text), 1),
        else_=2,
    )
    rows = session.exec(
        query.order_by(
            rank,
            sa.case((Person.active, 0), else_=1),
            m.ordered(func.lower(Person.full_name)),
            Person.id,
        ).limit(limit + 1)
    ).all()
    cases = _cases_as_inventor(session, actor, [row.id for row in rows[:limit]])

    def hit(row) -> Hit:
        facts = [row.organisation or "outside the university"] if row.is_external else []
        facts += [row.department] if row.department else []
        facts += [row.email]
        if row.id in cases:
            count = cases[row.id]
            facts += [f"inventor on {count} case{'s' if count != 1 else ''}"]
        facts += [] if row.active else ["deactivated"]
        return Hit(
            Kind.PERSON,
            row.id,
            row.email,
            row.full_name,
            " · ".join(facts),
            row.full_name.lower() == whole,
        )

    return _found(rows, limit, hit)


def _cases_as_inventor(session: Session, actor: Actor, person_ids: list[int]) -> dict[int, int]:
    """How many submitted cases each of these people (at most a page of them) is an inventor
    on, for a reader of every case; one grouped query."""
    if not person_ids or not sees_all(actor, READ_PERMISSIONS[Kind.CASE]):
        return {}
    return dict(
        session.exec(
            select(DisclosureInventor.person_id, func.count())
            .join(Disclosure, Disclosure.id == DisclosureInventor.disclosure_id)
            .where(
                col(DisclosureInventor.person_id).in_(person_ids),
                Disclosure.status != DisclosureStatus.DRAFT.value,
            )
            .group_by(DisclosureInventor.person_id)
        ).all()
    )


# --- every kind at once -----------------------------------------------------------------------

FINDERS = {
    Kind.CASE: find_cases,
    Kind.AGREEMENT: find_agreements,
    Kind.COMPANY: find_companies,
    Kind.PERSON: find_people,
}


def kinds_for(actor: Actor) -> list[Kind]:
    """The kinds of record the actor may find (and so the sidebar's box offers)."""
    return [kind for kind in Kind if can(actor, READ_PERMISSIONS[kind])]


def search(session: Session, *, actor: Actor, text: str, limit: int = LIMIT) -> Results:
    """The sidebar's search: every kind of record the actor may read, `limit` of each."""
    require(actor, "search.records")
    query_text = clean_query(text)
    limit = _clean_limit(limit)
    found: dict[Kind, Found] = {}
    for kind in kinds_for(actor):
        found[kind] = (
            FINDERS[kind](session, actor=actor, text=query_text.text, limit=limit)
            if query_text.words
            else NOTHING
        )
    return Results(
        query_text.text,
        cases=found.get(Kind.CASE),
        agreements=found.get(Kind.AGREEMENT),
        companies=found.get(Kind.COMPANY),
        people=found.get(Kind.PERSON),
    )


# --- hits of records already chosen (a picker's current choice) -------------------------------


def case_hit(disclosure: Disclosure) -> Hit:
    return Hit(
        Kind.CASE,
        disclosure.id,
        disclosure.docket or "Draft",
        disclosure.title,
        DisclosureStatus(disclosure.status).label,
    )


def company_hit(company: Company) -> Hit:
    return Hit(Kind.COMPANY, company.id, company.name, company.name)
