"""The inventors' shares in a case file: where each share stands (confirmed, confirmed by the
office for an outside co-inventor, disputed, awaiting) with what the reader may see of why, and
the officer's part: record an outside co-inventor's answer with its evidence, resolve a dispute
(recorded withdrawn, or the shares changed). The rules are in tlo/disclosures/shares.py."""

from __future__ import annotations

import streamlit as st

from tlo import clock, ui
from tlo.config import get_settings
from tlo.disclosures import attachments, intake, shares
from tlo.disclosures.intake import InventorEntry
from tlo.disclosures.models import DisclosureStatus
from tlo.disclosures.queries import CaseView
from tlo.disclosures.shares import ShareStanding, ShareState

CONFIRM, DISPUTE = "Confirms the share", "Disputes the share"


def standings(view: CaseView) -> dict[int, ShareStanding]:
    """Where each inventor's share stands, by person id."""
    with ui.reading() as session:
        found = shares.share_standings(session, actor=ui.actor(), disclosure_id=view.disclosure.id)
    return {standing.person_id: standing for standing in found}


def percent(share) -> str:
    """A share as people write it: 30, 33.33."""
    return f"{share.normalize():f}"


def _day(moment) -> str:
    return f"{clock.office_date(moment):%d %B %Y}".lstrip("0") if moment else ""


def details(view: CaseView, found: dict[int, ShareStanding]) -> None:
    """The disputes and the confirmations recorded by the office, as far as the reader may
    read them (their reason and evidence: the office and the inventor concerned)."""
    for standing in found.values():
        if standing.state is ShareState.DISPUTED:
            who = "The office recorded that " if standing.on_behalf else ""
            reason = f": “{standing.note}”" if standing.note else ""
            st.warning(
                f"{who}{standing.name} disputes their {percent(standing.share)} % share "
                f"(since {_day(standing.recorded_at)}){reason}  \n"
                "The licensing officer resolves it: the shares are changed, or the dispute is "
                "recorded withdrawn.",
                icon=":material/gavel:",
            )
        elif standing.state is ShareState.CONFIRMED_FOR and standing.note is not None:
            note = f": “{standing.note}”" if standing.note else ""
            st.caption(
                f"{standing.name}'s confirmation was recorded by {standing.recorded_by} on "
                f"{_day(standing.recorded_at)}{note}"
            )
        if standing.attachment_id is not None:
            st.download_button(
                f"Evidence: {standing.attachment_name}",
                ui.deferred(
                    lambda session, actor, attachment_id: (
                        attachments.read_attachment(
                            session, actor=actor, attachment_id=attachment_id
                        ).content
                    ),
                    attachment_id=standing.attachment_id,
                ),
                file_name=standing.attachment_name,
                key=f"share_evidence_{standing.response_id}",
                icon=":material/attach_file:",
            )


def officer_part(view: CaseView, found: dict[int, ShareStanding]) -> None:
    """What the case's officer (or the director) does about the shares."""
    if not view.can_work or view.status is DisclosureStatus.DRAFT:
        return
    case_id = view.disclosure.id
    answering = [
        s
        for s in found.values()
        if s.answers_through_office and s.state in (ShareState.AWAITING, ShareState.DISPUTED)
    ]
    if answering:
        _record_answer(case_id, answering)
    for standing in found.values():
        if standing.state is ShareState.DISPUTED:
            _withdraw(case_id, standing)
    _change_shares(case_id, list(found.values()))


def _record_answer(case_id: int, answering: list[ShareStanding]) -> None:
    prefix = f"sa_{case_id}_answer"
    with (
        st.expander("Record an outside co-inventor's answer", icon=":material/how_to_reg:"),
        st.form(ui.widget_key(prefix)),
    ):
        st.caption(
            "For a co-inventor who cannot confirm in tlo themselves (of another institution or "
            "a company, or with no account). Keep the evidence: a note of how and when they "
            "answered, their e-mail or signed form as a file, or both."
        )
        names = {s.person_id: f"{s.name} ({percent(s.share)} %)" for s in answering}
        person_id = st.selectbox(
            "Co-inventor", list(names), format_func=names.get, key=f"{prefix}_person"
        )
        answer = st.radio("Their answer", [CONFIRM, DISPUTE], key=f"{prefix}_kind")
        note = st.text_area(
            "Evidence: how and when they answered (for a dispute, their reason)",
            key=f"{prefix}_note",
        )
        upload = st.file_uploader(
            "Their e-mail or signed form (PDF, Word, image or text)",
            key=f"{prefix}_file",
            max_upload_size=get_settings().attachment_max_mb,
        )
        if st.form_submit_button("Record their answer", type="primary"):
            evidence = {
                "evidence_name": upload.name if upload else None,
                "evidence": upload.getvalue() if upload else None,
            }
            if answer == CONFIRM:
                ui.attempt(
                    shares.confirm_share_for,
                    disclosure_id=case_id,
                    person_id=person_id,
                    note=note,
                    success="Their confirmation is recorded, with its evidence.",
                    clear=prefix,
                    **evidence,
                )
            else:
                ui.attempt(
                    shares.dispute_share_for,
                    disclosure_id=case_id,
                    person_id=person_id,
                    reason=note,
                    success="Their dispute is recorded: resolve it below.",
                    clear=prefix,
                    **evidence,
                )


def _withdraw(case_id: int, standing: ShareStanding) -> None:
    prefix = f"sa_{case_id}_withdraw_{standing.person_id}"
    with (
        st.expander(f"Resolve {standing.name}'s dispute", icon=":material/gavel:"),
        st.form(ui.widget_key(prefix)),
    ):
        st.caption(
            "Either change the shares (below: everyone then confirms the new ones), or, if "
            f"{standing.name} accepts the share as it is, record the dispute withdrawn."
        )
        note = st.text_area("How was it settled?", key=f"{prefix}_note")
        if st.form_submit_button("Record the dispute withdrawn"):
            ui.attempt(
                shares.withdraw_dispute,
                disclosure_id=case_id,
                person_id=standing.person_id,
                note=note,
                success=f"{standing.name}'s dispute is recorded withdrawn; their share waits "
                "for their confirmation.",
                clear=prefix,
            )


def _change_shares(case_id: int, inventors: list[ShareStanding]) -> None:
    prefix = f"sa_{case_id}_shares"
    with (
        st.expander("Change the shares", icon=":material/percent:"),
        st.form(ui.widget_key(prefix)),
    ):
        st.caption(
            "A change makes a new share version: every inventor confirms the new shares again, "
            "and every open dispute is resolved by it."
        )
        entered = {
            s.person_id: st.text_input(
                f"{s.name} (%)", value=percent(s.share), key=f"{prefix}_{s.person_id}"
            )
            for s in inventors
        }
        sure = st.checkbox("Every inventor confirms the new shares again", key=f"{prefix}_sure")
        if st.form_submit_button("Change the shares"):
            if not sure:
                st.error("Tick the box to confirm: every inventor will confirm the shares again.")
                return
            changed = ui.attempt(
                intake.change_shares,
                disclosure_id=case_id,
                inventors=[InventorEntry(person_id, share) for person_id, share in entered.items()],
            )
            if changed:
                ui.flash("Shares changed: every inventor confirms the new ones.")
                st.rerun()
            elif changed is False:
                st.info(
                    "The shares are as they were: nothing changed. To keep them, record a "
                    "dispute withdrawn."
                )
