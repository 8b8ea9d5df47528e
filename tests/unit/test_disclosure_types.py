"""Disclosure types as data (issue #18): the shipped files, and a file the office got wrong is
refused with the file and the entry named."""

import pytest

from tlo.disclosures import disclosure_types
from tlo.disclosures.disclosure_types import DisclosureTypeError, parse_type


def test_the_shipped_types_are_an_invention_software_and_biological_material():
    types = disclosure_types.all_types()
    assert list(types) == ["invention", "software", "biological_material"]
    software = types["software"]
    required = [f.key for f in software.fields if f.required]
    assert required == ["work_kind", "repository", "third_party_code", "open_source", "released"]
    assert software.question("release_details").required_if == (("released", "yes"),)
    bio = types["biological_material"]
    assert {"organism", "deposit", "mta_in", "mta_in_details"} <= {f.key for f in bio.fields}
    assert not any(f.required for f in types["invention"].fields)


def test_an_office_adds_a_type_in_its_own_folder(tmp_path, monkeypatch):
    (tmp_path / "invention.toml").write_text('label = "Invention"\n')
    (tmp_path / "plant_variety.toml").write_text(
        'label = "Plant variety"\norder = 0\n'
        '[[fields]]\nkey = "species"\nlabel = "Species"\nrequired = true\n'
    )
    monkeypatch.setenv("TLO_DISCLOSURE_TYPES_DIR", str(tmp_path))
    types = disclosure_types.all_types()
    assert list(types) == ["plant_variety", "invention"]  # by order
    assert types["plant_variety"].question("species").kind == "text"


def test_a_folder_without_the_invention_type_is_refused(tmp_path, monkeypatch):
    (tmp_path / "software.toml").write_text('label = "Software"\n')
    monkeypatch.setenv("TLO_DISCLOSURE_TYPES_DIR", str(tmp_path))
    with pytest.raises(DisclosureTypeError, match=r"no invention\.toml"):
        disclosure_types.all_types()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("label = ", "not valid TOML"),
        ('label = ""', "'label' must be a text"),
        ('label = "X"\ncolour = "red"', "unknown setting"),
        ('label = "X"\n[[fields]]\nkey = "Bad Key"\nlabel = "Q"', "lower-case letters"),
        ('label = "X"\n[[fields]]\nkey = "q"\nlabel = "Q"\nkind = "date"', "kind must be one of"),
        ('label = "X"\n[[fields]]\nkey = "q"\nlabel = "Q"\nkind = "choice"', "list of texts"),
        ('label = "X"\n[[fields]]\nkey = "q"\nlabel = "Q"\nrequired = "yes"', "true or false"),
        ('label = "X"\n[[fields]]\nkey = "q"\nlabel = "Q"\nmax_length = 0', "max_length"),
        (
            'label = "X"\n[[fields]]\nkey = "q"\nlabel = "Q"\nrequired_if = { other = "yes" }',
            "names no field 'other'",
        ),
        (
            'label = "X"\n[[fields]]\nkey = "q"\nlabel = "Q"\n[[fields]]\nkey = "q"\nlabel = "R"',
            "same key",
        ),
        ('label = "X"\n[[fields]]\nkey = "q"', "'label' must be a text"),
    ],
)
def test_a_file_the_office_got_wrong_is_refused_with_what_is_wrong(text, message):
    with pytest.raises(DisclosureTypeError, match=message) as refusal:
        parse_type("x", text, where="disclosure_types/x.toml")
    assert "disclosure_types/x.toml" in str(refusal.value)


def test_answers_are_shown_with_their_questions_and_an_old_answer_keeps_its_key():
    label, shown = disclosure_types.answers_shown(
        "software", {"released": "no", "repository": "https://git.example/x", "gone": "kept"}
    )
    assert label == "Software or other copyright work"
    assert shown == [
        ("Where the code or the work is kept (repository address)", "https://git.example/x"),
        ("Has it been released or shared outside the university?", "No"),
        ("gone", "kept"),
    ]
