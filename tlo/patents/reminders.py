"""Daily reminders: per officer, what on the docket is overdue or falls due within the horizon,
listed on the console and sent by e-mail where SMTP is configured (`python -m tlo remind`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tlo.auth.models import Account, AccountRole, Role
from tlo.auth.permissions import system_actor
from tlo.patents.services import DocketEntry, DocketFilters, docket
from tlo.people.models import Person


@dataclass(frozen=True)
class Reminder:
    recipient_name: str
    recipient_email: str
    entries: list[DocketEntry]

    def subject(self) -> str:
        overdue = sum(1 for entry in self.entries if entry.overdue)
        return (
            f"tlo docket: {overdue} overdue, {len(self.entries) - overdue} due soon"
            if overdue
            else f"tlo docket: {len(self.entries)} due soon"
        )

    def body(self) -> str:
        lines = [f"Dear {self.recipient_name},", "", "Deadlines on your cases:", ""]
        for entry in self.entries:
            item = entry.item
            when = (
                f"OVERDUE since {item.act_by}"
                if entry.overdue
                else f"act by {item.act_by} ({entry.days_left} days)"
            )
            lines.append(f"- {item.docket} {item.title}: {item.label} ({item.subject}), {when}")
        lines += ["", "The docket in tlo has the details; mark an item done there when it is."]
        return "\n".join(lines)


def _directors(session: Session) -> list[tuple[str, str]]:
    return list(
        session.exec(
            select(Person.full_name, Person.email)
            .join(Account, Account.person_id == Person.id)
            .join(AccountRole, AccountRole.account_id == Account.id)
            .where(AccountRole.role == Role.DIRECTOR.value, Account.active, Person.active)
        ).all()
    )


def collect(session: Session, *, today: date, horizon_days: int) -> list[Reminder]:
    """One reminder per officer with something due; cases without an officer go to the
    director(s)."""
    view = docket(
        session,
        actor=system_actor("reminders"),
        filters=DocketFilters(within_days=horizon_days),
        today=today,
    )
    by_officer: dict[int | None, list[DocketEntry]] = defaultdict(list)
    for entry in view.entries:
        by_officer[entry.item.officer_person_id].append(entry)
    people = (
        {
            person.id: person
            for person in session.exec(
                select(Person).where(Person.id.in_([pid for pid in by_officer if pid is not None]))
            ).all()
        }
        if by_officer
        else {}
    )
    reminders = [
        Reminder(people[pid].full_name, people[pid].email, entries)
        for pid, entries in by_officer.items()
        if pid is not None
    ]
    if by_officer.get(None):
        reminders += [
            Reminder(name, email, by_officer[None]) for name, email in _directors(session)
        ]
    return sorted(reminders, key=lambda reminder: reminder.recipient_name)


def queue_all(session: Session, reminders: list[Reminder]) -> int:
    """Queue each reminder into the outbox (sent by `python -m tlo send-mail`); deadlines to
    officers cannot be switched off."""
    from tlo.notify import outbox
    from tlo.notify.kinds import Kind

    person_ids = (
        {
            email: pid
            for pid, email in session.exec(
                select(Person.id, Person.email).where(
                    Person.email.in_([r.recipient_email for r in reminders])
                )
            ).all()
        }
        if reminders
        else {}
    )
    for reminder in reminders:
        outbox.queue(
            session,
            kind=Kind.DEADLINE,
            recipient_email=reminder.recipient_email,
            recipient_name=reminder.recipient_name,
            recipient_person_id=person_ids.get(reminder.recipient_email),
            subject=reminder.subject(),
            body=reminder.body(),
        )
    return len(reminders)
