"""One record row's cells, read as typed values; each bad cell adds a problem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Any

from tlo.errors import ValidationError
from tlo.money import parse_money, parse_percent
from tlo.people import services as people
from tlo.reports.importing.report import Problem


def _decimal(number: int | float | Decimal) -> Decimal:
    """A number from a cell; a float's binary noise (0.30000000000000004) is rounded off."""
    if isinstance(number, float):
        exact = Decimal(repr(number))
        rounded = exact.quantize(Decimal("1e-9"))
        return rounded.normalize() if abs(exact - rounded) < Decimal("1e-12") else exact
    return Decimal(number)


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _key(text: str) -> str:
    """How a choice is recognised: 'Start-up', 'startup' and 'START UP' are one."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


@lru_cache(maxsize=65_536)
def _email(text: str) -> tuple[str, str]:
    """(normalised e-mail, "") or ("", the reason it is not an address)."""
    try:
        return people.normalise_email(text), ""
    except ValidationError as err:
        return "", str(err)


class _Row:
    """The cells of one record row, read as typed values; each bad cell adds a problem."""

    def __init__(self, number: int, values: dict[str, Any], problems: list[Problem]):
        self.number = number
        self.values = values
        self._problems = problems
        self.bad = False

    def problem(self, column: str, message: str) -> None:
        self._problems.append(Problem(self.number, column, message))
        self.bad = True

    def _missing(self, column: str) -> None:
        self.problem(column, f"{column} is missing; it is required.")

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.values.get(column)
        if value is None:
            text = ""
        elif isinstance(value, datetime):
            text = value.date().isoformat() if value.time() == time(0) else value.isoformat()
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value).strip()
        if required and not text:
            self._missing(column)
        if max_length is not None and len(text) > max_length:
            self.problem(column, f"At most {max_length} characters; this has {len(text)}.")
        return text

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.values.get(column)
        if value is None:
            if required:
                self._missing(column)
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(column, f"{_shown(value)} is not a date; use an Excel date or YYYY-MM-DD.")
        return None

    def _number_text(self, value: Any) -> str:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return str(_decimal(value))
        return str(value)

    def amount(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.values.get(column)
        if value is None:
            if required:
                self._missing(column)
            return None
        try:
            return parse_money(self._number_text(value))
        except ValidationError as err:
            self.problem(column, str(err))
            return None

    def percent(self, column: str) -> Decimal | None:
        value = self.values.get(column)
        if value is None:
            return None
        try:
            return parse_percent(self._number_text(value), what=column)
        except ValidationError as err:
            self.problem(column, str(err))
            return None

    def whole(self, column: str, *, minimum: int = 0) -> int | None:
        value = self.values.get(column)
        if value is None:
            return None
        try:
            number = _decimal(value) if not isinstance(value, str) else Decimal(value)
        except (InvalidOperation, TypeError):
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            self.problem(column, f"{_shown(value)} is not a whole number.")
            return None
        if number < minimum:
            self.problem(column, f"Give a whole number of at least {minimum}, not {number}.")
            return None
        return int(number)

    def flag(self, column: str) -> bool:
        value = self.values.get(column)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in ("yes", "y", "true", "1", "x"):
            return True
        if text in ("no", "n", "false", "0"):
            return False
        self.problem(column, f"Write yes or no, not {_shown(value)}.")
        return False

    def choice(
        self,
        column: str,
        enum: type[StrEnum],
        *,
        required: bool = False,
        default: StrEnum | None = None,
        leave_out: Iterable[StrEnum] = (),
    ):
        text = self.text(column, required=required)
        if not text:
            return default
        allowed = [member for member in enum if member not in set(leave_out)]
        for member in allowed:
            names = {member.value, getattr(member, "label", member.value)}
            if _key(text) in {_key(name) for name in names}:
                return member
        self.problem(
            column,
            f"{_shown(text)} is not allowed here; use one of: "
            f"{', '.join(m.value for m in allowed)}.",
        )
        return None

    def email(self, column: str, *, required: bool = False) -> str:
        text = self.text(column, required=required)
        if not text:
            return ""
        email, error = _email(text)
        if error:
            self.problem(column, error)
        return email


def _parts(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]+", text) if part.strip()]
