"""The base of each kind's job (parse, resolve, write) and the helpers the kinds share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from tlo.auth.permissions import Actor
from tlo.reports.importing.row import _Row

BATCH = 500  # records written between two flushes


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Job:
    """Checking and then writing the rows of one kind: `parse` reads each row's cells,
    `resolve` checks the rows against tlo and each other (both only read) and plans the
    records; `write` runs only on a file without problems."""

    def __init__(self, session: Session, actor: Actor, today: date):
        self.session, self.actor, self.today = session, actor, today
        self.plan: list = []

    def lookup(self, key_column, value_column, keys: Iterable, *where) -> dict:
        """{key: value} of the rows whose key is among `keys`, a few hundred at a time."""
        found: dict = {}
        for chunk in _chunks(sorted(set(keys) - {"", None}), BATCH):
            found.update(
                self.session.exec(
                    select(key_column, value_column).where(col(key_column).in_(chunk), *where)
                ).all()
            )
        return found

    def parse(self, row: _Row) -> Any:
        raise NotImplementedError

    def resolve(self, parsed: list[tuple[_Row, Any]]) -> None:
        raise NotImplementedError

    def write_one(self, item) -> None:
        raise NotImplementedError

    def write(self, tick: Callable[[int], None]) -> int:
        for index, item in enumerate(self.plan, start=1):
            self.write_one(item)
            tick(index)
        self.session.flush()
        return len(self.plan)

    def _no_future(self, row: _Row, column: str, day: date | None, what: str) -> None:
        if day is not None and day > self.today:
            row.problem(column, f"{day} is in the future; {what}.")


def _earlier(first_seen: dict, key, row: _Row, column: str, what: str) -> bool:
    """Whether `key` was on an earlier row of the file (and says so on this row)."""
    if key in first_seen:
        row.problem(column, f"{what} is also on row {first_seen[key]}; list it once.")
        return True
    first_seen[key] = row.number
    return False


def _unknown_person(email: str) -> str:
    return f"No one in tlo has the e-mail {email}; import them with the people file first."
