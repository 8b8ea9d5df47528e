"""The Patents tab of the case file: the family, its deadlines, costs and Bayh-Dole."""

from __future__ import annotations

from datetime import date

import streamlit as st

from tlo import ui
from tlo.money import dollars, from_cents
from tlo.patents import services as patents
from tlo.patents.deadlines import ActionType
from tlo.patents.models import ApplicationStatus, ApplicationType
from tlo.patents.services import ApplicationForm, DocketFilters

# The earliest date the forms offer (Streamlit's own default is ten years back; a granted
# family's first filing is often older).
EARLIEST = date(1980, 1, 1)


def _name(application) -> str:
    number = application.application_number or "no number yet"
    return (
        f"{application.jurisdiction} {ApplicationType(application.application_type).label} "
        f"({number}, filed {application.filing_date})"
    )


def _answer(action) -> str:
    if action.responded_on is None:
        return "open"
    if ActionType(action.action_type) is ActionType.NOTICE_OF_ALLOWANCE:
        return f"issue fee paid {action.responded_on}"
    return f"answered {action.responded_on}"


def render(case_id: int, *, can_work: bool, file_stem: str) -> None:
    """`file_stem` begins the names of the tables' Excel files (the case's docket)."""
    actor = ui.actor()
    with ui.reading() as session:
        view = patents.patent_case(session, actor=actor, disclosure_id=case_id)
        deadlines = (
            patents.docket(
                session,
                actor=actor,
                filters=DocketFilters(disclosure_id=case_id, include_closed=True),
            ).entries
            if ui.can("docket.read")
            else []
        )

    st.markdown("**Family**")
    if not view.family:
        st.caption("No applications recorded yet.")
    for node in view.family:
        app = node.application
        indent = "&nbsp;" * 6 * node.depth + ("↳ " if node.depth else "")
        published = (
            f" · published {app.publication_number or '(no number)'} on {app.publication_date}"
            if app.publication_date or app.publication_number
            else ""
        )
        grant = f" · granted {app.grant_number} on {app.grant_date}" if app.grant_date else ""
        counsel = f" · {app.counsel_firm}" if app.counsel_firm else ""
        st.markdown(
            f"{indent}**{_name(app)}** · priority {node.priority_date} · "
            f"{ApplicationStatus(app.status).label}{published}{grant}{counsel}"
        )
        for action in view.office_actions.get(app.id, []):
            st.caption(f"{indent}{_action_name(action)} ({_answer(action)})")

    if deadlines:
        st.markdown("**Deadlines**")
        ui.table(
            [
                {
                    "Deadline": e.item.label,
                    "Concerning": e.item.subject,
                    "Due": e.item.due,
                    "Act by": e.item.act_by,
                    "State": "OVERDUE" if e.overdue else e.state,
                }
                for e in deadlines
            ],
            name=f"deadlines-{file_stem}",
        )

    total, paid, unpaid = st.columns(3)
    total.metric("Patent costs", f"{dollars(view.totals.total)}")
    paid.metric("Paid", f"{dollars(view.totals.paid)}")
    unpaid.metric("Unpaid invoices", f"{dollars(view.totals.unpaid)}")
    families = view.family_totals
    if len(families) > 1:
        roots = {node.application.id: node.application for node in view.family}
        st.caption(
            " · ".join(
                f"Family of {_name(roots[root])}: {dollars(total)}"
                for root, total in families.items()
            )
        )
    invoices = [(app_id, cost) for app_id, costs in view.costs.items() for cost in costs]
    if invoices:
        names = {node.application.id: _name(node.application) for node in view.family}
        ui.table(
            [
                {
                    "Application": names[app_id],
                    "Invoice date": cost.invoice_date,
                    "Invoice": cost.invoice_number,
                    "Description": cost.description,
                    "Amount": from_cents(cost.amount_cents),
                    "Paid": cost.paid,
                    "Paid on": cost.paid_on,
                }
                for app_id, cost in invoices
            ],
            name=f"patent-costs-{file_stem}",
        )

    applications = [node.application for node in view.family]
    if can_work:
        _application_form(case_id, applications, view.federal)
        if applications:
            _application_forms(case_id, view)
    if applications and ui.can("patent.cost"):
        _cost_form(applications)
        if invoices:
            _payment_form(invoices, names)
    if view.federal and can_work:
        _bayh_dole_form(case_id, view.bayh_dole)


def _application_form(case_id, applications, federal) -> None:
    with st.expander("Record a filed application", icon=":material/add:"), st.form("app_add"):
        kind_col, place_col, date_col = st.columns(3)
        kind = kind_col.selectbox(
            "Type", list(ApplicationType), format_func=lambda t: t.label, key="app_type"
        )
        jurisdiction = place_col.text_input(
            "Jurisdiction (US, WO for PCT, EP, JP ...)", value="US", key="app_jurisdiction"
        )
        filed = date_col.date_input("Filing date", value=None, key="app_filed")
        number = st.text_input("Application number", key="app_number")
        parent = st.selectbox(
            "Claims priority from / continues",
            applications,
            index=None,
            format_func=_name,
            key="app_parent",
        )
        firm_col, attorney_col, docket_col = st.columns(3)
        firm = firm_col.text_input("Outside counsel (firm)", key="app_firm")
        attorney = attorney_col.text_input("Attorney", key="app_attorney")
        counsel_docket = docket_col.text_input("Counsel's docket number", key="app_docket")
        clause = st.checkbox(
            "Government-support clause included"
            + (" (required: federally funded)" if federal else ""),
            key="app_clause",
        )
        if st.form_submit_button("Record application", type="primary"):
            ui.attempt(
                patents.add_application,
                disclosure_id=case_id,
                form=ApplicationForm(
                    jurisdiction=jurisdiction,
                    application_type=kind,
                    filing_date=filed,
                    application_number=number,
                    parent_id=parent.id if parent else None,
                    counsel_firm=firm,
                    counsel_attorney=attorney,
                    counsel_docket=counsel_docket,
                    government_support_clause=clause,
                ),
                success="Application recorded; its deadlines are on the docket.",
                clear="app_",
            )


def _application_forms(case_id, view) -> None:
    """One application of the family to work on: its publication, grant or abandonment, a
    correction of what was recorded, and its office actions."""
    nodes = {node.application.id: node for node in view.family}
    chosen = st.selectbox(
        "Application to work on",
        list(nodes),
        format_func=lambda app_id: _name(nodes[app_id].application),
        key=f"work_app_{case_id}",
    )
    app = nodes[chosen].application
    _status_form(app)
    _correction_form(app, view)
    _office_action_form(app)
    _response_form(view)


def _recorded_date(container, label, recorded, key):
    """A date input that shows the recorded date and can still be emptied: Streamlit lets a
    date input be cleared only when it starts empty, so the recorded date goes into its
    state instead of its default."""
    if key not in st.session_state:
        st.session_state[key] = recorded
    return container.date_input(label, value=None, min_value=EARLIEST, key=key)


def _status_form(app) -> None:
    # Every field shows what is on record, so saving a grant keeps the publication; the keys
    # name the application and move on after a save (ui.widget_key): fresh values then.
    k = f"{ui.widget_key('upd_')}{app.id}_"
    with (
        st.expander("Publication, grant or abandonment", icon=":material/edit:"),
        st.form("app_update"),
    ):
        statuses = list(ApplicationStatus)
        status = st.selectbox(
            "Status",
            statuses,
            index=statuses.index(ApplicationStatus(app.status)),
            format_func=lambda s: s.label,
            key=f"{k}status",
        )
        pub_col, pub_date_col = st.columns(2)
        publication = pub_col.text_input(
            "Publication number", value=app.publication_number, key=f"{k}pub"
        )
        published = _recorded_date(
            pub_date_col, "Publication date", app.publication_date, f"{k}pub_date"
        )
        grant_col, grant_date_col = st.columns(2)
        grant = grant_col.text_input("Patent number", value=app.grant_number, key=f"{k}grant")
        granted = _recorded_date(grant_date_col, "Grant date", app.grant_date, f"{k}grant_date")
        abandoned = _recorded_date(st, "Abandoned on", app.abandoned_on, f"{k}abandoned")
        if st.form_submit_button("Save"):
            ui.attempt(
                patents.update_application,
                application_id=app.id,
                status=status,
                publication_number=publication,
                publication_date=published,
                grant_number=grant,
                grant_date=granted,
                abandoned_on=abandoned,
                success="Application updated.",
                clear="upd_",
            )


def _descendants(app_id, family) -> set[int]:
    """The ids of the applications below this one in the family (depth-first order)."""
    ids: set[int] = set()
    depth = None
    for node in family:
        if depth is not None:
            if node.depth <= depth:
                break
            ids.add(node.application.id)
        elif node.application.id == app_id:
            depth = node.depth
    return ids


def _correction_form(app, view) -> None:
    k = f"{ui.widget_key('fix_')}{app.id}_"
    record = patents.application_form_of(app)
    excluded = {app.id} | _descendants(app.id, view.family)
    parents = [None] + [n.application for n in view.family if n.application.id not in excluded]
    names = {a.id: _name(a) for a in parents if a is not None}
    parent_ids = [a.id if a else None for a in parents]
    with (
        st.expander("Correct this application", icon=":material/edit_note:"),
        st.form("app_correct"),
    ):
        st.caption(
            "For what was recorded wrongly: a mistyped number or date, the wrong type, office "
            "or parent. The deadlines follow the corrected record; the reason and the record "
            "before and after are kept in the case's history."
        )
        kind_col, place_col, date_col = st.columns(3)
        kinds = list(ApplicationType)
        kind = kind_col.selectbox(
            "Type",
            kinds,
            index=kinds.index(record.application_type),
            format_func=lambda t: t.label,
            key=f"{k}type",
        )
        jurisdiction = place_col.text_input(
            "Jurisdiction (US, WO for PCT, EP, JP ...)",
            value=record.jurisdiction,
            key=f"{k}jurisdiction",
        )
        filed = date_col.date_input(
            "Filing date", value=record.filing_date, min_value=EARLIEST, key=f"{k}filed"
        )
        number_col, priority_col = st.columns(2)
        number = number_col.text_input(
            "Application number", value=record.application_number, key=f"{k}number"
        )
        priority = _recorded_date(
            priority_col,
            "Priority date, only if the family does not give it (e.g. a foreign priority)",
            record.priority_date_override,
            f"{k}priority",
        )
        parent_id = st.selectbox(
            "Claims priority from / continues",
            parent_ids,
            index=parent_ids.index(record.parent_id) if record.parent_id in parent_ids else 0,
            format_func=lambda i: names[i] if i is not None else "None: a family's first filing",
            key=f"{k}parent",
        )
        firm_col, attorney_col, docket_col = st.columns(3)
        firm = firm_col.text_input(
            "Outside counsel (firm)", value=record.counsel_firm, key=f"{k}firm"
        )
        attorney = attorney_col.text_input(
            "Attorney", value=record.counsel_attorney, key=f"{k}attorney"
        )
        counsel_docket = docket_col.text_input(
            "Counsel's docket number", value=record.counsel_docket, key=f"{k}docket"
        )
        clause = st.checkbox(
            "Government-support clause included"
            + (" (required: federally funded)" if view.federal else ""),
            value=record.government_support_clause,
            key=f"{k}clause",
        )
        reason = st.text_area(
            "Reason for the correction (required)",
            max_chars=patents.CORRECTION_REASON_MAX_LENGTH,
            key=f"{k}reason",
        )
        if st.form_submit_button("Save correction"):
            ui.attempt(
                patents.correct_application,
                application_id=app.id,
                form=ApplicationForm(
                    jurisdiction=jurisdiction,
                    application_type=kind,
                    filing_date=filed,
                    application_number=number,
                    parent_id=parent_id,
                    priority_date_override=priority,
                    counsel_firm=firm,
                    counsel_attorney=attorney,
                    counsel_docket=counsel_docket,
                    government_support_clause=clause,
                ),
                reason=reason,
                success="Application corrected; its deadlines follow the corrected record.",
                clear="fix_",
            )


def _office_action_form(app) -> None:
    k = ui.widget_key("oa_new_")
    with st.expander("Office action", icon=":material/gavel:"), st.form("oa_add"):
        kind_col, mailed_col = st.columns(2)
        kind = kind_col.selectbox(
            "Kind", list(ActionType), format_func=lambda t: t.label, key=f"{k}kind"
        )
        mailed = mailed_col.date_input("Mailed on", value=None, key=f"{k}mailed")
        description = st.text_input(
            "What it says (e.g. claims 1-12 rejected under 35 U.S.C. 103)", key=f"{k}text"
        )
        if st.form_submit_button("Record office action"):
            ui.attempt(
                patents.add_office_action,
                application_id=app.id,
                action_type=kind,
                mailed_on=mailed,
                description=description,
                success="Office action recorded.",
                clear="oa_new_",
            )


def _action_name(action) -> str:
    text = f": {action.description}" if action.description else ""
    return f"{ActionType(action.action_type).label} mailed {action.mailed_on}{text}"


def _response_form(view) -> None:
    open_actions = [
        a for actions in view.office_actions.values() for a in actions if a.responded_on is None
    ]
    if not open_actions:
        return
    by_id = {a.id: a for a in open_actions}
    action = by_id[
        st.selectbox(
            "Open office action",
            list(by_id),
            key="oa_open",
            format_func=lambda action_id: _action_name(by_id[action_id]),
        )
    ]
    # A notice of allowance is answered by paying the issue fee.
    allowance = ActionType(action.action_type) is ActionType.NOTICE_OF_ALLOWANCE
    with st.form("oa_answer"):
        answered = st.date_input(
            "Issue fee paid on" if allowance else "Response filed on",
            value=None,
            key=f"{ui.widget_key('oa_answer_')}{action.id}",
        )
        if st.form_submit_button("Record issue fee paid" if allowance else "Record response"):
            ui.attempt(
                patents.record_response,
                office_action_id=action.id,
                responded_on=answered,
                success="Issue fee recorded as paid." if allowance else "Response recorded.",
                clear="oa_answer_",
            )


def _cost_form(applications) -> None:
    with st.expander("Counsel invoice", icon=":material/receipt_long:"), st.form("cost_add"):
        app = st.selectbox("Application", applications, format_func=_name, key="cost_app")
        date_col, amount_col, number_col = st.columns(3)
        invoiced = date_col.date_input("Invoice date", value=None, key="cost_date")
        amount = amount_col.text_input("Amount in dollars (e.g. 4250.00)", key="cost_amount")
        number = number_col.text_input("Invoice number", key="cost_number")
        description = st.text_input("Description", key="cost_description")
        paid_on = st.date_input(
            "Paid on",
            value=None,
            key="cost_paid_on",
            help="Empty while the invoice is unpaid. The AUTM survey counts legal fees in the "
            "fiscal year they were paid.",
        )
        if st.form_submit_button("Record invoice"):
            if invoiced is None:
                st.error("Give the invoice date.")
            else:
                ui.attempt(
                    patents.add_cost,
                    application_id=app.id,
                    invoice_date=invoiced,
                    amount=amount,
                    invoice_number=number,
                    description=description,
                    paid_on=paid_on,
                    success="Invoice recorded.",
                    clear="cost_",
                )


def _payment_form(invoices, names) -> None:
    """The day an unpaid invoice was paid."""
    unpaid = [(app_id, cost) for app_id, cost in invoices if not cost.paid]
    if not unpaid:
        return
    with (
        st.expander("Invoice paid", icon=":material/payments:"),
        st.form("cost_payment"),
    ):
        _, cost = st.selectbox(
            "Unpaid invoice",
            unpaid,
            format_func=lambda item: (
                f"{names[item[0]]} · {item[1].invoice_date} · "
                f"{item[1].invoice_number or 'no number'} · "
                f"{dollars(from_cents(item[1].amount_cents))}"
            ),
            key="cost_payment_pick",
        )
        paid_on = st.date_input("Paid on", value=None, key="cost_payment_on")
        if st.form_submit_button("Record payment"):
            if paid_on is None:
                st.error("Give the date the invoice was paid.")
            else:
                ui.attempt(
                    patents.record_cost_payment,
                    cost_id=cost.id,
                    paid_on=paid_on,
                    success="Payment recorded.",
                    clear="cost_payment_",
                )


def _bayh_dole_form(case_id, record) -> None:
    with (
        st.expander("Bayh-Dole compliance", icon=":material/account_balance:", expanded=True),
        st.form("bayh_dole"),
    ):
        agency_col, award_col, iedison_col = st.columns(3)
        agency = agency_col.text_input(
            "Agency", value=record.agency if record else "", key="bd_agency"
        )
        award = award_col.text_input(
            "Award", value=record.award_number if record else "", key="bd_award"
        )
        iedison = iedison_col.text_input(
            "iEdison invention report number",
            value=record.iedison_number if record else "",
            key="bd_iedison",
        )
        reported_col, election_col, elected_col = st.columns(3)
        reported = reported_col.date_input(
            "Reported to the agency on",
            value=record.reported_on if record else None,
            key="bd_reported",
        )
        options = ["pending", "elected", "declined"]
        election = election_col.selectbox(
            "Title election",
            options,
            key="bd_election",
            index=options.index(record.election) if record else 0,
        )
        elected = elected_col.date_input(
            "Elected on", value=record.elected_on if record else None, key="bd_elected"
        )
        if st.form_submit_button("Save Bayh-Dole record"):
            ui.attempt(
                patents.save_bayh_dole,
                disclosure_id=case_id,
                agency=agency,
                award_number=award,
                iedison_number=iedison,
                reported_on=reported,
                election=election,
                elected_on=elected,
                success="Bayh-Dole record saved.",
            )
