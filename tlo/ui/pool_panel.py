"""The agreement page's patent-pool panel (#19, item 3): whether the agreement's company is a
pool we contributed patents to, how its statements are shared, and the forms to set its terms
(the agreement's officer) and record a statement (finance)."""

from __future__ import annotations

import streamlit as st

from tlo import clock, ui
from tlo.errors import DomainError
from tlo.licensing import patent_pools
from tlo.licensing.patent_pools import StatementForm
from tlo.revenue.pools import PoolRule

RULE_LABELS = {
    PoolRule.PER_ESSENTIAL_PATENT_PER_COUNTRY: "Per essential patent per country",
    PoolRule.AS_STATED: "As each statement says",
}


def render(agreement, company_name: str) -> None:
    with ui.reading() as session:
        view = patent_pools.get_pool(session, actor=ui.actor(), agreement_id=agreement.id)
    if view is not None:
        st.markdown(
            f"**Patent pool** · {company_name}"
            + (f" · {view.standard}" if view.standard else "")
            + f" · statements shared {RULE_LABELS[view.rule].lower()}"
        )
        if view.contributed:
            ui.table(
                [
                    {"Docket": p.docket, "Country": p.jurisdiction, "Number": p.number}
                    for p in view.contributed
                ],
                name=f"pool-patents-{agreement.number}",
            )
        if ui.can("income.record"):
            _statement(agreement, view)
    if ui.can("agreement.edit"):
        _terms(agreement, company_name, view)


def _terms(agreement, company_name: str, view) -> None:
    prefix = f"pool_{agreement.id}_"
    title = "Change the pool's terms" if view else "A patent pool?"
    with ui.reading() as session:
        offered = patent_pools.offered_patents(session, actor=ui.actor(), agreement_id=agreement.id)
    with st.expander(title, icon=":material/hub:"), st.form(f"{prefix}form"):
        st.caption(
            f"Make {company_name} a patent pool we contributed patents to: its statements are "
            "recorded here and shared between this agreement's technologies by the pool's rule."
        )
        rules = list(PoolRule)
        rule = st.radio(
            "The pool shares its statements",
            rules,
            index=rules.index(view.rule) if view else 0,
            format_func=RULE_LABELS.get,
            key=f"{prefix}rule",
        )
        standard = st.text_input(
            "Standard", view.standard if view else "", max_chars=200, key=f"{prefix}standard"
        )
        chosen = st.multiselect(
            "Essential patents we contributed",
            offered,
            default=[p for p in offered if p.contributed],
            format_func=lambda p: f"{p.docket} · {p.jurisdiction} {p.number}".strip(),
            key=f"{prefix}patents",
        )
        if st.form_submit_button("Save the pool's terms"):
            ui.attempt(
                patent_pools.save_pool,
                agreement_id=agreement.id,
                rule=rule,
                standard=standard,
                application_ids=[p.application_id for p in chosen],
                success=f"{agreement.number} is a patent pool agreement.",
            )


def _statement(agreement, view) -> None:
    prefix = ui.widget_key(f"poolst_{agreement.id}_")
    with st.expander("Record a pool statement", icon=":material/receipt_long:"):
        with st.form(f"{prefix}form"):
            day_col, period_col, total_col = st.columns(3)
            received = day_col.date_input("Received on", clock.today(), key=f"{prefix}day")
            period = period_col.text_input("Period", max_chars=100, key=f"{prefix}period")
            total = total_col.text_input("Amount received ($)", key=f"{prefix}total")
            amounts = []
            if view.rule is PoolRule.AS_STATED:
                st.caption("What the statement says each technology earned:")
                for case_id, docket in view.technologies:
                    amounts.append(
                        (case_id, st.text_input(f"{docket} ($)", key=f"{prefix}amount{case_id}"))
                    )
            note = st.text_input("Note", max_chars=2000, key=f"{prefix}note")
            form = StatementForm(agreement.id, received, total, period, amounts, note)
            preview_col, record_col = st.columns(2)
            previewed = preview_col.form_submit_button("Preview the parts")
            recorded = record_col.form_submit_button("Record the statement", type="primary")
        parts = None  # shown below the form: a table's Excel button cannot be in one
        if previewed:
            try:
                with ui.reading() as session:
                    parts = patent_pools.preview_statement(session, actor=ui.actor(), form=form)
            except DomainError as err:
                st.error(str(err))
        if recorded:
            ui.attempt(
                patent_pools.record_statement,
                form=form,
                success="Pool statement recorded as a royalty: compute its distribution on the "
                "Income page.",
                clear=f"poolst_{agreement.id}_",
            )
        if parts:
            ui.table(
                [{"Docket": p.docket, "Part": p.amount, "Basis": p.basis} for p in parts],
                name=f"pool-statement-{agreement.number}",
                kinds={"Part": "money"},
            )
