"""Parts of a case the inventor's and the officer's pages both show."""

from __future__ import annotations

from datetime import date

import streamlit as st

from tlo import clock, ui
from tlo.disclosures.models import DisclosureStatus, PublicDisclosureKind
from tlo.disclosures.queries import CaseView, DisclosureRow

STATUS_COLOURS = {
    DisclosureStatus.DRAFT: "gray",
    DisclosureStatus.SUBMITTED: "orange",
    DisclosureStatus.ASSIGNED: "blue",
    DisclosureStatus.EVALUATING: "blue",
    DisclosureStatus.FILING: "green",
    DisclosureStatus.DEFERRED: "violet",
    DisclosureStatus.RELEASED: "gray",
    DisclosureStatus.ABANDONED: "gray",
    DisclosureStatus.FILED: "green",
    DisclosureStatus.MARKETING: "green",
    DisclosureStatus.LICENSED: "green",
    DisclosureStatus.CLOSED: "gray",
}


def local(moment) -> str:
    if moment is None:
        return ""
    return moment.astimezone(clock.office_zone()).strftime("%Y-%m-%d %H:%M")


def local_date(moment) -> date | None:
    """The office's calendar day of a moment (received at 23:30 there: that day)."""
    return clock.office_date_or_none(moment)


def file_stem(disclosure) -> str:
    """How the Excel files of a case's tables begin: its docket number."""
    return disclosure.docket or f"draft-{disclosure.id}"


def status_badge(status: DisclosureStatus) -> None:
    st.badge(status.label, color=STATUS_COLOURS[status])


def flags(view_flags: list[str]) -> None:
    for flag in view_flags:
        st.warning(flag, icon=":material/priority_high:")


def inventors(view: CaseView) -> None:
    ui.table(
        [
            {
                "Inventor": line.name,
                "Department / organisation": line.department or line.organisation or "",
                "School": line.school or "",
                "Share": line.share,
                "Confirmed": line.confirmed_at,  # empty: not yet
            }
            for line in view.inventors
        ],
        name=f"inventors-{file_stem(view.disclosure)}",
        kinds={"Share": "percent", "Confirmed": "datetime"},
    )
    st.caption(f"Share version {view.disclosure.share_version}.")


def funding_and_public_disclosures(view: CaseView) -> None:
    st.markdown("**Funding**")
    if not view.funding:
        st.caption("None recorded.")
    for source in view.funding:
        federal = f" · federal ({source.agency})" if source.is_federal else ""
        st.markdown(f"- {source.sponsor} · award {source.award_number or '—'}{federal}")
    st.markdown("**Public disclosures**")
    if not view.public_disclosures:
        st.caption("None recorded.")
    for item in view.public_disclosures:
        st.markdown(
            f"- {item.disclosed_on} · {PublicDisclosureKind(item.kind).label} · {item.venue}"
        )


def timeline(view: CaseView) -> None:
    for change in view.timeline:
        label = DisclosureStatus(change.to_status).label
        note = f" — {change.note}" if change.note else ""
        st.markdown(f"**{local(change.at)}** · {label} · by {change.actor_name}{note}")


def rows_table(
    rows: list[DisclosureRow], *, with_officer: bool = True, name: str = "disclosures-listed"
) -> None:
    """A page of disclosures; its Excel button gives these rows (a page's "Export to Excel"
    gives the whole filtered list with more columns)."""
    ui.table(
        [
            {
                "Docket": row.docket or "(draft)",
                "Title": row.title,
                "Status": row.status.label,
                "Received": local_date(row.submitted_at),
                "Flags": "; ".join(row.flags),
                **({"Officer": row.officer or ""} if with_officer else {}),
                "Inventors": row.inventors,
            }
            for row in rows
        ],
        name=name,
        kinds={"Received": "date"},
    )


def pick_case(rows: list[DisclosureRow], *, key: str, label: str = "Open a case"):
    """A case chosen from the rows shown, or None."""
    return st.selectbox(
        label,
        rows,
        index=None,
        key=key,
        format_func=lambda row: f"{row.docket or '(draft)'} · {row.title}",
    )


def pick_case_id(entries, *, key: str) -> int | None:
    """A button per page to open the case of a docket entry, by a chosen docket number."""
    dockets = sorted({(e.item.docket, e.item.disclosure_id) for e in entries})
    chosen = st.selectbox(
        "Open the case file of", dockets, index=None, key=key, format_func=lambda pair: pair[0]
    )
    if chosen is not None and st.button("Open case file", icon=":material/folder_open:"):
        return chosen[1]
    return None
