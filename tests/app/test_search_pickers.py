"""The search pickers of the Agreements page (tlo/ui/pickers.py): type, choose among what was
found; a choice stays while one searches again; an agreement being edited starts from its own."""

from types import SimpleNamespace

from sqlmodel import Session, select

from tests.app.conftest import messages
from tlo import db
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementTechnology
from tlo.licensing.models import Company


def newest_cases(database_url, n: int) -> list[tuple[str, str]]:
    with Session(db.get_engine(database_url)) as session:
        return list(
            session.exec(
                select(Disclosure.docket, Disclosure.title)
                .where(Disclosure.status == DisclosureStatus.MARKETING.value)
                .order_by(Disclosure.id)
                .limit(n)
            ).all()
        )


def test_a_picker_offers_only_what_the_search_finds(open_app, database_url):
    app = open_app("officer")
    app.switch_page("pages/agreements.py").run()
    assert app.selectbox(key="agr_new_company").options == []  # nothing loaded before typing
    app = app.text_input(key="agr_new_company_find").input("apex").run()
    options = app.selectbox(key="agr_new_company").options
    assert options and all("apex" in option.lower() for option in options)
    app = app.text_input(key="agr_new_company_find").input("no such company").run()
    assert app.selectbox(key="agr_new_company").options == []
    assert "Nothing found for “no such company”." in [c.value for c in app.caption]


def test_technologies_chosen_stay_while_searching_again_and_are_saved(open_app, database_url):
    (first, _), (second, _) = newest_cases(database_url, 2)
    app = open_app("officer")
    app.switch_page("pages/agreements.py").run()
    app.text_input(key="agr_new_company_find").input("apex").run()
    app.selectbox(key="agr_new_company").select_index(0)
    for docket in (first, second):
        app = app.text_input(key="agr_new_techs_find").input(docket).run()
        techs = app.multiselect(key="agr_new_techs")
        app = techs.select(
            _hit(next(o for o in techs.options if o.startswith(f"{docket} · ")))
        ).run()
    # The first choice stayed while the second search found other cases.
    assert [hit.key for hit in app.multiselect(key="agr_new_techs").value] == [first, second]
    app.text_input(key="agr_new_title").input("Exclusive license: two technologies")
    app = app.button(key="FormSubmitter:agr_new-Save agreement").click().run()
    assert messages(app.success) == ["Agreement saved as a draft."]
    with Session(db.get_engine(database_url)) as session:
        agreement = session.exec(select(Agreement).order_by(Agreement.id.desc())).first()
        covered = session.exec(
            select(Disclosure.docket)
            .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
            .where(AgreementTechnology.agreement_id == agreement.id)
            .order_by(AgreementTechnology.id)
        ).all()
        licensee = session.get(Company, agreement.company_id).name
    assert covered == [first, second]
    assert "apex" in licensee.lower()


def _hit(label: str):
    """What the multiselect formats as its option (the page maps it back to the case)."""
    return SimpleNamespace(label=label)


def test_editing_an_agreement_starts_from_its_licensee_and_technologies(open_app, database_url):
    with Session(db.get_engine(database_url)) as session:
        agreement = session.exec(
            select(Agreement)
            .where(Agreement.status == AgreementStatus.DRAFT.value)
            .order_by(Agreement.id)
        ).first()
        licensee = session.get(Company, agreement.company_id).name
        dockets = session.exec(
            select(Disclosure.docket)
            .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
            .where(AgreementTechnology.agreement_id == agreement.id)
        ).all()
    app = open_app("officer")
    app.query_params["agreement"] = agreement.number
    app.switch_page("pages/agreements.py").run()
    assert not app.exception
    key = f"agr_edit_{agreement.id}"
    assert app.selectbox(key=f"{key}_company").value.title == licensee
    assert sorted(hit.key for hit in app.multiselect(key=f"{key}_techs").value) == sorted(dockets)
