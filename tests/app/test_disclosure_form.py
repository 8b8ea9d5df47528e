"""The disclosure form in the app: what an inventor types, what they are told."""

from tests.app.conftest import button, messages


def open_form(open_app, username="inventor"):
    app = open_app(username)
    app.switch_page("pages/disclosure_form.py").run()
    assert not app.exception, app.exception
    return app


def fill_required(app, title="Quantum sensor for brain imaging"):
    app.text_input(key="df_title").input(title)
    app.text_area(key="df_abstract").input("A room-temperature magnetometer array.")
    app.text_area(key="df_description").input("Nitrogen-vacancy centres in diamond ...")
    app.text_area(key="df_problem_and_advantages").input("MEG needs cryogenics; this does not.")
    app.selectbox(key="df_stage").select("prototype")
    return app


def add_co_inventor(app, search):
    app.text_input(key="df_inventor_search").input(search).run()
    app.selectbox(key="df_inventor_pick").select_index(0).run()
    return button(app, "Add co-inventor").click().run()


def share_inputs(app):
    return [box for box in app.text_input if box.key.startswith("df_share_")]


def test_the_inventor_starts_as_sole_inventor_with_100_percent(open_app):
    app = open_form(open_app)
    assert [box.value for box in share_inputs(app)] == ["100"]
    assert "Alice Chen" in app.markdown[0].value or any(
        "Alice Chen" in m.value for m in app.markdown
    )


def test_shares_that_do_not_add_up_are_explained_and_nothing_is_submitted(open_app):
    app = fill_required(open_form(open_app))
    add_co_inventor(app, "okafor")
    first, second = share_inputs(app)
    first.input("50")
    second.input("40")
    button(app, "Submit to the licensing office").click().run()
    assert "Inventor shares add up to 90 %; they must add up to 100 %." in messages(app.error)
    app.switch_page("pages/my_disclosures.py").run()
    assert app.selectbox(key="my_case").options  # the draft is kept ...
    assert all(
        "Quantum sensor" not in option or "(draft)" in option
        for option in app.selectbox(key="my_case").options
    )  # ... as a draft


def test_missing_parts_are_named(open_app):
    app = open_form(open_app)
    app.text_input(key="df_title").input("Just a title")
    button(app, "Submit to the licensing office").click().run()
    assert messages(app.error) == [
        "Before submitting, add an abstract, the detailed description, the problem solved "
        "and its advantages."
    ]


def test_a_draft_needs_a_title(open_app):
    app = open_form(open_app)
    button(app, "Save draft").click().run()
    assert messages(app.error) == ["Give the disclosure a title (you can change it later)."]


def test_thirds_as_decimals_submit_and_the_docket_number_is_shown(open_app):
    app = fill_required(open_form(open_app))
    add_co_inventor(app, "okafor")
    add_co_inventor(app, "zoe")
    for box, share in zip(share_inputs(app), ["33.34", "33.33", "33.33"], strict=True):
        box.input(share)
    button(app, "Submit to the licensing office").click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "My disclosures"
    thanks = messages(app.success)[0]
    assert thanks.startswith("Thank you. Your disclosure was received as S")


def test_split_equally_gives_exact_shares(open_app):
    app = open_form(open_app)
    add_co_inventor(app, "okafor")
    add_co_inventor(app, "zoe")
    button(app, "Split equally").click().run()
    assert [box.value for box in share_inputs(app)] == ["33.34", "33.33", "33.33"]


def test_federal_funding_without_an_agency_is_refused(open_app):
    app = fill_required(open_form(open_app))
    app.text_input(key="df_new_sponsor").input("National Institutes of Health")
    app.checkbox(key="df_new_federal").check()
    button(app, "Add funding source").click().run()
    button(app, "Save draft").click().run()
    assert messages(app.error) == [
        "Name the federal agency of the funding from National Institutes of Health."
    ]


def test_an_uploaded_attachment_of_the_wrong_kind_is_refused(open_app):
    app = fill_required(open_form(open_app))
    app.file_uploader(key="df_uploads_0").upload("run-me.exe", b"MZ\x90\x00", "application/x")
    app.run()
    button(app, "Save draft").click().run()
    assert any("attach PDF, Word, image or text files" in m for m in messages(app.error))


def test_software_asks_its_own_questions_and_names_those_missing(open_app, database_url):
    from sqlmodel import select

    from tlo import db
    from tlo.disclosures.models import Disclosure

    app = fill_required(open_form(open_app), title="Sparse inference library")
    assert app.radio(key="df_disclosure_type").value == "invention"
    app.radio(key="df_disclosure_type").set_value("software").run()
    assert not app.exception, app.exception
    assert "About this software or other copyright work" in [h.value for h in app.subheader]
    assert app.selectbox(key="df_answer_work_kind").options[0] == "Software"
    app.selectbox(key="df_answer_work_kind").select("Software")
    app.text_input(key="df_answer_repository").input("https://github.com/lab/sparse")
    app.radio(key="df_answer_released").set_value("yes").run()
    # Released: where and under which licence becomes needed, and says so.
    assert app.text_area(key="df_answer_release_details").label.endswith(" *")
    button(app, "Submit to the licensing office").click().run()
    errors = " ".join(caption.value for caption in app.caption if ":red[" in caption.value)
    assert "Code or content of others it includes" in errors  # marked at each question
    assert "Where, when and under which licence was it released?" in errors
    app.text_area(key="df_answer_third_party_code").input("None")
    app.text_area(key="df_answer_open_source").input("numpy (BSD-3-Clause)")
    app.text_area(key="df_answer_release_details").input("GitHub, MIT, May 2026")
    button(app, "Submit to the licensing office").click().run()
    assert not app.exception, app.exception
    with db.unit_of_work(db.get_engine(database_url)) as session:
        case = session.exec(
            select(Disclosure).where(Disclosure.title == "Sparse inference library")
        ).one()
    assert case.status == "submitted" and case.disclosure_type == "software"
    assert case.type_answers == {
        "work_kind": "Software",
        "repository": "https://github.com/lab/sparse",
        "third_party_code": "None",
        "open_source": "numpy (BSD-3-Clause)",
        "released": "yes",
        "release_details": "GitHub, MIT, May 2026",
    }
