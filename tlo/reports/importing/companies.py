"""Importing companies, with the duplicate check on their normalised names."""

from __future__ import annotations

from tlo import audit
from tlo.licensing.matching import normalise_company_name
from tlo.licensing.models import Company, CompanySize
from tlo.reports.importing.job import _earlier, _Job
from tlo.reports.importing.row import _Row


class _Companies(_Job):
    def parse(self, row: _Row) -> Company:
        name = row.text("Name", required=True, max_length=200)
        normalized = normalise_company_name(name)
        if name and not normalized:
            row.problem("Name", "A company's name needs letters or digits.")
        size = row.choice("Size", CompanySize, required=True)
        return Company(
            name=name,
            normalized_name=normalized,
            size=size.value if size else "",
            sector=row.text("Sector", max_length=100),
            website=row.text("Website", max_length=300),
            interests=row.text("Interests"),
            notes=row.text("Notes"),
            do_not_contact=row.flag("Do not contact"),
        )

    def resolve(self, parsed: list[tuple[_Row, Company]]) -> None:
        known = self.lookup(
            Company.normalized_name, Company.name, {c.normalized_name for _, c in parsed}
        )
        first_seen: dict[str, int] = {}
        for row, company in parsed:
            if company.normalized_name in known:
                row.problem(
                    "Name",
                    f'{company.name} is already recorded (as "{known[company.normalized_name]}").',
                )
            elif company.normalized_name:
                _earlier(first_seen, company.normalized_name, row, "Name", "This company")
            if not row.bad:
                self.plan.append(company)

    def write_one(self, company: Company) -> None:
        # Not outreach.save_company: it needs "company.manage", which an administrator
        # importing data does not hold; its duplicate check is the one made above.
        self.session.add(company)
        self.session.flush()
        audit.record(
            self.session,
            actor=self.actor,
            action="company.imported",
            object_type="company",
            object_id=company.id,
            after=audit.snapshot(company),
        )
