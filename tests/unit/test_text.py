from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tlo.errors import NotFound, ValidationError
from tlo.licensing.models import Company, CompanySize
from tlo.text import (
    LONG_TEXT_MAX,
    clean_bool,
    clean_choice,
    clean_date,
    clean_decimal_money,
    clean_email,
    clean_id,
    clean_int,
    clean_percent,
    clean_text,
    clean_url,
    column_length,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  a reason  ", "a reason"),
        ("two\r\nlines\rhere", "two\nlines\nhere"),
        ("tab\tkept", "tab\tkept"),
        ("Zürich · 東京 — ok", "Zürich · 東京 — ok"),
        (None, ""),
    ],
)
def test_text_is_kept_cleaned(value, expected):
    assert clean_text(value, what="note", max_length=40) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Give the note"),
        ("   \n ", "Give the note"),
        ("x" * 41, "41 characters long; at most 40"),
        ("nul\x00byte", "U\\+0000"),
        ("escape\x1b[31m", "U\\+001B"),
        ("lone \ud800 surrogate", "U\\+D800"),
        (42, "must be text"),
    ],
)
def test_bad_text_is_a_clear_domain_error(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_text(value, what="note", max_length=40, required=True)


def test_a_text_field_takes_its_longest_length_from_its_column():
    assert column_length(Company.name) == 200
    assert clean_text("x" * 200, what="company's name", column=Company.name) == "x" * 200
    with pytest.raises(ValidationError, match="201 characters long; at most 200"):
        clean_text("x" * 201, what="company's name", column=Company.name)


def test_a_column_without_a_length_still_has_a_limit():
    with pytest.raises(ValidationError, match=f"at most {LONG_TEXT_MAX:,}"):
        clean_text("x" * (LONG_TEXT_MAX + 1), what="note", column=Company.notes)


def test_a_one_line_field_refuses_a_line_break_or_a_tab():
    for value in ("two\nlines", "a\ttab"):
        with pytest.raises(ValidationError, match="is one line"):
            clean_text(value, what="name", max_length=40, multiline=False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Give the term"),
        (True, "must be a whole number"),
        ("12", "must be a whole number"),
        (12.0, "must be a whole number"),
        (2**31, "between -2,147,483,648 and 2,147,483,647"),
        (2**63, "between"),
    ],
)
def test_a_whole_number_is_an_int_a_column_can_hold(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_int(value, what="term")


def test_a_whole_number_in_range_is_kept():
    assert clean_int(7, what="term", minimum=1, maximum=12) == 7
    assert clean_int(None, what="term", required=False) is None


@pytest.mark.parametrize("value", [0, -1, 2**31, 2**63, True, "3", 3.0, None, [1]])
def test_an_id_that_cannot_exist_is_not_found(value):
    with pytest.raises(NotFound, match="There is no disclosure"):
        clean_id(value, what="disclosure")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Give the filing date"),
        ("2026-01-01", "must be a date"),
        (datetime(2026, 1, 1, tzinfo=UTC), "must be a date"),
        (date(1, 1, 1), "not a plausible date"),
        (date.max, "not a plausible date"),
    ],
)
def test_a_date_is_a_plausible_calendar_date(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_date(value, what="filing date")


def test_a_date_may_be_left_out_where_it_is_optional():
    assert clean_date(None, what="review date", required=False) is None
    assert clean_date(date(2026, 12, 1), what="review date") == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "must be an amount"),
        (True, "must be an amount"),
        (None, "must be an amount"),
        ("NaN", "Upfront fee: 'NaN' is not an amount tlo can take"),
        ("1.005", "Upfront fee: An amount has at most two decimals"),
        ("12\x00", "control character"),
        (Decimal("1E+40"), "is not an amount tlo can take"),
    ],
)
def test_money_names_its_field(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_decimal_money(value, what="upfront fee")


def test_money_is_read_exactly():
    assert clean_decimal_money("$1,234.50", what="fee") == Decimal("1234.50")
    assert clean_decimal_money(12, what="fee") == Decimal(12)


def test_a_percentage_names_its_field():
    assert clean_percent("3.5 %", what="a royalty rate") == Decimal("3.5")
    with pytest.raises(ValidationError, match="A royalty rate must be between 0 % and 100 %"):
        clean_percent("101", what="a royalty rate")
    with pytest.raises(ValidationError, match="A royalty rate must be a percentage"):
        clean_percent(3.5, what="a royalty rate")


def test_a_choice_is_a_member_or_a_message_listing_them():
    assert clean_choice("startup", CompanySize, what="company size") is CompanySize.STARTUP
    with pytest.raises(ValidationError, match="'huge' is not a company size; choose one of"):
        clean_choice("huge", CompanySize, what="company size")
    with pytest.raises(ValidationError, match="That is not a company size"):
        clean_choice(["startup"], CompanySize, what="company size")


def test_e_mail_and_web_addresses_are_checked_for_shape():
    assert clean_email(" Jane@Acme.Example ") == "jane@acme.example"
    assert clean_email("", required=False) == ""
    with pytest.raises(ValidationError, match="e-mail address is not valid"):
        clean_email("not an address")
    assert clean_url("klein.example") == "klein.example"
    for bad in ("javascript://alert(1)", "two words.example"):
        with pytest.raises(ValidationError, match="website"):
            clean_url(bad)


def test_a_yes_or_no_is_a_bool():
    assert clean_bool(False, what="paid") is False
    with pytest.raises(ValidationError, match="Answer yes or no for paid"):
        clean_bool("no", what="paid")
