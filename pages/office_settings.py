"""Office settings: who the office's documents say the parties are (tlo/office_settings.py)."""

import streamlit as st

from tlo import office_settings, ui
from tlo.disclosures import targets
from tlo.office_settings import PLACEHOLDERS, SettingsForm
from tlo.ui import case_view

actor = ui.actor()
st.title("Office settings")
st.caption(
    "Every Word document names the parties from here: license drafts print the university's "
    "legal name, address and signatory, the governing law and the office's contact for notices; "
    "marketing summaries print the office and the university. Documents generated after a "
    "change print the new values; drafts kept before keep theirs."
)
ui.show_flashes()

with ui.reading() as session:
    view = office_settings.settings_view(session, actor=actor)
saved = view.parties
if saved.placeholders:
    st.warning(
        "Not given yet: documents print bracketed placeholders such as "
        f"“{PLACEHOLDERS.university_legal_name}” until these settings are saved."
    )
else:
    st.caption(f"Last changed by {view.updated_by_name} on {case_view.local(view.updated_at)}.")


def field(name: str, label: str, *, help: str | None = None, area: bool = False) -> str:
    """One setting's input, filled with the saved value (empty while nothing is saved: the
    placeholder shows what is asked)."""
    value = "" if saved.placeholders else getattr(saved, name)
    hint = getattr(PLACEHOLDERS, name) or None
    widget = st.text_area if area else st.text_input
    return widget(label, value=value, key=f"settings_{name}", help=help, placeholder=hint)


with st.form("office_settings"):
    st.markdown("**The university**")
    university_name = field(
        "university_name",
        "Name, as people know it",
        help="Marketing summaries: 'Stanford University'.",
    )
    legal_name = field(
        "university_legal_name",
        "Legal name, as it contracts",
        help="Agreements' parties and signature block: 'The Board of Trustees of the Leland "
        "Stanford Junior University'.",
    )
    legal_description = field(
        "university_legal_description",
        "What it is in law (optional)",
        help="Printed after its legal name: 'a body having corporate powers under the laws of "
        "the State of California'.",
    )
    university_address = field("university_address", "Address", area=True)
    governing_law = field(
        "governing_law",
        "Governing law: the laws of ...",
        help="'This Agreement is governed by the laws of the State of California': give "
        "'the State of California'.",
    )
    name_col, title_col = st.columns(2)
    with name_col:
        signatory_name = field("signatory_name", "Signs agreements: name")
    with title_col:
        signatory_title = field("signatory_title", "Signs agreements: title")
    st.markdown("**The office**")
    office_name = field("office_name", "Name")
    office_address = field("office_address", "Address for notices", area=True)
    email_col, phone_col = st.columns(2)
    with email_col:
        office_email = field("office_email", "E-mail")
    with phone_col:
        office_phone = field("office_phone", "Telephone (optional)")
    payment_instructions = field(
        "payment_instructions",
        "How licensees pay (printed on invoices)",
        help="Bank, account, ABA or SWIFT, and the reference to quote.",
        area=True,
    )
    if st.form_submit_button("Save the settings", type="primary"):
        ui.attempt(
            office_settings.save_settings,
            form=SettingsForm(
                university_name=university_name,
                university_legal_name=legal_name,
                university_legal_description=legal_description,
                university_address=university_address,
                governing_law=governing_law,
                signatory_name=signatory_name,
                signatory_title=signatory_title,
                office_name=office_name,
                office_address=office_address,
                office_email=office_email,
                office_phone=office_phone,
                payment_instructions=payment_instructions,
            ),
            success="Office settings saved: documents generated from now on name these parties.",
        )

st.subheader("Service-level targets")
st.caption(
    "How many days a case may stay in each stage before it shows as past target: to the "
    "inventor on My disclosures (with what happens next and who does it), to the officer on "
    "their home page, and to the director on the home page and the dashboard. Leave a stage "
    "empty for no target. A deferred case is due on its review date instead."
)
with ui.reading() as session:
    stage_targets = targets.targets_view(session, actor=actor)
if stage_targets.updated_by_name:
    st.caption(
        f"Last changed by {stage_targets.updated_by_name} on "
        f"{case_view.local(stage_targets.updated_at)}."
    )
else:
    st.caption("The defaults: no target has been changed yet.")
with st.form("stage_targets"):
    typed: dict[str, str] = {}
    columns = st.columns(3)
    for index, (stage, days) in enumerate(stage_targets.days.items()):
        typed[stage.value] = columns[index % 3].text_input(
            f"{stage.label} (days)",
            value="" if days is None else str(days),
            key=f"target_{stage.value}",
            placeholder="no target",
            help=f"Next: {targets.STEPS[stage].what}.",
        )
    if st.form_submit_button("Save the targets", type="primary"):
        ui.attempt(
            targets.save_targets,
            days=typed,
            success="Targets saved: cases are measured against them from now on.",
        )
