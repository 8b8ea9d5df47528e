"""A table as the pages show it, written as the Excel workbook its download button gives."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tlo.config import get_settings
from tlo.reports.excel import FORMATS, file_stem, records_sheet, workbook_bytes

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
