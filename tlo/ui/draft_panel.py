"""The agreement page's Word drafts: every generated version to download, and a new one."""

import streamlit as st

from tlo import office_settings, ui
from tlo.licensing import drafts
from tlo.ui import case_view


def render(a, *, actor) -> None:
    """The drafts of agreement `a` (an agreement view's agreement)."""
    st.markdown("**Word drafts**")
    with ui.reading() as session:
        versions = drafts.list_drafts(session, actor=actor, agreement_id=a.id)
        unset = office_settings.current(session, actor=actor).placeholders
    if unset:
        st.warning(
            "The office settings are not given yet: a draft names the University by bracketed "
            "placeholders ([University's legal name]) until an administrator gives them "
            "(Administration → Office settings)."
        )
    for draft in versions:
        st.download_button(
            f"Version {draft.version} · {case_view.local(draft.generated_at)} · "
            f"{draft.generated_by_name} · template version {draft.template_version}",
            ui.deferred(drafts.read_draft, draft_id=draft.id),
            file_name=f"{a.number}-v{draft.version}.docx",
            mime=ui.DOCX_MIME,
            key=f"draft_{draft.id}",
            icon=":material/description:",
        )
    if ui.can("agreement.create") and st.button(
        "Generate a new Word draft", icon=":material/note_add:"
    ):
        ui.attempt(
            drafts.generate_draft, agreement_id=a.id, success=f"A new draft of {a.number} is ready."
        )
