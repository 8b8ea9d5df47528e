"""How an audit entry reads: one sentence ("Olivia Ortega assigned S27-0013 to Marcus Lee") and
the name of the record it is about ("S27-0013 · Low-power neural accelerator").

Sentences come from one table of phrases, `PHRASES`, one per action. A phrase has a public form,
which uses only the record's public key (a docket number, an agreement number), and may have
fuller forms that also use the entry's before/after. The fuller forms are used only where the
reader may read that content (`audit.may_read_content`): an administrator reads "Olivia Ortega
assigned an officer to S27-0013", the director "Olivia Ortega assigned S27-0013 to Marcus Lee".
An action without a phrase still reads decently: "Olivia Ortega: disclosure.x on S27-0013".

Names come from the records themselves, looked up for a whole page (or a chunk of an export)
at once by `lookup()`: at most one query per kind of record, by ids, never one per entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, select

from tlo.money import dollars, from_cents

# The kinds of record the log names, as a reader would call them (for filters and exports).
KIND_LABELS: dict[str, str] = {
    "disclosure": "Disclosure (case)",
    "agreement": "Agreement",
    "company": "Company",
    "income": "Income",
    "equity_holding": "Equity holding",
    "person": "Person",
    "account": "Account",
    "template": "Word template",
    "office_settings": "Office settings",
    "school": "School",
    "department": "Department",
    "revenue_policy": "Revenue policy",
    "fiscal_year": "Fiscal year",
    "import": "Data import",
    "client": "Sign-in client",
    "outbox_message": "Outbox message",
}


@dataclass(frozen=True)
class Phrase:
    """What someone did, after their name. `public` uses only `{record}`; each of `full` may
    use `{before[key]}` and `{after[key]}` too and is tried in order where the reader may read
    the entry's content: the first whose every value is there wins."""

    public: str
    full: tuple[str, ...] = ()


def _step(public: str) -> Phrase:
    """A case's workflow step: the status it moved from and to, where the reader may see it."""
    return Phrase(
        public,
        (
            public + " ({before[status]} → {after[status]})",
            public + " (now {after[status]})",
        ),
    )


def _agreement_status(label: str) -> Phrase:
    public = f"marked {{record}} {label}"
    return Phrase(
        public, (public + ", signed on {after[signed_on]}", public + " (was {before[status]})")
    )


PHRASES: dict[str, Phrase] = {
    # Disclosures: intake.
    "disclosure.draft_created": Phrase("started the draft disclosure {record}"),
    "disclosure.draft_saved": Phrase("saved the draft disclosure {record}"),
    "disclosure.draft_deleted": Phrase(
        "deleted the draft disclosure {record}",
        ("deleted the draft disclosure {record} (“{before[title]}”)",),
    ),
    "disclosure.submitted": Phrase("submitted {record}"),
    "disclosure.imported": Phrase("imported {record}"),
    "disclosure.share_confirmed": Phrase(
        "confirmed their share of {record}",
        ("confirmed their share of {record} ({after[share]} %)",),
    ),
    "disclosure.share_confirmed_for": Phrase(
        "recorded a co-inventor's confirmation of their share of {record}",
        (
            "recorded {after[person_id]}'s confirmation of their share of {record} "
            "({after[share]} %)",
        ),
    ),
    "disclosure.share_disputed": Phrase(
        "disputed their share of {record}",
        ("disputed their share of {record} ({after[share]} %): “{after[note]}”",),
    ),
    "disclosure.share_disputed_for": Phrase(
        "recorded a co-inventor's dispute of their share of {record}",
        (
            "recorded {after[person_id]}'s dispute of their share of {record} "
            "({after[share]} %): “{after[note]}”",
        ),
    ),
    "disclosure.share_dispute_closed": Phrase(
        "closed a share dispute on {record}",
        ("closed {after[person_id]}'s share dispute on {record} ({after[resolution]})",),
    ),
    "disclosure.shares_changed": Phrase("changed the inventors' shares of {record}"),
    "disclosure.signed": Phrase(
        "signed {record}", ("signed {record}, typing “{after[typed_name]}”",)
    ),
    "disclosure.attachment_added": Phrase(
        "attached a file to {record}", ("attached {after[name]} to {record}",)
    ),
    "disclosure.department_designated": Phrase(
        "designated a department for an inventor's share of {record}",
        ("designated {after[department]} for {after[inventor]}'s share of {record}",),
    ),
    # Disclosures: casework.
    "disclosure.officer_assigned": Phrase(
        "assigned an officer to {record}",
        (
            "reassigned {record} from {before[officer_person_id]} to {after[officer_person_id]}"
            ": “{after[reason]}”",
            "reassigned {record} from {before[officer_person_id]} to {after[officer_person_id]}",
            "assigned {record} to {after[officer_person_id]}",
        ),
    ),
    "disclosure.evaluated": Phrase("evaluated {record}"),
    "disclosure.note_added": Phrase("added a note to {record}"),
    # Disclosures: the workflow's steps (tlo/disclosures/workflow.py, Action).
    "disclosure.submit": _step("submitted {record}"),
    "disclosure.assign": _step("assigned {record}"),
    "disclosure.start_evaluation": _step("started evaluating {record}"),
    "disclosure.file_provisional": _step("decided to file a provisional for {record}"),
    "disclosure.file_pct": _step("decided to file a PCT application for {record}"),
    "disclosure.file_nonprovisional": _step("decided to file a non-provisional for {record}"),
    "disclosure.defer": _step("deferred the filing decision on {record}"),
    "disclosure.release": _step("released {record} to its inventors"),
    "disclosure.abandon": _step("abandoned {record}"),
    "disclosure.record_filing": _step("recorded the patent filing of {record}"),
    "disclosure.start_marketing": _step("started marketing {record}"),
    "disclosure.license": _step("marked {record} licensed"),
    "disclosure.close": _step("closed {record}"),
    "disclosure.reopen": _step("reopened {record}"),
    # Patents and the docket.
    "patent.application_added": Phrase(
        "added a patent application to {record}",
        ("added the {after[jurisdiction]} application {after[application_number]} to {record}",),
    ),
    "patent.application_imported": Phrase("imported a patent application of {record}"),
    "patent.application_updated": Phrase("updated a patent application of {record}"),
    "patent.application_corrected": Phrase(
        "corrected a patent application of {record}",
        ("corrected a patent application of {record}: “{after[reason]}”",),
    ),
    "patent.office_action_added": Phrase("recorded an office action on {record}"),
    "patent.office_action_answered": Phrase("recorded the answer to an office action on {record}"),
    "patent.cost_added": Phrase(
        "added a patent cost to {record}",
        ("added a patent cost of {after[amount_cents]} to {record}",),
    ),
    "patent.bayh_dole_saved": Phrase("saved the Bayh-Dole record of {record}"),
    "docket.done": Phrase(
        "marked a deadline of {record} done",
        ("marked the deadline “{after[rule]}” of {record} (due {after[due]}) done",),
    ),
    "docket.waived": Phrase(
        "waived a deadline of {record}",
        ("waived the deadline “{after[rule]}” of {record} (due {after[due]})",),
    ),
    "docket.cost_decided": Phrase("decided on paying a patent cost of {record}"),
    # Outreach to licensees (recorded on the technology's case).
    "outreach.started": Phrase(
        "started outreach on {record}", ("started outreach on {record} to {after[company_id]}",)
    ),
    "outreach.stage_changed": Phrase(
        "moved the outreach on {record} to another stage",
        (
            "moved the outreach on {record} to {after[company_id]} "
            "from {before[stage]} to {after[stage]}",
        ),
    ),
    "outreach.touch_logged": Phrase(
        "logged a contact on {record}",
        ("logged a contact ({after[channel]}) with {after[company_id]} on {record}",),
    ),
    "outreach.summary_saved": Phrase("saved the marketing summary of {record}"),
    "outreach.owner_reassigned": Phrase(
        "reassigned an outreach entry on {record}",
        (
            "reassigned the outreach on {record} to {after[company_id]} from "
            "{before[owner_person_id]} to {after[owner_person_id]}: “{after[reason]}”",
        ),
    ),
    "outreach.withdrawn": Phrase(
        "withdrew an outreach entry from {record}",
        ("withdrew the outreach to {before[company_id]} from {record}: “{after[reason]}”",),
    ),
    "outreach.touch_corrected": Phrase(
        "corrected a touch logged on {record}",
        (
            "corrected a touch ({after[channel]}, {after[touched_on]}) with "
            "{after[company_id]} on {record}: “{after[reason]}”",
        ),
    ),
    "outreach.touch_struck": Phrase(
        "struck out a touch logged on {record}",
        (
            "struck out a touch ({before[channel]}, {before[touched_on]}) with "
            "{before[company_id]} from {record}: “{after[reason]}”",
        ),
    ),
    # Companies.
    "company.saved": Phrase("saved the company {record}"),
    "company.imported": Phrase("imported the company {record}"),
    "company.contact_added": Phrase(
        "added a contact to {record}", ("added {after[name]} as a contact of {record}",)
    ),
    "company.corrected": Phrase(
        "corrected the company {record}",
        ("corrected the company {record}: “{after[reason]}”",),
    ),
    "company.contact_corrected": Phrase(
        "corrected a contact of {record}",
        ("corrected the contact {after[name]} of {record}: “{after[reason]}”",),
    ),
    "company.contact_removed": Phrase(
        "removed a contact of {record}",
        ("removed {before[name]} from the contacts of {record}: “{after[reason]}”",),
    ),
    # Agreements.
    "agreement.saved": Phrase("saved {record}"),
    "agreement.pool_named": Phrase(
        "made {record} a patent pool agreement",
        ("made {record} a patent pool agreement ({after[rule]}, {after[patents]} patents)",),
    ),
    "agreement.pool_changed": Phrase(
        "changed the patent pool terms of {record}",
        (
            "changed the patent pool terms of {record}: {after[rule]}, {after[patents]} "
            "patents (was {before[patents]})",
        ),
    ),
    "agreement.agent_named": Phrase(
        "named the collection agent of {record}",
        ("named the collection agent of {record}: {after[share]} of what it collects",),
    ),
    "agreement.agent_changed": Phrase(
        "changed the collection agent's terms of {record}",
        (
            "changed the collection agent's share of {record} to {after[share]} "
            "(was {before[share]})",
        ),
    ),
    "agreement.agent_removed": Phrase(
        "removed the collection agent of {record}",
        ("removed the collection agent of {record}: “{after[reason]}”",),
    ),
    "agreement.created": Phrase("created {record}"),
    "agreement.imported": Phrase("imported {record}"),
    "agreement.draft_generated": Phrase(
        "generated a Word draft of {record}", ("generated Word draft {after[version]} of {record}",)
    ),
    "agreement.draft": _agreement_status("a draft again"),
    "agreement.negotiating": _agreement_status("in negotiation"),
    "agreement.executed": _agreement_status("executed"),
    "agreement.active": _agreement_status("active"),
    "agreement.expired": _agreement_status("expired"),
    "agreement.terminated": _agreement_status("terminated"),
    "agreement.obligation_done": Phrase(
        "marked an obligation of {record} done",
        ("marked an obligation of {record} done: “{after[note]}”",),
    ),
    "agreement.obligation_waived": Phrase(
        "waived an obligation of {record}", ("waived an obligation of {record}: “{after[note]}”",)
    ),
    "royalty_report.submitted": Phrase(
        "filed a royalty report of {record}",
        ("filed the royalty report of {record} for the period ending {after[period_end]}",),
    ),
    "royalty_report.approved": Phrase(
        "approved a royalty report of {record}",
        (
            "approved the royalty report of {record} for the period ending "
            "{after[period_end]}: {after[total_due]} due",
        ),
    ),
    "royalty_report.rejected": Phrase(
        "rejected a royalty report of {record}",
        (
            "rejected the royalty report of {record} for the period ending "
            "{after[period_end]}: “{after[reason]}”",
        ),
    ),
    "payment.recorded": Phrase(
        "recorded a payment of {record}",
        ("recorded a payment of {after[amount]} from {record}, {after[credit]} kept as credit",),
    ),
    "payment.credit_applied": Phrase(
        "applied credit of {record} to an invoice",
        ("applied {after[amount]} of the credit of {record} to {after[invoice]}",),
    ),
    "invoice.issued": Phrase(
        "issued an invoice on {record}", ("issued invoice {after[number]} on {record}",)
    ),
    "agreement.licensee_reminded": Phrase(
        "reminded the licensee of {record} of something overdue",
        ("reminded the licensee of {record} of {after[item]} ({after[days_late]} days late)",),
    ),
    "invoice.sent": Phrase(
        "e-mailed an invoice on {record}",
        ("e-mailed invoice {after[number]} on {record} to {after[to]}",),
    ),
    "invoice.voided": Phrase(
        "voided an invoice on {record}",
        ("voided invoice {after[number]} on {record}: “{after[reason]}”",),
    ),
    "agreement.officer_reassigned": Phrase(
        "reassigned {record} to another officer",
        (
            "reassigned {record} from {before[officer_person_id]} to "
            "{after[officer_person_id]}: “{after[reason]}”",
        ),
    ),
    # Income and its distribution.
    "income.recorded": Phrase("recorded {record}"),
    "income.imported": Phrase("imported {record}"),
    "income.voided": Phrase("voided {record}", ("voided {record}: “{after[reason]}”",)),
    "distribution.computed": Phrase("computed the distribution of {record}"),
    "distribution.posted": Phrase("posted the distribution of {record}"),
    "distribution.reversed": Phrase(
        "reversed the distribution of {record}",
        ("reversed the distribution of {record}: “{after[reason]}”",),
    ),
    "distribution.annual_run": Phrase(
        "ran the annual distribution of {record}",
        (
            "ran the annual distribution of {record}: {after[distributions]} distributions "
            "of {after[incomes]} payments",
        ),
    ),
    "distribution.annual_run_previewed": Phrase(
        "previewed the annual distribution of {record}",
        (
            "previewed the annual distribution of {record}: {after[incomes]} payments, "
            "${after[total]}",
        ),
    ),
    "equity.holding_recorded": Phrase(
        "recorded {record}",
        ("recorded {record}: {after[shares]} {after[class]} shares of {after[company]}",),
    ),
    "equity.event_recorded": Phrase(
        "recorded an event of {record}",
        ("recorded a {after[kind]} of {record} on {after[on]}",),
    ),
    "equity.license_named": Phrase(
        "named the license of {record}", ("named {after[agreement]} the license of {record}",)
    ),
    "equity.event_voided": Phrase(
        "voided an event of {record}",
        ("voided the {before[kind]} of {record} of {before[on]}: “{after[reason]}”",),
    ),
    "iia.recorded": Phrase(
        "recorded the inter-institutional agreement of {record}",
        (
            "recorded the inter-institutional agreement of {record} with {after[co_owners]}; "
            "lead: {after[lead]}",
        ),
    ),
    "iia.changed": Phrase(
        "changed the inter-institutional agreement of {record}",
        (
            "changed the inter-institutional agreement of {record}: {after[co_owners]}; "
            "lead: {after[lead]} (was {before[co_owners]}; lead: {before[lead]})",
        ),
    ),
    "iia.removed": Phrase(
        "removed the inter-institutional agreement of {record}",
        (
            "removed the inter-institutional agreement of {record} "
            "({before[co_owners]}): “{after[reason]}”",
        ),
    ),
    "policy.added": Phrase(
        "added the revenue policy {record}",
        ("added the revenue policy {record}, in force from {after[effective_from]}",),
    ),
    # Word templates.
    "template.uploaded": Phrase(
        "uploaded a new version of the template {record}",
        ("uploaded version {after[version]} of the template {record}",),
    ),
    "office_settings.saved": Phrase("changed {record} (the parties every document names)"),
    "office_settings.targets_saved": Phrase(
        "changed the service-level targets of each stage in {record}"
    ),
    # Notifications (tlo/notify/inbox.py).
    "notification.preference_changed": Phrase(
        "changed how {record} receives notifications",
        ("changed how {record} receives “{after[kind]}”: {after[mode]}",),
    ),
    "notification.read": Phrase("marked notifications of {record} read"),
    "notification.retried": Phrase("sent the failed message {record} again"),
    # Accounts and sign-in.
    "account.created": Phrase(
        "created the account {record}", ("created the account {record} with roles {after[roles]}",)
    ),
    "account.roles_changed": Phrase(
        "changed the roles of {record}",
        ("changed the roles of {record} from {before[roles]} to {after[roles]}",),
    ),
    "account.licensee_company_changed": Phrase(
        "changed the licensee company of {record}",
        ("changed the licensee company of {record} to company {after[company_id]}",),
    ),
    "account.activated": Phrase("reactivated the account {record}"),
    "account.deactivated": Phrase("deactivated the account {record}"),
    "account.password_reset": Phrase("reset the password of {record}"),
    "account.password_changed": Phrase("changed the password of {record}"),
    "account.signed_in": Phrase("signed in as {record}"),
    "account.locked": Phrase(
        "locked {record} after failed sign-ins",
        ("locked {record} after {after[failures]} failed sign-ins",),
    ),
    "account.locked_for_client": Phrase(
        "locked {record} for one client after failed sign-ins",
        ("locked {record} for {after[client]} after {after[failures]} failed sign-ins",),
    ),
    "account.demo_password_refused": Phrase("refused the demo password of {record}"),
    "account.handed_over": Phrase(
        "handed the work of {record} over to another officer",
        (
            "handed the work of {record} over to {after[to_person_id]} (cases: {after[cases]}, "
            "agreements: {after[agreements]}, pipeline entries: {after[pipeline]}): "
            "“{after[reason]}”",
        ),
    ),
    "signin.client_throttled": Phrase("slowed down sign-ins from {record}"),
    # People and the organisation.
    "person.created": Phrase("added {record} to the directory"),
    "person.activated": Phrase("reactivated {record}"),
    "person.deactivated": Phrase("deactivated {record}"),
    "school.created": Phrase("created the school {record}"),
    "school.activated": Phrase("reactivated the school {record}"),
    "school.deactivated": Phrase("deactivated the school {record}"),
    "department.created": Phrase("created the department {record}"),
    "department.activated": Phrase("reactivated the department {record}"),
    "department.deactivated": Phrase("deactivated the department {record}"),
    # Imports of legacy records.
    "data.imported": Phrase(
        "imported a file of {record}",
        ("imported {after[created]} {record} from a file of {after[rows]} rows",),
    ),
}


@dataclass(frozen=True)
class RecordName:
    """A record as the log names it. `key` is public (a docket number, an agreement number, an
    id); `detail` (a title, an amount) is there only for readers of the record's content."""

    key: str
    detail: str | None = None


# Kinds whose detail belongs in the sentence itself ("income 123 (AGR-00042, $1,000.00)");
# the others' detail (a case's title) is long and stays in the Record column.
_DETAIL_IN_SENTENCE = {"income", "account"}


@dataclass
class Names:
    """The names one batch of entries needs: records by (kind, id), people and companies by id
    (for the ids inside an entry's before/after)."""

    records: dict[tuple[str, str], RecordName] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)
    companies: dict[int, str] = field(default_factory=dict)

    def record(self, object_type: str, object_id: str) -> RecordName:
        return self.records.get((object_type, object_id)) or _fallback(object_type, object_id)


def _fallback(object_type: str, object_id: str) -> RecordName:
    """A record named without looking it up: by its id (or its own key, for kinds whose id is
    the key), also when the record itself is gone (a deleted draft)."""
    if object_type == "agreement" and object_id.isdigit():
        return RecordName(agreement_number(int(object_id)))
    if object_type == "income":
        return RecordName(f"income {object_id}")
    if object_type == "fiscal_year":
        return RecordName(f"FY{object_id}")
    if object_type == "import":
        return RecordName(object_id)
    if object_type == "client":
        return RecordName(f"client {object_id}")
    if object_type == "office_settings":  # one record: the office's
        return RecordName("the office settings")
    return RecordName(f"{object_type.replace('_', ' ')} #{object_id}")


def agreement_number(agreement_id: int) -> str:
    """The number an agreement is known by (the same as `Agreement.number`)."""
    return f"AGR-{agreement_id:05d}"


# Keys inside before/after that hold the id of a person or a company.
def _is_person_key(key: str) -> bool:
    return key == "person_id" or key.endswith("_person_id")


_COMPANY_KEYS = {"company_id"}


def _ids(values: Iterable[str]) -> list[int]:
    return sorted({int(value) for value in values if value.isascii() and value.isdigit()})


def _referenced(entry: Any, test) -> set[int]:
    found: set[int] = set()
    for values in (entry.before, entry.after):
        if isinstance(values, dict):
            for key, value in values.items():
                if test(key) and isinstance(value, int) and not isinstance(value, bool):
                    found.add(value)
    return found


def lookup(session: Session, entries: Iterable[Any], readable: Mapping[str, bool]) -> Names:
    """The names a batch of entries needs, with at most one query per kind of record.

    `readable[kind]`: whether the reader may read the content of that kind's records. A record
    the reader may not read is named by its public key only, and ids inside its entry's
    before/after are not looked up at all."""
    from tlo.auth.models import Account
    from tlo.disclosures.models import Disclosure
    from tlo.licensing.agreement_models import Agreement
    from tlo.licensing.models import Company
    from tlo.people.models import Department, Person, School
    from tlo.revenue.models import Income, RevenuePolicy
    from tlo.word_templates import TemplateVersion

    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    people: set[int] = set()
    companies: set[int] = set()
    for entry in entries:
        wanted[entry.object_type].add(entry.object_id)
        if readable.get(entry.object_type):
            people |= _referenced(entry, _is_person_key)
            companies |= _referenced(entry, _COMPANY_KEYS.__contains__)
    names = Names()

    def add(kind: str, object_id: object, key: str, detail: str | None = None) -> None:
        names.records[(kind, str(object_id))] = RecordName(
            key, detail if readable.get(kind) else None
        )

    if ids := _ids(wanted.get("disclosure", ())):
        for row_id, docket, title in session.exec(
            select(Disclosure.id, Disclosure.docket, Disclosure.title).where(Disclosure.id.in_(ids))
        ):
            add("disclosure", row_id, docket or f"draft #{row_id}", title)
    if (ids := _ids(wanted.get("agreement", ()))) and readable.get("agreement"):
        for row_id, title, company in session.exec(
            select(Agreement.id, Agreement.title, Company.name)
            .join(Company, Company.id == Agreement.company_id)
            .where(Agreement.id.in_(ids))
        ):
            add("agreement", row_id, agreement_number(row_id), f"{title} ({company})")
    if (ids := _ids(wanted.get("income", ()))) and readable.get("income"):
        for row_id, agreement_id, cents in session.exec(
            select(Income.id, Income.agreement_id, Income.amount_cents).where(Income.id.in_(ids))
        ):
            detail = f"{agreement_number(agreement_id)}, {dollars(from_cents(cents))}"
            add("income", row_id, f"income {row_id}", detail)
    if (ids := _ids(wanted.get("account", ()))) and readable.get("account"):
        for row_id, username, full_name in session.exec(
            select(Account.id, Account.username, Person.full_name)
            .join(Person, Person.id == Account.person_id)
            .where(Account.id.in_(ids))
        ):
            add("account", row_id, username, full_name)
    if readable.get("person"):
        people |= set(_ids(wanted.get("person", ())))
    if people:
        names.people = dict(
            session.exec(select(Person.id, Person.full_name).where(Person.id.in_(people))).all()
        )
        if readable.get("person"):
            for row_id in _ids(wanted.get("person", ())):
                if row_id in names.people:
                    add("person", row_id, names.people[row_id])
    if readable.get("company"):
        companies |= set(_ids(wanted.get("company", ())))
    if companies:
        names.companies = dict(
            session.exec(select(Company.id, Company.name).where(Company.id.in_(companies))).all()
        )
        if readable.get("company"):
            for row_id in _ids(wanted.get("company", ())):
                if row_id in names.companies:
                    add("company", row_id, names.companies[row_id])
    if (ids := _ids(wanted.get("template", ()))) and readable.get("template"):
        for row_id, name, version in session.exec(
            select(TemplateVersion.id, TemplateVersion.name, TemplateVersion.version).where(
                TemplateVersion.id.in_(ids)
            )
        ):
            add("template", row_id, name, f"version {version}")
    for kind, model in (
        ("school", School),
        ("department", Department),
        ("revenue_policy", RevenuePolicy),
    ):
        if (ids := _ids(wanted.get(kind, ()))) and readable.get(kind):
            for row_id, name in session.exec(select(model.id, model.name).where(model.id.in_(ids))):
                add(kind, row_id, name)
    return names


class _Missing(KeyError):
    """A value a phrase needs is not in the entry: the next, plainer phrase is tried."""


class _Shown(Mapping):
    """An entry's before or after as a phrase reads it: ids as names, statuses and roles by
    their labels, money as dollars. A missing or empty value is missing."""

    def __init__(self, values: object, object_type: str, names: Names) -> None:
        self._values = values if isinstance(values, dict) else {}
        self._object_type = object_type
        self._names = names

    def __getitem__(self, key: str) -> str:
        value = self._values.get(key)
        if value is None or value == "" or value == []:
            raise _Missing(key)
        try:
            return _shown(self._object_type, key, value, self._names)
        except (ValueError, TypeError, KeyError, InvalidOperation):
            return str(value)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _shown(object_type: str, key: str, value: Any, names: Names) -> str:
    from tlo.auth.models import Role
    from tlo.disclosures.models import DisclosureStatus
    from tlo.licensing.agreement_models import AgreementStatus
    from tlo.licensing.models import Channel, Stage
    from tlo.revenue.types import IncomeType

    if _is_person_key(key):
        return names.people.get(value) or f"person #{value}"
    if key in _COMPANY_KEYS:
        return names.companies.get(value) or f"company #{value}"
    if key == "status" and object_type in ("disclosure", "agreement"):
        status = DisclosureStatus if object_type == "disclosure" else AgreementStatus
        return status(value).label
    if key == "stage":
        return Stage(value).label
    if key == "channel":
        return Channel(value).label.lower()
    if key == "type" and object_type == "income":
        return IncomeType(value).label
    if key == "roles":
        held = {Role(role) for role in value}
        return ", ".join(role.label for role in Role if role in held) or "no roles"
    if key == "amount":
        return dollars(Decimal(str(value)))
    if key.endswith("_cents"):
        return dollars(from_cents(int(value)))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _in_sentence(object_type: str, name: RecordName) -> str:
    if name.detail and object_type in _DETAIL_IN_SENTENCE:
        return f"{name.key} ({name.detail})"
    return name.key


def sentence(entry: Any, names: Names, *, readable: bool) -> str:
    """The entry as one sentence: who did what to which record, with what changed where the
    reader may read it (`readable`), never otherwise."""
    record = names.record(entry.object_type, entry.object_id)
    shown_record = _in_sentence(entry.object_type, record)
    phrase = PHRASES.get(entry.action)
    if phrase is None:
        return f"{entry.actor_name}: {entry.action} on {shown_record}"
    if readable:
        before = _Shown(entry.before, entry.object_type, names)
        after = _Shown(entry.after, entry.object_type, names)
        for form in phrase.full:
            try:
                text = form.format(record=shown_record, before=before, after=after)
            except _Missing:
                continue
            return f"{entry.actor_name} {text}"
    return f"{entry.actor_name} {phrase.public.format(record=shown_record)}"


def record_label(entry: Any, names: Names) -> str:
    """The record an entry is about, for the Record column: its key, and its detail (a title,
    an amount) where the reader may read it (`lookup` left the detail out otherwise)."""
    name = names.record(entry.object_type, entry.object_id)
    return f"{name.key} · {name.detail}" if name.detail else name.key
