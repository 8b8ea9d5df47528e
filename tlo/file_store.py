"""Files kept under the data folder by their SHA-256 (attachments, drafts, template versions).

A file is written once, atomically; a file with the same hash already holds these very bytes,
so storing twice is harmless and the database row keeps only the hash.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from tlo.config import get_settings
from tlo.errors import NotFound


def path_of(kind: str, sha256: str) -> Path:
    return get_settings().data_dir / kind / sha256[:2] / sha256


def put(kind: str, content: bytes) -> str:
    """Store `content` in the `kind` folder and return its SHA-256."""
    sha256 = hashlib.sha256(content).hexdigest()
    target = path_of(kind, sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    return sha256


def get(kind: str, sha256: str) -> bytes:
    path = path_of(kind, sha256)
    if not path.exists():
        raise NotFound(f"The stored file {sha256[:12]}… is missing from {path.parent.parent}.")
    return path.read_bytes()
