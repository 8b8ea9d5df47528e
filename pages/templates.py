"""Word templates: download one, edit it in Word, upload it as a new version once it passes."""

import streamlit as st

from tlo import ui, word_templates

actor = ui.actor()
st.title("Word templates")
st.caption(
    "Agreement drafts and marketing summaries are generated from these Word files. To change "
    "one, download the current version, edit it in Word (keep the {{ placeholders }} intact) "
    "and upload it here. It is checked before it is accepted; earlier versions stay available."
)
ui.show_flashes()

with ui.reading() as session:
    catalogue = word_templates.catalogue(session, actor=actor)
ui.table(
    [
        {"Template": t.name, "Used for": t.purpose, "Current version": t.current_version}
        for t in catalogue
    ],
    name="word-templates",
)

chosen = st.selectbox(
    "Template",
    catalogue,
    format_func=lambda t: f"{t.name} · {t.purpose}",
    key="tpl_pick",
)
with st.expander("Placeholders this template may use"):
    st.write(", ".join(f"`{name}`" for name in chosen.placeholders))

with ui.reading() as session:
    rows = word_templates.versions(session, actor=actor, name=chosen.name)

st.subheader("Versions")
for row in rows:
    when = f"{row.uploaded_at:%Y-%m-%d %H:%M} UTC" if row.uploaded_at else "—"
    text, download, restore = st.columns([4, 2, 2], vertical_alignment="center")
    text.markdown(
        f"**Version {row.version}**{' (current)' if row.current else ''} · "
        f"{row.uploaded_by} · {when}" + (f"  \n{row.note}" if row.note else "")
    )
    download.download_button(
        "Download",
        data=ui.deferred(word_templates.read_version, name=chosen.name, version=row.version),
        file_name=f"{chosen.name}_v{row.version}.docx",
        mime=ui.DOCX_MIME,
        key=f"tpl_dl_{chosen.name}_{row.version}",
    )
    if not row.current and restore.button(
        "Make current", key=f"tpl_restore_{chosen.name}_{row.version}"
    ):
        ui.attempt(
            word_templates.make_current,
            name=chosen.name,
            version=row.version,
            success=f"Version {row.version} of {chosen.name} is current again (as a new version).",
        )

st.subheader("Upload a new version")
with st.form("tpl_upload", clear_on_submit=True):
    upload = st.file_uploader(
        "Edited template (.docx)",
        type=["docx"],
        max_upload_size=word_templates.MAX_TEMPLATE_MB,
        key="tpl_file",
    )
    note = st.text_input("What changed", key="tpl_note")
    submitted = st.form_submit_button("Check and upload", type="primary")
if submitted:
    if upload is None:
        st.error("Choose the edited .docx file first.")
    else:
        ui.attempt(
            word_templates.upload_version,
            name=chosen.name,
            content=upload.getvalue(),
            note=note,
            success=f"The new version of {chosen.name} passed the checks and is now current.",
        )
