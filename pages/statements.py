"""Statements: what license income reached an inventor, line by line with the rule behind it.
Inventors see their own; finance and the director choose anyone who has been paid (the page
says whose share it shows), and read what reached each department, school and outside
co-inventor's institution, each kind apart."""

import plotly.express as px
import streamlit as st

from tlo import ui
from tlo.money import dollars
from tlo.revenue import services as revenue
from tlo.revenue import statements

actor = ui.actor()
st.title("Royalty statements")
sees_all = ui.sees_all("statement.read")


def share_chart(by_year: list, whose: str) -> None:
    """The share per fiscal year, named for whose it is (amounts exact until plotly)."""
    st.plotly_chart(
        px.bar(
            x=[f"FY{year}" for year, _ in by_year],
            y=[str(amount) for _, amount in by_year],
            labels={"x": "Fiscal year", "y": f"{whose} ($)"},
            title=f"{whose} of license income by fiscal year",
            height=320,
        ),
        config={"displayModeBar": False},
    )


def show_statement(person_id: int) -> None:
    with ui.reading() as session:
        statement = statements.inventor_statement(session, actor=actor, person_id=person_id)
    whose = statement.whose_share(actor.person_id)
    st.subheader(statement.name)
    if not statement.lines:
        someone = "you" if whose == "Your share" else statement.name
        st.info(
            f"Nothing has been distributed to {someone} yet. Income appears here once it is posted."
        )
        return
    st.caption(
        f"{whose}: every posted line that reached "
        + ("you or your lab." if whose == "Your share" else f"{statement.name} or their lab.")
    )
    st.metric("Received to date", f"{dollars(statement.total)}")
    share_chart(list(statement.by_fiscal_year().items()), whose)
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


def show_units() -> None:
    """Departments, schools and outside institutions: what reached each, each kind apart."""
    st.subheader("Departments, schools, outside institutions and co-owners")
    st.caption(
        "An outside co-inventor's institution is paid as the revenue-sharing policy says "
        "(see Sharing policies), never as a department or school. Lines posted before "
        "the two were told apart keep their class and are shown with the institutions. "
        "Co-owners are the other owners of jointly owned technologies: what we owe each "
        "under its inter-institutional agreement, as the lead."
    )
    with ui.reading() as session:
        years = revenue.fiscal_years_with_income(session, actor=actor)
    year = st.selectbox(
        "Fiscal year",
        [None, *years],
        format_func=lambda y: "All years" if y is None else f"FY{y}",
        key="stmt_units_year",
    )
    with ui.reading() as session:
        totals = statements.unit_totals(session, actor=actor, fiscal_year=year)
    for kind, title in statements.UNIT_KINDS.items():
        st.markdown(f"**{title}**")
        if not totals[kind]:
            st.caption("None paid.")
            continue
        ui.table(
            [{"Recipient": t.recipient, "Total": t.amount} for t in totals[kind]],
            name=f"{kind}-totals" + (f"-FY{year}" if year else ""),
            kinds={"Total": "money"},
        )
    st.download_button(
        "Departments, schools, institutions and co-owners, line by line (Excel)",
        ui.deferred(statements.units_statement_xlsx, fiscal_year=year),
        file_name=f"units-FY{year}.xlsx" if year else "units.xlsx",
        mime=ui.XLSX_MIME,
        icon=":material/table:",
    )


if not sees_all:
    show_statement(actor.person_id)
    st.stop()

with ui.reading() as session:
    paid = statements.people_paid(session, actor=actor)
inventors_tab, units_tab = st.tabs(["Inventors", "Departments, schools, institutions, co-owners"])
with inventors_tab:
    if not paid:
        st.info("No distribution has been posted yet.")
    else:
        names = dict(paid)
        chosen = st.selectbox("Inventor", list(names), format_func=names.get, key="stmt_person")
        show_statement(chosen)
with units_tab:
    show_units()
