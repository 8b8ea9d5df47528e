"""Bulk import of legacy records from Excel: one template per kind of record, a check of every
row that reports each problem (row, column, message) and writes nothing, and an import that
writes the whole file in the caller's transaction or nothing at all.

Legacy records arrive in the state the old system left them (a case already "licensed", an
agreement already "active"), so they are written as records, not walked through the live
workflows; the same rules are checked on them (shares add up to 100 %, an amount has at most
two decimals, a granted patent has its number, ...), and every record gets its audit entry.
References are resolved against tlo and, where a kind refers to its own kind (a patent's
parent application), against earlier rows of the same file.

This module is the one public entry: the use cases, and the names callers use. The parts
live in tlo.reports.importing: the report, reading the file, one row's cells, the job
base class and one module per kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from sqlmodel import Session

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.errors import ValidationError
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.reports.import_kinds import EXCEL_KIND, KINDS, ImportKind
from tlo.reports.importing.agreements import _Agreements, legacy_references
from tlo.reports.importing.companies import _Companies
from tlo.reports.importing.disclosures import _Disclosures
from tlo.reports.importing.income import _Income
from tlo.reports.importing.job import _Job
from tlo.reports.importing.patents import _Patents
from tlo.reports.importing.people import _People
from tlo.reports.importing.reading import _read
from tlo.reports.importing.report import ImportRefused, ImportReport, Problem

MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
PROGRESS_EVERY = 100  # rows between two calls of the progress callback
HELP_SHEET = "Columns"

Progress = Callable[[int, int], None]


JOBS: dict[str, type[_Job]] = {
    "people": _People,
    "companies": _Companies,
    "disclosures": _Disclosures,
    "patents": _Patents,
    "agreements": _Agreements,
    "income": _Income,
}


def kind_of(name: str) -> ImportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValidationError(
            f"tlo does not import {name!r}; choose one of {', '.join(KINDS)}."
        ) from None


def template_workbook(kind: str) -> bytes:
    """The empty form of a kind: the header, an example row to overwrite, and a second sheet
    that explains each column."""
    spec = kind_of(kind)
    data = Sheet(
        spec.label,
        [Column(c.header, EXCEL_KIND.get(c.format, "text")) for c in spec.columns],
        [[c.example if c.example != "" else None for c in spec.columns]],
    )
    help_sheet = Sheet(
        HELP_SHEET,
        [
            Column("Column", width=26),
            Column("Required"),
            Column("Format", width=36),
            Column("Allowed values", width=40),
            Column("What it holds", width=80),
        ],
        [
            [
                c.header,
                "yes" if c.required else "",
                c.format_label,
                ", ".join(c.allowed),
                c.description,
            ]
            for c in spec.columns
        ],
    )
    return workbook_bytes([data, help_sheet])


def problems_workbook(report: ImportReport) -> bytes:
    return workbook_bytes(
        [
            Sheet(
                "Problems",
                [Column("Row", "integer"), Column("Column", width=24), Column("Problem", width=90)],
                [[p.row, p.column, p.message] for p in report.problems],
            )
        ]
    )


def fingerprint(kind: str, content: bytes) -> str:
    """What identifies a checked file: the page imports only a file checked as it is."""
    return hashlib.sha256(kind.encode() + b"\0" + content).hexdigest()


def _refuse_a_file_over_the_limit(content: bytes) -> None:
    """A file over the size limit is refused before it is read. The limit is checked here, at
    the entry, where callers (and tests) find MAX_FILE_BYTES."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            f"The file has {len(content) / 1024 / 1024:.1f} MB; tlo imports files of up to "
            f"{MAX_FILE_MB} MB. Split it into several files."
        )


def _prepare(
    session: Session,
    actor: Actor,
    kind: str,
    content: bytes,
    progress: Progress | None,
    today: date | None,
    *,
    phases: int,
) -> tuple[ImportReport, _Job]:
    require(actor, "data.import")
    spec = kind_of(kind)
    report = ImportReport(kind=spec.name)
    _refuse_a_file_over_the_limit(content)
    rows = _read(content, spec, report)
    report.rows_read = len(rows)
    job = JOBS[spec.name](session, actor, today or clock.today())
    total = len(rows) * phases
    parsed = []
    for index, row in enumerate(rows, start=1):
        parsed.append((row, job.parse(row)))
        if progress and (index % PROGRESS_EVERY == 0 or index == len(rows)):
            progress(index, total)
    job.resolve(parsed)
    # Row by row, and within a row from left to right, as the user reads the sheet.
    position = {column.header: index for index, column in enumerate(spec.columns)}
    report.problems.sort(key=lambda problem: (problem.row, position.get(problem.column, -1)))
    return report, job


def check_file(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    content: bytes,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """The dry run: read and check every row (against tlo and against earlier rows of the
    file) and report each problem. Writes nothing."""
    report, _ = _prepare(session, actor, kind, content, progress, today, phases=1)
    return report


def import_file(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    content: bytes,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Check the file as `check_file` does, then write every record in the caller's
    transaction. A file with any problem raises ImportRefused before anything is written."""
    report, job = _prepare(session, actor, kind, content, progress, today, phases=2)
    if not report.ok:
        raise ImportRefused(report)
    rows = report.rows_read

    def tick(done: int) -> None:
        if progress and (done % PROGRESS_EVERY == 0 or done == rows):
            progress(rows + done, rows * 2)

    report.created = job.write(tick)
    audit.record(
        session,
        actor=actor,
        action="data.imported",
        object_type="import",
        object_id=kind,
        after={
            "kind": kind,
            "rows": rows,
            "created": report.created,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return report


__all__ = [
    "KINDS",
    "MAX_FILE_MB",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "check_file",
    "fingerprint",
    "import_file",
    "legacy_references",
    "problems_workbook",
    "template_workbook",
]
