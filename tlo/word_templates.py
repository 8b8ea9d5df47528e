"""Versions of the Word templates: staff edit a template in Word and upload it as a new version.

Version 1 of every template is the file shipped in templates_docx/. An uploaded file becomes
the next version once it passes the checks in tlo.documents.template_problems (a sane zip
archive, placeholders the renderer provides, well-formed Jinja within the sandbox's limits, a
trial render with the sample context in a child process with a time and memory limit). The newest
version is the one documents are generated from; earlier versions stay stored and can be
downloaded or made current again (which adds them as a new version: history is never edited).
Files are kept under the data folder by their SHA-256, like attachments and drafts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, func, select

from tlo import audit, documents, file_store
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.errors import NotFound, ValidationError

SHIPPED_VERSION = 1
MAX_TEMPLATE_MB = 10


class TemplateVersion(SQLModel, table=True):
    """An uploaded version of a Word template (version 1, the shipped file, has no row)."""

    __tablename__ = "template_version"
    __table_args__ = (sa.UniqueConstraint("name", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, index=True)
    version: int
    sha256: str = Field(max_length=64)
    size_bytes: int
    note: str = ""
    uploaded_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    uploaded_by_name: str = Field(max_length=200)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True)
class Template:
    """One version of a template, ready to render."""

    name: str
    version: int
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class VersionRow:
    version: int
    uploaded_by: str
    uploaded_at: datetime | None  # None for the shipped file
    note: str
    size_bytes: int
    current: bool


@dataclass(frozen=True)
class TemplateSummary:
    name: str
    purpose: str
    current_version: int
    placeholders: list[str]


def _known(name: str) -> None:
    if name not in documents.template_names():
        raise NotFound(f"There is no Word template called {name!r}.")


def purposes() -> dict[str, str]:
    """What each template is used for, as staff would describe it."""
    from tlo.licensing.drafts import TEMPLATES

    uses = {name: f"{kind.label} drafts" for kind, name in TEMPLATES.items()}
    uses["marketing_summary"] = "Non-confidential marketing summaries"
    uses["iia"] = "Inter-institutional agreements of jointly owned technologies"
    uses["invoice"] = "Invoices to licensees"
    return uses


def provided_sample(name: str) -> dict:
    """A sample of what the renderer gives template `name`: its keys are all it may use."""
    from tlo.licensing.drafts import TEMPLATES, sample_context

    return sample_context() if name in TEMPLATES.values() else documents.sample_context(name)


def _latest_upload(session: Session, name: str) -> TemplateVersion | None:
    return session.exec(
        select(TemplateVersion)
        .where(TemplateVersion.name == name)
        .order_by(TemplateVersion.version.desc())
        .limit(1)
    ).first()


def current_template(session: Session, name: str) -> Template:
    """The version documents are generated from: the newest upload, else the shipped file."""
    _known(name)
    latest = _latest_upload(session, name)
    if latest is None:
        return Template(name, SHIPPED_VERSION, documents.template_path(name).read_bytes())
    return Template(name, latest.version, file_store.get("templates", latest.sha256))


def catalogue(session: Session, *, actor: Actor) -> list[TemplateSummary]:
    require(actor, "template.manage")
    newest = dict(
        session.exec(
            select(TemplateVersion.name, func.max(TemplateVersion.version)).group_by(
                TemplateVersion.name
            )
        ).all()
    )
    uses = purposes()
    return [
        TemplateSummary(
            name=name,
            purpose=uses.get(name, "Not used yet"),
            current_version=newest.get(name, SHIPPED_VERSION),
            placeholders=sorted(provided_sample(name)),
        )
        for name in documents.template_names()
    ]


def versions(session: Session, *, actor: Actor, name: str) -> list[VersionRow]:
    """Every version of a template, newest first."""
    require(actor, "template.manage")
    _known(name)
    uploads = session.exec(
        select(TemplateVersion)
        .where(TemplateVersion.name == name)
        .order_by(TemplateVersion.version.desc())
    ).all()
    shipped = documents.template_path(name).stat().st_size
    rows = [
        VersionRow(u.version, u.uploaded_by_name, u.uploaded_at, u.note, u.size_bytes, i == 0)
        for i, u in enumerate(uploads)
    ]
    rows.append(VersionRow(SHIPPED_VERSION, "shipped with tlo", None, "", shipped, not uploads))
    return rows


def read_version(session: Session, *, actor: Actor, name: str, version: int) -> bytes:
    require(actor, "template.manage")
    _known(name)
    if version == SHIPPED_VERSION:
        return documents.template_path(name).read_bytes()
    upload = session.exec(
        select(TemplateVersion).where(
            TemplateVersion.name == name, TemplateVersion.version == version
        )
    ).first()
    if upload is None:
        raise NotFound(f"The {name} template has no version {version}.")
    return file_store.get("templates", upload.sha256)


def upload_version(
    session: Session, *, actor: Actor, name: str, content: bytes, note: str = ""
) -> TemplateVersion:
    """Check an edited template and, when it passes, make it the current version."""
    require(actor, "template.manage")
    _known(name)
    if len(content) > MAX_TEMPLATE_MB * 1024 * 1024:
        raise ValidationError(
            f"The file is larger than {MAX_TEMPLATE_MB} MB; a Word template never needs that."
        )
    problems = documents.template_problems(content, provided_sample(name))
    if problems:
        raise ValidationError(
            "The template was not accepted:\n" + "\n".join(f"- {p}" for p in problems)
        )
    latest = _latest_upload(session, name)
    sha256 = file_store.put("templates", content)
    upload = TemplateVersion(
        name=name,
        version=(latest.version if latest else SHIPPED_VERSION) + 1,
        sha256=sha256,
        size_bytes=len(content),
        note=note.strip(),
        uploaded_by_account_id=actor.account_id,
        uploaded_by_name=actor.name,
    )
    session.add(upload)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="template.uploaded",
        object_type="template",
        object_id=upload.id,
        after={"name": name, "version": upload.version, "sha256": sha256, "note": upload.note},
    )
    return upload


def make_current(session: Session, *, actor: Actor, name: str, version: int) -> TemplateVersion:
    """Bring an earlier version back: it is checked again and added as the newest version."""
    content = read_version(session, actor=actor, name=name, version=version)
    return upload_version(
        session, actor=actor, name=name, content=content, note=f"Restored version {version}"
    )
