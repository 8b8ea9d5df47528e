"""The import page: template per kind, check (dry run) with its problem table, and an Import
button that only a clean check of the same file enables. AppTest drives the file uploader
(`file_uploader(key=...).upload(...)`); it cannot read a download button's bytes, so the
workbooks themselves are tested in tests/services/test_import.py."""

from io import BytesIO

from openpyxl import load_workbook
from sqlmodel import select

from tests.app.conftest import button, messages
from tlo import db
from tlo.people.models import Person
from tlo.reports import importer

PAGE = "pages/data_import.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def people_file(*rows: tuple[str, str, str]) -> bytes:
    book = load_workbook(BytesIO(importer.template_workbook("people")))
    sheet = book.worksheets[0]
    for cell in sheet[2]:
        cell.value = None
    for number, (name, email, department) in enumerate(rows, start=2):
        sheet.cell(number, 1, name)
        sheet.cell(number, 2, email)
        sheet.cell(number, 3, department)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = people_file(
    ("Katherine Johnson", "kjohnson@university.example", ""),
    ("Dorothy Vaughan", "dvaughan@university.example", ""),
)
BAD = people_file(
    ("Mary Jackson", "mjackson@university.example", "NOPE"),
    ("Mary Jackson", "MJACKSON@university.example", ""),
)


def open_page(open_app, username="admin"):
    app = open_app(username)
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def upload(app, content: bytes, name="people.xlsx"):
    app.file_uploader(key="imp_file").upload(name, content, XLSX)
    return app.run()


def import_button(app):
    return button(app, "Import")


def people_named(database_url, *emails) -> list[str]:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return list(session.exec(select(Person.full_name).where(Person.email.in_(emails))).all())


def test_the_admin_opens_the_page_and_finds_the_template_of_each_kind(open_app):
    app = open_page(open_app)
    assert app.title[0].value == "Import legacy records"
    assert [d.label for d in app.get("download_button")] == ["Download the people template"]
    app.selectbox(key="imp_kind").select_index(2).run()
    assert [d.label for d in app.get("download_button")] == ["Download the disclosures template"]
    columns = app.dataframe[0].value
    assert list(columns["Column"])[:3] == ["Docket", "Title", "Abstract"]
    assert button(app, "Check").disabled and import_button(app).disabled


def test_the_director_may_import_too(open_app):
    app = open_page(open_app, "director")
    assert app.title[0].value == "Import legacy records"


def test_a_clean_check_enables_import_which_writes_the_whole_file(open_app, database_url):
    app = upload(open_page(open_app), GOOD)
    assert import_button(app).disabled, "nothing is imported before a check"
    button(app, "Check").click().run()
    assert not app.exception
    assert [m.value for m in app.metric] == ["2", "0"]
    assert "All 2 rows can be imported" in messages(app.success)[0]
    assert people_named(database_url, "kjohnson@university.example") == [], "a dry run"
    import_button(app).click().run()
    assert not app.exception
    assert messages(app.success) == ["Imported 2 people record(s) from people.xlsx."]
    assert sorted(
        people_named(database_url, "kjohnson@university.example", "dvaughan@university.example")
    ) == ["Dorothy Vaughan", "Katherine Johnson"]


def test_a_file_with_problems_lists_each_one_and_cannot_be_imported(open_app, database_url):
    app = upload(open_page(open_app), BAD)
    button(app, "Check").click().run()
    assert [m.value for m in app.metric] == ["2", "2"]
    table = app.dataframe[-1].value
    assert list(table["Row"]) == [2, 3]
    assert list(table["Column"]) == ["Department code", "E-mail"]
    assert list(table["Problem"]) == [
        "There is no department coded NOPE.",
        "mjackson@university.example is also on row 2; list it once.",
    ]
    assert "Download the problems (.xlsx)" in [d.label for d in app.get("download_button")]
    assert import_button(app).disabled
    assert people_named(database_url, "mjackson@university.example") == []


def test_another_file_after_a_clean_check_must_be_checked_again(open_app):
    app = upload(open_page(open_app), GOOD)
    button(app, "Check").click().run()
    assert not import_button(app).disabled
    app.file_uploader(key="imp_file").clear()
    app = upload(app, BAD, name="other.xlsx")
    assert import_button(app).disabled
    assert not app.metric, "the old report is not shown for another file"


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(open_app):
    app = upload(open_page(open_app), b"Full name,E-mail\nAda,ada@uni.example\n", "people.xlsx")
    button(app, "Check").click().run()
    assert not app.exception
    assert any("not an Excel workbook" in m for m in messages(app.error))
    assert import_button(app).disabled
