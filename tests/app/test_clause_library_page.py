"""The clause library page and the agreement page's comparison of drafts (issue #21)."""

from tests.app.conftest import messages, navigation_paths
from tlo import db
from tlo.licensing import clauses

EXPORT = clauses.shipped_clauses()["export_control"]


def pick_export_control(app):
    app.switch_page("pages/clauses.py").run()
    pick = app.selectbox(key="clause_pick")
    index = next(i for i, option in enumerate(pick.options) if option.startswith("Export"))
    return pick.select_index(index).run()


def test_the_director_sees_every_standard_clause_with_its_version(open_app):
    app = open_app("director")
    app.switch_page("pages/clauses.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["Key"]) == set(clauses.shipped_clauses())
    assert set(table["Current version"]) == {1}
    federal = table[table["Key"] == "march_in"]["Printed"].item()
    assert federal == "only for federally funded technology"


def test_counsel_saves_a_new_version_of_export_control(open_app):
    app = pick_export_control(open_app("director"))
    app.text_area(key="clause_text_export_control").input(
        EXPORT.text + "\n\n{{ licensee_role }} shall screen its customers."
    )
    app.text_input(key="clause_note_export_control").input("Customer screening")
    app.button(key="FormSubmitter:clause_edit_export_control-Check and save").click().run()
    assert not app.exception
    assert messages(app.success) == [
        "Version 2 of “Export Control” is current: the next drafts print it."
    ]
    labels = [e.label for e in app.expander]
    assert any(label.startswith("Version 2 (current) · ") for label in labels)
    assert any(label.startswith("Version 1 · shipped with tlo") for label in labels)


def test_a_clause_with_an_unknown_placeholder_is_refused_and_nothing_is_saved(open_app):
    app = pick_export_control(open_app("director"))
    app.text_area(key="clause_text_export_control").input("{{ shoe_size }} shall comply.")
    app.button(key="FormSubmitter:clause_edit_export_control-Check and save").click().run()
    assert any("Unknown placeholder: shoe_size" in m for m in messages(app.error))
    with db.unit_of_work() as session:
        assert clauses.current_clauses(session)["export_control"].version == 1


def test_an_officer_has_no_clause_library(open_app):
    app = open_app("officer")
    assert "pages/clauses.py" not in navigation_paths(app)


def test_the_agreement_page_compares_two_drafts_and_offers_the_changes_document(open_app):
    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    pick = app.selectbox(key="agr_pick")
    index = next(i for i, option in enumerate(pick.options) if "Exclusive license" in option)
    pick.select_index(index).run()
    for _ in range(2):  # the two newest drafts have the same terms and clauses
        generate = next(b for b in app.button if b.label == "Generate a new Word draft")
        generate.click().run()
    assert not app.exception
    assert any(e.label == "Compare two drafts" for e in app.expander)
    older, newer = (
        app.selectbox(key=_key(app, "cmp_old_")),
        app.selectbox(key=_key(app, "cmp_new_")),
    )
    assert older.value < newer.value
    assert any("same terms and the same standard clauses" in m for m in messages(app.info))
    labels = [d.label for d in app.get("download_button")]
    assert "Download the changes (Word)" in labels


def _key(app, prefix: str) -> str:
    return next(s.key for s in app.selectbox if s.key and s.key.startswith(prefix))
