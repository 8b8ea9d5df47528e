"""Pipeline: every technology's outreach across the office, by stage."""

import streamlit as st

from tlo import ui
from tlo.auth.models import Role
from tlo.disclosures import casework
from tlo.licensing import outreach
from tlo.licensing.models import Stage
from tlo.ui import marketing_tab

actor = ui.actor()
st.title("Pipeline")

with ui.reading() as session:
    officers = casework.list_officers(session, actor=actor)
me = next((i for i, o in enumerate(officers) if o.person_id == actor.person_id), None)
owner = st.selectbox(
    "Officer",
    officers,
    format_func=lambda o: o.name,
    key="pipe_owner",
    index=me if actor.has_role(Role.OFFICER) else None,
    placeholder="Every officer",
    on_change=ui.reset_offset,
    args=("pipeline",),
)
owner_person_id = owner.person_id if owner else None
with ui.reading() as session:
    board = outreach.pipeline_board(
        session,
        actor=actor,
        owner_person_id=owner_person_id,
        offset=ui.offset_for("pipeline"),
    )

open_stages = [stage for stage in Stage if stage.is_open]
for stage, column in zip(open_stages, st.columns(len(open_stages)), strict=True):
    with column:
        st.metric(stage.label, board.counts[stage])
        for row in board.first[stage]:
            st.caption(f"**{row.docket}** · {row.company} · {row.days_in_stage} d")
        if board.counts[stage] > len(board.first[stage]):
            st.caption(f"… and {board.counts[stage] - len(board.first[stage])} more")
closed = [stage for stage in Stage if not stage.is_open]
st.caption(" · ".join(f"{stage.label}: {board.counts[stage]}" for stage in closed))

marketing_tab.pipeline_table(board.page.items)
ui.pager(board.page, key="pipeline")
st.download_button(
    "Export the pipeline to Excel",
    ui.deferred(outreach.export_pipeline, owner_person_id=owner_person_id),
    file_name="pipeline.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
)
