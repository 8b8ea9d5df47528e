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
)
with ui.reading() as session:
    rows = outreach.pipeline(
        session, actor=actor, owner_person_id=owner.person_id if owner else None
    )

counts = {stage: [row for row in rows if row.stage is stage] for stage in Stage}
open_stages = [stage for stage in Stage if stage.is_open]
for stage, column in zip(open_stages, st.columns(len(open_stages)), strict=True):
    with column:
        st.metric(stage.label, len(counts[stage]))
        for row in counts[stage][:12]:
            st.caption(f"**{row.docket}** · {row.company} · {row.days_in_stage} d")
        if len(counts[stage]) > 12:
            st.caption(f"… and {len(counts[stage]) - 12} more")
closed = [stage for stage in Stage if not stage.is_open]
st.caption(" · ".join(f"{stage.label}: {len(counts[stage])}" for stage in closed))

marketing_tab.pipeline_table(rows)
st.download_button(
    "Export the pipeline to Excel",
    ui.deferred(outreach.export_pipeline, owner_person_id=owner.person_id if owner else None),
    file_name="pipeline.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
)
