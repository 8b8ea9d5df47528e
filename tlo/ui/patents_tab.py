"""The Patents tab of the case file: the family, its deadlines, costs and Bayh-Dole."""

from __future__ import annotations

import streamlit as st

from tlo import ui
from tlo.money import dollars, from_cents
from tlo.patents import services as patents
from tlo.patents.models import ApplicationStatus, ApplicationType
from tlo.patents.services import ApplicationForm, DocketFilters


def _name(application) -> str:
    number = application.application_number or "no number yet"
    return (
        f"{application.jurisdiction} {ApplicationType(application.application_type).label} "
        f"({number}, filed {application.filing_date})"
    )


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
        grant = f" · granted {app.grant_number} on {app.grant_date}" if app.grant_date else ""
        counsel = f" · {app.counsel_firm}" if app.counsel_firm else ""
        st.markdown(
            f"{indent}**{_name(app)}** · priority {node.priority_date} · "
            f"{ApplicationStatus(app.status).label}{grant}{counsel}"
        )
        for action in view.office_actions.get(app.id, []):
            answered = f"answered {action.responded_on}" if action.responded_on else "open"
            st.caption(
                f"{indent}Office action mailed {action.mailed_on}: "
                f"{action.description} ({answered})"
            )

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
                }
                for app_id, cost in invoices
            ],
            name=f"patent-costs-{file_stem}",
        )

    applications = [node.application for node in view.family]
    if can_work:
        _application_form(case_id, applications, view.federal)
        if applications:
            _update_forms(applications, view)
    if applications and ui.can("patent.cost"):
        _cost_form(applications)
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


def _update_forms(applications, view) -> None:
    with (
        st.expander("Publication, grant or abandonment", icon=":material/edit:"),
        st.form("app_update"),
    ):
        app = st.selectbox("Application", applications, format_func=_name, key="upd_app")
        status = st.selectbox(
            "Status", list(ApplicationStatus), format_func=lambda s: s.label, key="upd_status"
        )
        pub_col, pub_date_col = st.columns(2)
        publication = pub_col.text_input("Publication number", key="upd_pub")
        published = pub_date_col.date_input("Publication date", value=None, key="upd_pub_date")
        grant_col, grant_date_col = st.columns(2)
        grant = grant_col.text_input("Patent number", key="upd_grant")
        granted = grant_date_col.date_input("Grant date", value=None, key="upd_grant_date")
        abandoned = st.date_input("Abandoned on", value=None, key="upd_abandoned")
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
    with st.expander("Office action", icon=":material/gavel:"), st.form("oa_add"):
        app = st.selectbox("Application", applications, format_func=_name, key="oa_app")
        mailed = st.date_input("Mailed on", value=None, key="oa_mailed")
        description = st.text_input("What it says (e.g. non-final rejection)", key="oa_text")
        if st.form_submit_button("Record office action"):
            if mailed is None:
                st.error("Give the date the office action was mailed.")
            else:
                ui.attempt(
                    patents.add_office_action,
                    application_id=app.id,
                    mailed_on=mailed,
                    description=description,
                    success="Office action recorded.",
                    clear="oa_",
                )
    open_actions = [
        a for actions in view.office_actions.values() for a in actions if a.responded_on is None
    ]
    if open_actions:
        with st.form("oa_answer"):
            action = st.selectbox(
                "Open office action",
                open_actions,
                key="oa_open",
                format_func=lambda a: f"mailed {a.mailed_on}: {a.description}",
            )
            answered = st.date_input("Response filed on", value=None, key="oa_answered")
            if st.form_submit_button("Record response"):
                if answered is None:
                    st.error("Give the date the response was filed.")
                else:
                    ui.attempt(
                        patents.record_response,
                        office_action_id=action.id,
                        responded_on=answered,
                        success="Response recorded.",
                        clear="oa_answer",
                    )


def _cost_form(applications) -> None:
    with st.expander("Counsel invoice", icon=":material/receipt_long:"), st.form("cost_add"):
        app = st.selectbox("Application", applications, format_func=_name, key="cost_app")
        date_col, amount_col, number_col = st.columns(3)
        invoiced = date_col.date_input("Invoice date", value=None, key="cost_date")
        amount = amount_col.text_input("Amount in dollars (e.g. 4250.00)", key="cost_amount")
        number = number_col.text_input("Invoice number", key="cost_number")
        description = st.text_input("Description", key="cost_description")
        paid = st.checkbox("Paid", key="cost_paid")
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
                    paid=paid,
                    success="Invoice recorded.",
                    clear="cost_",
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
