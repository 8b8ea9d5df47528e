"""Agreements: license, option and confidentiality agreements, their terms and obligations."""

from decimal import Decimal

import streamlit as st

from tlo import ui
from tlo.db import unit_of_work
from tlo.errors import DomainError, NotFound
from tlo.licensing import agreements, drafts, terms
from tlo.licensing.agreement_models import (
    DEFAULT_REPORT_DUE_DAYS,
    AgreementStatus,
    AgreementType,
    ReportPeriod,
)
from tlo.licensing.agreements import AgreementForm
from tlo.licensing.models import CompanySize
from tlo.money import dollars, from_cents
from tlo.patents.models import ApplicationStatus, ApplicationType
from tlo.ui import agent_panel, draft_panel, pickers, pool_panel
from tlo.ui.search_box import escaped  # data shown in markdown as it is ("$" is no maths)

actor = ui.actor()
wanted = ui.record_from_url("agreement")  # a followed link: ?agreement=AGR-00022
if wanted is not None:
    st.session_state["agr_linked"] = (wanted, ui.agreement_id(wanted))
st.title("Agreements")

status_filter = st.selectbox(
    "Status",
    list(AgreementStatus),
    index=None,
    format_func=lambda s: s.label,
    key="agr_status",
    placeholder="Every status",
)
with ui.reading() as session:
    page = agreements.list_agreements(
        session, actor=actor, status=status_filter, offset=ui.offset_for("agreements")
    )
ui.table(
    [
        {
            "Number": a.number,
            "Type": AgreementType(a.agreement_type).label,
            "Licensee": company,
            "Title": a.title,
            "Status": AgreementStatus(a.status).label,
            "Effective": a.effective_date,
            "Signed": a.signed_on,
        }
        for a, company in page.items
    ],
    name="agreements",
    kinds={"Effective": "date", "Signed": "date"},
)
ui.pager(page, key="agreements")


WHOLE_FAMILY = "License the whole family: every application, those filed later too"
WHOLE_FAMILY_HELP = (
    "Applications filed later in these families (continuations, divisionals, national and "
    "regional phases) are then licensed automatically. Untick it for a field-of-use or "
    "territory license that licenses only the applications chosen (and their continuations "
    "and divisionals): a later application is then listed here as not licensed yet."
)


def application_line(member) -> str:
    """One application of a family, as a line to tick or pick."""
    application = member.application
    return (
        f"{member.label} · {ApplicationType(application.application_type).label} · filed "
        f"{application.filing_date} · {ApplicationStatus(application.status).label} · "
        f"{member.docket}"
    )


def licensed_patents(view) -> None:
    """The agreement's licensed patents, and the ways to change them its status allows."""
    a = view.agreement
    kind, status = AgreementType(a.agreement_type), AgreementStatus(a.status)
    st.markdown("**Licensed patents**")
    if not kind.covers_patents:
        st.caption(f"{kind.label} grants no right under patents.")
        return
    st.caption(
        "The whole family is licensed: applications filed later in these families are licensed too."
        if a.licenses_whole_family
        else "The applications chosen are licensed, with their continuations and divisionals; "
        "another application filed later is added by hand."
    )
    if view.family:
        ui.table(
            [
                {
                    "Number": m.label,
                    "Type": ApplicationType(m.application.application_type).label,
                    "Filed": m.application.filing_date,
                    "Status": ApplicationStatus(m.application.status).label,
                    "Technology": f"{m.docket} {m.technology_title}",
                    "Licensed": "Yes" if m.licensed else "No",
                    "Why": m.basis,
                    "Added by": m.link.added_by_name if m.link else None,
                    "Added": m.link.added_at if m.link else None,
                }
                for m in view.family
            ],
            name=f"licensed-patents-{a.number}",
            kinds={"Filed": "date", "Added": "datetime"},
        )
    if not view.patents:
        st.warning(f"{a.number} licenses no patent application yet.")
    if view.not_licensed_yet:
        st.warning(
            "Joined the family since the licensed patents were chosen, not licensed yet: "
            + ", ".join(m.label for m in view.not_licensed_yet)
            + ". Add them below if this agreement licenses them."
        )
    if not ui.can("agreement.create"):
        return
    if status in agreements.EDITABLE and view.family:
        name = f"agr_pat_{a.id}:"
        prefix = ui.widget_key(name)
        with st.form(prefix):
            st.caption(
                "Untick an application this agreement does not license (a field-of-use or "
                "territory license)."
            )
            ticked = []
            for member in view.family:
                key = f"{prefix}_{member.application.id}"
                if st.checkbox(application_line(member), value=member.licensed, key=key):
                    ticked.append(member.application.id)
            whole = st.checkbox(
                WHOLE_FAMILY,
                value=a.licenses_whole_family,
                key=f"{prefix}_whole",
                help=WHOLE_FAMILY_HELP,
            )
            if st.form_submit_button("Save the licensed patents"):
                ui.attempt(
                    agreements.set_licensed_patents,
                    agreement_id=a.id,
                    application_ids=ticked,
                    licenses_whole_family=whole,
                    success=f"{a.number}: licensed patents saved.",
                    clear=name,
                )
    elif status in agreements.AFTER_EXECUTION and view.not_licensed_yet:
        name = f"agr_addpat_{a.id}:"
        prefix = ui.widget_key(name)
        with st.form(prefix):
            chosen = st.multiselect(
                "Add to the licensed patents",
                view.not_licensed_yet,
                format_func=application_line,
                key=f"{prefix}_which",
            )
            note = st.text_input(
                "How the licensee was told (e.g. 'Schedule A updated by letter of 3 May 2027')",
                key=f"{prefix}_note",
            )
            if st.form_submit_button("Add to the licensed patents"):
                ui.attempt(
                    agreements.add_licensed_patents,
                    agreement_id=a.id,
                    application_ids=[m.application.id for m in chosen],
                    note=note,
                    success=f"{a.number}: licensed patents added.",
                    clear=name,
                )


def agreed_terms(view) -> None:
    """The agreement's own terms, in the words of its draft, whatever its status (before
    execution too: the obligations it creates are listed only once it is executed)."""
    a = view.agreement
    kind = AgreementType(a.agreement_type)
    signatory = view.licensee_signatory
    costs = dollars(from_cents(a.past_patent_costs_cents)) + (
        ", and the patent costs incurred after the effective date"
        if a.reimburse_ongoing_costs
        else ", not the later ones"
    )
    terms = {
        "Option fee" if kind is AgreementType.OPTION else "Upfront fee": dollars(
            from_cents(a.upfront_fee_cents)
        ),
        "Annual fees": drafts.annual_fees_in_words(view),
        "Running royalties": drafts.royalty_rates_in_words(view),
        "Minimum annual royalty": drafts.minimum_royalty_in_words(view),
        "Late-payment interest": f"{drafts.late_interest_in_words(view)} a year (simple)"
        if a.late_interest_bp
        else "none agreed yet",
        "Sublicense income share": f"{a.sublicense_share_bp / 100:g} %",
        "Equity": drafts.equity_in_words(view),
        "Past patent costs to reimburse": costs,
        "Royalty reports": f"{ReportPeriod(a.royalty_report_period).value}, due "
        f"{a.report_due_days} days after each period ends, in {drafts.currencies_in_words(view)}",
        "Signs for the licensee": (
            f"{signatory.name}" + (f", {signatory.title}" if signatory.title else "")
            if signatory
            else "not chosen yet (choose one of its contacts under Edit the terms)"
        ),
    }
    st.markdown("**Terms**")
    st.markdown("\n".join(f"- {label}: {escaped(value)}" for label, value in terms.items()))
    royalty_schedule(view)
    if view.milestones:
        ui.table(
            [
                {
                    "Milestone": m.event,
                    "Payment": from_cents(m.amount_cents) if m.amount_cents else None,
                    "Due": m.due_date,
                }
                for m in view.milestones
            ],
            name=f"milestones-{a.number}",
            kinds={"Payment": "money", "Due": "date"},
        )
        st.caption("A milestone without a payment is a diligence milestone.")
    else:
        st.caption("No milestones.")


def royalty_schedule(view) -> None:
    """The running royalties tier by tier, and the minimum annual royalties year by year."""
    a = view.agreement
    if view.royalty_rates:
        ui.table(
            [
                {
                    "Applies to": rate.applies_to,
                    "Tier": number,
                    "Cumulative net sales from": rate.tiers[number - 2].up_to
                    if number > 1
                    else Decimal(0),
                    "Up to": tier.up_to,  # none: the last tier, without a bound
                    "Percent": terms.percent_words(tier.percent),
                }
                for rate in view.royalty_rates
                for number, tier in enumerate(rate.tiers, start=1)
            ],
            name=f"royalty-tiers-{a.number}",
            kinds={"Cumulative net sales from": "money", "Up to": "money"},
        )
    if view.minimum_royalties:
        ui.table(
            [
                {"Calendar year": m.year, "Minimum royalty": m.amount}
                for m in view.minimum_royalties
            ],
            name=f"minimum-royalties-{a.number}",
            kinds={"Minimum royalty": "money"},
        )


def licensee_signatory_choice(key: str, company, view):
    """Which of the licensee's contacts signs for it: the contacts of the licensee picked
    above (`company`, the picker's hit), another licensee, another list."""
    if company is None:
        st.caption("Signs for the licensee: pick the licensee first, then one of its contacts.")
        return None
    with ui.reading() as session:
        contacts = agreements.signatory_choices(session, actor=actor, company_id=company.id)
    chosen = view.agreement.licensee_signatory_contact_id if view else None
    ids = [c.id for c in contacts]
    return st.selectbox(
        f"Signs for the licensee (a contact of {company.title})",
        contacts,
        index=ids.index(chosen) if chosen in ids else None,
        format_func=lambda c: f"{c.name}, {c.title}" if c.title else c.name,
        key=f"{key}_signatory_{company.id}",
        placeholder="Not chosen yet: the draft leaves the name and title blank"
        if contacts
        else f"{company.title} has no contacts yet (add them on Companies)",
    )


def terms_form(key: str, view=None) -> AgreementForm | None:
    """The terms of an agreement; prefilled from `view` when editing one."""
    a = view.agreement if view else None
    # Search pickers (tlo/ui/pickers.py), outside the form: they search as the user types.
    company = pickers.company(
        "Licensee", key=f"{key}_company", current=view.company if view else None
    )
    covered = pickers.cases(
        "Technologies covered",
        key=f"{key}_techs",
        current=[d for d, _ in view.technologies] if view else [],
    )
    with st.form(key):
        types = list(AgreementType)
        kind = st.selectbox(
            "Type",
            types,
            format_func=lambda t: t.label,
            key=f"{key}_type",
            index=types.index(AgreementType(a.agreement_type)) if a else 0,
        )
        title = st.text_input("Title", value=a.title if a else "", key=f"{key}_title")
        signatory = licensee_signatory_choice(key, company, view)
        allocation = st.text_input(
            "Income allocation in %, in the order above (empty: equal)", key=f"{key}_alloc"
        )
        field_col, territory_col = st.columns(2)
        field_of_use = field_col.text_input(
            "Field of use", value=a.field_of_use if a else "", key=f"{key}_field"
        )
        territory = territory_col.text_input(
            "Territory", value=a.territory if a else "Worldwide", key=f"{key}_territory"
        )
        start_col, term_col, period_col = st.columns(3)
        effective = start_col.date_input(
            "Effective date", value=a.effective_date if a else None, key=f"{key}_effective"
        )
        term = term_col.number_input(
            "Term in months (0: life of the patents)",
            min_value=0,
            step=1,
            value=(a.term_months or 0) if a else 0,
            key=f"{key}_term",
        )
        periods = list(ReportPeriod)
        period = period_col.selectbox(
            "Royalty reports",
            periods,
            key=f"{key}_period",
            index=periods.index(ReportPeriod(a.royalty_report_period)) if a else 0,
        )
        fee_col, annual_col, sub_col = st.columns(3)
        upfront = fee_col.text_input(
            "Upfront fee ($)",
            key=f"{key}_upfront",
            value=f"{from_cents(a.upfront_fee_cents)}" if a else "0",
        )
        annual = annual_col.text_input(
            "Annual fees ($, anniversary 1; 2; ...)",
            key=f"{key}_annual",
            value="; ".join(str(from_cents(f.amount_cents)) for f in view.annual_fees)
            if view
            else "",
        )
        sublicense = sub_col.text_input(
            "Sublicense income share (%)",
            key=f"{key}_sub",
            value=f"{a.sublicense_share_bp / 100:g}" if a else "0",
        )
        rates = st.text_area(
            "Royalty rates, one product category a line: applies to; percent",
            key=f"{key}_rates",
            value=terms.rate_lines(view.royalty_rates)
            if view
            else "Net sales of licensed products; 3",
            help="Tiers by cumulative net sales (USD, since the effective date) follow one "
            "another on the line, the last without a bound: "
            "'Diagnostic kits; 4 % up to 5,000,000; 3 % up to 20,000,000; 2 %'.",
        )
        min_col, interest_col, due_col, currency_col = st.columns(4)
        minimums = min_col.text_area(
            "Minimum annual royalties, one a line: year; amount ($)",
            key=f"{key}_minimums",
            value=terms.minimum_lines(view.minimum_royalties) if view else "",
            help="Credited by that calendar year's running royalties; the shortfall is due "
            "with the report for the period ending 31 December.",
        )
        interest = interest_col.text_input(
            "Late-payment interest (% a year, simple)",
            key=f"{key}_interest",
            value=terms.percent_text(a.late_interest_bp) if a else "0",
        )
        report_days = due_col.number_input(
            "Reports due (days after each period)",
            min_value=1,
            max_value=terms.MAX_REPORT_DUE_DAYS,
            step=1,
            value=a.report_due_days if a else DEFAULT_REPORT_DUE_DAYS,
            key=f"{key}_report_days",
        )
        currencies = currency_col.text_input(
            "Report currencies (e.g. USD, EUR)",
            key=f"{key}_currencies",
            value=", ".join(terms.currencies_of(a)) if a else "USD",
        )
        milestones = st.text_area(
            "Milestones, one a line: event; amount ($, 0 for diligence); YYYY-MM-DD",
            key=f"{key}_milestones",
            value="\n".join(
                f"{m.event}; {from_cents(m.amount_cents)}; {m.due_date}" for m in view.milestones
            )
            if view
            else "",
        )
        eq_col, pct_col, cost_col = st.columns(3)
        shares = eq_col.number_input(
            "Equity (shares)",
            min_value=0,
            step=1,
            value=a.equity_shares if a else 0,
            key=f"{key}_shares",
        )
        equity_pct = pct_col.text_input(
            "Equity (%)", key=f"{key}_equity", value=f"{a.equity_percent_bp / 100:g}" if a else "0"
        )
        past_costs = cost_col.text_input(
            "Past patent costs to reimburse ($)",
            key=f"{key}_costs",
            value=f"{from_cents(a.past_patent_costs_cents)}" if a else "0",
        )
        ongoing = st.checkbox(
            "Licensee reimburses ongoing patent costs",
            key=f"{key}_ongoing",
            value=a.reimburse_ongoing_costs if a else False,
        )
        whole_family = None  # an agreement being edited keeps its choice (Licensed patents)
        if a is None:
            whole_family = st.checkbox(
                WHOLE_FAMILY, value=True, key=f"{key}_whole", help=WHOLE_FAMILY_HELP
            )
            st.caption(
                "Every patent application of the covered technologies is preselected; once "
                "the agreement is saved, untick under **Licensed patents** any it does not "
                "license."
            )
        if not st.form_submit_button("Save agreement", type="primary"):
            return None
    try:
        return AgreementForm(
            agreement_type=kind,
            company_id=company.id if company else 0,
            title=title,
            technologies=[t.id for t in covered],
            allocations=[p.strip() for p in allocation.split(";")] if allocation.strip() else None,
            field_of_use=field_of_use,
            territory=territory,
            effective_date=effective,
            term_months=int(term) or None,
            upfront_fee=upfront,
            annual_fees=agreements.parse_amount_list(annual),
            royalty_rates=terms.parse_rate_lines(rates),
            minimum_annual_royalty=terms.parse_minimum_lines(minimums),
            late_interest_percent=interest,
            report_due_days=int(report_days),
            report_currencies=currencies,
            milestones=agreements.parse_milestone_lines(milestones),
            sublicense_share=sublicense,
            equity_shares=int(shares),
            equity_percent=equity_pct,
            past_patent_costs=past_costs,
            reimburse_ongoing_costs=ongoing,
            royalty_report_period=period,
            licenses_whole_family=whole_family,
            licensee_signatory_contact_id=signatory.id if signatory else None,
        )
    except DomainError as err:
        st.error(str(err))
        return None


if ui.can("agreement.create"):
    with st.expander("New agreement", icon=":material/note_add:"):
        form = terms_form(ui.widget_key("agr_new"))
        if form is not None:
            ui.attempt(
                agreements.save_agreement,
                form=form,
                success="Agreement saved as a draft.",
                clear=("agr_new", "agr_pick"),  # an empty form; the new agreement shown below
            )

linked = st.session_state.get("agr_linked")  # (as the link names it, its id or None)
if not page.items and linked is None:
    st.stop()
st.subheader("An agreement")
if page.items:
    chosen, _company = st.selectbox(
        "Agreement (from the list above)",
        page.items,
        key=ui.widget_key("agr_pick"),
        format_func=lambda pair: f"{pair[0].number} · {pair[1]} · {pair[0].title}",
        on_change=lambda: st.session_state.pop("agr_linked", None),  # a pick ends the link
    )
shown_id = linked[1] if linked is not None else chosen.id
try:
    with unit_of_work() as session:
        if shown_id is None:
            raise NotFound("no such agreement")
        view = agreements.get_agreement(session, actor=actor, agreement_id=shown_id)
        obligations = agreements.obligations(session, actor=actor, agreement_id=shown_id)
except DomainError as err:
    if linked is None:
        st.error(str(err))
    else:  # the same answer for a missing agreement and one the user may not open
        st.session_state.pop("agr_linked", None)
        ui.no_such_record("agreement", linked[0])
    st.stop()
a = view.agreement
ui.show_record_in_url("agreement", a.number)
st.markdown(
    f"**{a.number} · {AgreementType(a.agreement_type).label}** with "
    f"**{escaped(view.company.name)}** · {AgreementStatus(a.status).label}  \n"
    f"Field: {escaped(a.field_of_use or '—')} · Territory: {escaped(a.territory)} · Effective "
    f"{a.effective_date or '—'} · Term: "
    f"{f'{a.term_months} months' if a.term_months else 'life of the patents'}"
)
st.caption(
    "Covers: " + "; ".join(f"{d.docket} {d.title} ({share:g} %)" for d, share in view.technologies)
)
if a.signed_on is not None:
    st.caption(
        f"Signed {a.signed_on}"
        + (f" with a {CompanySize(a.licensee_size).label.lower()}" if a.licensee_size else "")
        + (f" · ended {a.ended_on}" if a.ended_on else "")
    )
agreed_terms(view)
licensed_patents(view)

if AgreementStatus(a.status) in agreements.EDITABLE:
    st.caption(
        f"{a.number} is not executed yet: its obligations (payments, reports, milestones) are "
        "tracked from its execution."
    )
elif obligations:
    st.markdown("**Obligations**")
    ui.table(
        [
            {
                "Due": e.obligation.due,
                "Obligation": e.obligation.description,
                "Amount": e.obligation.amount or None,  # none for reports and diligence
                "State": e.state,
            }
            for e in obligations
        ],
        name=f"obligations-{a.number}",
        kinds={"Amount": "money"},
    )

if view.next_statuses and ui.can("agreement.create"):
    with st.form("agr_move"):
        target = st.selectbox(
            "Move to", view.next_statuses, format_func=lambda s: s.label, key="agr_move_to"
        )
        signed = ended = None
        if AgreementStatus.EXECUTED in view.next_statuses:
            signed = st.date_input("Signed on (to execute)", value=None, key="agr_signed")
        if agreements.ENDINGS & set(view.next_statuses):
            ended = st.date_input(
                "Ended on (to expire or terminate)",
                value=None,
                key="agr_ended",
                help="The day the agreement ended; empty: today. The AUTM survey counts it "
                "active until then.",
            )
        if st.form_submit_button("Move"):
            ui.attempt(
                agreements.change_agreement_status,
                agreement_id=a.id,
                status=target,
                signed_on=signed,
                ended_on=ended,
                success=f"{a.number}: {target.label}.",
            )

if a.signed_on is not None:
    agent_panel.render(a, view.company.name)
    pool_panel.render(a, view.company.name)

draft_panel.render(a, actor=actor)

if AgreementStatus(a.status) in agreements.EDITABLE and ui.can("agreement.create"):
    with st.expander("Edit the terms", icon=":material/edit:"):
        form = terms_form(f"agr_edit_{a.id}", view)
        if form is not None:
            ui.attempt(
                agreements.save_agreement,
                form=form,
                agreement_id=a.id,
                success=f"{a.number} saved.",
            )
