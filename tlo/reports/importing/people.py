"""Importing people: through the people service."""

from __future__ import annotations

from dataclasses import dataclass

from tlo.people import services as people
from tlo.people.models import Department, Person
from tlo.reports.importing.job import _earlier, _Job
from tlo.reports.importing.row import _Row


@dataclass
class _PersonRow:
    full_name: str
    email: str
    department_code: str
    organisation: str
    is_external: bool
    department_id: int | None = None


class _People(_Job):
    def parse(self, row: _Row) -> _PersonRow:
        return _PersonRow(
            full_name=row.text("Full name", required=True, max_length=200),
            email=row.email("E-mail", required=True),
            department_code=row.text("Department code").upper(),
            organisation=row.text("Organisation", max_length=200),
            is_external=row.flag("External"),
        )

    def resolve(self, parsed: list[tuple[_Row, _PersonRow]]) -> None:
        items = [item for _, item in parsed]
        departments = self.lookup(
            Department.code, Department.id, {i.department_code for i in items}
        )
        known = self.lookup(Person.email, Person.id, {i.email for i in items})
        first_seen: dict[str, int] = {}
        for row, item in parsed:
            if item.email in known:
                row.problem("E-mail", f"{item.email} is already recorded in tlo.")
            elif item.email:
                _earlier(first_seen, item.email, row, "E-mail", item.email)
            if item.is_external:
                if item.department_code:
                    row.problem(
                        "Department code",
                        "An external person has an organisation, not a department.",
                    )
                if not item.organisation:
                    row.problem("Organisation", "Name the organisation of an external person.")
            elif item.department_code:
                item.department_id = departments.get(item.department_code)
                if item.department_id is None:
                    row.problem(
                        "Department code", f"There is no department coded {item.department_code}."
                    )
            if not row.bad:
                self.plan.append(item)

    def write_one(self, item: _PersonRow) -> None:
        # The people service fits as it is: it checks the same rules again and writes the
        # audit entry.
        people.create_person(
            self.session,
            actor=self.actor,
            full_name=item.full_name,
            email=item.email,
            department_id=item.department_id,
            organisation=item.organisation or None,
            is_external=item.is_external,
        )
