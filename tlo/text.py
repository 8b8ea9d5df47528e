"""Free text from users, checked before it is stored: type, length and characters.

One place answers bad text with a domain error, so that SQLite (which would store anything)
and PostgreSQL (which refuses a NUL and an over-long value with a driver error) behave alike.
"""

from __future__ import annotations

import unicodedata

from tlo.errors import ValidationError

ALLOWED_CONTROLS = {"\n", "\t"}


def clean_text(value: object, *, what: str, max_length: int, required: bool = False) -> str:
    """The text stripped of surrounding blanks, line ends made \\n; refused when it is not a
    string, is too long, or holds control characters (a NUL, an escape) or unpaired
    surrogates."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {what} must be text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError(f"Give the {what}.")
    if len(text) > max_length:
        raise ValidationError(
            f"The {what} is {len(text):,} characters long; at most {max_length:,} are kept."
        )
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cs":
            raise ValidationError(
                f"The {what} holds a control character (U+{ord(char):04X}); remove it."
            )
    return text
