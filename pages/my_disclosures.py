"""My disclosures: the cases I submitted, am an inventor on or am the PI of, their status and
timeline; my share on each, to confirm or to dispute (with a reason) instead; and my signature
of each disclosure as it stands."""

import streamlit as st

from tlo import ui
from tlo.disclosures import intake, queries, shares, signatures, targets
from tlo.disclosures.models import DisclosureStatus
from tlo.ui import case_view
from tlo.ui import disclosure_form as form_state

actor = ui.actor()
st.title("My disclosures")

with ui.reading() as session:
    page = queries.list_my_disclosures(session, actor=actor, offset=ui.offset_for("mine"))
    disputed = shares.disputed_by_me(session, actor=actor)

# A share I dispute waits for the licensing officer, not for me.
waiting = [row for row in page.items if row.awaiting_my_confirmation and row.id not in disputed]
if waiting:
    st.info(
        f"{len(waiting)} disclosure(s) wait for you to confirm your share: "
        + ", ".join(row.docket for row in waiting),
        icon=":material/how_to_reg:",
    )
if disputed:
    st.caption(
        f"{len(disputed)} disclosure(s) with your share disputed wait for the licensing office."
    )
if not page.items:
    st.write("You have no disclosures yet.")
    st.page_link(
        "pages/disclosure_form.py", label="Disclose an invention", icon=":material/note_add:"
    )
    st.stop()

case_view.rows_table(page.items)
ui.pager(page, key="mine")
chosen = case_view.pick_case(page.items, key="my_case")
if chosen is None:
    st.stop()

with ui.reading() as session:
    view = queries.get_case(session, actor=actor, disclosure_id=chosen.id)
    signed = signatures.status(session, actor=actor, disclosure_id=chosen.id)
    step = targets.next_step(session, view.disclosure, view.timeline)

st.header(f"{view.disclosure.docket or 'Draft'} · {view.disclosure.title}")
case_view.status_badge(view.status)
case_view.stage_path(view)
case_view.next_step(step, inventor=True)
case_view.flags(view.flags)

if view.status is DisclosureStatus.DRAFT and view.can_edit_draft:
    edit_col, delete_col = st.columns(2)
    if edit_col.button("Continue editing", icon=":material/edit:", type="primary"):
        form_state.open_draft(view.disclosure.id)
        st.switch_page("pages/disclosure_form.py")
    if delete_col.button("Delete this draft", icon=":material/delete:"):
        ui.attempt(intake.delete_draft, disclosure_id=view.disclosure.id, success="Draft deleted.")

if view.my_share_unconfirmed:
    mine = next(line for line in view.inventors if line.person_id == actor.person_id)
    if view.disclosure.id in disputed:
        st.info(
            f"You dispute your contribution share of {mine.share:.2f} %. The licensing officer "
            "resolves it: the shares are changed (you then confirm the new ones), or your "
            "dispute is recorded withdrawn. If you now agree with the share, confirm it.",
            icon=":material/gavel:",
        )
        label = "Confirm my share after all"
    else:
        st.warning(f"Please confirm your contribution share of {mine.share:.2f} %.")
        label = "Confirm my share"
    if st.button(label, type="primary", icon=":material/how_to_reg:"):
        ui.attempt(
            intake.confirm_share,
            disclosure_id=view.disclosure.id,
            success="Thank you: your share is confirmed.",
        )
    if view.disclosure.id not in disputed:
        with (
            st.expander("Dispute my share instead", icon=":material/gavel:"),
            st.form(ui.widget_key("my_dispute")),
        ):
            st.caption(
                "If the share is not right, say why: the licensing officer sees it and "
                "resolves it with the inventors."
            )
            reason = st.text_area("Why is the share not right?", key="my_dispute_reason")
            if st.form_submit_button("Dispute my share"):
                ui.attempt(
                    shares.dispute_share,
                    disclosure_id=view.disclosure.id,
                    reason=reason,
                    success="Your dispute is recorded: the licensing officer will resolve it.",
                    clear="my_dispute",
                )

if (mine_to_sign := signed.awaits(actor.person_id)) is not None:
    with st.container(border=True):
        if mine_to_sign.state is signatures.SignerState.SIGNED_EARLIER:
            st.warning(
                "The disclosure has changed since you signed it: please read it again and sign "
                "it as it stands now.",
                icon=":material/draw:",
            )
        else:
            st.markdown(":material/draw: **Please sign the disclosure.**")
        statement = signatures.STATEMENTS[mine_to_sign.role]
        st.markdown(f"> {statement}")
        with st.form(ui.widget_key("my_signature")):
            typed = st.text_input(
                "Type your full name to sign",
                key="my_signature_name",
                max_chars=200,
                help=f"As the directory has it: {mine_to_sign.name}",
            )
            if st.form_submit_button("Sign", type="primary", icon=":material/draw:"):
                outcome = ui.attempt(
                    signatures.sign,
                    disclosure_id=view.disclosure.id,
                    typed_name=typed,
                    clear="my_signature",
                )
                if outcome is not None:
                    ui.flash(outcome.message)
                    st.rerun()

st.subheader("Inventors")
case_view.inventors(view)
case_view.signatures(view, signed)
st.subheader("Timeline")
case_view.timeline(view)
# What a signature attests to, in full, open while the signature waits.
with st.expander("What you disclosed", expanded=mine_to_sign is not None):
    case_view.disclosure_texts(view.disclosure, with_leads=False)
    st.markdown(f"**Stage:** {view.stage_label}  \n**Keywords:** {view.disclosure.keywords}")
    case_view.funding_and_public_disclosures(view)
