"""Case file: everything about one disclosure, and the officer's work on it."""

import streamlit as st

from tlo import audit, case_summary, search, ui
from tlo.disclosures import attachments, casework, queries, signatures, targets
from tlo.disclosures.casework import MANUAL_ACTIONS, Scorecard
from tlo.disclosures.rules import CRITERIA
from tlo.disclosures.workflow import FILING_DECISIONS, Action
from tlo.errors import DomainError
from tlo.ui import case_view, marketing_tab, ownership_tab, patents_tab

actor = ui.actor()

wanted = ui.record_from_url("case")  # ?case=S26-0142: a link, a bookmark, a reload
opened = None
if wanted is not None:
    opened = ui.case_id_for_docket(wanted)
    if opened is None:
        ui.no_such_record("case", wanted)
    else:
        st.session_state[ui.OPEN_CASE_KEY] = opened
        for key in ("case_find", "case_pick"):  # the link wins over an earlier search
            st.session_state.pop(key, None)

find_col, pick_col = st.columns(2, vertical_alignment="bottom")
text = find_col.text_input(
    "Find a case by docket, title, keyword or inventor", key="case_find", max_chars=200
)
found = None
if text.strip():
    try:
        with ui.reading() as session:
            found = search.find_cases(session, actor=actor, text=text)
    except DomainError as err:
        find_col.error(str(err))
if found is not None:
    with pick_col:
        picked = st.selectbox(
            f"Matching cases ({search.LIMIT}+: add a word)" if found.more else "Matching cases",
            found.hits,
            index=None,
            key="case_pick",
            format_func=lambda hit: hit.label,
        )
    if picked is not None and st.session_state.get(ui.OPEN_CASE_KEY) != picked.id:
        st.session_state[ui.OPEN_CASE_KEY] = picked.id

case_id = st.session_state.get(ui.OPEN_CASE_KEY)
if case_id is None:
    st.title("Case file")
    st.info(
        "Find a case by its docket number, or open one from *All disclosures* or the "
        "*Intake queue*."
    )
    st.stop()

with ui.reading() as session:
    view = queries.get_case(session, actor=actor, disclosure_id=case_id)
    signed = signatures.status(session, actor=actor, disclosure_id=case_id)
    step = targets.next_step(session, view.disclosure, view.timeline)
disclosure = view.disclosure
file_stem = case_view.file_stem(disclosure)
ui.show_record_in_url("case", disclosure.docket)  # a reload or a copied address opens it again

st.title(f"{disclosure.docket or 'Draft'} · {disclosure.title}")
badge_col, officer_col, received_col, summary_col = st.columns(
    [2, 2, 3, 2], vertical_alignment="center"
)
with badge_col:
    case_view.status_badge(view.status)
officer_col.caption(f"Officer: {view.officer_name or 'not assigned'}")
received_col.caption(
    f"Received {case_view.local(disclosure.submitted_at) or '—'} · "
    f"submitted by {view.submitter_name}"
)
summary_col.download_button(
    "Case summary (Word)",
    ui.deferred(case_summary.case_summary_docx, disclosure_id=case_id),
    file_name=f"{file_stem}-summary.docx",
    mime=ui.DOCX_MIME,
    key="case_summary",
    icon=":material/description:",
    help="Status and history, inventors, funding, patents and deadlines, agreements, income "
    "and outreach: what your role may read",
    on_click="ignore",  # the page, and its open tab, stay as they are
)
if not view.can_work and view.officer_name:
    st.caption(f"This case is {view.officer_name}'s: only they or the director change it.")
case_view.next_step(step, inventor=False)
case_view.flags(view.flags)

# The open tab survives every rerun and action, and the address names it (&tab=patents).
tabs = case_view.case_tabs(case_id, followed_link=opened is not None)

with tabs[0]:
    case_view.disclosure_texts(disclosure)
    st.markdown(
        f"**Stage of development:** {view.stage_label}  \n"
        f"**Keywords:** {disclosure.keywords or '—'}"
    )

with tabs[1]:
    case_view.inventors(view)
    case_view.signatures(view, signed)
    case_view.funding_and_public_disclosures(view)

with tabs[2]:
    if not view.attachments:
        st.caption("No attachments.")
    for item in view.attachments:
        st.download_button(
            f"{item.original_name} ({item.size_bytes / 1024:.0f} KB)",
            ui.deferred(
                lambda session, actor, attachment_id: (
                    attachments.read_attachment(
                        session, actor=actor, attachment_id=attachment_id
                    ).content
                ),
                attachment_id=item.id,
            ),
            file_name=item.original_name,
            mime=item.content_type,
            key=f"attachment_{item.id}",
            icon=":material/attach_file:",
        )

with tabs[3]:
    for evaluation in view.evaluations:
        st.markdown(
            f"**{case_view.local(evaluation.evaluated_at)}** · {evaluation.evaluated_by_name} · "
            f"weighted score **{evaluation.weighted_score_x100 / 100:.2f}** of 5"
            + (
                f" · recommends *{Action(evaluation.recommendation).label}*"
                if evaluation.recommendation
                else ""
            )
        )
        ui.table(
            [
                {
                    "Criterion": label,
                    "Score": getattr(evaluation, name),
                    "Note": getattr(evaluation, f"{name}_note"),
                }
                for name, label in CRITERIA.items()
            ],
            name=f"scorecard-{file_stem}-{case_view.local(evaluation.evaluated_at)[:10]}",
            key=f"scorecard_{evaluation.id}",
        )
        if evaluation.prior_art_notes:
            st.caption(f"Prior art: {evaluation.prior_art_notes}")
    if view.can_work:
        with st.form("scorecard"):
            k = ui.widget_key("score_")  # a fresh key after saving: the browser forgets the text
            st.markdown("**New scorecard** (1 = poor, 5 = excellent)")
            scores, notes = {}, {}
            for name, label in CRITERIA.items():
                score_col, note_col = st.columns([1, 3])
                scores[name] = score_col.number_input(
                    label, min_value=1, max_value=5, value=3, step=1, key=f"{k}{name}"
                )
                notes[name] = note_col.text_input(f"Note on {label.lower()}", key=f"{k}note_{name}")
            prior_art = st.text_area("Prior-art notes", key=f"{k}prior_art")
            recommendation = st.selectbox(
                "Recommendation",
                FILING_DECISIONS,
                index=None,
                format_func=lambda a: a.label,
                key=f"{k}recommendation",
            )
            if st.form_submit_button("Save scorecard", type="primary"):
                ui.attempt(
                    casework.record_evaluation,
                    disclosure_id=case_id,
                    scorecard=Scorecard(scores, notes, prior_art, recommendation),
                    success="Scorecard saved.",
                    clear="score_",
                )

with tabs[4]:
    for decision in view.decisions:
        review = f" · review on {decision.review_on}" if decision.review_on else ""
        st.markdown(
            f"**{Action(decision.decision).label}** · "
            f"{case_view.local(decision.decided_at)} · {decision.decided_by_name}"
            f"{review}"
        )
        st.text(decision.rationale)
    open_decisions = [action for action in FILING_DECISIONS if action in view.actions]
    if open_decisions:
        with st.form("decision"):
            k = ui.widget_key("decision_")
            choice = st.selectbox(
                "Filing decision",
                open_decisions,
                format_func=lambda a: a.label,
                key=f"{k}choice",
            )
            rationale = st.text_area("Rationale", key=f"{k}rationale")
            review_on = st.date_input(
                "Review date (for a deferral)", value=None, key=f"{k}review_on"
            )
            if st.form_submit_button("Record decision", type="primary"):
                ui.attempt(
                    casework.record_filing_decision,
                    disclosure_id=case_id,
                    decision=choice,
                    rationale=rationale,
                    review_on=review_on if choice is Action.DEFER else None,
                    success=f"Decision recorded: {choice.label}.",
                    clear="decision_",
                )
    elif not view.decisions:
        st.caption("Decisions are recorded once the case is under evaluation.")

with tabs[5]:
    case_view.timeline(view)
    steps = [action for action in MANUAL_ACTIONS if action in view.actions]
    if steps:
        with st.form("workflow"):
            k = ui.widget_key("workflow_")
            step = st.selectbox("Next step", steps, format_func=lambda a: a.label, key=f"{k}step")
            reason = st.text_input("Reason or reference", key=f"{k}reason")
            if st.form_submit_button("Move the case"):
                ui.attempt(
                    casework.take_action,
                    disclosure_id=case_id,
                    action=step,
                    rationale=reason,
                    success=f"Done: {step.label}.",
                    clear="workflow_",
                )
    if view.can_assign:
        with ui.reading() as session:
            officers = casework.list_officers(session, actor=actor)
        with st.form("reassign"):
            k = ui.widget_key("reassign_")  # after a change: the new officer, an empty reason
            current = view.disclosure.officer_person_id
            officer = st.selectbox(
                "Licensing officer",
                officers,
                format_func=lambda o: o.name,
                key=f"{k}officer",
                # the case's own officer first in view, not whoever is first in the list
                index=next((i for i, o in enumerate(officers) if o.person_id == current), 0),
            )
            if current is None:  # triage: the first officer of a new case
                if st.form_submit_button("Assign to this officer"):
                    ui.attempt(
                        casework.assign_officer,
                        disclosure_id=case_id,
                        officer_person_id=officer.person_id,
                        success=f"Assigned to {officer.name}.",
                        clear="reassign_",
                    )
            else:
                reason = st.text_input(
                    "Reason for reassigning (kept in the audit log)",
                    key=f"{k}reason",
                    max_chars=casework.REASSIGN_REASON_MAX_LENGTH,
                )
                if st.form_submit_button("Reassign to this officer"):
                    ui.attempt(
                        casework.reassign_officer,
                        disclosure_id=case_id,
                        officer_person_id=officer.person_id,
                        reason=reason,
                        success=f"Reassigned to {officer.name}.",
                        clear="reassign_",
                    )

with tabs[6]:
    if view.can_work:
        with st.form("note"):
            text = st.text_area("Note", key=f"{ui.widget_key('note_')}text")
            if st.form_submit_button("Add note"):
                ui.attempt(
                    casework.add_note,
                    disclosure_id=case_id,
                    text=text,
                    success="Note added.",
                    clear="note_",
                )
    for note in view.notes:
        st.markdown(f"**{case_view.local(note.written_at)}** · {note.written_by_name}")
        st.text(note.text)

with tabs[7]:
    ui.table(
        [
            {
                "When": entry.at,
                "Who": entry.actor_name,
                "Action": entry.action,
                "Before": audit.as_text(entry.before),
                "After": audit.as_text(entry.after),
            }
            for entry in view.history
        ],
        name=f"history-{file_stem}",
    )

with tabs[8]:
    patents_tab.render(case_id, can_work=view.can_work, file_stem=file_stem)

with tabs[9]:
    if ui.can("outreach.read"):
        marketing_tab.render(case_id, can_work=view.can_work, file_stem=file_stem)
    else:
        st.caption("Outreach is the licensing officers' work.")

with tabs[10]:
    ownership_tab.render(case_id, can_work=view.can_work, file_stem=file_stem)
