"""Excel workbooks every export shares: a styled, frozen, filterable header, real number and
date formats, sensible widths, and text that Excel would run as a formula neutralised.

Workbooks are streamed row by row (openpyxl's write-only mode): the rows of a sheet may be a
generator, fetched from the database in chunks, and each row goes to a temporary file as it is
written, so an export of 100,000 rows takes seconds and a few megabytes. A streamed sheet
needs its column widths before the first row: they are measured on the first
`WIDTH_SAMPLE_ROWS` rows and the header, never in a second pass over the sheet.

openpyxl builds the workbook (styles, sheet views, widths, filter, the package); the cells of
the rows are written here, as the same XML openpyxl writes (numbers and dates as numbers in
their style, text in line), to a temporary file `RENDER_ROWS` rows at a time: openpyxl makes a
cell object and an XML element of every value, 130 microseconds a row of ten columns (13 s for
100,000 rows); this writes the row's text at a tenth of that.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import create_temporary_file

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


RENDER_ROWS = 1_000  # rows rendered as XML and written to the sheet's file at once
MAX_CELL_TEXT = 32_767  # characters Excel holds in a cell (openpyxl cuts there too)
# Characters XML 1.0 cannot hold (openpyxl refuses them): left out of the cell's text.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _StreamedSheet(WriteOnlyWorksheet):
    """openpyxl's write-only sheet, whose rows arrive already rendered as XML: they go to a
    temporary file of their own, and when the sheet closes, openpyxl's sheet (views, widths,
    filter: everything but the rows) is written with them in its `sheetData`."""

    def __init__(self, parent, title):
        super().__init__(parent, title)
        self._body = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the sheet)

    def write_rendered(self, rows_xml: list[str]) -> None:
        """Write rows rendered by `_write_sheet` (XML text, a chunk at a time)."""
        self._body.write("".join(rows_xml).encode("utf-8"))

    def close(self) -> None:
        self._get_writer()
        if self._rows is None:  # an empty sheetData, where the rows go
            self._rows = self._write_rows()
            next(self._rows)
        super().close()
        skeleton = Path(self._writer.out).read_bytes()
        head, tail = _EMPTY_SHEET_DATA.split(skeleton, maxsplit=1)
        assembled = create_temporary_file()
        with open(assembled, "wb") as out:
            out.write(head + b"<sheetData>")
            self._body.seek(0)
            shutil.copyfileobj(self._body, out)
            out.write(b"</sheetData>" + tail)
        self._body.close()
        os.remove(self._writer.out)
        self._writer.out = assembled


_EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")


# What a cell's text needs done before it goes into the XML: escaping, or characters removed.
NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")
WHITESPACE = " \t\n\r"


def _text_xml(ref: str, text: str) -> str:
    """A text cell, in line (as openpyxl's write-only mode writes it: no shared strings). Run
    for every text value of an export: the common case (nothing to escape) does no more than
    one regular expression search."""
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT]
    if NEEDS_ESCAPING.search(text):
        text = ILLEGAL_CHARACTERS.sub("", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not text:
        return ""
    if text[0] in WHITESPACE or text[-1] in WHITESPACE:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


@lru_cache(maxsize=65_536)
def _date_serial(value: date) -> float:
    return to_excel(value)


def _number_text(value: Any) -> str | None:
    """A number as openpyxl writes it ('%.16g'); None for what Excel cannot hold (NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return f"{value:.16g}"


def _column_renderer(kind: Kind, style_id: int | None, timezone: ZoneInfo):
    """How one column's value becomes its cell's XML (`ref` is the cell's address): text as it
    is, neutralised; a number or date as a number in the column's style."""
    if kind not in FORMATS:

        def text(value: Any, ref: str) -> str:
            if value is None:
                return ""
            if value.__class__ is not str:
                value = str(value)
            return _text_xml(ref, "'" + value if value.startswith(FORMULA_STARTS) else value)

        return text

    def formatted(value: Any, ref: str) -> str:
        value = _cell_value(value, kind, timezone)
        if value is None:
            return ""
        if isinstance(value, str):
            return _text_xml(ref, value)
        if isinstance(value, bool):
            return _text_xml(ref, neutralise(str(value)))
        if isinstance(value, datetime):
            if value.tzinfo is not None:  # Excel has no time zones: the office's local time
                value = value.astimezone(timezone).replace(tzinfo=None)
            number = _number_text(to_excel(value))
        elif isinstance(value, date):
            number = _number_text(_date_serial(value))
        elif isinstance(value, (Decimal, int, float)):
            number = _number_text(value)
        else:
            return _text_xml(ref, neutralise(str(value)))
        if number is None:
            return ""
        return f'<c r="{ref}" s="{style_id}" t="n"><v>{number}</v></c>'

    return formatted


def _style_id(worksheet, **style) -> int:
    """The workbook's style index of a cell with these attributes (font, number format...)."""
    cell = WriteOnlyCell(worksheet)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell.style_id


def _write_sheet(workbook: Workbook, sheet: Sheet, timezone: ZoneInfo) -> None:
    worksheet = _StreamedSheet(parent=workbook, title=sheet_title(sheet.title))
    workbook._add_sheet(worksheet)
    columns = list(sheet.columns)
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    for letter, width in zip(letters, _widths(columns, sample), strict=True):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A2"
    header_style = _style_id(
        worksheet, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT
    )
    header = "".join(
        _text_xml(f"{letter}1", column.header).replace("<c ", f'<c s="{header_style}" ', 1)
        or f'<c r="{letter}1" s="{header_style}"/>'
        for letter, column in zip(letters, columns, strict=True)
    )
    rendered = [f'<row r="1">{header}</row>']
    renderers = [
        _column_renderer(
            column.kind,
            _style_id(worksheet, number_format=FORMATS[column.kind])
            if column.kind in FORMATS
            else None,
            timezone,
        )
        for column in columns
    ]
    written = 0
    for number, row in enumerate(chain(sample, rows), start=2):
        at = str(number)
        cells = [
            render(value, letter + at)
            for render, letter, value in zip(renderers, letters, row, strict=True)
        ]
        rendered.append(f'<row r="{at}">{"".join(cells)}</row>')
        written += 1
        if len(rendered) >= RENDER_ROWS:
            worksheet.write_rendered(rendered)
            rendered = []
    worksheet.write_rendered(rendered)
    worksheet.auto_filter.ref = f"A1:{letters[-1] if letters else 'A'}{written + 1}"


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
