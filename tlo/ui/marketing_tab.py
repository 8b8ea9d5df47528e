"""The Marketing tab of the case file: whom to contact, the technology's pipeline, touches,
follow-ups, CDAs and the non-confidential summary."""

from __future__ import annotations

import streamlit as st

from tlo import clock, ui
from tlo.licensing import marketing, outreach
from tlo.licensing.marketing import SummaryFields
from tlo.licensing.models import Channel, Stage
from tlo.ui import catalogue_panel


def pipeline_table(rows, *, with_technology: bool = True, name: str = "pipeline-listed") -> None:
    """Outreach rows as a table: across the office (with the technology) or for one."""
    ui.table(
        [
            {
                **({"Docket": r.docket, "Technology": r.title} if with_technology else {}),
                "Company": r.company,
                "Size": r.company_size.label,
                "Stage": r.stage.label,
                "Days in stage": r.days_in_stage,
                "Touches": r.touches,
                "Last touch": r.last_touch,
                "Next follow-up": r.next_follow_up,
                "Owner": r.owner,
            }
            for r in rows
        ],
        name=name,
        kinds={"Last touch": "date", "Next follow-up": "date"},
    )


def render(case_id: int, *, can_work: bool, file_stem: str) -> None:
    """`file_stem` begins the names of the tables' Excel files (the case's docket)."""
    actor = ui.actor()
    with ui.reading() as session:
        rows = outreach.pipeline(session, actor=actor, disclosure_id=case_id)
        suggestions = outreach.suggest_companies(session, actor=actor, disclosure_id=case_id)
        contacts = outreach.contacts_in_pipeline(session, actor=actor, disclosure_id=case_id)
        fields = marketing.summary_fields(session, actor=actor, disclosure_id=case_id)

    st.markdown("**This technology's pipeline**")
    if not rows:
        st.caption("No company approached yet.")
    else:
        pipeline_table(rows, with_technology=False, name=f"pipeline-{file_stem}")

    st.markdown("**Suggested companies**")
    if not suggestions:
        st.caption("No company's interests match this technology yet.")
    for suggestion in suggestions:
        text_col, button_col = st.columns([5, 1], vertical_alignment="center")
        text_col.markdown(f"**{suggestion.name}** · {suggestion.explanation}")
        if can_work and button_col.button(
            "Add to pipeline", key=f"suggest_{suggestion.company_id}"
        ):
            ui.attempt(
                outreach.start_outreach,
                disclosure_id=case_id,
                company_id=suggestion.company_id,
                success=f"{suggestion.name} added to the pipeline.",
            )

    if can_work and rows:
        _work_forms(rows, contacts)
    _summary(case_id, fields, can_work)
    catalogue_panel.render(case_id, can_work=can_work)


def _work_forms(rows, contacts) -> None:
    with st.form("touch"):
        st.markdown("**Log a touch**")
        target = st.selectbox("Company", rows, format_func=lambda r: r.company, key="touch_row")
        when_col, channel_col, follow_col = st.columns(3)
        touched_on = when_col.date_input("Date", value=clock.today(), key="touch_date")
        channel = channel_col.selectbox(
            "Channel", list(Channel), format_func=lambda c: c.label, key="touch_channel"
        )
        follow_up = follow_col.date_input("Next follow-up", value=None, key="touch_follow_up")
        contact = st.selectbox(
            "Contact (of the company chosen above)",
            contacts,
            index=None,
            format_func=lambda pair: f"{pair[0].name} ({pair[1]})",
            key="touch_contact",
        )
        note = st.text_area("Note", key="touch_note")
        outcome = st.text_input("Outcome", key="touch_outcome")
        if st.form_submit_button("Log touch", type="primary"):
            ui.attempt(
                outreach.log_touch,
                contact_id=contact[0].id if contact else None,
                outreach_id=target.id,
                touched_on=touched_on,
                channel=channel,
                note=note,
                outcome=outcome,
                next_follow_up=follow_up,
                success=f"Touch with {target.company} logged.",
                clear="touch_",
            )
    stage_col, cda_col = st.columns(2)
    with stage_col, st.form("stage"):
        st.markdown("**Move in the pipeline**")
        target = st.selectbox("Company", rows, format_func=lambda r: r.company, key="stage_row")
        stage = st.selectbox("Stage", list(Stage), format_func=lambda s: s.label, key="stage_value")
        note = st.text_input("Note", key="stage_note")
        if st.form_submit_button("Move"):
            ui.attempt(
                outreach.change_stage,
                outreach_id=target.id,
                stage=stage,
                note=note,
                success=f"{target.company}: {stage.label}.",
                clear="stage_note",
            )
    with cda_col, st.form("cda"):
        st.markdown("**Confidential disclosure agreement**")
        target = st.selectbox("Company", rows, format_func=lambda r: r.company, key="cda_row")
        signed = st.date_input("Signed on", value=None, key="cda_signed")
        if st.form_submit_button("Record CDA"):
            if signed is None:
                st.error("Give the date the CDA was signed.")
            else:
                ui.attempt(
                    outreach.record_cda,
                    outreach_id=target.id,
                    signed_on=signed,
                    success=f"CDA with {target.company} recorded.",
                )


def _summary(case_id: int, fields: SummaryFields, can_work: bool) -> None:
    st.markdown("**Non-confidential marketing summary**")
    if can_work:
        with st.form("summary"):
            headline = st.text_input("Headline", value=fields.headline, key="sum_headline")
            problem = st.text_area("The problem", value=fields.problem, key="sum_problem")
            solution = st.text_area("The solution", value=fields.solution, key="sum_solution")
            advantages = st.text_area("Advantages", value=fields.advantages, key="sum_advantages")
            applications = st.text_area(
                "Applications", value=fields.applications, key="sum_applications"
            )
            stage = st.text_input("Stage of development", value=fields.stage, key="sum_stage")
            if st.form_submit_button("Save summary"):
                ui.attempt(
                    marketing.save_summary,
                    disclosure_id=case_id,
                    fields=SummaryFields(
                        headline, problem, solution, advantages, applications, stage
                    ),
                    success="Summary saved.",
                )
    st.caption(
        "The summary is non-confidential: it gives a patent's or a publication's number, never "
        "that of a provisional or of an application not yet published, and leaves out a "
        "section left empty."
    )
    st.download_button(
        "Download the marketing summary (Word)",
        ui.deferred(marketing.summary_docx, disclosure_id=case_id),
        file_name=f"marketing-summary-{case_id}.docx",
        mime=ui.DOCX_MIME,
        icon=":material/description:",
        key="summary_download",
    )
