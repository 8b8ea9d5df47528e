"""The clause library: the standard clauses every agreement template includes, kept once.

Counsel edits "Export control" here, once, and every template that includes it prints the
new text from the next draft on. Each clause (a key such as `export_control`) has versions:
saving a clause adds its next version, never edits one in place, and is audited. Version 1
of every clause is the text shipped in templates_docx/standard_clauses.json, seeded by
migration 0026.

A clause's text may use the placeholders the agreement templates use (`{{ licensee_role }}`,
`{{ office_address }}`, `{% if office_phone %}`...); it is filled in with the draft's data
in tlo's template sandbox (tlo.template_sandbox) before the template is, and a template
prints it paragraph by paragraph:

    {{ clauses.export_control.heading }}
    {%p for text in clauses.export_control.paragraphs %}
    18.{{ loop.index }} {{ text }}
    {%p endfor %}

A clause marked federal-only (march-in rights, utilization reports) has no paragraphs for a
technology without federal funding, so the template leaves it out. Each generated draft
records the clause versions its template used (DraftClause, with the text as filled in) and
the terms it was generated with (DraftTerms), which is what tlo.licensing.draft_compare reads.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SecurityError
from sqlmodel import Field, Session, SQLModel, func, select

from tlo import audit
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import PROJECT_ROOT
from tlo.db import UTCDateTime
from tlo.errors import NotFound, ValidationError
from tlo.template_sandbox import TemplateLimitExceeded, TemplateNotAllowed, TemplateSandbox

SHIPPED_FILE = PROJECT_ROOT / "templates_docx" / "standard_clauses.json"
SHIPPED_VERSION = 1
SHIPPED_BY = "shipped with tlo"
MAX_HEADING = 120
MAX_TEXT = 20_000
MAX_PARAGRAPHS = 40
MAX_NOTE = 500
# The standard clauses each shipped template carries (tests/documents checks every heading);
# an edited template uploaded by staff may include others of the library, or fewer.
GENERAL = ("export_control", "use_of_names", "notices", "entire_agreement", "severability")
LICENSE = (
    "royalty_term", "late_payment_interest", "currency_and_taxes", "patent_marking",
    "utilization_reports", "march_in", "effect_of_termination", "limitation_of_liability",
    "assignment", *GENERAL,
)  # fmt: skip
TEMPLATE_CLAUSES: dict[str, tuple[str, ...]] = {
    "exclusive_license": ("enforcement", *LICENSE),
    "startup_license": ("enforcement", *LICENSE),
    "nonexclusive_license": ("enforcement_nonexclusive", *LICENSE),
    "option_agreement": (
        "late_payment_interest",
        "currency_and_taxes",
        "limitation_of_liability",
        "assignment",
        *GENERAL,
    ),
    "cda": GENERAL,
}
# `clauses.KEY` or `clauses["KEY"]` in a template's text: the clauses it prints.
_REFERENCE = re.compile(r"""clauses\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*["']([A-Za-z_]\w*)["']\s*\])""")
# docxtpl's tags belong in the Word template, not in a clause's plain text.
_DOCXTPL_TAG = re.compile(r"[{][{%]\s*(?:tr|tc|p|r)\s")
_KEY = re.compile(r"[a-z][a-z0-9_]{1,59}")


class ClauseVersion(SQLModel, table=True):
    """One version of a standard clause; a new text is a new row, never an edit."""

    __tablename__ = "clause_version"
    __table_args__ = (sa.UniqueConstraint("key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, index=True)
    version: int
    heading: str = Field(max_length=MAX_HEADING)
    text: str  # Jinja over the draft's placeholders; paragraphs separated by blank lines
    federal_only: bool = False  # march-in, utilization reports: only for federal funding
    note: str = Field(default="", max_length=MAX_NOTE)  # what changed, in counsel's words
    created_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    created_by_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DraftClause(SQLModel, table=True):
    """A clause version a generated draft printed, with its text as filled in for it."""

    __tablename__ = "draft_clause"
    __table_args__ = (sa.UniqueConstraint("draft_id", "clause_key"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="agreement_draft.id", index=True)
    clause_key: str = Field(max_length=60)
    clause_version_id: int | None = Field(default=None, foreign_key="clause_version.id")
    version: int
    heading: str = Field(max_length=MAX_HEADING)
    text: str  # the paragraphs as printed, one per line; empty where it did not apply


class DraftTerms(SQLModel, table=True):
    """The data a draft was generated with (its context without the clauses), as JSON."""

    __tablename__ = "draft_terms"

    draft_id: int = Field(primary_key=True, foreign_key="agreement_draft.id")
    terms_json: str


@dataclass(frozen=True)
class Clause:
    key: str
    version: int
    heading: str
    text: str
    federal_only: bool
    id: int | None = None  # None: the shipped text, not (yet) a row

    @classmethod
    def of(cls, row: ClauseVersion) -> Clause:
        return cls(row.key, row.version, row.heading, row.text, row.federal_only, row.id)


@dataclass(frozen=True)
class ClauseSummary:
    key: str
    heading: str
    current_version: int
    federal_only: bool
    changed_by: str
    changed_at: datetime | None
    used_by: tuple[str, ...]  # the shipped templates that include it


@cache
def _shipped() -> dict[str, dict[str, Any]]:
    return json.loads(SHIPPED_FILE.read_text("utf-8"))


def shipped_clauses() -> dict[str, Clause]:
    """Version 1 of every standard clause, as shipped: the file, not a row (as version 1 of a
    Word template is its shipped file), so that a database just migrated holds no rows."""
    return {
        key: Clause(key, SHIPPED_VERSION, c["heading"], c["text"], c["federal_only"])
        for key, c in _shipped().items()
    }


def paragraphs(text: str) -> list[str]:
    """A clause's paragraphs: its non-empty lines (a blank line between them reads best)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _environment() -> TemplateSandbox:
    # No autoescaping here: the filled-in clause is plain text, which the Word template's own
    # (autoescaped) `{{ text }}` escapes once when it prints it.
    return TemplateSandbox(autoescape=False, undefined=StrictUndefined)


def fill_in(clause: Clause, context: Mapping[str, Any]) -> dict[str, Any]:
    """The clause as a template prints it: its heading and its filled-in paragraphs (none
    for a federal-only clause when no federal funding supported the technology)."""
    if clause.federal_only and not context.get("federal"):
        return {"heading": clause.heading, "paragraphs": []}
    try:
        text = _environment().from_string(clause.text).render(dict(context))
    except (TemplateError, SecurityError) as err:
        raise ValidationError(
            f"The clause “{clause.heading}” (version {clause.version}) cannot be filled in: "
            f"{getattr(err, 'message', None) or err}. Save a corrected version of it on the "
            "Clause library page."
        ) from None
    return {"heading": clause.heading, "paragraphs": paragraphs(text)}


def clause_context(
    library: Mapping[str, Clause], context: Mapping[str, Any], keys: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """`clauses` for a template: every clause of the library (or those of `keys`) filled in."""
    chosen = library if keys is None else {k: library[k] for k in keys if k in library}
    return {key: fill_in(clause, context) for key, clause in chosen.items()}


def referenced_keys(template: bytes) -> list[str]:
    """The library clauses a Word template prints (`clauses.KEY`), in order of first use:
    in its body, headers, footers and notes, wherever docxtpl fills placeholders in."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(BytesIO(template))
    parts = [document.part, *(rel.target_part for rel in document.part.rels.values())]
    texts = []
    for part in parts:
        element = getattr(part, "element", None)  # the XML parts (not images, not styles')
        if element is None or not part.partname.startswith("/word/"):
            continue
        texts += ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]
    found = [a or b for a, b in _REFERENCE.findall("\n".join(texts))]
    return list(dict.fromkeys(found))


def current_clauses(session: Session) -> dict[str, Clause]:
    """The newest version of every clause: what the next draft prints. For services that
    have checked their own permission (generating a draft)."""
    newest = (
        select(ClauseVersion.key, func.max(ClauseVersion.version).label("version"))
        .group_by(ClauseVersion.key)
        .subquery()
    )
    rows = session.exec(
        select(ClauseVersion).join(
            newest,
            sa.and_(ClauseVersion.key == newest.c.key, ClauseVersion.version == newest.c.version),
        )
    ).all()
    library = shipped_clauses()  # a clause a later release ships before its migration ran
    library.update({row.key: Clause.of(row) for row in rows})
    return library


def record_draft(
    session: Session,
    *,
    draft_id: int,
    library: Mapping[str, Clause],
    printed: Mapping[str, dict[str, Any]],
    terms: Mapping[str, Any],
) -> None:
    """Keep what a draft was made of: the clause versions it printed and its terms."""
    for key, filled in printed.items():
        clause = library[key]
        session.add(
            DraftClause(
                draft_id=draft_id,
                clause_key=key,
                clause_version_id=clause.id,
                version=clause.version,
                heading=clause.heading,
                text="\n".join(filled["paragraphs"]),
            )
        )
    session.add(DraftTerms(draft_id=draft_id, terms_json=json.dumps(dict(terms), sort_keys=True)))


# --- the library, for staff ---------------------------------------------------------------------


def library(session: Session, *, actor: Actor) -> list[ClauseSummary]:
    """Every standard clause with its current version, in the order they were shipped."""
    require(actor, "template.manage")
    current = current_clauses(session)
    rows = {
        row.key: row
        for row in session.exec(
            select(ClauseVersion).where(
                sa.tuple_(ClauseVersion.key, ClauseVersion.version).in_(
                    [(c.key, c.version) for c in current.values()]
                )
            )
        ).all()
    }
    return [
        ClauseSummary(
            key=key,
            heading=clause.heading,
            current_version=clause.version,
            federal_only=clause.federal_only,
            changed_by=rows[key].created_by_name if key in rows else SHIPPED_BY,
            changed_at=rows[key].created_at if key in rows else None,
            used_by=tuple(name for name, keys in TEMPLATE_CLAUSES.items() if key in keys),
        )
        for key, clause in current.items()
    ]


def versions(session: Session, *, actor: Actor, key: str) -> list[ClauseVersion]:
    """Every version of a clause, newest first; the shipped version 1 last, as an unsaved row
    (no id, no `created_at`)."""
    require(actor, "template.manage")
    rows = list(
        session.exec(
            select(ClauseVersion)
            .where(ClauseVersion.key == key)
            .order_by(ClauseVersion.version.desc())
        ).all()
    )
    shipped = shipped_clauses().get(key)
    if not rows and shipped is None:
        raise NotFound(f"There is no standard clause {key!r}.")
    if shipped is not None and all(row.version != shipped.version for row in rows):
        rows.append(
            ClauseVersion(
                key=key,
                version=shipped.version,
                heading=shipped.heading,
                text=shipped.text,
                federal_only=shipped.federal_only,
                created_by_name=SHIPPED_BY,
                created_at=None,
            )
        )
    return rows


def save_version(
    session: Session, *, actor: Actor, key: str, heading: str, text: str, note: str = ""
) -> ClauseVersion:
    """Check a clause's new text and, when it passes, make it the clause's next version: the
    next draft of every agreement whose template includes the clause prints it."""
    require(actor, "template.manage")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise NotFound("There is no such standard clause.")
    current = current_clauses(session).get(key)
    if current is None:
        raise NotFound(f"There is no standard clause {key!r}.")
    heading, text, note = _checked(heading, text, note)
    if heading == current.heading and text == current.text:
        raise ValidationError(
            f"This is the text of version {current.version} already; change it before saving."
        )
    row = ClauseVersion(
        key=key,
        version=current.version + 1,
        heading=heading,
        text=text,
        federal_only=current.federal_only,
        note=note,
        created_by_account_id=actor.account_id,
        created_by_name=actor.name,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="clause.version_saved",
        object_type="clause",
        object_id=key,
        before={"version": current.version, "heading": current.heading, "text": current.text},
        after={"version": row.version, "heading": heading, "text": text, "note": note},
    )
    return row


def _plain(value: Any, *, field: str, limit: int, lines: bool) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"The {field} must be text.")
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > limit:
        raise ValidationError(f"The {field} is {len(value):,} characters; at most {limit:,}.")
    for char in value:
        if (char == "\n" and not lines) or (
            unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\n\t"
        ):
            raise ValidationError(
                f"The {field} holds a character Word cannot show (U+{ord(char):04X}); "
                "type it again without it."
            )
    return value


def _checked(heading: Any, text: Any, note: Any) -> tuple[str, str, str]:
    heading = _plain(heading, field="heading", limit=MAX_HEADING, lines=False)
    text = _plain(text, field="text", limit=MAX_TEXT, lines=True)
    note = _plain(note, field="note", limit=MAX_NOTE, lines=False)
    if not heading:
        raise ValidationError("Give the clause a heading, e.g. “Export Control”.")
    if "{" in heading or "}" in heading:
        raise ValidationError("A heading is printed as it is: it cannot hold placeholders.")
    if not text:
        raise ValidationError("The clause needs its text.")
    problem = text_problem(text)
    if problem:
        raise ValidationError(problem)
    return heading, text, note


def text_problem(text: str) -> str | None:
    """What is wrong with a clause's text, in words counsel can act on (None: fine). It may
    use the placeholders the agreement templates have, within the sandbox's limits, and must
    fill in for every kind of agreement, federally funded or not."""
    from tlo.licensing.drafts import clause_sample_contexts

    if _DOCXTPL_TAG.search(text):
        return (
            "The text holds a Word-template tag ({%p, {%tr, {{r): a clause is plain text; "
            "use {% if ... %} within a paragraph instead."
        )
    environment = _environment()
    try:
        used = meta.find_undeclared_variables(environment.parse(text))
    except TemplateNotAllowed as err:
        return f"Not allowed in a clause (line {err.lineno}): {err.message}"
    except TemplateSyntaxError as err:
        return f"The placeholders are malformed (line {err.lineno}): {err.message}"
    samples = clause_sample_contexts()
    allowed = set(samples[0]) - {"clauses"}
    unknown = sorted(used - allowed)
    if unknown:
        return (
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"A clause may use: {', '.join(sorted(allowed))}."
        )
    for sample in samples:
        try:
            filled = paragraphs(_environment().from_string(text).render(sample))
        except UndefinedError as err:
            return f"A placeholder asks for something the data does not have: {err.message}."
        except TemplateLimitExceeded as err:
            return err.message
        except SecurityError as err:
            return f"The text tries something clauses may not do: {err}."
        except TemplateError as err:
            return f"The text cannot be filled in: {err.message or err}."
        if len(filled) > MAX_PARAGRAPHS:
            return f"The clause has {len(filled)} paragraphs; at most {MAX_PARAGRAPHS}."
    return None
