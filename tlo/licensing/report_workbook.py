"""The royalty report as an Excel workbook: the template a licensee downloads for one agreement
and period (its product categories and currencies offered as lists), and the upload read back
row by row, every problem listed with its row, nothing kept unless all of it is right.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session

from tlo.auth.permissions import Actor
from tlo.errors import FormErrors, Problem, ValidationError
from tlo.licensing import royalty_reports
from tlo.licensing import terms as royalty_terms
from tlo.licensing.agreements import load_agreement
from tlo.licensing.receivable_models import RoyaltyReport
from tlo.reports.importing.reading import _open

SHEET = "Royalty report"
LISTS = "Lists"
HEADER_ROW = 8
FIRST_ROW = HEADER_ROW + 1
TEMPLATE_ROWS = 200  # rows offered the lists; more may be added below
SUBLICENSE_CELL = "B6"
REMITTED_CELL = "D6"  # what the licensee paid with the report, if it says
COLUMNS = (
    ("Product category", "product", 34),
    ("Gross sales", "gross_sales", 16),
    ("Deductions", "deductions", 14),
    ("Currency", "currency", 10),
    ("Rate to USD", "to_usd", 12),
    ("Units", "units", 10),
    ("Country of manufacture", "country_of_manufacture", 12),
    ("Country of sale", "country_of_sale", 12),
)
MAX_BYTES = 5 * 1024 * 1024


def template_name(agreement_number: str, period_end: date) -> str:
    return f"royalty-report-{agreement_number}-{period_end.isoformat()}.xlsx"


def template_bytes(session: Session, *, actor: Actor, agreement_id: int, period_end: date) -> bytes:
    """The .xlsx of the report of one period, ready to fill in."""
    agreement = load_agreement(session, actor, agreement_id, "royalty_report.submit")
    period = royalty_reports._period(session, agreement, period_end)
    categories = [rate.applies_to for rate in royalty_terms.schedule_of(session, agreement.id)]
    currencies = royalty_terms.currencies_of(agreement)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold = Font(bold=True)
    sheet["A1"] = f"Royalty report: {agreement.number}"
    sheet["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(
        (
            ("Agreement", agreement.number),
            ("Period from", period.start),
            ("Period to", period.end),
            ("Due on", period.due_on),
        ),
        start=2,
    ):
        sheet.cell(row, 1, label).font = bold
        cell = sheet.cell(row, 2, value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    sheet["A6"] = "Sublicense income (USD)"
    sheet["A6"].font = bold
    sheet[SUBLICENSE_CELL] = 0
    sheet[SUBLICENSE_CELL].number_format = "#,##0.00"
    sheet["C6"] = "Paid with this report (USD, optional)"
    sheet["C6"].font = bold
    sheet[REMITTED_CELL].number_format = "#,##0.00"
    sheet["A7"] = (
        "One row per product category, currency and countries. Amounts in the row's currency; "
        "leave the rate empty for USD. A zero report needs no workbook: file it in one click."
    )
    fill = PatternFill("solid", fgColor="8C1515")
    for column, (header, _, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = width
    for column in (2, 3):
        for row in range(FIRST_ROW, FIRST_ROW + TEMPLATE_ROWS):
            sheet.cell(row, column).number_format = "#,##0.00"
    lists = book.create_sheet(LISTS)
    for row, name in enumerate(categories, start=1):
        lists.cell(row, 1, name)
    for row, code in enumerate(currencies, start=1):
        lists.cell(row, 2, code)
    lists.sheet_state = "hidden"
    last = FIRST_ROW + TEMPLATE_ROWS - 1
    for formula, column in (
        (f"{LISTS}!$A$1:$A${len(categories)}", "A"),
        (f"{LISTS}!$B$1:$B${len(currencies)}", "D"),
    ):
        check = DataValidation(type="list", formula1=formula, allow_blank=True)
        check.add(f"{column}{FIRST_ROW}:{column}{last}")
        sheet.add_data_validation(check)
    sheet.freeze_panes = f"A{FIRST_ROW}"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> object:
    """A cell as the report's checks take it: numbers as exact decimal text (Excel keeps
    binary doubles; their shortest form is what was typed), whole units as integers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def read_workbook(content: bytes) -> tuple[list[dict], list[str], object, object]:
    """The lines of a filled-in template (with the row each came from), the sublicense income
    and what was paid with it; a file that is not the template is refused."""
    if not isinstance(content, bytes | bytearray) or not content:
        raise ValidationError("Choose the filled-in report workbook (.xlsx).")
    if len(content) > MAX_BYTES:
        raise ValidationError("The workbook is over 5 MB: a royalty report is far smaller.")
    book = _open(bytes(content))
    try:
        if SHEET not in book.sheetnames:
            raise ValidationError(
                f"This workbook has no sheet {SHEET!r}: download the report template and fill "
                "it in."
            )
        sheet = book[SHEET]
        rows = []
        filled = 0
        # Read no further than a report can hold: a file may declare a million rows.
        for values in sheet.iter_rows(min_row=1, max_col=len(COLUMNS), values_only=True):
            rows.append(values)
            if len(rows) > HEADER_ROW and any(v not in (None, "") for v in values):
                filled += 1
                if filled > royalty_reports.MAX_LINES:
                    break
    finally:
        book.close()
    header = rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else ()
    if tuple(str(h or "").strip() for h in header) != tuple(c[0] for c in COLUMNS):
        raise ValidationError(
            f"Row {HEADER_ROW} of the sheet is not the template's header "
            f"({', '.join(c[0] for c in COLUMNS)}): download the template again."
        )
    sublicense = rows[5][1] if len(rows) > 5 and len(rows[5]) > 1 else None
    remitted = rows[5][3] if len(rows) > 5 and len(rows[5]) > 3 else None
    if isinstance(remitted, float | int) and not isinstance(remitted, bool):
        remitted = _text(remitted)
    lines, names = [], []
    for number, values in enumerate(rows[HEADER_ROW:], start=FIRST_ROW):
        cells = [_text(v) for v in values]
        if all(v in (None, "") for v in cells):
            continue
        line = {
            key: value
            for (_, key, _), value in zip(COLUMNS, cells, strict=False)
            if value not in (None, "")
        }
        lines.append(line)
        names.append(f"Row {number}")
    if isinstance(sublicense, float | int) and not isinstance(sublicense, bool):
        sublicense = _text(sublicense)
    elif sublicense is None or (isinstance(sublicense, str) and not sublicense.strip()):
        sublicense = "0"
    return lines, names, sublicense, remitted


def upload_report(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    period_end: date,
    content: bytes,
    note: str = "",
) -> RoyaltyReport:
    """File the period's report from its filled-in workbook: every row checked, every problem
    listed with its row; all of it or nothing."""
    agreement = load_agreement(session, actor, agreement_id, "royalty_report.submit")
    lines, names, sublicense, remitted = read_workbook(content)
    try:
        return royalty_reports.submit_report(
            session,
            actor=actor,
            agreement_id=agreement.id,
            period_end=period_end,
            lines=lines,
            sublicense_income=sublicense,
            note=note,
            source="uploaded",
            line_names=names,
            remitted=remitted,
        )
    except FormErrors:
        raise
    except ValidationError as err:
        text = str(err).lower()
        if "sublicense" in text:
            raise FormErrors([Problem(f"Cell {SUBLICENSE_CELL}: {err}", ("sublicense",))]) from None
        if "paid with the report" in text:
            raise FormErrors([Problem(f"Cell {REMITTED_CELL}: {err}", ("remitted",))]) from None
        raise
