"""The docket as a calendar (.ics) and as an Excel workbook.

Each calendar event's UID is the docket item's stable key, so importing the file again
updates the events instead of duplicating them. Both take the entries as an iterable: the
services stream them from the stored docket in chunks, and the workbook is written row by row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from tlo import clock
from tlo.patents.services import DocketEntry
from tlo.reports.excel import Column, Sheet, workbook_bytes

UID_DOMAIN = "tlo.docket"
# A calendar reminds of each deadline a month and a week before its last day to act.
ALARM_DAYS_BEFORE = (30, 7)


def docket_calendar(
    entries: Iterable[DocketEntry], *, generated_at: datetime | None = None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//tlo//Technology Licensing Office docket//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "tlo docket")
    stamp = generated_at or clock.utcnow()
    for entry in entries:
        item = entry.item
        event = CalendarEvent()
        event.add("uid", f"{item.key}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.act_by)  # an all-day event on the last day to act
        event.add("dtend", item.act_by + timedelta(days=1))
        event.add("summary", f"{item.docket}: {item.label}")
        lines = [item.title, item.subject, f"Due {item.due.isoformat()}"]
        if item.file_by and item.file_by != item.due:
            lines.append(f"File by {item.file_by.isoformat()} (next USPTO business day)")
        if item.window_opens:
            lines.append(f"Window opens {item.window_opens.isoformat()}")
        if item.grace_ends:
            lines.append(f"Surcharge grace ends {item.grace_ends.isoformat()}")
        if item.officer_name:
            lines.append(f"Officer: {item.officer_name}")
        event.add("description", "\n".join(lines))
        event.add(
            "categories",
            [{"bayh_dole": "Bayh-Dole", "license": "License"}.get(item.kind, "Patent")],
        )
        for days in ALARM_DAYS_BEFORE:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{item.docket}: {item.label} in {days} days")
            alarm.add("trigger", timedelta(days=-days))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


DOCKET_COLUMNS = [
    Column("Docket"),
    Column("Title", width=40),
    Column("Deadline", width=40),
    Column("Concerning", width=30),
    Column("Due", "date"),
    Column("File by", "date"),
    Column("Window opens", "date"),
    Column("Grace ends", "date"),
    Column("Officer"),
    Column("State"),
    Column("Days left", "integer"),
]


def docket_workbook(entries: Iterable[DocketEntry]) -> bytes:
    return workbook_bytes(
        [
            Sheet(
                "Docket",
                DOCKET_COLUMNS,
                (
                    [
                        e.item.docket,
                        e.item.title,
                        e.item.label,
                        e.item.subject,
                        e.item.due,
                        e.item.file_by,
                        e.item.window_opens,
                        e.item.grace_ends,
                        e.item.officer_name,
                        "overdue" if e.overdue else e.state,
                        e.days_left,
                    ]
                    for e in entries
                ),
            )
        ]
    )
