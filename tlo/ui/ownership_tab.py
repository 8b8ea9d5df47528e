"""The Ownership tab of the case file: the technology's inter-institutional agreement (IIA),
if another institution owns part of it: the owners and their shares of the invention and of
the patent costs, who leads and manages prosecution, the lead's fee, the IIA as a Word file,
and the forms to record, change or remove it."""

from __future__ import annotations

import streamlit as st

from tlo import ui
from tlo.iia import services as iia
from tlo.iia.models import US
from tlo.iia.services import CoOwnerForm, IiaForm

ROWS = 3  # co-owners on the form; an IIA with more is rare (the service takes up to ten)


def _table(view: iia.IiaView, file_stem: str) -> None:
    ui.table(
        [
            {
                "Owner": p.name,
                "Ownership": ui.plain_percent(p.ownership_percent),
                "Share of patent costs": ui.plain_percent(p.cost_share_percent),
                "Patent costs to date": p.costs_invoiced,
                "Not yet recovered": p.costs_outstanding,
                "Role": ", ".join(
                    role
                    for role, holds in (("lead", p.lead), ("prosecution", p.prosecution))
                    if holds
                ),
                "Contact": p.contact_email,
            }
            for p in view.parties
        ],
        name=f"owners-{file_stem}",
        kinds={
            "Ownership": "percent",
            "Share of patent costs": "percent",
            "Patent costs to date": "money",
            "Not yet recovered": "money",
        },
    )


def _explain(view: iia.IiaView) -> None:
    fee = ui.plain_percent(view.lead_fee_percent)
    if view.we_lead:
        st.caption(
            "We lead: we license and collect for every owner. From each income we take the "
            f"lead's fee ({fee} %) and recover the patent costs; "
            "each co-owner is paid its ownership share of what is left (the net "
            "consideration), and our policy shares only our part with our inventors."
        )
    else:
        st.caption(
            f"{view.lead_name} leads: it licenses, collects and pays us our share (after its "
            f"fee of {fee} %, the patent costs and the other owners' "
            "shares). Record what it pays us as income of the license; our policy shares it "
            "as received."
        )


def render(case_id: int, *, can_work: bool, file_stem: str) -> None:
    if not ui.can("iia.read"):
        st.caption("Ownership is the licensing office's and finance's to read.")
        return
    with ui.reading() as session:
        view = iia.get_iia(session, actor=ui.actor(), disclosure_id=case_id)
    manage = can_work and ui.can("iia.manage")
    if view is None:
        st.caption(
            "Ours alone: no inter-institutional agreement is recorded. Record one when another "
            "institution owns part of the invention (a co-inventor's employer)."
        )
    else:
        st.markdown(
            f"**Inter-institutional agreement** {view.reference}"
            + (f" · in force from {view.effective_on:%d %b %Y}" if view.effective_on else "")
        )
        _table(view, file_stem)
        _explain(view)
        if view.note:
            st.text(view.note)
        st.download_button(
            "Download the IIA (Word)",
            ui.deferred(iia.iia_docx, disclosure_id=case_id),
            file_name=f"iia-{file_stem}.docx",
            mime=ui.DOCX_MIME,
            icon=":material/description:",
            key="iia_download",
        )
    if manage:
        _form(case_id, view)
        if view is not None:
            _remove(case_id)


def _form(case_id: int, view: iia.IiaView | None) -> None:
    current = view.form() if view else IiaForm()
    count = max(ROWS, len(current.co_owners) + 1)  # always room for one more
    owners = current.co_owners + [CoOwnerForm() for _ in range(count - len(current.co_owners))]
    prefix = ui.widget_key(f"iia_{case_id}_")
    with (
        st.expander(
            "Change the inter-institutional agreement"
            if view
            else "Record an inter-institutional agreement",
            expanded=view is None,
        ),
        st.form(f"{prefix}form"),
    ):
        st.caption(
            "List every other owner; our part is what they leave. A share of the patent costs "
            "left empty is the same as the ownership."
        )
        rows = []
        for number, owner in enumerate(owners, start=1):
            name_col, own_col, cost_col, mail_col = st.columns([3, 1, 1, 2])
            rows.append(
                CoOwnerForm(
                    name=name_col.text_input(
                        f"Co-owner {number}", owner.name, max_chars=200, key=f"{prefix}name{number}"
                    ),
                    ownership_percent=own_col.text_input(
                        "Ownership %", owner.ownership_percent, key=f"{prefix}own{number}"
                    ),
                    cost_share_percent=cost_col.text_input(
                        "Costs %", owner.cost_share_percent, key=f"{prefix}cost{number}"
                    ),
                    contact_email=mail_col.text_input(
                        "Contact e-mail", owner.contact_email, key=f"{prefix}mail{number}"
                    ),
                )
            )
        choices = [US, *range(1, count + 1)]

        def party(position: int) -> str:
            return "Our office" if position == US else f"Co-owner {position}"

        lead_col, pros_col, fee_col = st.columns(3)
        lead = lead_col.selectbox(
            "Lead institution",
            choices,
            index=choices.index(current.lead),
            format_func=party,
            key=f"{prefix}lead",
        )
        prosecution = pros_col.selectbox(
            "Manages prosecution",
            choices,
            index=choices.index(current.prosecution),
            format_func=party,
            key=f"{prefix}prosecution",
        )
        fee = fee_col.text_input("Lead's fee %", current.lead_fee_percent, key=f"{prefix}fee")
        ref_col, day_col = st.columns(2)
        reference = ref_col.text_input(
            "Reference", current.reference, max_chars=100, key=f"{prefix}reference"
        )
        effective = day_col.date_input(
            "In force from", current.effective_on, key=f"{prefix}effective"
        )
        note = st.text_area("Note", current.note, max_chars=2000, key=f"{prefix}note")
        if st.form_submit_button("Save the IIA", type="primary"):
            ui.attempt(
                iia.save_iia,
                disclosure_id=case_id,
                form=IiaForm(
                    co_owners=rows,
                    lead=lead,
                    prosecution=prosecution,
                    lead_fee_percent=fee,
                    effective_on=effective,
                    reference=reference,
                    note=note,
                ),
                success="Inter-institutional agreement saved; incomes distributed from now on "
                "follow it.",
                clear=f"iia_{case_id}_",
            )


def _remove(case_id: int) -> None:
    with st.expander("Remove the IIA (recorded by mistake)"), st.form(f"iia_{case_id}_remove"):
        reason = st.text_input("Why", max_chars=500, key=f"iia_{case_id}_remove_reason")
        sure = st.checkbox(
            "The technology is ours alone: remove its IIA (distributions already posted stay "
            "as they are)",
            key=f"iia_{case_id}_remove_sure",
        )
        if st.form_submit_button("Remove the IIA"):
            if not sure:
                st.error("Tick the box to confirm the removal.")
            else:
                ui.attempt(
                    iia.remove_iia,
                    disclosure_id=case_id,
                    reason=reason,
                    success="Inter-institutional agreement removed.",
                    clear=f"iia_{case_id}_remove",
                )
