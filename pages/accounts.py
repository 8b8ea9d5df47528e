"""Accounts & roles: who may sign in, and what each account may do."""

import streamlit as st

from tlo import ui
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.people import services as people

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

if page.items:
    st.subheader("Change an account")
    chosen = st.selectbox(
        "Account (from the list above)",
        page.items,
        format_func=lambda row: f"{row.username} · {row.full_name}",
        key="chosen_account",
    )
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
        label = "Reactivate account" if not chosen.active else "Deactivate account"
        if st.button(label, key="toggle_account"):
            ui.attempt(
                accounts.set_account_active,
                account_id=chosen.account_id,
                active=not chosen.active,
                success=f"{chosen.username} updated.",
            )

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
