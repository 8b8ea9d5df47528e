"""Reading an Excel file (openpyxl): its header against the kind's columns, then its record rows."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from tlo.errors import ValidationError
from tlo.reports.import_kinds import ImportKind
from tlo.reports.importing.report import ImportReport, Problem
from tlo.reports.importing.row import _decimal, _Row

MAX_ROWS = 100_000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def _open(content: bytes):
    """The workbook of a file already under the size limit (the entry checks it)."""
    if content.startswith(XLS_MAGIC):
        raise ValidationError(
            "This is an old Excel file (.xls). Open it in Excel and save it as an Excel "
            "workbook (.xlsx)."
        )
    if not content.startswith(XLSX_MAGIC):
        raise ValidationError(
            "This is not an Excel workbook (.xlsx). Fill in the template and save it as .xlsx "
            "(not CSV)."
        )
    try:
        return load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise ValidationError(
            "The file cannot be read as an Excel workbook (.xlsx); it may be damaged, or "
            "another kind of file renamed."
        ) from None


def _cell_value(cell) -> Any:
    value = cell.value
    if isinstance(value, str):
        return value.strip() or None
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", None) or "")
    ):
        return _decimal(value) * 100  # a cell formatted 3.5 % holds 0.035
    return value


def _read(content: bytes, spec: ImportKind, report: ImportReport) -> list[_Row]:
    """The record rows of the file; header problems are reported and leave no rows."""
    workbook = _open(content)
    try:
        names = workbook.sheetnames
        sheet = workbook[spec.label] if spec.label in names else workbook.worksheets[0]
        rows = sheet.iter_rows()
        header = next(rows, None)
        positions = _header_positions(header or (), spec, report)
        if positions is None:
            return []
        records: list[_Row] = []
        for number, cells in enumerate(rows, start=2):
            # Empty rows are skipped, cheaply: a sheet formatted down to row 1,048,576 has as
            # many of them.
            if all(cell.value is None for cell in cells):
                continue
            values = {
                name: _cell_value(cells[index])
                for index, name in positions.items()
                if index < len(cells)
            }
            if all(value is None for value in values.values()):
                continue
            if len(records) == MAX_ROWS:
                report.problems.append(
                    Problem(
                        number,
                        "",
                        f"A file holds at most {MAX_ROWS:,} records; split it into several "
                        "files and import them one after the other.",
                    )
                )
                return []
            records.append(_Row(number, values, report.problems))
        return records
    finally:
        workbook.close()


def _header_positions(header, spec: ImportKind, report: ImportReport) -> dict[int, str] | None:
    known = {c.header.casefold(): c.header for c in spec.columns}
    positions: dict[int, str] = {}
    problems = []
    for index, cell in enumerate(header):
        text = str(cell.value).strip() if cell.value is not None else ""
        if not text:
            continue
        name = known.get(text.casefold())
        if name is None:
            problems.append(
                Problem(
                    1,
                    text,
                    f"tlo does not know this column. The columns of a {spec.label.lower()} "
                    f"file are: {', '.join(c.header for c in spec.columns)}.",
                )
            )
        elif name in positions.values():
            problems.append(Problem(1, text, "This column appears twice; keep one."))
        else:
            positions[index] = name
    for column in spec.columns:
        if column.required and column.header not in positions.values():
            problems.append(
                Problem(1, column.header, "This required column is missing; use the template.")
            )
    report.problems.extend(problems)
    return None if problems else positions
