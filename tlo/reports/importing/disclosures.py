"""Importing disclosures: inventors and shares, funding, the timeline, the docket counters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

import sqlalchemy as sa

from tlo import audit, clock
from tlo.config import get_settings
from tlo.disclosures.intake import OLDEST_PLAUSIBLE_DISCLOSURE
from tlo.disclosures.models import (
    DevelopmentStage,
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    DocketCounter,
    FundingSource,
    ShareHistory,
    StatusChange,
)
from tlo.disclosures.numbering import _insert_counter_if_missing
from tlo.disclosures.rules import (
    InventorShare,
    fiscal_year_of,
    parse_share,
    validate_shares,
)
from tlo.errors import ValidationError
from tlo.money import percent_to_bp
from tlo.people.models import Person
from tlo.reports.importing.job import BATCH, _chunks, _earlier, _Job, _unknown_person
from tlo.reports.importing.row import _email, _parts, _Row

IMPORT_NOTE = "Imported from legacy records"
TLO_DOCKET = re.compile(r"^S(\d{2})-(\d{4,})$")
NEEDS_OFFICER = {
    DisclosureStatus.ASSIGNED,
    DisclosureStatus.EVALUATING,
    DisclosureStatus.FILING,
    DisclosureStatus.DEFERRED,
    DisclosureStatus.FILED,
    DisclosureStatus.MARKETING,
}


@dataclass
class _DisclosureRow:
    docket: str
    title: str
    abstract: str
    description: str
    keywords: str
    stage: DevelopmentStage | None
    received_on: date | None
    status: DisclosureStatus | None
    officer_email: str
    review_on: date | None
    inventors: list[tuple[str, Decimal]]
    sponsor: str
    award_number: str
    is_federal: bool
    agency: str
    officer_id: int | None = None
    inventor_ids: list[int] = field(default_factory=list)


def _inventor_list(row: _Row) -> list[tuple[str, Decimal]]:
    """'a@x.edu: 60; b@x.edu: 40' as [(e-mail, share)], shares adding up to 100."""
    text = row.text("Inventors", required=True)
    entries = []
    for part in _parts(text):
        address, colon, share = part.rpartition(":")
        if not colon:
            row.problem(
                "Inventors", f"Write each inventor as e-mail: share; {part!r} has no share."
            )
            return []
        email, error = _email(address.strip())
        try:
            if error:
                raise ValidationError(error)
            entries.append((email, parse_share(share)))
        except ValidationError as err:
            row.problem("Inventors", f"{part}: {err}")
            return []
    if text:
        ids: dict[str, int] = {}
        try:
            validate_shares(
                [InventorShare(ids.setdefault(e, len(ids)), e, share) for e, share in entries]
            )
        except ValidationError as err:
            row.problem("Inventors", str(err))
            return []
    return entries


class _Disclosures(_Job):
    def parse(self, row: _Row) -> _DisclosureRow:
        item = _DisclosureRow(
            docket=row.text("Docket", required=True, max_length=20).upper(),
            title=row.text("Title", required=True, max_length=300),
            abstract=row.text("Abstract"),
            description=row.text("Description"),
            keywords=row.text("Keywords", max_length=1000),
            stage=row.choice("Stage", DevelopmentStage),
            received_on=row.date("Received on", required=True),
            status=row.choice(
                "Status", DisclosureStatus, required=True, leave_out=(DisclosureStatus.DRAFT,)
            ),
            officer_email=row.email("Officer e-mail"),
            review_on=row.date("Review on"),
            inventors=_inventor_list(row),
            sponsor=row.text("Funding sponsor", max_length=200),
            award_number=row.text("Award number", max_length=100),
            is_federal=row.flag("Federal"),
            agency=row.text("Agency", max_length=200),
        )
        if item.received_on is not None:
            self._no_future(row, "Received on", item.received_on, "give the day it was received")
            if item.received_on < OLDEST_PLAUSIBLE_DISCLOSURE:
                row.problem("Received on", f"{item.received_on} is before 1950; check the date.")
        if item.status is DisclosureStatus.DEFERRED and item.review_on is None:
            row.problem("Review on", "A deferred case needs the date to review it again.")
        if item.status in NEEDS_OFFICER and not item.officer_email:
            row.problem(
                "Officer e-mail",
                f"Name the licensing officer: a case that is '{item.status.label}' has one.",
            )
        if (item.award_number or item.agency or item.is_federal) and not item.sponsor:
            row.problem("Funding sponsor", "Name the sponsor of the funding.")
        if item.is_federal and not item.agency:
            row.problem("Agency", "Name the federal agency of the funding.")
        return item

    def resolve(self, parsed: list[tuple[_Row, _DisclosureRow]]) -> None:
        items = [item for _, item in parsed]
        taken = self.lookup(Disclosure.docket, Disclosure.id, {i.docket for i in items})
        emails = {i.officer_email for i in items} | {e for i in items for e, _ in i.inventors}
        person_ids = self.lookup(Person.email, Person.id, emails)
        first_seen: dict[str, int] = {}
        for row, item in parsed:
            if item.docket in taken:
                row.problem("Docket", f"{item.docket} is already a disclosure in tlo.")
            elif item.docket:
                _earlier(first_seen, item.docket, row, "Docket", item.docket)
            if item.officer_email:
                item.officer_id = person_ids.get(item.officer_email)
                if item.officer_id is None:
                    row.problem("Officer e-mail", _unknown_person(item.officer_email))
            unknown = [e for e, _ in item.inventors if e not in person_ids]
            for email in unknown:
                row.problem("Inventors", _unknown_person(email))
            item.inventor_ids = [person_ids.get(e) for e, _ in item.inventors]
            if not row.bad:
                self.plan.append(item)

    def write(self, tick: Callable[[int], None]) -> int:
        # Bulk INSERTs (with RETURNING for the ids): building tens of thousands of ORM objects
        # one by one made a 5,000-row file take three times as long.
        settings = get_settings()
        office_time = clock.office_zone()
        done = 0
        for batch in _chunks(self.plan, BATCH):
            received = [
                datetime.combine(item.received_on, time(12), tzinfo=office_time).astimezone(UTC)
                for item in batch
            ]
            ids = self.session.scalars(
                sa.insert(Disclosure).returning(Disclosure.id, sort_by_parameter_order=True),
                [
                    {
                        "docket": item.docket,
                        "fiscal_year": fiscal_year_of(
                            item.received_on, settings.fiscal_year_start_month
                        ),
                        "status": item.status.value,
                        "title": item.title,
                        "abstract": item.abstract,
                        "description": item.description,
                        "keywords": item.keywords,
                        "stage": item.stage.value if item.stage else None,
                        "submitter_person_id": item.inventor_ids[0],
                        "officer_person_id": item.officer_id,
                        "created_at": at,
                        "submitted_at": at,
                        "review_on": (
                            item.review_on if item.status is DisclosureStatus.DEFERRED else None
                        ),
                    }
                    for item, at in zip(batch, received, strict=True)
                ],
            ).all()
            self._write_children(list(zip(batch, ids, received, strict=True)))
            for item, disclosure_id in zip(batch, ids, strict=True):
                audit.record(
                    self.session,
                    actor=self.actor,
                    action="disclosure.imported",
                    object_type="disclosure",
                    object_id=disclosure_id,
                    after={
                        "docket": item.docket,
                        "status": item.status,
                        "title": item.title,
                        "received_on": item.received_on,
                        "officer": item.officer_email or None,
                        "inventors": {email: str(share) for email, share in item.inventors},
                    },
                )
                done += 1
                tick(done)
            self.session.flush()
        self._move_docket_counters()
        return done

    def _write_children(self, written: list[tuple[_DisclosureRow, int, datetime]]) -> None:
        inventors, history, funding, timeline = [], [], [], []
        for item, disclosure_id, at in written:
            for position, (person_id, (_, share)) in enumerate(
                zip(item.inventor_ids, item.inventors, strict=True)
            ):
                share_bp = percent_to_bp(share)
                # The legacy record is the agreed one: its shares count as confirmed.
                inventors.append(
                    {
                        "disclosure_id": disclosure_id,
                        "person_id": person_id,
                        "share_bp": share_bp,
                        "position": position,
                        "confirmed_at": at,
                    }
                )
                history.append(
                    {
                        "disclosure_id": disclosure_id,
                        "version": 1,
                        "person_id": person_id,
                        "share_bp": share_bp,
                        "recorded_at": at,
                        "recorded_by_account_id": self.actor.account_id,
                    }
                )
            if item.sponsor:
                funding.append(
                    {
                        "disclosure_id": disclosure_id,
                        "sponsor": item.sponsor,
                        "award_number": item.award_number,
                        "is_federal": item.is_federal,
                        "agency": item.agency,
                    }
                )
            timeline.append(
                {
                    "disclosure_id": disclosure_id,
                    "from_status": None,
                    "to_status": item.status.value,
                    "at": at,
                    "actor_account_id": self.actor.account_id,
                    "actor_name": self.actor.name,
                    "note": IMPORT_NOTE,
                }
            )
        for model, rows in (
            (DisclosureInventor, inventors),
            (ShareHistory, history),
            (FundingSource, funding),
            (StatusChange, timeline),
        ):
            if rows:
                self.session.execute(sa.insert(model), rows)

    def _move_docket_counters(self) -> None:
        """A legacy docket in tlo's own form (S19-0042) moves that fiscal year's counter past
        it, so that a disclosure submitted later never gets the same number."""
        highest: dict[int, int] = {}
        for item in self.plan:
            match = TLO_DOCKET.match(item.docket)
            if match:
                fiscal_year = 2000 + int(match[1])
                highest[fiscal_year] = max(highest.get(fiscal_year, 0), int(match[2]))
        for fiscal_year, sequence in sorted(highest.items()):
            _insert_counter_if_missing(self.session, fiscal_year)
            self.session.execute(
                sa.update(DocketCounter)
                .where(
                    DocketCounter.fiscal_year == fiscal_year,
                    DocketCounter.last_sequence < sequence,
                )
                .values(last_sequence=sequence)
            )
