"""Comparing two drafts of an agreement: what changed in its terms and in its clauses.

Each draft keeps the terms it was generated with and the clause versions it printed, with
their text as filled in (tlo.licensing.clauses: DraftTerms, DraftClause). Two drafts of one
agreement compare term by term ("Upfront fee: $50,000.00 -> $60,000.00") and clause by clause
(a new version from the library, or the same version filled in with other data), and the
changes document lists both for counsel in Word: the changed clauses as tracked changes
(Word's own insertions and deletions, to accept or reject in Review), so that it reads as a
redline of what changed, not of the whole draft.

A true redline of the whole draft (Word's "Compare documents") is not made here: the maintained
Python tools that do it either run a .NET engine (python-redlines) or need Python 3.12
(docx-redline); the clause-by-clause changes cover what counsel reads a second draft for.
Drafts generated before tlo kept terms (migration 0026) can be compared by file only.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from sqlmodel import Session, col, select

from tlo import clock
from tlo.auth.permissions import Actor
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import AgreementDraft
from tlo.licensing.agreements import get_agreement
from tlo.licensing.clauses import DraftClause, DraftTerms

# The terms as a reader names them, in the order an agreement states them.
TERM_LABELS = {
    "effective_date": "Effective date",
    "university": "University",
    "university_party": "University as a party",
    "university_address": "University's address",
    "university_signatory_name": "University's signatory",
    "university_signatory_title": "University signatory's title",
    "licensee": "Licensee",
    "licensee_party": "Licensee as a party",
    "licensee_role": "The licensee is called",
    "licensee_signatory_name": "Licensee's signatory",
    "licensee_signatory_title": "Licensee signatory's title",
    "licensee_address": "Licensee's address for notices",
    "licensee_email": "Licensee's e-mail for notices",
    "dockets": "Technologies (dockets)",
    "technologies": "Technologies",
    "inventors": "Inventors",
    "federal": "Federally funded",
    "agencies": "Federal awards",
    "patents": "Licensed patents",
    "whole_family": "Whole families licensed",
    "field_of_use": "Field of use",
    "territory": "Territory",
    "upfront_fee": "Upfront fee",
    "annual_fees": "Annual fees",
    "royalty_rates": "Royalty rates",
    "minimum_annual_royalty": "Minimum annual royalty",
    "late_interest": "Late-payment interest",
    "sublicense_share": "Share of Sublicense Income",
    "equity": "Equity",
    "milestones": "Milestones",
    "proposed_license_terms": "License the option leads to",
    "past_patent_costs": "Past patent costs",
    "ongoing_costs": "Later patent costs reimbursed",
    "report_period": "Royalty reports",
    "report_due_days": "Days to report after each period",
    "report_currencies": "Report currencies",
    "term": "Term",
    "option_period": "Option period",
    "disclosure_period": "Disclosure period",
    "purpose": "Purpose",
    "governing_law": "Governing law",
    "office_name": "Office",
    "office_address": "Office's address",
    "office_email": "Office's e-mail",
    "office_phone": "Office's telephone",
    "officer_name": "Licensing officer",
    "number": "Agreement number",
}
NONE = "—"
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class TermChange:
    key: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ClauseChange:
    key: str
    heading: str
    before_version: int | None  # None: the older draft did not print it
    after_version: int | None  # None: the newer draft does not print it
    before_text: str
    after_text: str

    @property
    def what(self) -> str:
        """In words: 'library version 1 -> 2', 'added', 'left out', 'filled in differently'."""
        if self.before_version is None:
            return f"added (library version {self.after_version})"
        if self.after_version is None:
            return f"left out (was library version {self.before_version})"
        if self.before_version != self.after_version:
            return f"library version {self.before_version} → {self.after_version}"
        return f"library version {self.after_version}, filled in with other data"


@dataclass(frozen=True)
class DraftComparison:
    number: str
    older: AgreementDraft
    newer: AgreementDraft
    terms: list[TermChange]
    clauses: list[ClauseChange]
    recorded: bool  # False: a draft predates kept terms, so only the files can be compared

    @property
    def template_changed(self) -> bool:
        return (self.older.template_name, self.older.template_version) != (
            self.newer.template_name,
            self.newer.template_version,
        )

    @property
    def unchanged(self) -> bool:
        return self.recorded and not self.terms and not self.clauses and not self.template_changed


def shown(value: Any) -> str:
    """A term's value as one line of text."""
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(shown(item) for item in value)
    if isinstance(value, Mapping):
        return _row(value)
    return str(value)


def _row(item: Mapping[str, Any]) -> str:
    if {"jurisdiction", "kind", "number"} <= set(item):  # a licensed patent
        return f"{item['jurisdiction']} {item['kind']} {item['number']} (filed {item['filed']})"
    if {"event", "amount", "due"} <= set(item):  # a milestone
        return f"{item['event']}: {item['amount']}, due {item['due']}"
    if {"docket", "title"} <= set(item):
        return f"{item['docket']} {item['title']}"
    return ", ".join(str(v) for v in item.values())


def term_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[TermChange]:
    """The terms whose values differ, in the order an agreement states them."""
    keys = [k for k in TERM_LABELS if k in before or k in after]
    keys += sorted((set(before) | set(after)) - set(TERM_LABELS))
    return [
        TermChange(key, TERM_LABELS.get(key, key.replace("_", " ").capitalize()), old, new)
        for key in keys
        if (old := shown(before.get(key))) != (new := shown(after.get(key)))
    ]


def clause_changes(
    before: Mapping[str, DraftClause], after: Mapping[str, DraftClause]
) -> list[ClauseChange]:
    """The clauses printed differently: another version, other data, added or left out."""
    keys = list(dict.fromkeys([*after, *before]))
    changes = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old and new and old.version == new.version and old.text == new.text:
            continue
        changes.append(
            ClauseChange(
                key=key,
                heading=(new or old).heading,
                before_version=old.version if old else None,
                after_version=new.version if new else None,
                before_text=old.text if old else "",
                after_text=new.text if new else "",
            )
        )
    return changes


def word_changes(before: str, after: str) -> list[tuple[str, str]]:
    """`before` turned into `after` word by word: ("same" | "deleted" | "inserted", text)."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("deleted", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("inserted", "".join(new[j1:j2])))
    return pieces


def paragraph_changes(before: str, after: str) -> list[list[tuple[str, str]]]:
    """A clause's paragraphs (one a line) from `before` to `after`, each as word changes."""
    old, new = before.splitlines(), after.splitlines()
    result: list[list[tuple[str, str]]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            result += [[("same", p)] for p in old[i1:i2]]
        elif op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            result += [word_changes(old[i1 + n], new[j1 + n]) for n in range(pairs)]
            result += [[("deleted", p)] for p in old[i1 + pairs : i2]]
            result += [[("inserted", p)] for p in new[j1 + pairs : j2]]
        elif op == "delete":
            result += [[("deleted", p)] for p in old[i1:i2]]
        else:
            result += [[("inserted", p)] for p in new[j1:j2]]
    return result


def _drafts(session: Session, agreement_id: int, versions: Sequence[int]) -> list[AgreementDraft]:
    found = {
        d.version: d
        for d in session.exec(
            select(AgreementDraft).where(
                AgreementDraft.agreement_id == agreement_id,
                col(AgreementDraft.version).in_(list(versions)),
            )
        ).all()
    }
    missing = [str(v) for v in versions if v not in found]
    if missing:
        raise NotFound(f"This agreement has no draft version {', '.join(missing)}.")
    return [found[v] for v in versions]


def compare_drafts(
    session: Session, *, actor: Actor, agreement_id: int, older_version: Any, newer_version: Any
) -> DraftComparison:
    """What changed from one draft of an agreement to another (anyone who reads it may ask)."""
    view = get_agreement(session, actor=actor, agreement_id=agreement_id)  # agreement.read
    for version in (older_version, newer_version):
        if isinstance(version, bool) or not isinstance(version, int):
            raise ValidationError("Choose two drafts by their version numbers.")
    if older_version == newer_version:
        raise ValidationError("Choose two different drafts to compare.")
    older, newer = _drafts(session, agreement_id, [older_version, newer_version])
    terms = {
        t.draft_id: json.loads(t.terms_json)
        for t in session.exec(
            select(DraftTerms).where(col(DraftTerms.draft_id).in_([older.id, newer.id]))
        ).all()
    }
    printed: dict[int, dict[str, DraftClause]] = {older.id: {}, newer.id: {}}
    for row in session.exec(
        select(DraftClause)
        .where(col(DraftClause.draft_id).in_([older.id, newer.id]))
        .order_by(DraftClause.id)
    ).all():
        printed[row.draft_id][row.clause_key] = row
    recorded = older.id in terms and newer.id in terms
    return DraftComparison(
        number=view.agreement.number,
        older=older,
        newer=newer,
        terms=term_changes(terms[older.id], terms[newer.id]) if recorded else [],
        clauses=clause_changes(printed[older.id], printed[newer.id]) if recorded else [],
        recorded=recorded,
    )


# --- the Word changes document ------------------------------------------------------------------


def changes_document(
    session: Session, *, actor: Actor, agreement_id: int, older_version: Any, newer_version: Any
) -> bytes:
    """A Word document of the changes from one draft to the other: the terms in a table, the
    changed clauses as tracked changes (accept or reject them in Word's Review tab)."""
    comparison = compare_drafts(
        session,
        actor=actor,
        agreement_id=agreement_id,
        older_version=older_version,
        newer_version=newer_version,
    )
    older, newer = comparison.older, comparison.newer
    document = Document()
    document.add_heading(
        f"{comparison.number}: changes from draft {older.version} to draft {newer.version}", 0
    )
    for draft in (older, newer):
        document.add_paragraph(
            f"Draft {draft.version}: generated "
            f"{draft.generated_at.astimezone(clock.office_zone()):%d %B %Y %H:%M} "
            f"by {draft.generated_by_name}, from the {draft.template_name} template, "
            f"version {draft.template_version}."
        )
    if comparison.template_changed:
        document.add_paragraph(
            "The Word template itself changed between these drafts: its own wording may differ "
            "beyond the terms and standard clauses listed here."
        )
    if not comparison.recorded:
        document.add_paragraph(
            "One of these drafts was generated before tlo kept the terms and clauses of each "
            "draft; compare the two Word files themselves (Word: Review → Compare)."
        )
        return _saved(document)
    document.add_heading("Terms", 1)
    if comparison.terms:
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ("Term", f"Draft {older.version}", f"Draft {newer.version}"),
            strict=True,
        ):
            cell.text = text
        for change in comparison.terms:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = change.label, change.before, change.after
    else:
        document.add_paragraph("No term changed.")
    document.add_heading("Standard clauses", 1)
    if not comparison.clauses:
        document.add_paragraph("No standard clause changed.")
    marks = _Revisions(author=actor.name)
    for change in comparison.clauses:
        document.add_heading(f"{change.heading} ({change.what})", 2)
        for pieces in paragraph_changes(change.before_text, change.after_text):
            marks.paragraph(document, pieces)
    return _saved(document)


def _saved(document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Revisions:
    """Word's tracked changes (w:ins, w:del), each with its own id, author and date."""

    def __init__(self, *, author: str) -> None:
        self.author = author
        self.date = clock.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def _mark(self, tag: str):
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def paragraph(self, document, pieces: list[tuple[str, str]]) -> None:
        p = document.add_paragraph()
        for kind, text in pieces:
            if kind == "same":
                p.add_run(text)
                continue
            run = OxmlElement("w:r")
            content = OxmlElement("w:delText" if kind == "deleted" else "w:t")
            content.set(qn("xml:space"), "preserve")
            content.text = text
            run.append(content)
            mark = self._mark("w:del" if kind == "deleted" else "w:ins")
            mark.append(run)
            p._p.append(mark)
        if all(kind == "deleted" for kind, _ in pieces):  # the paragraph mark goes too
            properties = p._p.get_or_add_pPr()
            run_properties = OxmlElement("w:rPr")
            run_properties.append(self._mark("w:del"))
            properties.append(run_properties)
