"""Attachments of a disclosure: stored under the data folder by their content's SHA-256, never
by the uploaded name; the original name (sanitised) is kept for download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlmodel import Session, select

from tlo import audit, file_store
from tlo.auth.permissions import Actor, can
from tlo.config import get_settings
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Attachment
from tlo.errors import NotFound, ValidationError
from tlo.text import clean_text

# Extension -> (content type, how the file must begin); text is checked as UTF-8 instead.
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".tif": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".txt": ("text/plain", ()),
}


def sanitise_name(name: str) -> str:
    """The file's own name without any folder, with only safe characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", base).strip(" .")
    return (cleaned or "attachment")[-200:]


def _content_type(name: str, content: bytes) -> str:
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise ValidationError(f"{name}: attach PDF, Word, image or text files ({allowed}).")
    content_type, signatures = ALLOWED_TYPES[extension]
    if signatures and not content.startswith(signatures):
        raise ValidationError(f"{name} is not really a {extension} file.")
    if not signatures:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{name} is not plain UTF-8 text.") from None
    return content_type


def add_attachment(
    session: Session, *, actor: Actor, disclosure_id: int, name: str, content: bytes
) -> Attachment:
    name = clean_text(
        name, what="file name", column=Attachment.original_name, required=True, multiline=False
    )
    if not isinstance(content, bytes):
        raise ValidationError(f"{name} could not be read; upload it again.")
    case = load_case(session, actor, disclosure_id, "disclosure.read")
    if not (can(actor, "disclosure.edit_draft", case) or can(actor, "disclosure.work", case)):
        raise ValidationError("Only the case's inventors and its officer add attachments.")
    limit = get_settings().attachment_max_mb
    if len(content) > limit * 1024 * 1024:
        raise ValidationError(f"{name} is larger than the limit of {limit} MB.")
    if not content:
        raise ValidationError(f"{name} is empty.")
    safe_name = sanitise_name(name)
    content_type = _content_type(safe_name, content)
    sha256 = file_store.put("attachments", content)
    attachment = Attachment(
        disclosure_id=disclosure_id,
        sha256=sha256,
        original_name=safe_name,
        content_type=content_type,
        size_bytes=len(content),
        uploaded_by_account_id=actor.account_id,
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="disclosure.attachment_added",
        object_type="disclosure",
        object_id=disclosure_id,
        after={"attachment_id": attachment.id, "name": safe_name, "sha256": sha256},
    )
    return attachment


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    content_type: str
    content: bytes


def read_attachment(session: Session, *, actor: Actor, attachment_id: int) -> AttachmentFile:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"There is no attachment {attachment_id}.")
    load_case(session, actor, attachment.disclosure_id, "disclosure.read")
    content = file_store.get("attachments", attachment.sha256)
    return AttachmentFile(attachment.original_name, attachment.content_type, content)


def list_attachments(session: Session, disclosure_id: int) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.disclosure_id == disclosure_id)
            .order_by(Attachment.uploaded_at)
        ).all()
    )
