"""The disclosure form keeps the inventor's work (issue #16, item 4) and says everything that is
wrong at once (item 11): drafts save themselves, survive leaving the page and a new tab, keep a
share that is not a number yet; a long title is said to be too long and kept; the kind of a
public disclosure must be chosen."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from tests.app.conftest import button, messages
from tests.app.test_disclosure_form import add_co_inventor, fill_required, open_form, share_inputs
from tlo import db
from tlo.audit import AuditEntry
from tlo.disclosures.models import Disclosure, DisclosureInventor

TITLE = "Self-healing polymer coating for wind turbine blades"


def red(app: AppTest) -> list[str]:
    """What the form marks in red next to its fields."""
    return [
        c.value.removeprefix(":red[:material/error: ").removesuffix("]").replace("\\", "")
        for c in app.caption
        if c.value.startswith(":red[:material/error: ")
    ]


def drafts(database_url) -> list[Disclosure]:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(Disclosure).where(Disclosure.title == TITLE, Disclosure.status == "draft")
        ).all()


def shares_in_database(database_url, disclosure_id) -> list[int]:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(DisclosureInventor.share_bp)
            .where(DisclosureInventor.disclosure_id == disclosure_id)
            .order_by(DisclosureInventor.position)
        ).all()


def typed_with_an_open_share(open_app) -> AppTest:
    """Alice types a title, an abstract, a stage, and leaves Benjamin Okafor's share open."""
    app = open_form(open_app)
    app.text_input(key="df_title").input(TITLE).run()
    app.text_area(key="df_abstract").input("Microcapsules of resin repair erosion cracks.").run()
    app.selectbox(key="df_stage").select("prototype").run()
    add_co_inventor(app, "okafor")
    alice, ben = share_inputs(app)
    alice.input("60").run()
    ben.input("ask Ben").run()
    assert not app.exception, app.exception
    return app


def test_the_draft_saves_itself_with_a_share_that_is_not_a_number_yet(open_app, database_url):
    app = typed_with_an_open_share(open_app)
    (draft,) = drafts(database_url)  # no button was pressed
    assert draft.abstract == "Microcapsules of resin repair erosion cracks."
    assert draft.stage == "prototype"
    assert shares_in_database(database_url, draft.id) == [6000, 0]
    assert app.query_params["draft"] == str(draft.id)
    assert any(
        c.value.startswith(":material/cloud_done: Draft saved automatically") for c in app.caption
    )
    assert not app.error


def test_leaving_the_form_and_coming_back_keeps_everything_typed(open_app, database_url):
    app = typed_with_an_open_share(open_app)
    app.switch_page("pages/my_disclosures.py").run()
    assert app.title[0].value == "My disclosures"
    app.switch_page("pages/disclosure_form.py").run()
    assert app.title[0].value == "Edit draft disclosure"
    assert app.text_input(key="df_title").value == TITLE
    assert app.text_area(key="df_abstract").value.startswith("Microcapsules")
    assert app.selectbox(key="df_stage").value == "prototype"
    assert [box.value for box in share_inputs(app)] == ["60", "ask Ben"]  # as typed
    assert len(drafts(database_url)) == 1  # coming back made no second draft


def test_a_new_tab_at_the_drafts_address_opens_it_and_a_new_form_offers_it(open_app, database_url):
    typed_with_an_open_share(open_app)
    (draft,) = drafts(database_url)
    reloaded = open_app("inventor")
    reloaded.query_params["draft"] = str(draft.id)
    reloaded.switch_page("pages/disclosure_form.py").run()
    assert reloaded.title[0].value == "Edit draft disclosure"
    assert reloaded.text_input(key="df_title").value == TITLE
    assert [box.value for box in share_inputs(reloaded)] == ["60", ""]  # open, as saved
    fresh = open_app("inventor")
    fresh.switch_page("pages/disclosure_form.py").run()
    assert fresh.title[0].value == "New disclosure"
    button(fresh, TITLE).click().run()
    assert fresh.text_input(key="df_title").value == TITLE


def test_someone_elses_draft_address_opens_an_empty_form_and_says_why(open_app, database_url):
    typed_with_an_open_share(open_app)
    (draft,) = drafts(database_url)
    other = open_app("officer")  # (Benjamin Okafor, named on it, may edit it too)
    other.query_params["draft"] = str(draft.id)
    other.switch_page("pages/disclosure_form.py").run()
    assert other.title[0].value == "New disclosure"
    assert other.text_input(key="df_title").value == ""
    assert len(other.warning) == 1 and "draft" not in other.query_params


def test_every_problem_is_shown_at_once_on_submit(open_app, database_url):
    app = open_form(open_app)
    app.text_input(key="df_title").input(TITLE).run()
    add_co_inventor(app, "okafor")
    button(app, "Submit to the licensing office").click().run()
    assert messages(app.error) == [
        "Before submitting, add an abstract, the detailed description, the problem solved "
        "and its advantages."
    ]
    assert red(app) == [
        "Needed before submitting.",
        "Needed before submitting.",
        "Needed before submitting.",
        "Before submitting, choose the stage of development.",
        "The share of Benjamin Okafor is not a percentage yet: give it in percent, "
        "e.g. 50 or 33.33.",
    ]
    (waiting,) = app.warning
    assert "choose the stage of development" in waiting.value
    assert "Benjamin Okafor is not a percentage yet" in waiting.value
    assert len(drafts(database_url)) == 1  # kept as a draft


def test_what_still_stands_in_the_way_of_submitting_shrinks_as_it_is_fixed(open_app):
    app = fill_required(open_form(open_app))
    add_co_inventor(app, "okafor")
    alice, ben = share_inputs(app)
    alice.input("50")
    ben.input("40")
    button(app, "Submit to the licensing office").click().run()
    assert messages(app.error) == ["Inventor shares add up to 90 %; they must add up to 100 %."]
    assert red(app) == ["The shares must add up to 100 %."]
    share_inputs(app)[1].input("50").run()
    assert not app.error and not red(app)
    button(app, "Submit to the licensing office").click().run()
    assert app.title[0].value == "My disclosures"


def test_a_title_longer_than_its_limit_is_said_to_be_and_kept(open_app, database_url):
    app = open_form(open_app)
    long_title = TITLE + " " + "x" * 300
    app.text_input(key="df_title").input(long_title).run()
    expected = (
        f"The title is {len(long_title)} characters long; shorten it to 300 characters at most."
    )
    assert red(app) == [expected]
    assert messages(app.error) == [expected]  # nothing is saved: said by the buttons too
    assert app.text_input(key="df_title").value == long_title  # kept as typed
    assert any("Not saved yet" in c.value for c in app.caption)
    assert drafts(database_url) == []
    app.text_input(key="df_title").input(TITLE).run()
    assert not red(app) and not app.error and len(drafts(database_url)) == 1


def test_the_kind_of_a_public_disclosure_must_be_chosen(open_app, database_url):
    app = open_form(open_app)
    app.text_input(key="df_title").input(TITLE).run()
    assert app.selectbox(key="df_new_public_kind").value is None  # no default
    app.date_input(key="df_new_public_date").set_value(date_in_the_past()).run()
    button(app, "Add public disclosure").click().run()
    assert red(app) == [
        "Choose the kind of public disclosure (paper, talk, poster, thesis, abstract, grant "
        "proposal, website, other)."
    ]
    assert not any("Poster" in m.value or "Paper" in m.value for m in app.markdown)
    app.selectbox(key="df_new_public_kind").select("poster").run()
    button(app, "Add public disclosure").click().run()
    assert not red(app)
    assert any("(made) · Poster ·" in m.value for m in app.markdown)
    assert app.selectbox(key="df_new_public_kind").value is None  # ready for the next one
    (draft,) = drafts(database_url)
    with Session(db.get_engine(database_url)) as session:
        saved = session.exec(
            select(AuditEntry.after)
            .where(
                AuditEntry.object_id == str(draft.id), AuditEntry.action == "disclosure.draft_saved"
            )
            .order_by(AuditEntry.id.desc())
        ).first()
    assert saved["public_disclosures"][0][1] == "poster"  # saved as soon as it was added


def test_the_save_button_says_the_draft_is_saved(open_app):
    app = open_form(open_app)
    app.text_input(key="df_title").input(TITLE)
    button(app, "Save draft").click().run()
    assert messages(app.success) == ["Draft saved. You can come back to it from *My disclosures*."]
    assert not app.error


def date_in_the_past():
    from tests.clock import TODAY

    return TODAY.replace(day=1)
