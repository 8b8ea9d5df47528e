"""The agreement page's patent-pool panel (#19, item 3), in the real app on the demo office:
the director makes a signed agreement a pool agreement with the patents we contributed;
finance previews a statement's parts, records it as a royalty, and a bad total is refused
with its error and nothing recorded."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from tests.app.conftest import button, messages
from tests.app.test_deep_links import linked  # noqa: F401 (a fixture)
from tlo import db
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.patents.models import PatentApplication
from tlo.revenue.models import Income, IncomePart


def an_agreement_with_patents(database_url) -> Agreement:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(Agreement)
            .join(AgreementTechnology, AgreementTechnology.agreement_id == Agreement.id)
            .where(
                col(Agreement.signed_on).is_not(None),
                col(AgreementTechnology.disclosure_id).in_(select(PatentApplication.disclosure_id)),
            )
            .order_by(Agreement.id)
        ).first()


def counts(database_url) -> tuple[int, int]:
    with Session(db.get_engine(database_url)) as session:
        return (
            session.exec(select(func.count()).select_from(Income)).one(),
            session.exec(select(func.count()).select_from(IncomePart)).one(),
        )


def test_a_pool_agreement_and_its_statement(database_url, linked):  # noqa: F811
    agreement = an_agreement_with_patents(database_url)
    key = f"pool_{agreement.id}_"
    app = linked("director", agreement=agreement.number)
    assert not app.exception, app.exception
    patents = app.multiselect(key=f"{key}patents")
    for option in patents.options:
        patents.select(option)
    app.text_input(key=f"{key}standard").input("MPEG-2 video")
    button(app, "Save the pool's terms").click().run()
    assert not app.exception, app.exception
    assert any("is a patent pool agreement" in m for m in messages(app.success))
    assert any("Patent pool" in m and "MPEG-2 video" in m for m in messages(app.markdown))

    app = linked("finance", agreement=agreement.number)
    statement = f"poolst_{agreement.id}_"
    before = counts(database_url)
    app.text_input(key=f"{statement}total").input("-10")
    button(app, "Record the statement").click().run()
    assert any("statement's total" in m for m in messages(app.error)), messages(app.error)
    assert counts(database_url) == before
    app.text_input(key=f"{statement}total").input("1,000.00")
    app.text_input(key=f"{statement}period").input("2026 H2")
    button(app, "Preview the parts").click().run()
    assert not app.exception, app.exception
    assert any("essential patent-countries" in str(frame.value) for frame in app.dataframe)
    button(app, "Record the statement").click().run()
    assert any("Pool statement recorded" in m for m in messages(app.success))
    incomes, parts = counts(database_url)
    assert incomes == before[0] + 1 and parts > before[1]
