"""Decisions before costs: pay or let lapse before each national phase, renewal and fee; the
portfolio's forecast cost by year and office."""

import plotly.express as px
import streamlit as st

from tlo import ui
from tlo.auth.models import Role
from tlo.money import dollars
from tlo.patents import decisions

actor = ui.actor()
st.title("Decisions before costs")
st.caption(
    "Every docket item that costs money, with its estimated fee (planning figures from "
    "`tlo/patents/fees.toml`, with their sources), the case's standing and its license income. "
    "*Let lapse* takes the item off the docket with your reason; on a federally funded case it "
    "puts the notice to the agency on the docket, due 30 days before the last day to act "
    "(37 CFR 401.14(f)(2))."
)

review_tab, forecast_tab = st.tabs(["Review queue", "Cost forecast"])

with review_tab:
    if not ui.can("docket.read"):
        st.info("The review queue is for licensing officers and the director.")
    else:
        months_col, mine_col = st.columns(2)
        months = months_col.selectbox(
            "Cost events due in the next",
            decisions.REVIEW_MONTHS,
            index=decisions.REVIEW_MONTHS.index(12),
            format_func=lambda n: f"{n} months",
            key="review_months",
        )
        mine = mine_col.toggle(
            "Only my cases", value=actor.has_role(Role.OFFICER), key="review_mine"
        )
        with ui.reading() as session:
            events = decisions.cost_review(
                session,
                actor=actor,
                months_ahead=months,
                officer_person_id=actor.person_id if mine else None,
            )
        undecided = [e for e in events if e.decision is None]
        left, middle, right = st.columns(3)
        left.metric("Cost events", len(events))
        middle.metric("Undecided", len(undecided))
        right.metric("Estimated cost", dollars(sum((e.estimate for e in events), start=0)))
        ui.table(
            [
                {
                    "Docket": e.docket,
                    "Cost event": e.label,
                    "Concerning": e.subject,
                    "Office": e.office,
                    "Act by": e.act_by,
                    "Grace ends": e.grace_ends,
                    "Estimate": e.estimate,
                    "Case status": e.case_status,
                    "Income to date": e.income,
                    "Decision": ("OVERDUE, undecided" if e.overdue else "undecided")
                    if e.decision is None
                    else f"pay ({e.decided_by})",
                    "Officer": e.officer_name or "",
                }
                for e in events
            ],
            name="cost-review",
            kinds={"Estimate": "money", "Income to date": "money"},
        )
        if events:
            st.subheader("Decide")
            fresh = ui.widget_key("cost_")
            with st.form("cost_decision"):
                chosen = st.multiselect(
                    "Items to decide (several at once are decided alike, e.g. the offices a "
                    "PCT will not enter)",
                    events,
                    key=f"{fresh}events",
                    format_func=lambda e: (
                        f"{e.docket} · {e.label} · {e.subject} · act by {e.act_by} · "
                        f"about {dollars(e.estimate)}"
                    ),
                )
                decision = st.radio(
                    "Decision",
                    decisions.DECISIONS,
                    format_func={"pay": "Pay", "lapse": "Let lapse"}.get,
                    horizontal=True,
                    key=f"{fresh}decision",
                )
                reason = st.text_area(
                    "Reason (required to let lapse)", max_chars=500, key=f"{fresh}reason"
                )
                confirmed = st.checkbox(
                    "I understand that letting it lapse gives up this right for good",
                    key=f"{fresh}confirm",
                )
                if st.form_submit_button("Record decision"):
                    if decision == "lapse" and not confirmed:
                        st.error("Tick the box to confirm letting it lapse.")
                    else:
                        verb = "pay" if decision == "pay" else "let lapse"
                        ui.attempt(
                            decisions.decide_costs,
                            keys=[e.key for e in chosen],
                            decision=decision,
                            reason=reason,
                            success=f"Decided to {verb}: "
                            + ", ".join(f"{e.label} ({e.docket})" for e in chosen)
                            + ".",
                            clear="cost_",
                        )

with forecast_tab:
    if not ui.can("docket.forecast"):
        st.info("The forecast is for officers, finance and the director.")
    else:
        years = st.slider("Years ahead", 1, 10, 5, key="forecast_years")
        with ui.reading() as session:
            rows = decisions.cost_forecast(session, actor=actor, years=years)
        if not rows:
            st.info("No cost events are due in that time.")
        else:
            st.plotly_chart(
                px.bar(
                    x=[str(r.year) for r in rows],
                    y=[str(r.amount) for r in rows],
                    color=[r.office for r in rows],
                    labels={"x": "Year", "y": "Estimated cost ($)", "color": "Office"},
                    title="Estimated patent costs still to decide or pay, by year and office",
                    height=380,
                ),
                config={"displayModeBar": False},
            )
            ui.table(
                [
                    {
                        "Year": r.year,
                        "Office": r.office,
                        "Items": r.items,
                        "Estimated cost": r.amount,
                    }
                    for r in rows
                ],
                name="cost-forecast",
                kinds={"Estimated cost": "money"},
            )
