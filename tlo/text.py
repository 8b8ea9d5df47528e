"""Input from users, checked before anything is stored: type, length, characters and range.

One place answers bad input with a domain error naming the field, so that SQLite (which would
store anything) and PostgreSQL (which refuses a NUL, an over-long value or a too-large integer
with a driver error) behave alike, and no service lets a database error escape. A text field's
longest length comes from its column where it has one (`column=Company.name`), so the rule and
the schema cannot drift apart.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TypeVar

import sqlalchemy as sa

from tlo.errors import NotFound, ValidationError

ALLOWED_CONTROLS = {"\n", "\t"}
# Free text whose column has no length (notes, descriptions): still not without end.
LONG_TEXT_MAX = 20_000
# PostgreSQL's integer (the primary keys and plain int columns) and bigint.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# Dates the office can mean: anything else is a slip of the keyboard (or of a program).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

E = TypeVar("E", bound=Enum)


def column_length(column) -> int | None:
    """The longest text a model's column holds (`Company.name`), None when it has no limit."""
    return getattr(column.type, "length", None)


def _capital(what: str) -> str:
    return what[:1].upper() + what[1:]


def clean_text(
    value: object,
    *,
    what: str,
    max_length: int | None = None,
    required: bool = False,
    column=None,
    multiline: bool = True,
) -> str:
    """The text stripped of surrounding blanks, line ends made \\n; refused when it is not a
    string, is too long (`max_length`, else the column's length, else LONG_TEXT_MAX), or holds
    control characters (a NUL, an escape; tabs and line ends too where `multiline` is False)
    or unpaired surrogates."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {what} must be text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError(f"Give the {what}.")
    limit = max_length or (column_length(column) if column is not None else None) or LONG_TEXT_MAX
    if len(text) > limit:
        raise ValidationError(
            f"The {what} is {len(text):,} characters long; at most {limit:,} are kept."
        )
    allowed = ALLOWED_CONTROLS if multiline else set()
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in allowed) or category == "Cs":
            if char in ALLOWED_CONTROLS:
                raise ValidationError(f"The {what} is one line: remove the tab or line break.")
            raise ValidationError(
                f"The {what} holds a control character (U+{ord(char):04X}); remove it."
            )
    return text


def clean_int(
    value: object,
    *,
    what: str,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = True,
) -> int | None:
    """A whole number (not a bool, not text), within [minimum, maximum]; `maximum` defaults to
    what a PostgreSQL integer holds. None is refused unless not `required`."""
    if value is None:
        if required:
            raise ValidationError(f"Give the {what}.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"The {what} must be a whole number.")
    top = INT32_MAX if maximum is None else maximum
    bottom = -INT32_MAX - 1 if minimum is None else minimum
    if not bottom <= value <= top:
        raise ValidationError(f"The {what} must be between {bottom:,} and {top:,}, not {value:,}.")
    return value


def clean_id(value: object, *, what: str) -> int:
    """The id of a record: a whole number a key column can hold, else the record is not
    there (ids come from choices the page offers, never typed)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= INT32_MAX:
        raise NotFound(f"There is no {what} {value!r}.")
    return value


def clean_optional_id(value: object, *, what: str) -> int | None:
    return None if value is None else clean_id(value, what=what)


def clean_ids(values: object, *, what: str) -> list[int]:
    """A list of record ids (see clean_id)."""
    if not isinstance(values, list | tuple):
        raise ValidationError(f"Choose the {what}s from the list.")
    return [clean_id(value, what=what) for value in values]


def clean_date(
    value: object,
    *,
    what: str,
    required: bool = True,
    earliest: date = EARLIEST_DATE,
    latest: date = LATEST_DATE,
) -> date | None:
    """A calendar date (not a moment, not text) between `earliest` and `latest`."""
    if value is None:
        if required:
            raise ValidationError(f"Give the {what}.")
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(f"The {what} must be a date.")
    if not earliest <= value <= latest:
        raise ValidationError(
            f"The {what} {value.isoformat()} is not a plausible date "
            f"(between {earliest.year} and {latest.year})."
        )
    return value


def clean_bool(value: object, *, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"Answer yes or no for {what}.")
    return value


def clean_choice(value: object, choices: type[E], *, what: str) -> E:
    """A member of the enum `choices`, from itself or its value; else a message listing them."""
    try:
        return choices(value)
    except (ValueError, TypeError):
        names = ", ".join(_label(member) for member in choices)
        shown = value if isinstance(value, str) and clean_printable(value) else None
        said = f"{shown!r} is not" if shown is not None and len(shown) <= 40 else "That is not"
        raise ValidationError(f"{said} a {what}; choose one of: {names}.") from None


def _label(member: Enum) -> str:
    return str(getattr(member, "label", member.value))


def clean_printable(value: str) -> bool:
    """Whether `value` can be shown back to the user as it is."""
    return all(unicodedata.category(c) not in ("Cc", "Cs") for c in value)


def clean_decimal_money(value: object, *, what: str, required: bool = True) -> Decimal:
    """An amount of dollars (see tlo.money.parse_money) as text, int or Decimal, never a float
    (binary fractions are not cents); the message names the field."""
    from tlo.money import parse_money

    if value is None and not required:
        value = "0"
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(f"The {what} must be an amount such as 1234.56.")
    if isinstance(value, str):
        clean_text(value, what=what, max_length=40, multiline=False)
    try:
        return parse_money(value)
    except ValidationError as err:
        raise ValidationError(f"{_capital(what)}: {err}") from None


def clean_percent(value: object, *, what: str) -> Decimal:
    """A percentage from 0 to 100 (see tlo.money.parse_percent), from text, int or Decimal."""
    from tlo.money import parse_percent

    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(f"{_capital(what)} must be a percentage such as 3 or 3.5.")
    if isinstance(value, str):
        clean_text(value, what=what.lower(), max_length=40, multiline=False)
    return parse_percent(value, what=_capital(what))


def clean_email(value: object, *, what: str = "e-mail address", required: bool = True) -> str:
    """An e-mail address checked for shape and lower-cased (no DNS look-up: the office may be
    offline); "" when not `required` and not given."""
    from email_validator import EmailNotValidError, validate_email

    text = clean_text(value, what=what, max_length=320, required=required, multiline=False)
    if not text:
        return ""
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as err:
        raise ValidationError(f"The {what} is not valid: {err}") from None
    return checked.normalized.lower()


def clean_url(value: object, *, what: str = "website", column=None) -> str:
    """A web address as people write it (klein.example or https://klein.example/): one word;
    a scheme, if given, is http or https."""
    text = clean_text(value, what=what, column=column, multiline=False)
    if not text:
        return ""
    if any(char.isspace() for char in text):
        raise ValidationError(f"The {what} has no spaces in it.")
    scheme, separator, _ = text.partition("://")
    if separator and scheme.lower() not in ("http", "https"):
        raise ValidationError(f"The {what} starts with http:// or https://.")
    return text


def int_column_max(column) -> int:
    """The largest whole number a model's integer column holds on every database."""
    return INT64_MAX if isinstance(column.type, sa.BigInteger) else INT32_MAX
