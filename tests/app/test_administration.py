from sqlmodel import select

from tlo import db
from tlo.auth.models import Role
from tlo.disclosures.models import Disclosure


def test_an_admin_adds_a_person_and_sees_them_listed(open_app):
    app = open_app("admin")
    app.switch_page("pages/people.py").run()
    app.text_input(key="new_person_name").input("Grace Hopper")
    app.text_input(key="new_person_email").input("ghopper@university.example")
    app.selectbox(key="new_person_department").select_index(0)
    app.button(key="FormSubmitter:add_person-Add person").click().run()
    assert not app.exception
    assert [message.value for message in app.success] == ["Grace Hopper added."]
    app.text_input(key="people_search").input("hopper").run()
    listed = app.dataframe[0].value
    assert list(listed["Name"]) == ["Grace Hopper"]


def test_a_bad_email_is_refused_with_a_message_and_nothing_is_added(open_app):
    app = open_app("admin")
    app.switch_page("pages/people.py").run()
    app.text_input(key="new_person_name").input("Nobody")
    app.text_input(key="new_person_email").input("nobody-at-nowhere")
    app.button(key="FormSubmitter:add_person-Add person").click().run()
    assert "e-mail address is not valid" in app.error[0].value
    assert app.text_input(key="new_person_name").value == "Nobody"  # kept for correcting
    app.text_input(key="people_search").input("Nobody").run()
    assert app.dataframe[0].value.empty


def test_the_admin_gives_an_account_a_role(open_app):
    app = open_app("admin")
    app.switch_page("pages/accounts.py").run()
    app.text_input(key="accounts_search").input("officer2").run()
    chosen = app.selectbox(key="chosen_account").value
    assert chosen.username == "officer2"
    app.multiselect(key=f"roles_{chosen.account_id}").select(Role.DIRECTOR)
    app.button(key="FormSubmitter:edit_roles-Save roles").click().run()
    assert [message.value for message in app.success] == ["Roles of officer2 saved."]
    assert list(app.dataframe[0].value["Roles"]) == ["Licensing officer, Director"]


def test_the_audit_log_reads_who_did_what_to_which_record(open_app, database_url):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        docket, title = session.exec(
            select(Disclosure.docket, Disclosure.title)
            .where(Disclosure.docket.is_not(None))
            .order_by(Disclosure.id)
        ).first()
    app = open_app("admin")
    app.switch_page("pages/audit_log.py").run()
    app.selectbox(key="audit_type").select("school").run()
    table = app.dataframe[0].value
    assert list(table.columns) == ["When", "Who", "What", "Record", "Action", "Before", "After"]
    assert len(table) == 3
    assert set(table["Action"]) == {"school.created"}
    assert set(table["Who"]) == {"system (demo data)"}
    assert list(table["What"]) == [
        f"system (demo data) created the school {school}" for school in table["Record"]
    ]
    # A case is named by its docket number: its title is not the administrator's to read.
    app.selectbox(key="audit_type").select("disclosure").run()
    app.text_input(key="audit_record").input(docket).run()
    table = app.dataframe[0].value
    assert len(table) > 0 and set(table["Record"]) == {docket}
    assert all(docket in what for what in table["What"])
    assert title not in table.to_csv()


def test_the_director_exports_every_entry_of_one_person(open_app):
    app = open_app("director")
    app.switch_page("pages/audit_log.py").run()
    app.text_input(key="audit_who").input("system").run()
    assert app.selectbox(key="audit_who_pick").value.account_id is None  # tlo itself
    assert set(app.dataframe[0].value["Who"]) == {"system (demo data)"}
    assert not [d for d in app.get("download_button") if d.label == "Download the Excel file"]
    app.button(key="audit_export").click().run()
    assert not app.exception and not app.error
    assert [d.label for d in app.get("download_button")] == ["Download the Excel file"]


def test_the_director_lists_the_word_templates_and_their_versions(open_app):
    app = open_app("director")
    app.switch_page("pages/templates.py").run()
    assert not app.exception
    catalogue = app.dataframe[0].value
    assert "marketing_summary" in list(catalogue["Template"])
    assert set(catalogue["Current version"]) == {1}
    shown = [m.value for m in app.markdown]
    assert any(m.startswith("**Version 1** (current) · shipped with tlo") for m in shown)
    # the catalogue's Excel, then one Download per version
    assert [d.label for d in app.get("download_button")] == ["Excel", "Download"]
