"""The agreement page's Word drafts: every generated version to download, a new one, and
what changed between two of them (terms, standard clauses, a Word changes document)."""

import streamlit as st

from tlo import office_settings, ui
from tlo.licensing import draft_compare, drafts
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
    if len(versions) >= 2:
        _comparison(a, [d.version for d in versions], actor=actor)


def _comparison(a, numbers: list[int], *, actor) -> None:
    """Two drafts side by side: newest first in `numbers`, so the default is the last change."""
    # Keyed by the agreement and its newest draft: a new draft starts from the last change.
    newest = f"{a.id}_{numbers[0]}"
    with st.expander("Compare two drafts", icon=":material/compare_arrows:"):
        older_col, newer_col = st.columns(2)
        older = older_col.selectbox(
            "Earlier draft", numbers, index=1, format_func=_label, key=f"cmp_old_{newest}"
        )
        newer = newer_col.selectbox(
            "Later draft", numbers, index=0, format_func=_label, key=f"cmp_new_{newest}"
        )
        if older == newer:
            st.info("Choose two different drafts.")
            return
        with ui.reading() as session:
            comparison = draft_compare.compare_drafts(
                session,
                actor=actor,
                agreement_id=a.id,
                older_version=older,
                newer_version=newer,
            )
        if not comparison.recorded:
            st.info(
                "One of these drafts was generated before tlo kept each draft's terms and "
                "clauses: download both and compare them in Word (Review → Compare)."
            )
        elif comparison.unchanged:
            st.info("These drafts have the same terms and the same standard clauses.")
        if comparison.template_changed:
            st.caption(
                f"Template: {comparison.older.template_name} version "
                f"{comparison.older.template_version} → {comparison.newer.template_name} "
                f"version {comparison.newer.template_version}; its own wording may differ too."
            )
        if comparison.terms:
            st.markdown("**Terms that changed**")
            ui.table(
                [
                    {
                        "Term": t.label,
                        f"Draft {older}": t.before,
                        f"Draft {newer}": t.after,
                    }
                    for t in comparison.terms
                ],
                name=f"draft-terms-{a.number}-{older}-{newer}",
            )
        if comparison.clauses:
            st.markdown("**Standard clauses that changed**")
            for change in comparison.clauses:
                st.markdown(f"*{change.heading}*: {change.what}")
                before, after = st.columns(2)
                before.caption(f"Draft {older}")
                before.text(change.before_text or draft_compare.NONE)
                after.caption(f"Draft {newer}")
                after.text(change.after_text or draft_compare.NONE)
        st.download_button(
            "Download the changes (Word)",
            ui.deferred(
                draft_compare.changes_document,
                agreement_id=a.id,
                older_version=older,
                newer_version=newer,
            ),
            file_name=f"{a.number}-changes-v{older}-v{newer}.docx",
            mime=ui.DOCX_MIME,
            key=f"draft_changes_{a.id}",
            icon=":material/difference:",
        )


def _label(version: int) -> str:
    return f"Version {version}"
