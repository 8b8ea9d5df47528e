"""New disclosure: the invention disclosure form, saved as a draft until submitted."""

import streamlit as st

from tlo import clock, ui
from tlo.auth.models import Role
from tlo.config import get_settings
from tlo.disclosures import attachments, intake
from tlo.disclosures.models import DevelopmentStage, PublicDisclosureKind
from tlo.people import services as people
from tlo.ui import disclosure_form as form_state

actor = ui.actor()

if form_state.needs_loading():
    editing = st.session_state.get(form_state.EDITING)
    with ui.reading() as session:
        if editing is None:
            own = people.person_labels(session, actor=actor, person_ids=[actor.person_id])
            is_inventor = actor.has_role(Role.INVENTOR)
            form_state.start_new(actor, own.get(actor.person_id) if is_inventor else None)
        else:
            saved = intake.load_form(session, actor=actor, disclosure_id=editing)
            labels = people.person_labels(
                session, actor=actor, person_ids=[e.person_id for e in saved.inventors]
            )
            form_state.load(editing, saved, labels)

editing = st.session_state.get(form_state.EDITING)
st.title("Edit draft disclosure" if editing else "New disclosure")
st.caption(
    "Save a draft at any time and come back to it from *My disclosures*. "
    "Everything you enter is confidential to the licensing office."
)
if editing and st.button("Start a new disclosure instead", icon=":material/note_add:"):
    form_state.clear()
    st.rerun()

st.subheader("The invention")
st.text_input("Title", key="df_title", max_chars=300)
st.text_area("Abstract (non-confidential summary, a few sentences)", key="df_abstract")
st.text_area("Detailed description", key="df_description", height=200)
st.text_area("Problem solved and advantages over what exists", key="df_problem_and_advantages")
st.selectbox(
    "Stage of development",
    [s.value for s in DevelopmentStage],
    index=None,
    format_func=lambda value: DevelopmentStage(value).label,
    key="df_stage",
)
st.text_input("Keywords (comma-separated)", key="df_keywords")
st.text_area("Potential applications", key="df_applications")
st.text_area("Companies that might be interested", key="df_potential_licensees")
st.text_area("Related materials (cell lines, software, data)", key="df_related_materials")

st.subheader("Inventors and contribution shares")
st.caption(
    "Shares are percentages and must add up to exactly 100 (e.g. 33.33, 33.33, 33.34). "
    "Each co-inventor confirms their share from their own account after submission."
)
for row in list(st.session_state[form_state.INVENTORS]):
    name_col, share_col, remove_col = st.columns([4, 1, 1], vertical_alignment="bottom")
    name_col.markdown(row["label"])
    share_col.text_input("Share %", key=form_state.share_key(row["person_id"]))
    remove_col.button(
        "Remove",
        key=f"df_remove_inventor_{row['person_id']}",
        on_click=form_state.remove_inventor,
        args=(row["person_id"],),
    )
if len(st.session_state[form_state.INVENTORS]) > 1:
    # Callbacks run before the widgets are drawn, so they may set the share inputs.
    st.button("Split equally", on_click=form_state.split_equally)

find_col, pick_col = st.columns(2, vertical_alignment="bottom")
search = find_col.text_input("Find a co-inventor (name or e-mail)", key="df_inventor_search")
with ui.reading() as session:
    matches = people.lookup_people(session, actor=actor, search=search)
picked = pick_col.selectbox(
    "Matching people",
    matches,
    index=None,
    format_func=lambda option: option.label,
    key="df_inventor_pick",
    placeholder="Type at least two letters on the left",
)
if st.button("Add co-inventor", icon=":material/person_add:", disabled=picked is None):
    if not form_state.add_inventor(picked.id, picked.label):
        st.warning(f"{picked.label} is already listed.")
    else:
        st.rerun()

with st.expander("Co-inventor from outside the university"):
    ext_name = st.text_input("Full name", key="df_ext_name")
    ext_email = st.text_input("E-mail", key="df_ext_email")
    ext_org = st.text_input("Organisation", key="df_ext_org")
    if st.button("Add outside co-inventor"):
        person = ui.attempt(
            people.add_external_person, full_name=ext_name, email=ext_email, organisation=ext_org
        )
        if person is not None:
            form_state.add_inventor(person.id, f"{person.full_name} · {person.organisation}")
            st.rerun()

st.subheader("Funding")
for index, row in enumerate(list(st.session_state[form_state.FUNDING])):
    text_col, remove_col = st.columns([5, 1], vertical_alignment="center")
    federal = f"federal, {row['agency']}" if row["is_federal"] else "not federal"
    text_col.markdown(f"{row['sponsor']} · award {row['award_number'] or '—'} · {federal}")
    if remove_col.button("Remove", key=f"df_remove_funding_{index}"):
        form_state.remove_row(form_state.FUNDING, index)
        st.rerun()
with st.expander("Add a funding source"):
    sponsor = st.text_input("Sponsor", key="df_new_sponsor")
    award = st.text_input("Grant or contract number", key="df_new_award")
    is_federal = st.checkbox(
        "Federal funding (the case falls under Bayh-Dole)", key="df_new_federal"
    )
    agency = st.text_input("Federal agency (e.g. NIH, NSF, DOE)", key="df_new_agency")
    if st.button("Add funding source"):
        if not sponsor.strip():
            st.error("Name the sponsor.")
        else:
            form_state.add_funding(sponsor, award, is_federal, agency)
            st.rerun()

st.subheader("Public disclosures, past and planned")
st.caption(
    "Papers, talks, posters, theses, abstracts, websites. A disclosure already made "
    "without a patent filing is accepted but flagged urgent: tell us as early as you can."
)
for index, row in enumerate(list(st.session_state[form_state.PUBLIC])):
    text_col, remove_col = st.columns([5, 1], vertical_alignment="center")
    when = "made" if row["disclosed_on"] <= clock.today() else "planned"
    text_col.markdown(
        f"{row['disclosed_on']} ({when}) · "
        f"{PublicDisclosureKind(row['kind']).label} · {row['venue']}"
    )
    if remove_col.button("Remove", key=f"df_remove_public_{index}"):
        form_state.remove_row(form_state.PUBLIC, index)
        st.rerun()
with st.expander("Add a public disclosure"):
    when = st.date_input("Date", key="df_new_public_date", value=None)
    kind = st.selectbox(
        "Kind",
        [k.value for k in PublicDisclosureKind],
        format_func=lambda value: PublicDisclosureKind(value).label,
        key="df_new_public_kind",
    )
    venue = st.text_input("Venue (journal, conference, website)", key="df_new_public_venue")
    if st.button("Add public disclosure"):
        if when is None:
            st.error("Give the date of the public disclosure.")
        else:
            form_state.add_public_disclosure(when, kind, venue)
            st.rerun()

st.subheader("Attachments")
uploads = st.file_uploader(
    "Manuscripts, drawings, data (PDF, Word, images, text)",
    accept_multiple_files=True,
    key=form_state.uploader_key(),
    max_upload_size=get_settings().attachment_max_mb,  # the limit the service applies
)
if editing:
    with ui.reading() as session:
        saved_files = attachments.list_attachments(session, editing)
    for saved in saved_files:
        st.caption(
            f":material/attach_file: {saved.original_name} ({saved.size_bytes / 1024:.0f} KB)"
        )

st.divider()
save_col, submit_col = st.columns(2)
save = save_col.button("Save draft", icon=":material/save:", width="stretch")
submit = submit_col.button(
    "Submit to the licensing office", type="primary", icon=":material/send:", width="stretch"
)
if save or submit:
    draft = ui.attempt(intake.save_draft, form=form_state.current_form(), disclosure_id=editing)
    if draft is not None:
        st.session_state[form_state.EDITING] = draft.id
        st.session_state[form_state.LOADED_FOR] = draft.id
        stored = [
            ui.attempt(
                attachments.add_attachment,
                disclosure_id=draft.id,
                name=upload.name,
                content=upload.getvalue(),
            )
            for upload in uploads or []
        ]
        if not all(stored):
            st.stop()  # the draft is saved; the refused files' errors stay on screen
        if stored:
            form_state.empty_uploader()
        if submit:
            submitted = ui.attempt(intake.submit, disclosure_id=draft.id)
            if submitted is not None:
                form_state.clear()
                ui.flash(
                    f"Thank you. Your disclosure was received as {submitted.docket}. "
                    "Your co-inventors will be asked to confirm their shares."
                )
                st.switch_page("pages/my_disclosures.py")
        else:
            ui.flash("Draft saved. You can come back to it from *My disclosures*.")
            st.rerun()
