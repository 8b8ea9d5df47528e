"""Statements: what license income reached an inventor, line by line with the rule behind it.
Inventors see their own; finance and the director choose anyone who has been paid."""

import streamlit as st

from tlo import ui
from tlo.money import dollars
from tlo.revenue import statements

actor = ui.actor()
st.title("Royalty statements")

if ui.sees_all("statement.read"):
    with ui.reading() as session:
        paid = statements.people_paid(session, actor=actor)
    if not paid:
        st.info("No distribution has been posted yet.")
        st.stop()
    names = dict(paid)
    person_id = st.selectbox("Inventor", list(names), format_func=names.get, key="stmt_person")
else:
    person_id = actor.person_id

with ui.reading() as session:
    statement = statements.inventor_statement(session, actor=actor, person_id=person_id)

st.subheader(statement.name)
if not statement.lines:
    st.info("Nothing has been distributed to you yet. Income appears here once it is posted.")
    st.stop()
st.metric("Received to date", f"{dollars(statement.total)}")
ui.income_by_year_chart(list(statement.by_fiscal_year().items()))
left, right = st.columns(2)
left.download_button(
    "Statement (Word)",
    ui.deferred(statements.inventor_statement_docx, person_id=person_id),
    file_name=f"statement-{person_id}.docx",
    mime=ui.DOCX_MIME,
    icon=":material/description:",
)
right.download_button(
    "Statement (Excel)",
    ui.deferred(statements.inventor_statement_xlsx, person_id=person_id),
    file_name=f"statement-{person_id}.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/table:",
)
ui.table(  # the lines shown; "Statement (Excel)" is the statement to send
    [
        {
            "Received": line.received_on,
            "Technology": f"{line.docket} {line.technology}",
            "Agreement": f"{line.agreement} · {line.licensee}",
            "Income": line.income_type.replace("_", " "),
            "To": line.recipient,
            "Amount": line.amount,
            "Rule": line.rule,
        }
        for line in statement.lines
    ],
    name=f"statement-lines-{person_id}",
)
