"""Accounts & roles: who may sign in, and what each account may do.

Deactivating an account asks to confirm, first saying what its person still holds (open
cases, deadlines, agreements, pipeline) and offering to hand it to another officer in the
same transaction (tlo/auth/handover.py).
"""

import streamlit as st

from tlo import search as finder
from tlo import ui
from tlo.auth import handover
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.people import services as people
from tlo.ui import pickers
from tlo.ui.search_box import escaped

CONFIRMING = "accounts_confirm_deactivate"  # the account whose deactivation awaits a yes

actor = ui.actor()
st.title("Accounts & roles")

search = st.text_input(
    "Search by name or username",
    key="accounts_search",
    on_change=ui.reset_offset,
    args=("accounts",),
)
with ui.reading() as session:
    page = accounts.list_accounts(
        session, actor=actor, search=search, offset=ui.offset_for("accounts")
    )

ui.table(
    [
        {
            "Username": row.username,
            "Name": row.full_name,
            "E-mail": row.email,
            "Roles": row.role_labels,
            "Active": row.active,
            "Locked until": row.locked_until,
            "Last sign-in": row.last_signin_at,
        }
        for row in page.items
    ],
    name="accounts",
    kinds={"Locked until": "datetime", "Last sign-in": "datetime"},
)
ui.pager(page, key="accounts")


def held_list(title: str, count: int, held: list[handover.Held]) -> None:
    """One kind of what someone holds: the count, the first few, how many more."""
    st.markdown(f"**{title}** · {count}")
    for item in held:
        st.markdown(f"- {escaped(item.line)}")
    if count > len(held):
        st.caption(f"and {count - len(held)} more")


def show_holdings(held: handover.Holdings) -> None:
    kinds = [
        ("Open cases", held.open_cases, held.cases_held),
        ("Upcoming deadlines", held.deadlines, held.deadlines_held),
        ("Agreements", held.agreements, held.agreements_held),
        ("Pipeline entries", held.pipeline, held.pipeline_held),
    ]
    for column, (title, count, items) in zip(st.columns(4), kinds, strict=True):
        with column:
            held_list(title, count, items)
    if held.deadlines:
        st.caption("Deadlines follow the cases and agreements they belong to.")


def officer_choice(officers: list[handover.OfficerChoice], key: str):
    return st.selectbox(
        "Hand them over to",
        officers,
        index=None,
        format_func=lambda officer: officer.name,
        key=key,
        placeholder="Choose a licensing officer",
    )


def finish(result, message: str) -> None:
    if result is not None:
        st.session_state.pop(CONFIRMING, None)
        ui.flash(message)
        st.rerun()


def confirm_deactivation(chosen) -> None:
    """Ask before deactivating: what they hold, to whom to hand it, then yes or no."""
    with ui.reading() as session:
        held = handover.holdings(session, actor=actor, account_id=chosen.account_id)
        officers = handover.officers_to_hand_over_to(
            session, actor=actor, account_id=chosen.account_id
        )
    with st.container(border=True):
        st.markdown(
            f"#### Deactivate {chosen.username} ({chosen.full_name})?\n"
            "They are signed out at once, in every browser, and can no longer sign in. "
            "The account can be reactivated later."
        )
        if held.holds_anything:
            st.warning(f"{held.name} still holds {held.summary}.", icon=":material/work:")
            show_holdings(held)
        else:
            st.info(
                f"{held.name} holds no open case, deadline, agreement or pipeline entry.",
                icon=":material/check_circle:",
            )
        with st.form(f"deactivate_{chosen.account_id}"):
            to, reason, leave = None, "", False
            if held.holds_anything:
                to = officer_choice(officers, f"handover_to_{chosen.account_id}")
                reason = st.text_input(
                    "Why (kept in the history of every record handed over)",
                    key=f"handover_reason_{chosen.account_id}",
                    placeholder="e.g. Left the office on 30 November",
                )
                leave = st.checkbox(
                    f"Hand nothing over now: it stays with {held.name} (hand it over later)",
                    key=f"handover_leave_{chosen.account_id}",
                )
            yes_col, no_col = st.columns(2)
            yes = yes_col.form_submit_button(
                f"Deactivate {chosen.username}", type="primary", icon=":material/person_off:"
            )
            no = no_col.form_submit_button("Cancel")
        if no:
            st.session_state.pop(CONFIRMING, None)
            st.rerun()
        if yes:
            result = ui.attempt(
                handover.deactivate,
                account_id=chosen.account_id,
                hand_over_to=to.person_id if to is not None else None,
                reason=reason,
                leave_with_them=leave,
            )
            finish(result, result.message if result is not None else "")


def hand_over_later(chosen) -> None:
    """A deactivated account whose person still holds work: hand it over now."""
    with ui.reading() as session:
        held = handover.holdings(session, actor=actor, account_id=chosen.account_id)
        if not held.holds_anything:
            return
        officers = handover.officers_to_hand_over_to(
            session, actor=actor, account_id=chosen.account_id
        )
    with st.container(border=True):
        st.warning(
            f"{chosen.username} is deactivated, yet {held.name} still holds {held.summary}.",
            icon=":material/work:",
        )
        show_holdings(held)
        with st.form(f"handover_{chosen.account_id}"):
            to = officer_choice(officers, f"later_to_{chosen.account_id}")
            reason = st.text_input(
                "Why (kept in the history of every record handed over)",
                key=f"later_reason_{chosen.account_id}",
            )
            if st.form_submit_button("Hand over", type="primary"):
                result = ui.attempt(
                    handover.hand_over,
                    account_id=chosen.account_id,
                    to_person_id=to.person_id if to is not None else 0,
                    reason=reason,
                )
                finish(result, f"{chosen.username}: {result.summary}." if result else "")


if page.items:
    st.subheader("Change an account")
    picked = st.selectbox(
        "Account (from the list above)",
        page.items,
        format_func=lambda row: (
            f"{row.username} · {row.full_name}" + ("" if row.active else " (deactivated)")
        ),
        key="chosen_account",
    )
    # The row as it is now: the select box hands back the row it was given when the account
    # was picked, which a change since (a deactivation) has made stale.
    chosen = next((row for row in page.items if row.account_id == picked.account_id), picked)
    roles_col, state_col = st.columns(2)
    with roles_col, st.form("edit_roles"):
        roles = st.multiselect(
            "Roles",
            list(Role),
            default=sorted(chosen.roles),
            format_func=lambda role: role.label,
            key=f"roles_{chosen.account_id}",
        )
        if st.form_submit_button("Save roles"):
            ui.attempt(
                accounts.set_roles,
                account_id=chosen.account_id,
                roles=set(roles),
                success=f"Roles of {chosen.username} saved.",
            )
    with state_col:
        with st.form("reset_password", clear_on_submit=True):
            new_password = st.text_input(
                "New password", type="password", key="reset_password_value"
            )
            if st.form_submit_button("Reset password (also lifts a lockout)"):
                ui.attempt(
                    accounts.reset_password,
                    account_id=chosen.account_id,
                    new_password=new_password,
                    success=f"Password of {chosen.username} reset.",
                )
        if chosen.active:
            if st.button("Deactivate account…", key="toggle_account"):
                st.session_state[CONFIRMING] = chosen.account_id
        elif st.button("Reactivate account", key="toggle_account"):
            ui.attempt(
                accounts.set_account_active,
                account_id=chosen.account_id,
                active=True,
                success=f"{chosen.username} reactivated.",
            )
    if Role.LICENSEE in chosen.roles:
        with ui.reading() as session:
            company = accounts.licensee_company(session, actor=actor, account_id=chosen.account_id)
        of = company.name if company else "no company yet"
        st.markdown(
            f"{chosen.username} is a licensee of **{of}** and sees only that company's "
            "licenses, reports and invoices."
        )
        hit = pickers.company(
            "The licensee's company",
            key=f"licensee_company_{chosen.account_id}",
            current=company,
            find=finder.find_licensee_companies,
        )
        if st.button(
            "Link the account to this company",
            disabled=hit is None or (company is not None and hit.id == company.id),
            key=f"link_licensee_{chosen.account_id}",
        ):
            ui.attempt(
                accounts.set_licensee_company,
                account_id=chosen.account_id,
                company_id=hit.id,
                success=f"{chosen.username} is now a licensee of {hit.title}.",
            )
    if chosen.active and st.session_state.get(CONFIRMING) == chosen.account_id:
        confirm_deactivation(chosen)
    elif not chosen.active:
        hand_over_later(chosen)

st.subheader("Create an account")
find = st.text_input("Find the person (name or e-mail)", key="account_person_search")
with ui.reading() as session:
    candidates = people.list_people(
        session, actor=actor, search=find, without_account=True, limit=25
    ).items
fresh = ui.widget_key("new_account_")  # fresh keys once saved: the browser forgets the text
with st.form("create_account"):
    person = st.selectbox(
        "Person without an account",
        candidates,
        index=None,
        format_func=lambda row: f"{row.full_name} <{row.email}>",
        key=f"{fresh}person",
    )
    username = st.text_input("Username", key=f"{fresh}username")
    new_roles = st.multiselect(
        "Roles",
        list(Role),
        format_func=lambda role: role.label,
        key=f"{fresh}roles",
    )
    password = st.text_input(
        "Initial password (leave empty for single sign-on only)",
        type="password",
        key=f"{fresh}password",
    )
    if st.form_submit_button("Create account"):
        if person is None:
            st.error("Choose the person the account is for.")
        else:
            ui.attempt(
                accounts.create_account,
                person_id=person.id,
                username=username,
                roles=set(new_roles),
                password=password or None,
                success=f"Account {username.strip().lower()} created.",
                clear="new_account_",
            )
