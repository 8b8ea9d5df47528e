"""The cells of an export, written by tlo/reports/excel.py itself (openpyxl builds the rest of
the workbook): every kind of value reads back as openpyxl would have written it, and no cell
object is made per value (that cost 13 s per 100,000 rows)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl.cell.cell
import pytest
from openpyxl import load_workbook

from tlo.config import get_settings
from tlo.reports import excel
from tlo.reports.excel import FORMATS, MAX_CELL_TEXT, Column, Sheet, workbook_bytes

COLUMNS = [
    Column("Text"),
    Column("Money", "money"),
    Column("Count", "integer"),
    Column("Day", "date"),
    Column("When", "datetime"),
    Column("Share", "percent"),
]


def read_back(rows, columns=COLUMNS):
    content = workbook_bytes([Sheet("Cells", columns, rows)])
    return load_workbook(BytesIO(content))["Cells"]


def test_text_is_escaped_kept_with_its_spaces_and_cleaned_of_what_xml_cannot_hold():
    texts = [
        "Smith & Jones <Labs>",
        "  two leading spaces",
        "trailing tab\t",
        "bell\x07 and null\x00 removed",
        "x" * (MAX_CELL_TEXT + 10),
        "=SUM(A1:A2)",
        "-5 days",
        "line one\nline two",
    ]
    sheet = read_back([[text, None, None, None, None, None] for text in texts])
    values = [sheet.cell(row=n, column=1).value for n in range(2, len(texts) + 2)]
    assert values == [
        "Smith & Jones <Labs>",
        "  two leading spaces",
        "trailing tab\t",
        "bell and null removed",
        "x" * MAX_CELL_TEXT,
        "'=SUM(A1:A2)",
        "'-5 days",
        "line one\nline two",
    ]
    assert all(sheet.cell(row=n, column=1).data_type == "s" for n in range(2, len(texts) + 2))


def test_numbers_dates_and_moments_are_numbers_in_their_formats():
    zone = ZoneInfo(get_settings().office_timezone)
    moment = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    sheet = read_back(
        [
            ["a", Decimal("1234567.89"), 42, date(2026, 2, 28), moment, Decimal("33.34")],
            ["b", Decimal("-0.01"), 10**12, date(1999, 12, 31), datetime(2000, 1, 1), None],
            ["c", float("nan"), True, "not a day", None, Decimal("0")],
        ]
    )
    row = [cell for cell in sheet[2]]
    assert [cell.value for cell in row[1:4]] == [
        pytest.approx(1234567.89),
        42,
        datetime(2026, 2, 28),
    ]
    assert row[4].value == moment.astimezone(zone).replace(tzinfo=None)
    assert row[5].value == pytest.approx(0.3334)
    assert [cell.number_format for cell in row[1:]] == [
        FORMATS["money"],
        FORMATS["integer"],
        FORMATS["date"],
        FORMATS["datetime"],
        FORMATS["percent"],
    ]
    assert [cell.value for cell in sheet[3]][1:5] == [
        pytest.approx(-0.01),
        10**12,
        datetime(1999, 12, 31),
        datetime(2000, 1, 1),
    ]
    # what a number column cannot hold as a number: left empty (NaN) or written as text
    assert [cell.value for cell in sheet[4]][1:4] == [None, "True", "not a day"]
    assert sheet["F4"].value == 0


def test_the_header_keeps_its_style_and_the_sheet_its_filter_and_frozen_row():
    sheet = read_back([["a", 1, 2, None, None, None]])
    header = sheet[1]
    assert [cell.value for cell in header] == [column.header for column in COLUMNS]
    assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith("8C1515") for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F2"


def test_no_cell_object_is_made_per_value(monkeypatch):
    made = []
    original = openpyxl.cell.cell.WriteOnlyCell

    def counting(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(excel, "WriteOnlyCell", counting)
    rows = (
        [f"S26-{n:05d}", Decimal(n), n, date(2026, 1, 1), None, Decimal(1)] for n in range(5_000)
    )
    sheet = read_back(rows)
    assert sheet.max_row == 5_001
    assert sheet["B5001"].value == 4_999
    assert len(made) <= len(COLUMNS) + 1  # a style per column and the header's, not per value
