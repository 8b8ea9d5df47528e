"""Companies: prospective licensees, their interests and contacts."""

import streamlit as st

from tlo import ui
from tlo.licensing import outreach, outreach_corrections
from tlo.licensing.models import CompanySize
from tlo.licensing.outreach import CompanyForm

actor = ui.actor()
st.title("Companies")

wanted = ui.record_from_url("company")  # ?company=Acme%20Robotics: a link, a bookmark, a reload
if wanted is not None:  # the list narrows to that company, and it is the one shown below
    st.session_state["co_search"] = wanted
    for key in ("co_size", "co_pick"):
        st.session_state.pop(key, None)
    ui.reset_offset("companies")

search_col, size_col = st.columns([3, 1])
search = search_col.text_input(
    "Search name, sector or interests",
    key="co_search",
    on_change=ui.reset_offset,
    args=("companies",),
)
size = size_col.selectbox(
    "Size",
    list(CompanySize),
    index=None,
    format_func=lambda s: s.label,
    key="co_size",
    on_change=ui.reset_offset,
    args=("companies",),
)
with ui.reading() as session:
    page = outreach.list_companies(
        session,
        actor=actor,
        search=search,
        size=size.value if size else None,
        offset=ui.offset_for("companies"),
    )
linked = None  # the company the address names
if wanted is not None:
    linked = next((c for c in page.items if c.name.strip().lower() == wanted.lower()), None)
    if linked is None:
        ui.no_such_record("company", wanted)

ui.table(  # the companies listed; the export below is every company, with its contacts
    [
        {
            "Company": c.name,
            "Size": CompanySize(c.size).label,
            "Sector": c.sector,
            "Interests": c.interests,
            "Website": c.website,
            "Do not contact": "yes" if c.do_not_contact else "",
        }
        for c in page.items
    ],
    name="companies-listed",
)
ui.pager(page, key="companies")
st.download_button(
    "Every company with its contacts (Excel)",
    ui.deferred(outreach.export_companies),
    file_name="companies.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
)

if not ui.can("company.manage"):
    st.stop()


DEPENDENCE = [None, True, False]
DEPENDENCE_LABELS = {None: "Not recorded", True: "Yes", False: "No"}


def company_form(key: str, company=None) -> tuple[CompanyForm, str] | None:
    """The company's fields (and, for one recorded already, the reason for a correction)."""
    with st.form(key):
        name = st.text_input("Name", value=company.name if company else "", key=f"{key}_name")
        size_col, sector_col = st.columns(2)
        sizes = list(CompanySize)
        size = size_col.selectbox(
            "Size",
            sizes,
            format_func=lambda s: s.label,
            index=sizes.index(CompanySize(company.size)) if company else 0,
            key=f"{key}_size",
        )
        sector = sector_col.text_input(
            "Sector", value=company.sector if company else "", key=f"{key}_sector"
        )
        website = st.text_input(
            "Website", value=company.website if company else "", key=f"{key}_website"
        )
        kind_col, place_col = st.columns(2)  # how an agreement names it: "a Delaware corporation"
        entity_kind = kind_col.text_input(
            "Kind of entity",
            value=company.entity_kind if company else "",
            key=f"{key}_kind",
            placeholder="corporation, limited liability company",
        )
        jurisdiction = place_col.text_input(
            "Jurisdiction",
            value=company.jurisdiction if company else "",
            key=f"{key}_jurisdiction",
            placeholder="Delaware",
            help="Where the company is organised; agreements name it with its kind.",
        )
        formed_col, depends_col = st.columns(2)  # what the AUTM survey asks of a start-up
        formed_on = formed_col.date_input(
            "Formed on",
            value=company.formed_on if company else None,
            key=f"{key}_formed",
            help="The day the company was incorporated. Empty: not known.",
        )
        depends = depends_col.selectbox(
            "Formed to use our technology?",
            DEPENDENCE,
            index=DEPENDENCE.index(company.depends_on_our_technology if company else None),
            format_func=DEPENDENCE_LABELS.get,
            key=f"{key}_depends",
            help="Whether the company depended on a license or option of the university's "
            "technology for its initiation: the AUTM survey counts it as a start-up formed.",
        )
        notice_address = st.text_area(
            "Address for notices",
            value=company.notice_address if company else "",
            key=f"{key}_address",
            height=90,
            help="Where an agreement's notices to the company go; drafts print it (until it "
            "is given, a bracketed placeholder to fill in).",
        )
        interests = st.text_area(
            "Interests (keywords, comma-separated)",
            value=company.interests if company else "",
            key=f"{key}_interests",
        )
        notes = st.text_area("Notes", value=company.notes if company else "", key=f"{key}_notes")
        do_not_contact = st.checkbox(
            "Do not contact", value=company.do_not_contact if company else False, key=f"{key}_dnc"
        )
        reason = ""
        if company is not None:
            reason = st.text_input(
                "Reason for the correction",
                key=ui.widget_key(f"{key}_reason"),
                help="Needed when its name, size, sector, website, kind of entity, "
                "jurisdiction, formation date or dependence on our technology change; the "
                "audit log keeps it with what it said before.",
            )
        if st.form_submit_button("Save company"):
            form = CompanyForm(
                name,
                size,
                sector,
                website,
                interests,
                notes,
                do_not_contact,
                entity_kind=entity_kind,
                jurisdiction=jurisdiction,
                formed_on=formed_on,
                depends_on_our_technology=depends,
                notice_address=notice_address,
            )
            return form, reason
    return None


with st.expander("Add a company", icon=":material/add_business:"):
    added = company_form("co_new")
    if added is not None:
        form, _ = added
        ui.attempt(
            outreach.save_company, form=form, success=f"{form.name.strip()} added.", clear="co_new"
        )

if page.items:
    st.subheader("A company's details and contacts")
    chosen = st.selectbox(
        "Company (from the list above)",
        page.items,
        index=page.items.index(linked) if linked is not None else 0,
        key="co_pick",
        format_func=lambda c: c.name,
        on_change=lambda: st.session_state.update(co_named=True),
    )
    # The list's own copy: the one kept by the widget may predate a correction just saved.
    chosen = next((c for c in page.items if c.id == chosen.id), chosen)
    if linked is not None or st.session_state.get("co_named"):
        ui.show_record_in_url("company", chosen.name)  # a reload or a copied address shows it
    st.caption(f"In agreements: {outreach.legal_description(chosen)}")
    edited = company_form(f"co_edit_{chosen.id}", chosen)
    if edited is not None:
        form, reason = edited
        ui.attempt(
            outreach.save_company,
            form=form,
            company_id=chosen.id,
            reason=reason,
            success=f"{form.name.strip()} saved.",
            clear=f"co_edit_{chosen.id}_reason",
        )
    with ui.reading() as session:
        contacts = outreach.contacts_of(session, actor=actor, company_id=chosen.id)
    ui.table(
        [
            {"Contact": c.name, "Title": c.title, "E-mail": c.email, "Phone": c.phone}
            for c in contacts
        ],
        name=f"contacts-{chosen.name}",
    )
    fresh = ui.widget_key("co_contact_")  # fresh keys once saved: the browser forgets the text
    with st.form("co_contact"):
        name_col, title_col, email_col, phone_col = st.columns(4)
        name = name_col.text_input("Contact name", key=f"{fresh}name")
        title = title_col.text_input("Title", key=f"{fresh}title")
        email = email_col.text_input("E-mail", key=f"{fresh}email")
        phone = phone_col.text_input("Phone", key=f"{fresh}phone")
        if st.form_submit_button("Add contact"):
            ui.attempt(
                outreach.add_contact,
                company_id=chosen.id,
                name=name,
                title=title,
                email=email,
                phone=phone,
                success=f"{name.strip()} added.",
                clear="co_contact_",
            )

    if contacts and ui.can("company.correct"):
        st.markdown("**Correct or remove a contact**")
        who = st.selectbox(
            "Contact",
            contacts,
            format_func=lambda c: f"{c.name} ({c.title})" if c.title else c.name,
            key=f"co_fix_pick_{chosen.id}",
        )
        fix = ui.widget_key(f"co_fix_{who.id}_")
        with st.form(f"co_fix_{who.id}"):
            name_col, title_col, email_col, phone_col = st.columns(4)
            name = name_col.text_input("Name", value=who.name, key=f"{fix}name")
            title = title_col.text_input("Title", value=who.title, key=f"{fix}title")
            email = email_col.text_input("E-mail", value=who.email, key=f"{fix}email")
            phone = phone_col.text_input("Phone", value=who.phone, key=f"{fix}phone")
            reason = st.text_input("Reason for the correction", key=f"{fix}reason")
            if st.form_submit_button("Save correction"):
                ui.attempt(
                    outreach_corrections.correct_contact,
                    contact_id=who.id,
                    name=name,
                    title=title,
                    email=email,
                    phone=phone,
                    reason=reason,
                    success=f"{name.strip()} corrected.",
                    clear=f"co_fix_{who.id}_",
                )
        gone = ui.widget_key(f"co_remove_{who.id}_")
        with st.form(f"co_remove_{who.id}"):
            reason = st.text_input(
                f"Why remove {who.name}?",
                key=f"{gone}reason",
                help="Only a contact entered by mistake: one a touch names stays.",
            )
            sure = st.checkbox(
                f"Remove {who.name} from {chosen.name}'s contacts (the audit log keeps a copy)",
                key=f"{gone}sure",
            )
            if st.form_submit_button("Remove contact"):
                if not sure:
                    st.error(f"Tick the box to confirm removing {who.name}.")
                else:
                    ui.attempt(
                        outreach_corrections.remove_contact,
                        contact_id=who.id,
                        reason=reason,
                        success=f"{who.name} removed.",
                        clear=(f"co_remove_{who.id}_", f"co_fix_pick_{chosen.id}"),
                    )
