"""A table as the pages show it, written as the Excel workbook its download button gives."""

import tracemalloc
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tlo.config import get_settings
from tlo.reports.excel import (
    FORMATS,
    NUMBER_ROOM,
    WIDTH_SAMPLE_ROWS,
    Column,
    Sheet,
    file_stem,
    records_sheet,
    workbook_bytes,
)

RECORDS = [
    {
        "Agreement": "AGR-00012",
        "Licensee": '=HYPERLINK("http://evil.example","click")',
        "Received": date(2026, 3, 31),
        "Amount": Decimal("1234567.89"),
        "Payments": 3,
        "Share": Decimal("33.34"),
        "Recorded": datetime(2026, 3, 31, 17, 30, tzinfo=UTC),
    },
    {
        "Agreement": "AGR-00013",
        "Licensee": "Acme Inc.",
        "Received": None,
        "Amount": None,
        "Payments": 1,
        "Share": Decimal("66.66"),
        "Recorded": None,
    },
]


@pytest.fixture
def worksheet():
    sheet = records_sheet("income-FY2026", RECORDS, {"Share": "percent"})
    return load_workbook(BytesIO(workbook_bytes([sheet])))["income-FY2026"]


def test_the_kind_of_each_column_is_read_from_its_values_unless_given():
    sheet = records_sheet("income", RECORDS, {"Share": "percent"})
    kinds = {column.header: column.kind for column in sheet.columns}
    assert kinds == {
        "Agreement": "text",
        "Licensee": "text",
        "Received": "date",
        "Amount": "money",
        "Payments": "integer",
        "Share": "percent",
        "Recorded": "datetime",
    }


def test_a_column_that_is_empty_on_top_takes_its_kind_from_the_first_value():
    sheet = records_sheet("costs", [{"Amount": None}, {"Amount": Decimal("5.00")}])
    assert sheet.columns[0].kind == "money"


def test_amounts_are_numbers_in_dollars_and_dates_are_dates(worksheet):
    amount, received = worksheet["D2"], worksheet["C2"]
    assert amount.value == pytest.approx(1234567.89)
    assert amount.number_format == FORMATS["money"] == '"$"#,##0.00'
    assert received.value == datetime(2026, 3, 31)  # openpyxl reads a date cell back so
    assert received.number_format == FORMATS["date"]
    assert worksheet["E2"].number_format == FORMATS["integer"]


def test_a_percentage_is_a_fraction_shown_as_percent(worksheet):
    share = worksheet["F2"]
    assert share.value == pytest.approx(0.3334)
    assert share.number_format == FORMATS["percent"]


def test_a_moment_is_written_in_the_offices_local_time_without_a_zone(worksheet):
    office = ZoneInfo(get_settings().office_timezone)
    assert worksheet["G2"].value == RECORDS[0]["Recorded"].astimezone(office).replace(tzinfo=None)
    assert worksheet["G2"].number_format == FORMATS["datetime"]


def test_the_header_is_styled_frozen_and_filterable(worksheet):
    assert [cell.value for cell in worksheet[1]] == list(RECORDS[0])
    assert all(cell.font.bold for cell in worksheet[1])
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == "A1:G3"


def test_text_excel_would_run_as_a_formula_is_neutralised(worksheet):
    assert worksheet["B2"].value == '\'=HYPERLINK("http://evil.example","click")'
    assert worksheet["B2"].data_type == "s"  # a string, not a formula


def test_a_column_is_wide_enough_for_its_amounts_as_excel_shows_them(worksheet):
    assert worksheet.column_dimensions["D"].width >= len("$1,234,567.89")


def test_a_sheet_and_file_name_with_characters_excel_refuses_are_made_safe():
    sheet = records_sheet("contacts-A/B Labs: [west]", [{"Contact": "Ann"}])
    workbook = load_workbook(BytesIO(workbook_bytes([sheet])))
    assert workbook.sheetnames == ["contacts-A-B Labs- -west-"]
    assert file_stem("contacts-A/B Labs: [west]") == "contacts-A-B-Labs-west"


# --- exports of many rows: streamed, row by row ----------------------------------------------

MANY = WIDTH_SAMPLE_ROWS * 3  # far past the rows that set the widths
LATE = MANY - 7  # a row written long after the widths were set
COLUMNS = [
    Column("Docket"),
    Column("Title"),
    Column("Amount", "money"),
    Column("Received", "date"),
    Column("Payments", "integer"),
]


def streamed_rows(count: int):
    """A generator, as an export fetches its rows from the database chunk by chunk."""
    for n in range(count):
        title = '=HYPERLINK("http://evil.example")' if n == LATE else f"Technology {n}"
        yield (f"S26-{n:05d}", title, Decimal(n) / 4, date(2026, 1, 1) + timedelta(days=n % 365), n)


def test_an_export_of_many_rows_reads_back_with_its_header_types_and_formats():
    content = workbook_bytes([Sheet("Many", COLUMNS, streamed_rows(MANY))])
    sheet = load_workbook(BytesIO(content))["Many"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:E{MANY + 1}"
    assert sheet.max_row == MANY + 1
    late = LATE + 2  # the sheet's row of that record
    assert sheet[f"A{late}"].value == f"S26-{LATE:05d}"
    assert sheet[f"B{late}"].value == '\'=HYPERLINK("http://evil.example")'
    assert sheet[f"B{late}"].data_type == "s"  # a string, not a formula
    assert sheet[f"C{late}"].value == pytest.approx(LATE / 4)
    assert sheet[f"C{late}"].number_format == FORMATS["money"]
    assert sheet[f"D{late}"].value == datetime(2026, 1, 1) + timedelta(days=LATE % 365)
    assert sheet[f"D{late}"].number_format == FORMATS["date"]
    assert (sheet[f"E{late}"].value, sheet[f"E{late}"].number_format) == (LATE, FORMATS["integer"])


def test_an_export_is_streamed_to_the_file_not_held_in_memory():
    """Rows leave memory as they are written: text is written in line (a workbook held in
    memory would share it in a table), and the peak stays far below what the cells need."""
    tracemalloc.start()
    try:
        content = workbook_bytes([Sheet("Many", COLUMNS, streamed_rows(MANY))])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20  # a workbook of 15,000 cells kept in memory needs over 5 MB
    with zipfile.ZipFile(BytesIO(content)) as package:
        assert "xl/sharedStrings.xml" not in package.namelist()
        assert 't="inlineStr"' in package.read("xl/worksheets/sheet1.xml").decode()


def test_widths_are_measured_on_the_header_and_the_first_rows_only():
    rows = [("S26-00001", "Short", Decimal("1234.50"), None)] * 10
    rows.append(("S26-00002", "A title of thirty characters..", Decimal("1.00"), None))
    rows += [("S26-00003", "Short", Decimal("1.00"), None)] * WIDTH_SAMPLE_ROWS
    rows.append(("S26-00004", "A very long title written after the widths were set", None, None))
    columns = [Column("Docket"), Column("Title"), Column("Amount", "money")]
    columns.append(Column("Notes", width=40))
    sheet = load_workbook(BytesIO(workbook_bytes([Sheet("Widths", columns, rows)])))["Widths"]
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == pytest.approx(len("S26-00001") + 2, abs=1)
    assert widths["B"] == pytest.approx(30 + 2, abs=1)  # not the late, longer title
    assert widths["C"] >= len("$1,234.50") + NUMBER_ROOM  # room for larger amounts
    assert widths["D"] == pytest.approx(40 + 2, abs=1)  # as the column asks


def test_a_sheet_without_rows_still_has_its_header_and_filter():
    sheet = load_workbook(BytesIO(workbook_bytes([Sheet("Empty", COLUMNS, iter(()))])))["Empty"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet.auto_filter.ref == "A1:E1"
