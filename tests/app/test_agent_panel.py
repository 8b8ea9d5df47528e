"""The agreement page's collection-agent panel (#19, item 4), in the real app on the demo
office: the director makes a signed license's company our collection agent, a bad share is
refused with its error and nothing saved; finance reads the agent's terms without the form."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from tests.app.conftest import button, messages
from tests.app.test_deep_links import linked  # noqa: F401 (a fixture)
from tlo import db
from tlo.licensing.agents import AgentTerms
from tlo.licensing.agreement_models import Agreement


def a_signed_agreement(database_url) -> Agreement:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(Agreement).where(col(Agreement.signed_on).is_not(None)).order_by(Agreement.id)
        ).first()


def terms(database_url) -> int:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(select(func.count()).select_from(AgentTerms)).one()


def test_the_director_names_a_collection_agent_and_finance_reads_it(
    database_url,
    linked,  # noqa: F811
):
    agreement = a_signed_agreement(database_url)
    key = f"agent_{agreement.id}_"
    app = linked("director", agreement=agreement.number)
    assert not app.exception, app.exception
    demo = terms(database_url)  # the demo's own agent, on another agreement
    app.text_input(key=f"{key}share").input("250")
    button(app, "Save the agent's terms").click().run()
    assert any("not 250" in text for text in messages(app.error)), messages(app.error)
    assert terms(database_url) == demo
    app.text_input(key=f"{key}share").input("25")
    app.selectbox(key=f"{key}costs").select_index(1)
    button(app, "Save the agent's terms").click().run()
    assert not app.exception, app.exception
    assert any("is the collection agent of" in text for text in messages(app.success))
    assert terms(database_url) == demo + 1
    assert any("keeps 25 % of what it collects" in text for text in messages(app.info))
    app = linked("finance", agreement=agreement.number)
    assert any("is our collection agent" in text for text in messages(app.info))
    assert "Save the agent's terms" not in [b.label for b in app.button]
