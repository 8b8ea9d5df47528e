"""Excel workbooks every export shares: a styled, frozen, filterable header, real number and
date formats, sensible widths, and text that Excel would run as a formula neutralised.

Workbooks are streamed row by row (openpyxl's write-only mode): the rows of a sheet may be a
generator, fetched from the database in chunks, and each row goes to a temporary file as it is
appended, so an export of 100,000 rows takes seconds and a few megabytes. A streamed sheet
needs its column widths before the first row: they are measured on the first
`WIDTH_SAMPLE_ROWS` rows and the header, never in a second pass over the sheet. Numbers and
dates are cells with their number format; text is a plain value (no cell object per value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice
from typing import IO, Any, Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tlo.config import get_settings
from tlo.money import dollars

Kind = Literal["text", "integer", "decimal", "money", "percent", "date", "datetime"]
FORMATS: dict[str, str] = {
    "integer": "#,##0",
    "decimal": "#,##0.00",
    "money": '"$"#,##0.00',
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FILL_COLOR = "#8C1515"
HEADER_FONT_COLOR = "#FFFFFF"
WIDTH_SAMPLE_ROWS = 1_000  # the rows whose shown length sets each column's width
MAX_WIDTH = 60  # characters: longer text wraps into view when the reader widens the column
# A number wider than its column shows as ####: numbers get room for values a hundred times
# the widest in the sample (two more digits and a thousands separator).
NUMBER_ROOM = 3


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]  # a generator is welcome: rows are written as they come


def infer_kind(values: Iterable[Any]) -> Kind:
    """The kind of a column from its first value: Decimal is money unless told otherwise."""
    first = next((value for value in values if value is not None), None)
    if isinstance(first, bool) or first is None:
        return "text"
    if isinstance(first, int):
        return "integer"
    if isinstance(first, Decimal):
        return "money"
    if isinstance(first, datetime):
        return "datetime"
    if isinstance(first, date):
        return "date"
    return "text"


def records_sheet(
    title: str, records: Sequence[Mapping[str, Any]], kinds: Mapping[str, Kind] | None = None
) -> Sheet:
    """A sheet of dict rows (as pages show them), each column's kind given or inferred."""
    headers = list(records[0]) if records else []
    kinds = kinds or {}
    columns = [
        Column(header, kinds.get(header) or infer_kind(record[header] for record in records))
        for header in headers
    ]
    return Sheet(title, columns, [[record[header] for header in headers] for record in records])


def sheet_title(title: str) -> str:
    """A title Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet"


def file_stem(name: str) -> str:
    """A name safe for a downloaded file on every system ('A/B Labs' -> 'A-B-Labs')."""
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "table"


def neutralise(text: str) -> str:
    """Text Excel would take for a formula (=, +, -, @) gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell_value(value: Any, kind: Kind, timezone: ZoneInfo) -> Any:
    if value is None:
        return None
    if kind == "text":
        return neutralise(str(value))
    if kind == "datetime" and isinstance(value, datetime):
        # Excel has no time zones: show the office's local time.
        return value.astimezone(timezone).replace(tzinfo=None) if value.tzinfo else value
    if kind == "percent" and isinstance(value, Decimal):
        return value / 100  # 33.33 (percent) is shown as 33.33%
    if isinstance(value, (Decimal, int, float, date)):
        return value
    return neutralise(str(value))


def _shown_length(value: Any, kind: Kind) -> int:
    """How many characters Excel shows for a value in its format: a column narrower than that
    shows a number as ####."""
    if value is None:
        return 0
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        shown = {
            "money": dollars(value),
            "decimal": f"{value:,.2f}",
            "percent": f"{value:,.2f}%",
            "integer": f"{value:,}",
        }.get(kind)
        if shown is not None:
            return len(shown) + NUMBER_ROOM
    if kind == "datetime" and isinstance(value, datetime):
        return len("yyyy-mm-dd hh:mm")
    if kind == "date" and isinstance(value, date):
        return len("yyyy-mm-dd")
    return len(str(value))


def _widths(columns: Sequence[Column], sample: Sequence[Sequence[Any]]) -> list[int]:
    """Each column's width in characters: as given, or as wide as its header and the widest
    value of the sample (at most MAX_WIDTH), plus a margin."""
    widths = []
    for index, column in enumerate(columns):
        if column.width is not None:
            widths.append(column.width + 2)
            continue
        shown = (min(_shown_length(row[index], column.kind), MAX_WIDTH) for row in sample)
        widths.append(max(len(column.header), *shown, 0) + 2)
    return widths


HEADER_FONT = Font(bold=True, color=HEADER_FONT_COLOR.removeprefix("#"))
HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL_COLOR.removeprefix("#"))
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def _column_writer(worksheet, kind: Kind, timezone: ZoneInfo):
    """The cell (or plain value) one column's value is written as: text as it is, neutralised;
    a number or date in its format."""
    if kind not in FORMATS:
        return lambda value: None if value is None else neutralise(str(value))
    number_format = FORMATS[kind]

    def formatted(value: Any) -> Any:
        value = _cell_value(value, kind, timezone)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return neutralise(str(value))
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = number_format
        return cell

    return formatted


def _write_sheet(workbook: Workbook, sheet: Sheet, timezone: ZoneInfo) -> None:
    worksheet = workbook.create_sheet(sheet_title(sheet.title))
    columns = list(sheet.columns)
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(_widths(columns, sample), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, value=column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    worksheet.append(header)
    writers = [_column_writer(worksheet, column.kind, timezone) for column in columns]
    written = 0
    for row in chain(sample, rows):
        worksheet.append([write(value) for write, value in zip(writers, row, strict=True)])
        written += 1
    last_column = get_column_letter(max(1, len(columns)))
    worksheet.auto_filter.ref = f"A1:{last_column}{written + 1}"


def write_workbook(sheets: Iterable[Sheet], target: str | IO[bytes]) -> None:
    """Write the sheets, row by row, to `target` (a file name or a binary file)."""
    timezone = ZoneInfo(get_settings().office_timezone)
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet, timezone)
    workbook.save(target)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as the bytes of an .xlsx file (what a download button offers)."""
    buffer = BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()
