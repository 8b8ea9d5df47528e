"""The agreement page's collection-agent panel (#19, item 4): whether the agreement's company
licenses or enforces our patents for a share of what it collects, and the form to say so."""

from __future__ import annotations

import streamlit as st

from tlo import ui
from tlo.licensing import agents
from tlo.licensing.agents import CostsBorneBy


def render(agreement, company_name: str) -> None:
    with ui.reading() as session:
        view = agents.get_agent(session, actor=ui.actor(), agreement_id=agreement.id)
    if view is not None:
        share = ui.plain_percent(view.share_percent)
        st.info(
            f"**{view.agent} is our collection agent** under {agreement.number}: it keeps "
            f"{share} % of what it collects. Every payment recorded on this "
            "agreement is what it collected; its share is its own line before our policy "
            f"shares the rest. Costs: {view.costs_borne_by.label.lower()}."
            + (f"  \n{view.note}" if view.note else ""),
            icon=":material/handshake:",
        )
    if not ui.can("agreement.edit"):
        return
    prefix = f"agent_{agreement.id}_"
    title = "Change the collection agent's terms" if view else "A collection agent?"
    with st.expander(title, icon=":material/handshake:"), st.form(f"{prefix}form"):
        st.caption(
            f"Make {company_name} our collection or assertion agent: it licenses or enforces "
            "the patents of this agreement for a share of what it collects."
        )
        share_col, costs_col = st.columns([1, 2])
        share = share_col.text_input(
            "Agent's share %",
            str(ui.plain_percent(view.share_percent)) if view else "",
            max_chars=10,
            key=f"{prefix}share",
        )
        costs = costs_col.selectbox(
            "Costs of licensing and enforcing borne by",
            list(CostsBorneBy),
            index=list(CostsBorneBy).index(view.costs_borne_by) if view else 0,
            format_func=lambda c: c.label,
            key=f"{prefix}costs",
        )
        note = st.text_area("Note", view.note if view else "", max_chars=2000, key=f"{prefix}note")
        if st.form_submit_button("Save the agent's terms"):
            ui.attempt(
                agents.save_agent,
                agreement_id=agreement.id,
                share_percent=share,
                costs_borne_by=costs,
                note=note,
                success=f"{company_name} is the collection agent of {agreement.number}.",
            )
    if view is None:
        return
    with st.expander("Not an agent after all"), st.form(f"{prefix}remove"):
        reason = st.text_input("Why", max_chars=500, key=f"{prefix}remove_reason")
        sure = st.checkbox(
            "Remove the agent's terms (distributions already posted stay as they are)",
            key=f"{prefix}remove_sure",
        )
        if st.form_submit_button("Remove the agent"):
            if not sure:
                st.error("Tick the box to confirm the removal.")
            else:
                ui.attempt(
                    agents.remove_agent,
                    agreement_id=agreement.id,
                    reason=reason,
                    success=f"{agreement.number} has no collection agent any more.",
                    clear=f"{prefix}remove",
                )
