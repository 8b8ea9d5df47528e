"""Home: a welcome, what waits for a licensing officer, an inventor's disclosures and income,
and what each of the user's roles can do. The data comes from tlo/reports/home.py."""

import streamlit as st

from tlo import ui
from tlo.auth.models import Role
from tlo.disclosures import targets
from tlo.money import dollars
from tlo.navigation import welcome_for
from tlo.reports import home
from tlo.ui import case_view

SHOWN = 8  # rows per list; the docket, pipeline and intake pages have the rest


def days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def rows(items: list, *, empty: str, rest: str, show) -> None:
    """A compact list of the first SHOWN items, `show` drawing each (with its index)."""
    if not items:
        st.caption(empty)
        return
    with st.container(gap="xxsmall"):
        for index, entry in enumerate(items[:SHOWN]):
            show(index, entry)
    if len(items) > SHOWN:
        st.caption(f"… and {len(items) - SHOWN} more {rest}.")


def item(line: str, *, key: str, case_id: int | None) -> None:
    """One row: what it is, and a button that opens its case file."""
    text_col, open_col = st.columns([9, 1], vertical_alignment="center")
    text_col.markdown(line)
    if case_id is not None and open_col.button(
        "Open", key=key, icon=":material/folder_open:", type="tertiary"
    ):
        ui.open_case(case_id)


def show_waiting(index: int, case: home.WaitingCase) -> None:
    since = (
        f"review on {case.review_on}"
        if case.reason is home.WaitingReason.REVIEW
        else f"received {case.received_on}"
    )
    item(
        f"**{case.docket}** · {case.title} · {case.reason.label} · {since}",
        key=f"home_waiting_{index}",
        case_id=case.case_id,
    )


def deadline_shower(key: str):
    def show(index: int, deadline: home.Deadline) -> None:
        if deadline.overdue:
            when = f":red[**{days(-deadline.days_left)} late**] (act by {deadline.act_by})"
        elif deadline.days_left == 0:
            when = f":orange[**act today**] ({deadline.act_by})"
        else:
            when = f"act by {deadline.act_by} (in {days(deadline.days_left)})"
        item(
            f"**{deadline.docket}** · {deadline.label} · {deadline.subject} · {when}",
            key=f"{key}_{index}",
            case_id=deadline.case_id,
        )

    return show


def show_follow_up(index: int, follow_up: home.FollowUp) -> None:
    late = f" · :red[**{days(-follow_up.days_left)} late**]" if follow_up.late else ""
    item(
        f"**{follow_up.docket}** · {follow_up.company} ({follow_up.stage.label}) · "
        f"follow up {follow_up.follow_up_on}{late}",
        key=f"home_follow_up_{index}",
        case_id=follow_up.case_id,
    )


def show_late(index: int, case: targets.LateCase, *, key: str = "home_late") -> None:
    officer = f" · {case.officer}" if case.officer else " · not assigned"
    item(
        f"**{case.docket}** · {case.title} · {case.stage.label}{officer} · "
        f":red[{days(case.days_past)} past target] (due {case.due_on})",
        key=f"{key}_{index}",
        case_id=case.case_id,
    )


def past_target(late: list[targets.LateCase], total: int, *, key: str, whose: str) -> None:
    st.subheader(f"{whose} past their stage's target ({total})")
    st.caption(
        "Cases that have stayed in their stage longer than the office's service-level target "
        "(a deferred case: past its review date), the longest past first. The targets are "
        "office settings."
    )
    rows(
        late,
        empty="None: every case is within its stage's target.",
        rest="",
        show=lambda index, case: show_late(index, case, key=key),
    )
    if total > len(late):
        st.caption(f"… and {total - len(late)} more.")


def officer_home(overview: home.OfficerOverview) -> None:
    soon, horizon = home.SOON_DAYS, home.HORIZON_DAYS
    metrics = st.columns(6)
    metrics[0].metric("My open cases", overview.open_cases)
    metrics[1].metric("Overdue", len(overview.overdue))
    metrics[2].metric(f"Due ≤ {soon} days", len(overview.due_soon))
    metrics[3].metric(f"Due {soon + 1}–{horizon} days", len(overview.due_later))
    metrics[4].metric("Follow-ups due", len(overview.follow_ups))
    metrics[5].metric("Waiting for me", len(overview.waiting))

    st.subheader("Waiting for me")
    rows(
        overview.waiting,
        empty="No disclosure waits for you.",
        rest="in the intake queue and your cases",
        show=show_waiting,
    )
    st.page_link("pages/intake.py", label="Open the intake queue", icon=":material/inbox:")

    past_target(overview.past_target, overview.past_target_total, key="home_late", whose="My cases")

    st.subheader(f"My deadlines: overdue and the next {horizon} days")
    st.caption(
        "Patent and Bayh-Dole deadlines of your cases and the obligations of your agreements "
        "(AGR-…), by the last day to act. An obligation opens the case file of the technology "
        "its agreement covers; the agreement itself is on the Agreements page."
    )
    st.markdown("**Overdue**")
    rows(
        overview.overdue,
        empty="Nothing overdue.",
        rest="on the docket",
        show=deadline_shower("home_overdue"),
    )
    st.markdown(f"**Next {soon} days**")
    rows(
        overview.due_soon,
        empty=f"Nothing due in the next {soon} days.",
        rest="on the docket",
        show=deadline_shower("home_soon"),
    )
    with st.expander(f"In {soon + 1} to {horizon} days ({len(overview.due_later)})"):
        rows(
            overview.due_later,
            empty="Nothing due then.",
            rest="on the docket",
            show=deadline_shower("home_later"),
        )
    docket_col, agreements_col = st.columns(2)
    docket_col.page_link(
        "pages/docket.py", label="Open the docket", icon=":material/event_upcoming:"
    )
    agreements_col.page_link("pages/agreements.py", label="Agreements", icon=":material/handshake:")

    st.subheader("Follow-ups due")
    rows(
        overview.follow_ups,
        empty=f"No follow-up due in the next {days(home.FOLLOW_UP_DAYS)}.",
        rest="in the pipeline",
        show=show_follow_up,
    )

    st.subheader("My cases by status")
    if not overview.cases_by_status:
        st.caption("No case is assigned to you yet.")
    else:
        ui.table(
            [
                {"Status": count.status.label, "Cases": count.cases}
                for count in overview.cases_by_status
            ],
            name="my-cases-by-status",
        )


def show_my_disclosure(index: int, row) -> None:
    text_col, status_col, open_col = st.columns([6, 3, 1], vertical_alignment="center")
    confirm = " · :orange[**confirm your share**]" if row.awaiting_my_confirmation else ""
    text_col.markdown(f"**{row.docket or '(draft)'}** · {row.title}{confirm}")
    with status_col:
        case_view.status_badge(row.status)
    if open_col.button(
        "Open", key=f"home_mine_{index}", icon=":material/folder_open:", type="tertiary"
    ):
        # An inventor reads a case on My disclosures: it opens the case chosen in its picker,
        # which lists the rows of its first page, the same rows as here.
        st.session_state["my_case"] = row
        ui.reset_offset("mine")
        st.switch_page("pages/my_disclosures.py")


def inventor_home(overview: home.InventorOverview) -> None:
    st.subheader("My disclosures")
    if overview.shares_to_confirm:
        st.info(
            f"{overview.shares_to_confirm} disclosure(s) wait for you to confirm your share: "
            "open them on *My disclosures*.",
            icon=":material/how_to_reg:",
        )
    if not overview.disclosures:
        st.caption("You have no disclosures yet.")
        st.page_link(
            "pages/disclosure_form.py", label="Disclose an invention", icon=":material/note_add:"
        )
    else:
        with st.container(gap="xxsmall"):
            for index, row in enumerate(overview.disclosures):
                show_my_disclosure(index, row)
        older = overview.disclosures_total - len(overview.disclosures)
        st.page_link(
            "pages/my_disclosures.py",
            label=f"All my disclosures ({older} older)" if older else "My disclosures",
            icon=":material/folder_shared:",
        )

    st.subheader("My income")
    if overview.income_by_year:
        st.metric("Received to date", f"{dollars(overview.income_to_date)}")
        ui.income_by_year_chart(overview.income_by_year)
    else:
        st.caption("Nothing has been distributed to you yet.")
    st.page_link("pages/statements.py", label="Royalty statements", icon=":material/receipt_long:")


actor = ui.actor()
st.title(f"Welcome, {actor.name}")
st.caption(f"Signed in as {actor.username} · {actor.role_labels}")

if actor.has_role(Role.OFFICER):
    with ui.reading() as session:
        officer = home.officer_overview(session, actor=actor)
    officer_home(officer)

if actor.has_role(Role.DIRECTOR):
    with ui.reading() as session:
        office_late, office_late_total = targets.cases_past_target(
            session, actor=actor, limit=SHOWN
        )
    past_target(office_late, office_late_total, key="home_office_late", whose="The office's cases")
    st.page_link(
        "pages/dashboard.py",
        label="Each stage, per officer: the dashboard",
        icon=":material/monitoring:",
    )

if actor.has_role(Role.INVENTOR):
    with ui.reading() as session:
        inventor = home.inventor_overview(session, actor=actor)
    inventor_home(inventor)

for heading, abilities in welcome_for(actor):
    st.subheader(heading)
    st.markdown("\n".join(f"- {ability}" for ability in abilities))
