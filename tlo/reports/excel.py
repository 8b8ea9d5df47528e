"""Excel workbooks every export shares: a styled, frozen, filterable header, real number and
date formats, sensible widths, and text that Excel would run as a formula neutralised."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any, Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
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
HEADER_FILL = PatternFill("solid", fgColor="8C1515")
HEADER_FONT = Font(bold=True, color="FFFFFF")


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


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
            return len(shown)
    if kind == "datetime" and isinstance(value, datetime):
        return len("yyyy-mm-dd hh:mm")
    if kind == "date" and isinstance(value, date):
        return len("yyyy-mm-dd")
    return len(str(value))


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    timezone = ZoneInfo(get_settings().office_timezone)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet_title(sheet.title))
        worksheet.append([column.header for column in sheet.columns])
        for cell in worksheet[1]:
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [len(column.header) for column in sheet.columns]
        for row in sheet.rows:
            worksheet.append(
                [
                    _cell_value(value, column.kind, timezone)
                    for value, column in zip(row, sheet.columns, strict=True)
                ]
            )
            for index, (value, column) in enumerate(zip(row, sheet.columns, strict=True)):
                widths[index] = max(widths[index], min(_shown_length(value, column.kind), 60))
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = (column.width or widths[index - 1]) + 2
            if column.kind in FORMATS:
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = FORMATS[column.kind]
        worksheet.freeze_panes = "A2"
        last = get_column_letter(max(1, len(sheet.columns)))
        worksheet.auto_filter.ref = f"A1:{last}{max(1, worksheet.max_row)}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
