"""Revenue-sharing policies: the ones in force by date, and adopting a new one after it is
checked and tried on a sample royalty."""

import streamlit as st

from tlo import ui
from tlo.revenue import services as revenue

actor = ui.actor()
st.title("Revenue-sharing policies")
st.caption(
    "The policy in force on the day a payment is received decides how it is shared. A new "
    "policy takes effect from its effective_from date; earlier income keeps its own policy."
)
ui.show_flashes()

with ui.reading() as session:
    views = revenue.policy_views(session, actor=actor)
for view in views:
    label = f"{view.policy.name} · from {view.policy.effective_from} · {view.origin}"
    with st.expander(label + (" · in force today" if view.in_force else "")):
        st.caption(view.policy.outside.describe())  # [outside_inventors], or its defaults
        st.code(view.text, language="toml")

if ui.can("policy.manage"):
    st.subheader("Adopt a new policy")
    text = st.text_area(
        "Policy (TOML, in the format of policies/stanford.toml)", height=300, key="pol_text"
    )
    amount = st.text_input("Try it on a royalty of ($)", value="100000", key="pol_amount")
    left, right = st.columns(2)
    if left.button("Check and try", disabled=not text.strip()):
        result = ui.attempt(revenue.try_policy, text=text, amount=amount)
        if result is not None:
            st.success("The policy is valid. Shared under it, two inventors (60/40) would see:")
            ui.table(
                [
                    {
                        "To": line.to,
                        "Class": str(line.klass),
                        "Amount": line.amount,
                        "Rule": line.rule,
                    }
                    for line in result.lines
                ],
                name="policy-trial",
            )
    if right.button("Adopt the policy", type="primary", disabled=not text.strip()):
        ui.attempt(
            revenue.add_policy,
            text=text,
            success="Policy adopted: it applies to income received from its effective date.",
            clear="pol_",
        )
