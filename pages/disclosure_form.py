"""New disclosure: the invention disclosure form, saved as a draft as the inventor types, until
submitted (see tlo/ui/disclosure_form.py for how drafts save themselves)."""

import streamlit as st

from tlo import clock, ui
from tlo.config import get_settings
from tlo.disclosures import attachments, disclosure_types, intake
from tlo.disclosures.models import DevelopmentStage, PublicDisclosureKind
from tlo.people import services as people
from tlo.ui import disclosure_form as form_state

actor = ui.actor()

form_state.open_from_url()
if form_state.needs_loading():
    form_state.load_or_start(actor)
submitted = form_state.run_pending()
if submitted is not None:
    ui.flash(
        f"Thank you. Your disclosure was received as {submitted}. "
        "Your co-inventors will be asked to confirm their shares."
    )
    st.switch_page("pages/my_disclosures.py")
form_state.show_in_url()

editing = st.session_state.get(form_state.EDITING)
st.title("Edit draft disclosure" if editing else "New disclosure")
st.caption(
    "Everything you enter is confidential to the licensing office. Your draft is kept as you "
    "type: come back to it from *My disclosures* whenever you like."
)
st.caption(form_state.save_status())
if (refused := form_state.pop_open_failed()) is not None:
    st.warning(refused)
if editing and st.button("Start a new disclosure instead", icon=":material/note_add:"):
    form_state.start_over()
    st.rerun()
if not editing and form_state.other_drafts():
    with st.container(border=True):
        st.markdown(":material/edit_note: You have drafts you can go on with:")
        for draft_id, draft_title in form_state.other_drafts():
            if st.button(draft_title, key=f"df_continue_{draft_id}", icon=":material/edit:"):
                form_state.open_draft(draft_id)
                st.rerun()

types = disclosure_types.all_types()
st.radio(
    "What are you disclosing?",
    list(types),
    format_func=lambda key: types[key].label,
    key=form_state.TYPE,
    horizontal=True,
)
form_state.mark("disclosure_type")
kind = form_state.chosen_type()
st.caption(kind.description)

st.subheader(f"The {kind.label.lower()}")
st.text_input(
    "Title", key="df_title", help=f"At most {intake.TITLE_LIMIT} characters; you can change it."
)
form_state.mark("title")
st.text_area("Abstract (non-confidential summary, a few sentences)", key="df_abstract")
form_state.mark("abstract")
st.text_area("Detailed description", key="df_description", height=200)
form_state.mark("description")
st.text_area("Problem solved and advantages over what exists", key="df_problem_and_advantages")
form_state.mark("problem_and_advantages")
st.selectbox(
    "Stage of development",
    [s.value for s in DevelopmentStage],
    index=None,
    format_func=lambda value: DevelopmentStage(value).label,
    key="df_stage",
)
form_state.mark("stage")
st.text_input("Keywords (comma-separated)", key="df_keywords")
form_state.mark("keywords")
for name, label in (
    ("applications", "Potential applications"),
    ("potential_licensees", "Companies that might be interested"),
    ("related_materials", "Related materials (cell lines, software, data)"),
):
    st.text_area(label, key=f"df_{name}")
    form_state.mark(name)

if kind.fields:
    st.subheader(f"About this {kind.label.lower()}")
    st.caption("Questions marked * are needed before you submit.")
answered = form_state.current_form().answers
for question in kind.fields:
    label = question.label + (" *" if question.required_by(answered) else "")
    key = form_state.answer_key(question.key)
    help_text = question.help or None
    if question.kind == "choice":
        st.selectbox(label, question.choices, index=None, key=key, help=help_text)
    elif question.kind == "yes_no":
        st.radio(
            label,
            list(disclosure_types.YES_NO),
            index=None,
            format_func=str.capitalize,
            key=key,
            help=help_text,
            horizontal=True,
        )
    elif question.kind == "long_text":
        st.text_area(label, key=key, help=help_text, max_chars=question.max_length)
    else:
        st.text_input(label, key=key, help=help_text, max_chars=question.max_length)
    form_state.mark(f"answers.{question.key}")

st.subheader("Inventors and contribution shares")
st.caption(
    "Shares are percentages and must add up to exactly 100 (e.g. 33.33, 33.33, 33.34) when "
    "you submit; a draft may leave a share open. Each co-inventor confirms their share from "
    "their own account after submission."
)
form_state.mark("inventors")
form_state.mark_shares_together()
for index, row in enumerate(list(st.session_state[form_state.INVENTORS])):
    name_col, share_col, remove_col = st.columns([4, 1, 1], vertical_alignment="bottom")
    name_col.markdown(row["label"])
    share_col.text_input("Share %", key=form_state.share_key(row["person_id"]))
    remove_col.button(
        "Remove",
        key=f"df_remove_inventor_{row['person_id']}",
        on_click=form_state.remove_inventor,
        args=(row["person_id"],),
    )
    form_state.mark(f"inventors.{index}.share", only_its_own=True)
if len(st.session_state[form_state.INVENTORS]) > 1:
    # Callbacks run before the widgets are drawn, so they may set the share inputs.
    st.button("Split equally", on_click=form_state.split_equally)

find_col, pick_col = st.columns(2, vertical_alignment="bottom")
search = find_col.text_input("Find a co-inventor (name or e-mail)", key="df_inventor_search")
with ui.reading() as session:
    matches = people.lookup_people(session, actor=actor, search=search)
picked = pick_col.selectbox(
    "Matching co-inventors",
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

st.subheader("Principal investigator")
st.caption(
    "The head of the lab or the project the invention comes from. When the PI is not among "
    "the inventors, they sign the disclosure off after submission, as each inventor signs it."
)
pi = st.session_state.get(form_state.PI)
if pi is not None:
    pi_col, pi_remove_col = st.columns([5, 1], vertical_alignment="center")
    pi_col.markdown(f":material/supervisor_account: {pi['label']}")
    pi_remove_col.button("Remove", key="df_remove_pi", on_click=form_state.set_pi, args=(None,))
else:
    pi_find_col, pi_pick_col = st.columns(2, vertical_alignment="bottom")
    pi_search = pi_find_col.text_input("Find the PI (name or e-mail)", key="df_pi_search")
    with ui.reading() as session:
        pi_matches = people.lookup_people(session, actor=actor, search=pi_search)
    pi_picked = pi_pick_col.selectbox(
        "Matching PIs",
        pi_matches,
        index=None,
        format_func=lambda option: option.label,
        key="df_pi_pick",
        placeholder="Type at least two letters on the left",
    )
    if st.button("Name as PI", icon=":material/supervisor_account:", disabled=pi_picked is None):
        form_state.set_pi(pi_picked.id, pi_picked.label)
        st.rerun()
form_state.mark("pi_person_id")

st.subheader("Funding")
for index, row in enumerate(list(st.session_state[form_state.FUNDING])):
    text_col, remove_col = st.columns([5, 1], vertical_alignment="center")
    federal = f"federal, {row['agency']}" if row["is_federal"] else "not federal"
    text_col.markdown(f"{row['sponsor']} · award {row['award_number'] or '—'} · {federal}")
    form_state.mark(f"funding.{index}", text_col)
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
    form_state.mark(f"public_disclosures.{index}", text_col)
    if remove_col.button("Remove", key=f"df_remove_public_{index}"):
        form_state.remove_row(form_state.PUBLIC, index)
        st.rerun()
adding_public = bool(st.session_state.get(form_state.NEW_PUBLIC_PROBLEMS))
with st.expander("Add a public disclosure", expanded=adding_public):
    st.date_input("Date", key=form_state.new_public_key("date"), value=None)
    for message in form_state.new_public_problems("disclosed_on"):
        form_state.red(message)
    st.selectbox(
        "Kind",
        [k.value for k in PublicDisclosureKind],
        index=None,
        format_func=lambda value: PublicDisclosureKind(value).label,
        key=form_state.new_public_key("kind"),
        placeholder="Choose: paper, talk, poster, thesis ...",
    )
    for message in form_state.new_public_problems("kind"):
        form_state.red(message)
    st.text_input("Venue (journal, conference, website)", key=form_state.new_public_key("venue"))
    for message in form_state.new_public_problems("venue"):
        form_state.red(message)
    st.button("Add public disclosure", on_click=form_state.add_public_disclosure)

st.subheader("Attachments")
st.file_uploader(
    "Manuscripts, drawings, data (PDF, Word, images, text)",
    accept_multiple_files=True,
    key=form_state.uploader_key(),
    max_upload_size=get_settings().attachment_max_mb,  # the limit the service applies
    help="Files are attached to the draft as soon as it is saved.",
)
for message in form_state.upload_problems():
    st.error(message)
if editing:
    with ui.reading() as session:
        saved_files = attachments.list_attachments(session, editing)
    for saved in saved_files:
        st.caption(
            f":material/attach_file: {saved.original_name} ({saved.size_bytes / 1024:.0f} KB)"
        )

st.divider()
for message in form_state.errors_by_the_buttons():
    st.error(message)
if waiting := form_state.marked_only():
    st.warning(
        "Your draft is saved but not submitted yet. Also marked above:\n\n"
        + "\n".join(f"- {message}" for message in waiting),
        icon=":material/edit_note:",
    )
if (notice := form_state.pop_notice()) is not None:
    st.success(notice)
save_col, submit_col = st.columns(2)
save_col.button(
    "Save draft", icon=":material/save:", width="stretch", on_click=form_state.ask_to_save
)
submit_col.button(
    "Submit to the licensing office",
    type="primary",
    icon=":material/send:",
    width="stretch",
    on_click=form_state.ask_to_submit,
)
