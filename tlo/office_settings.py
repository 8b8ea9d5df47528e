"""Who the office's documents say the parties are: the university (its legal name, address and
signatory) and its licensing office (name and contact), kept in the database and edited by an
administrator on Administration -> Office settings.

Every Word template prints them (tlo.licensing.drafts, tlo.licensing.marketing). A fresh office
has saved nothing yet: its documents then print bracketed placeholders ("[University's legal
name]"), the convention drafts already use for a term still to be filled in, so a draft
generated before the settings are given cannot pass for a finished one. The demo office fills
Stanford-like values, marked "(demo)" where the university is named.

One row (id 1): the settings are one record that changes as a whole, audited before and after.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from tlo import audit
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.errors import ValidationError
from tlo.text import clean_email, clean_text

SETTINGS_ID = 1


class OfficeSettings(SQLModel, table=True):
    """The parties as the office's documents name them (one row)."""

    __tablename__ = "office_settings"
    __table_args__ = (sa.CheckConstraint("id = 1", name="ck_office_settings_one_row"),)

    id: int = Field(default=SETTINGS_ID, primary_key=True)
    # The university as people call it ("Stanford University"): marketing summaries.
    university_name: str = Field(max_length=200)
    # As it contracts: "The Board of Trustees of the Leland Stanford Junior University".
    university_legal_name: str = Field(max_length=300)
    # What it is in law, after its name: "a body having corporate powers under the laws of
    # the State of California" (may be empty).
    university_legal_description: str = Field(default="", max_length=300)
    university_address: str = Field(max_length=500)
    # "This Agreement is governed by the laws of ...": "the State of California".
    governing_law: str = Field(max_length=200)
    signatory_name: str = Field(max_length=200)
    signatory_title: str = Field(max_length=200)
    office_name: str = Field(max_length=200)
    office_address: str = Field(max_length=500)
    office_email: str = Field(max_length=320)
    office_phone: str = Field(default="", max_length=50)
    # How licensees pay (bank, account, ABA/SWIFT, reference): printed on every invoice.
    payment_instructions: str = Field(
        default="", max_length=1000, sa_column_kwargs={"server_default": ""}
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    updated_by_name: str = Field(max_length=200)


@dataclass(frozen=True)
class SettingsForm:
    """The settings as typed on the page (and as documents read them)."""

    university_name: str
    university_legal_name: str
    university_legal_description: str
    university_address: str
    governing_law: str
    signatory_name: str
    signatory_title: str
    office_name: str
    office_address: str
    office_email: str
    office_phone: str = ""
    payment_instructions: str = ""


# What each field is called in a message, and whether a document needs it.
LABELS: dict[str, str] = {
    "university_name": "university's name",
    "university_legal_name": "university's legal name",
    "university_legal_description": "university's legal description",
    "university_address": "university's address",
    "governing_law": "governing law",
    "signatory_name": "name of the university's signatory",
    "signatory_title": "title of the university's signatory",
    "office_name": "office's name",
    "office_address": "office's address",
    "office_email": "office's e-mail address",
    "office_phone": "office's telephone number",
    "payment_instructions": "payment instructions on invoices",
}
OPTIONAL = {"university_legal_description", "office_phone", "payment_instructions"}
MULTILINE = {"university_address", "office_address", "payment_instructions"}

# A fresh office's documents print these until an administrator gives the real values.
PLACEHOLDERS = SettingsForm(
    university_name="[University]",
    university_legal_name="[University's legal name]",
    university_legal_description="",
    university_address="[University's address]",
    governing_law="[the State of ...]",
    signatory_name="[Name of the University's signatory]",
    signatory_title="[Title of the University's signatory]",
    office_name="[Office of Technology Licensing]",
    office_address="[Office's address]",
    office_email="[office e-mail]",
    office_phone="",
    payment_instructions="[How to pay: bank, account, ABA/SWIFT]",
)

# The demo office (tlo.demo): Stanford-like, the university marked "(demo)" so that no demo
# draft passes for a real agreement. The e-mail domain and the 555 number are fictional.
DEMO = SettingsForm(
    university_name="Stanford University (demo)",
    university_legal_name="The Board of Trustees of the Leland Stanford Junior University (demo)",
    university_legal_description=(
        "a body having corporate powers under the laws of the State of California"
    ),
    university_address="450 Jane Stanford Way\nStanford, CA 94305\nUnited States",
    governing_law="the State of California",
    signatory_name="Diane Whitfield",
    signatory_title="Director, Office of Technology Licensing",
    office_name="Office of Technology Licensing",
    office_address="3000 El Camino Real, Building 5, Suite 300\nPalo Alto, CA 94306",
    office_email="otl@university.example",
    office_phone="+1 650 555 0100",
    payment_instructions=(
        "Wire to Example Bank (demo), 1 Main Street, Palo Alto, CA\n"
        "Account 000123456789 · ABA 121000000 · SWIFT EXAMUS6S\n"
        "Quote the invoice number as the reference."
    ),
)

_PHONE = re.compile(r"\+?[0-9][0-9 ().\-/]*(\s*(ext\.?|x)\s*[0-9]+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Parties(SettingsForm):
    """The settings as documents print them; `placeholders`: nothing saved yet."""

    placeholders: bool = False

    @staticmethod
    def one_line(address: str) -> str:
        """An address typed on several lines, as a sentence gives it: lines joined by commas."""
        return ", ".join(line.strip() for line in address.splitlines() if line.strip())

    @property
    def university_party(self) -> str:
        """The university as an agreement's first sentence names it, with what it is in law."""
        description, name = self.university_legal_description, self.university_legal_name
        return f"{name}, {description}" if description else name

    def office_context(self) -> dict[str, str]:
        """The office's name and contact, as templates print them (an agreement's notices,
        the marketing summary's contact)."""
        return {
            "office_name": self.office_name,
            "office_address": self.one_line(self.office_address),
            "office_email": self.office_email,
            "office_phone": self.office_phone,
        }

    def agreement_context(self) -> dict[str, str]:
        """The university and its office, as every agreement template prints them."""
        return {
            "university": self.university_legal_name,
            "university_party": self.university_party,
            "university_address": self.one_line(self.university_address),
            "university_signatory_name": self.signatory_name,
            "university_signatory_title": self.signatory_title,
            "governing_law": self.governing_law,
            **self.office_context(),
        }


def _values(row: OfficeSettings) -> dict[str, str]:
    return {f.name: getattr(row, f.name) for f in fields(SettingsForm)}


def parties(session: Session) -> Parties:
    """What documents print. For services that have checked their own permission (generating
    a draft, a marketing summary); pages read the settings through `current`."""
    row = session.get(OfficeSettings, SETTINGS_ID)
    if row is None:
        return Parties(**asdict(PLACEHOLDERS), placeholders=True)
    return Parties(**_values(row))


def current(session: Session, *, actor: Actor) -> Parties:
    """The settings, for staff: the office's own name and contact are no secret among them."""
    require(actor, "settings.read")
    return parties(session)


def _clean(form: object) -> SettingsForm:
    if not isinstance(form, SettingsForm):
        raise ValidationError("Fill in the office settings.")
    cleaned: dict[str, str] = {}
    for name, what in LABELS.items():
        value = getattr(form, name)
        if name == "office_email":
            text = clean_email(value, what=what)
        else:
            text = clean_text(
                value,
                what=what,
                column=getattr(OfficeSettings, name),
                multiline=name in MULTILINE,
                required=name not in OPTIONAL,
            )
        if name in MULTILINE:  # no blank lines inside an address
            text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
        if text.startswith("[") and text.endswith("]"):
            raise ValidationError(f"The {what} is still the placeholder {text}: give the real one.")
        cleaned[name] = text
    phone = cleaned["office_phone"]
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 5):
        raise ValidationError(
            f"The {LABELS['office_phone']} {phone!r} is not a number to dial: write it with "
            "digits, spaces, + ( ) - . / and an extension as 'ext 123'."
        )
    return SettingsForm(**cleaned)


def save_settings(session: Session, *, actor: Actor, form: SettingsForm) -> OfficeSettings:
    """Change the settings; every document generated afterwards prints the new parties."""
    require(actor, "settings.manage")
    cleaned = _clean(form)
    row = session.get(OfficeSettings, SETTINGS_ID)
    before = audit.snapshot(row, exclude=_BOOKKEEPING) if row else None
    if row is None:
        row = OfficeSettings(id=SETTINGS_ID, updated_by_name=actor.name, **asdict(cleaned))
    else:
        for name, value in asdict(cleaned).items():
            setattr(row, name, value)
    row.updated_at = utcnow()
    row.updated_by_account_id, row.updated_by_name = actor.account_id, actor.name
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="office_settings.saved",
        object_type="office_settings",
        object_id=SETTINGS_ID,
        before=before,
        after=audit.snapshot(row, exclude=_BOOKKEEPING),
    )
    return row


_BOOKKEEPING = frozenset({"id", "updated_at", "updated_by_account_id", "updated_by_name"})


@dataclass(frozen=True)
class SettingsView:
    """The page's view: the values, and who last changed them (None: never saved)."""

    parties: Parties
    updated_by_name: str | None
    updated_at: datetime | None


def settings_view(session: Session, *, actor: Actor) -> SettingsView:
    require(actor, "settings.manage")
    row = session.get(OfficeSettings, SETTINGS_ID)
    return SettingsView(
        parties(session),
        row.updated_by_name if row else None,
        row.updated_at if row else None,
    )
