import pytest

from tlo.errors import ValidationError
from tlo.text import clean_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  a reason  ", "a reason"),
        ("two\r\nlines\rhere", "two\nlines\nhere"),
        ("tab\tkept", "tab\tkept"),
        ("Zürich · 東京 — ok", "Zürich · 東京 — ok"),
        (None, ""),
    ],
)
def test_text_is_kept_cleaned(value, expected):
    assert clean_text(value, what="note", max_length=40) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Give the note"),
        ("   \n ", "Give the note"),
        ("x" * 41, "41 characters long; at most 40"),
        ("nul\x00byte", "U\\+0000"),
        ("escape\x1b[31m", "U\\+001B"),
        ("lone \ud800 surrogate", "U\\+D800"),
        (42, "must be text"),
    ],
)
def test_bad_text_is_a_clear_domain_error(value, message):
    with pytest.raises(ValidationError, match=message):
        clean_text(value, what="note", max_length=40, required=True)
