"""Importing agreements with their terms, and the legacy reference each keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from tlo import audit
from tlo.disclosures.models import (
    Disclosure,
)
from tlo.disclosures.rules import (
    equal_shares,
    parse_share,
)
from tlo.errors import ValidationError
from tlo.licensing import terms as royalty_terms
from tlo.licensing.agreement_models import (
    Agreement,
    AgreementPatent,
    AgreementStatus,
    AgreementTechnology,
    AgreementType,
    AnnualFee,
    Milestone,
    ReportPeriod,
)
from tlo.licensing.agreements import parse_amount_list, parse_milestone_lines, parse_rate_lines
from tlo.licensing.matching import normalise_company_name
from tlo.licensing.models import Company
from tlo.money import parse_money, percent_to_bp, to_cents
from tlo.patents.models import PatentApplication
from tlo.people.models import Person
from tlo.reports.importing.job import BATCH, _chunks, _earlier, _Job, _unknown_person
from tlo.reports.importing.row import _parts, _Row
from tlo.revenue.services import SIGNED

LEGACY_PREFIX = "Legacy reference: "  # the first line of an imported agreement's notes


@dataclass
class _AgreementRow:
    reference: str
    kind: AgreementType | None
    status: AgreementStatus | None
    licensee: str
    title: str
    technologies: list[tuple[str, int]]  # (docket, allocation in hundredths of a percent)
    patent_numbers: list[str]
    officer_email: str
    field_of_use: str
    territory: str
    effective_date: date | None
    signed_on: date | None
    ended_on: date | None
    term_months: int | None
    upfront_cents: int
    annual_cents: list[int]
    rates: list[royalty_terms.CheckedRate]
    milestones: list[tuple[str, int, date]]
    sublicense_bp: int
    equity_shares: int
    equity_percent_bp: int
    past_costs_cents: int
    reimburse_ongoing_costs: bool
    report_period: ReportPeriod
    notes: str
    company_id: int | None = None
    officer_id: int | None = None
    disclosure_ids: list[int] = field(default_factory=list)
    patent_ids: list[int] = field(default_factory=list)


def _money_cents(row: _Row, column: str) -> int:
    amount = row.amount(column)
    if amount is not None and amount < 0:
        row.problem(column, "Fees and costs cannot be negative.")
        return 0
    return to_cents(amount) if amount is not None else 0


def _percent_bp(row: _Row, column: str) -> int:
    value = row.percent(column)
    return percent_to_bp(value) if value is not None else 0


def _technologies(row: _Row) -> list[tuple[str, int]]:
    """'S19-0042: 60; S19-0043: 40' (or without shares: equal) as [(docket, bp)]."""
    entries = []
    for part in _parts(row.text("Technologies", required=True)):
        docket, colon, share = part.partition(":")
        entries.append((docket.strip().upper(), share.strip() if colon else None))
    if not entries:
        return []
    dockets = [docket for docket, _ in entries]
    twice = sorted({docket for docket in dockets if dockets.count(docket) > 1})
    if twice:
        row.problem("Technologies", f"{', '.join(twice)} is listed twice.")
        return []
    given = [share for _, share in entries if share is not None]
    if not given:
        return [
            (docket, percent_to_bp(share))
            for docket, share in zip(dockets, equal_shares(len(dockets)), strict=True)
        ]
    if len(given) != len(entries):
        row.problem("Technologies", "Give every technology its share of the income, or none.")
        return []
    try:
        shares = [parse_share(share) for share in given]
    except ValidationError as err:
        row.problem("Technologies", str(err))
        return []
    if sum(shares) != 100:
        row.problem(
            "Technologies",
            f"The income allocation adds up to {sum(shares).normalize():f} %; it must add up to "
            "100 %.",
        )
        return []
    return [(docket, percent_to_bp(share)) for docket, share in zip(dockets, shares, strict=True)]


def _annual_fees(row: _Row) -> list[int]:
    fees = []
    for text in parse_amount_list(row.text("Annual fees")):
        try:
            amount = parse_money(text)
        except ValidationError as err:
            row.problem("Annual fees", str(err))
            return []
        if amount < 0:
            row.problem("Annual fees", "Fees and costs cannot be negative.")
            return []
        fees.append(to_cents(amount))
    return fees


def _rates(row: _Row) -> list[royalty_terms.CheckedRate]:
    """The royalty rates as the agreement form reads them (tiers too)."""
    try:
        return royalty_terms.clean_rates(parse_rate_lines(row.text("Royalty rates")))
    except ValidationError as err:
        row.problem("Royalty rates", str(err))
        return []


def _milestones(row: _Row) -> list[tuple[str, int, date]]:
    milestones = []
    try:
        for entry in parse_milestone_lines(row.text("Milestones")):
            amount = parse_money(entry.amount)
            if not entry.event or amount < 0:
                raise ValidationError(
                    "Each milestone needs its event, and its payment cannot be negative."
                )
            milestones.append((entry.event, to_cents(amount), entry.due_date))
    except ValidationError as err:
        row.problem("Milestones", str(err))
        return []
    return milestones


class _Agreements(_Job):
    def parse(self, row: _Row) -> _AgreementRow:
        item = _AgreementRow(
            reference=row.text("Legacy reference", required=True, max_length=100),
            kind=row.choice("Type", AgreementType, required=True),
            status=row.choice("Status", AgreementStatus, required=True),
            licensee=row.text("Licensee", required=True),
            title=row.text("Title", required=True, max_length=300),
            technologies=_technologies(row),
            patent_numbers=_parts(row.text("Licensed patents")),
            officer_email=row.email("Officer e-mail"),
            field_of_use=row.text("Field of use"),
            territory=row.text("Territory", max_length=300) or "Worldwide",
            effective_date=row.date("Effective date"),
            signed_on=row.date("Signed on"),
            ended_on=row.date("Ended on"),
            term_months=row.whole("Term (months)", minimum=1),
            upfront_cents=_money_cents(row, "Upfront fee"),
            annual_cents=_annual_fees(row),
            rates=_rates(row),
            milestones=_milestones(row),
            sublicense_bp=_percent_bp(row, "Sublicense share (%)"),
            equity_shares=row.whole("Equity shares") or 0,
            equity_percent_bp=_percent_bp(row, "Equity (%)"),
            past_costs_cents=_money_cents(row, "Past patent costs"),
            reimburse_ongoing_costs=row.flag("Reimburse ongoing costs"),
            report_period=row.choice("Report period", ReportPeriod, default=ReportPeriod.QUARTERLY),
            notes=row.text("Notes"),
        )
        signed = item.status is not None and item.status.value in SIGNED
        if signed and item.signed_on is None:
            row.problem("Signed on", f"An agreement that is {item.status.value} has been signed.")
        if item.status in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING) and item.signed_on:
            row.problem("Signed on", f"An agreement that is {item.status.value} is not signed yet.")
        self._no_future(row, "Signed on", item.signed_on, "an agreement is signed, then recorded")
        ended = item.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
        if ended and item.ended_on is None:
            row.problem("Ended on", f"Give the day the {item.status.value} agreement ended.")
        if item.ended_on is not None and not ended:
            row.problem("Ended on", f"An agreement that is {item.status.value} has not ended.")
        if item.ended_on and item.signed_on and item.ended_on < item.signed_on:
            row.problem("Ended on", "An agreement ends after it is signed.")
        self._no_future(row, "Ended on", item.ended_on, "an agreement ends, then is recorded")
        return item

    def resolve(self, parsed: list[tuple[_Row, _AgreementRow]]) -> None:
        items = [item for _, item in parsed]
        references = legacy_references(self.session)
        companies = self.lookup(
            Company.normalized_name,
            Company.id,
            {normalise_company_name(i.licensee) for i in items},
        )
        dockets = {docket for i in items for docket, _ in i.technologies}
        disclosure_ids = self.lookup(Disclosure.docket, Disclosure.id, dockets)
        officers = self.lookup(Person.email, Person.id, {i.officer_email for i in items})
        patents: dict[tuple[int, str], int] = {}
        numbers = {number for i in items for number in i.patent_numbers}
        for chunk in _chunks(sorted(numbers), BATCH):
            patents.update(
                ((disclosure_id, number), application_id)
                for application_id, disclosure_id, number in self.session.exec(
                    select(
                        PatentApplication.id,
                        PatentApplication.disclosure_id,
                        PatentApplication.application_number,
                    ).where(col(PatentApplication.application_number).in_(chunk))
                ).all()
            )
        first_seen: dict[str, int] = {}
        for row, item in parsed:
            key = item.reference.casefold()
            if key in references:
                row.problem("Legacy reference", f"{item.reference} is already an agreement in tlo.")
            elif key:
                _earlier(first_seen, key, row, "Legacy reference", item.reference)
            item.company_id = companies.get(normalise_company_name(item.licensee))
            if item.licensee and item.company_id is None:
                row.problem(
                    "Licensee",
                    f"No company named {item.licensee} in tlo; import it with the companies "
                    "file first.",
                )
            for docket, _ in item.technologies:
                if docket not in disclosure_ids:
                    row.problem("Technologies", f"There is no disclosure {docket} in tlo.")
            item.disclosure_ids = [disclosure_ids.get(docket) for docket, _ in item.technologies]
            for number in item.patent_numbers:
                found = [patents.get((d, number)) for d in item.disclosure_ids]
                found = [application_id for application_id in found if application_id]
                if not found:
                    row.problem(
                        "Licensed patents",
                        f"{number} is not an application of the covered technologies.",
                    )
                else:
                    item.patent_ids.append(found[0])
            if item.officer_email:
                item.officer_id = officers.get(item.officer_email)
                if item.officer_id is None:
                    row.problem("Officer e-mail", _unknown_person(item.officer_email))
            else:
                item.officer_id = self.actor.person_id
                if item.officer_id is None:
                    row.problem(
                        "Officer e-mail",
                        "Give the officer who handles it (the command line imports as no one).",
                    )
            if not row.bad:
                self.plan.append(item)

    def write_one(self, item: _AgreementRow) -> None:
        agreement = Agreement(
            agreement_type=item.kind.value,
            status=item.status.value,
            company_id=item.company_id,
            officer_person_id=item.officer_id,
            title=item.title,
            field_of_use=item.field_of_use,
            territory=item.territory,
            effective_date=item.effective_date or item.signed_on,
            term_months=item.term_months,
            signed_on=item.signed_on,
            ended_on=item.ended_on,
            # Signed before tlo knew it: its licensee's size is taken as it is now (the AUTM
            # survey counts by the size at signing), in the INSERT itself.
            licensee_size=(
                select(Company.size).where(Company.id == item.company_id).scalar_subquery()
                if item.signed_on
                else None
            ),
            upfront_fee_cents=item.upfront_cents,
            sublicense_share_bp=item.sublicense_bp,
            equity_shares=item.equity_shares,
            equity_percent_bp=item.equity_percent_bp,
            past_patent_costs_cents=item.past_costs_cents,
            reimburse_ongoing_costs=item.reimburse_ongoing_costs,
            royalty_report_period=item.report_period.value,
            # Agreements have no column of their own for the old system's reference yet.
            notes=LEGACY_PREFIX + item.reference + (f"\n{item.notes}" if item.notes else ""),
        )
        self.session.add(agreement)
        self.session.flush()
        add = self.session.add_all
        add(
            AgreementTechnology(agreement_id=agreement.id, disclosure_id=d, allocation_bp=bp)
            for d, (_, bp) in zip(item.disclosure_ids, item.technologies, strict=True)
        )
        add(AgreementPatent(agreement_id=agreement.id, application_id=p) for p in item.patent_ids)
        add(
            AnnualFee(agreement_id=agreement.id, year_number=year, amount_cents=cents)
            for year, cents in enumerate(item.annual_cents, start=1)
        )
        add(
            Milestone(agreement_id=agreement.id, event=event, amount_cents=cents, due_date=due)
            for event, cents, due in item.milestones
        )
        royalty_terms.add_schedule(self.session, agreement.id, item.rates)
        audit.record(
            self.session,
            actor=self.actor,
            action="agreement.imported",
            object_type="agreement",
            object_id=agreement.id,
            after=audit.snapshot(agreement)
            | {"technologies": [docket for docket, _ in item.technologies]},
        )


def legacy_references(session: Session) -> dict[str, int]:
    """{legacy reference (case-folded): agreement id} of the imported agreements."""
    rows = session.exec(
        select(Agreement.id, Agreement.notes).where(col(Agreement.notes).startswith(LEGACY_PREFIX))
    ).all()
    return {
        notes[len(LEGACY_PREFIX) :].split("\n", 1)[0].strip().casefold(): agreement_id
        for agreement_id, notes in rows
    }
