"""Is an uploaded .docx a sane zip archive? Checked before anything unpacks it.

A .docx is a zip of XML parts. python-docx reads whole parts into memory, so a small file
that unpacks to gigabytes (a zip bomb) would exhaust the server. The check reads only the
archive's directory, then streams every part through a bounded buffer, trusting no declared
size: a part that yields more than it declares, or fails its checksum, is refused.

The limits are far above real Word templates (the shipped ones: 17 parts, under 1 MB unpacked,
compressed at most ~32-fold) and far below what would hurt the server.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

MB = 1024 * 1024
MAX_PARTS = 500
MAX_PART_BYTES = 20 * MB  # a large picture; the XML parts are a few hundred KB
MAX_TOTAL_BYTES = 50 * MB
MAX_RATIO = 200  # zeros compress ~1,000-fold; Word's XML 5- to 50-fold
RATIO_APPLIES_FROM = 1 * MB  # tiny parts compress oddly and cannot hurt
_CHUNK = 64 * 1024

NOT_A_WORD_FILE = "The file is not a Word document (.docx)."


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 1024 * MB else f"{size / (1024 * MB):,.1f} GB"


def archive_problem(content: bytes) -> str | None:
    """Why the file cannot be unpacked safely, in plain words; None when it can."""
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return NOT_A_WORD_FILE
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return (
                f"The file holds {len(parts):,} parts; a Word document has a few dozen "
                f"(at most {MAX_PARTS} are accepted)."
            )
        for part in parts:
            if part.file_size > MAX_PART_BYTES:
                return (
                    f"The part {part.filename} would unpack to {_mb(part.file_size)}; "
                    f"at most {_mb(MAX_PART_BYTES)} per part is accepted."
                )
        declared = sum(part.file_size for part in parts)
        if declared > MAX_TOTAL_BYTES:
            return (
                f"The file would unpack to {_mb(declared)}; "
                f"at most {_mb(MAX_TOTAL_BYTES)} is accepted."
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > RATIO_APPLIES_FROM and ratio > MAX_RATIO:
                return (
                    f"The part {part.filename} is compressed {ratio:,.0f}-fold (a zip bomb "
                    f"does that; Word documents stay under {MAX_RATIO}-fold)."
                )
        return _streamed_problem(archive, parts)


def _streamed_problem(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> str | None:
    """Unpack every part in small chunks and compare what comes out with what was declared."""
    total = 0
    for part in parts:
        unpacked = 0
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    total += len(chunk)
                    if unpacked > part.file_size or total > MAX_TOTAL_BYTES:
                        return (
                            f"The part {part.filename} holds more than its declared "
                            f"{_mb(part.file_size)}: the file is damaged or forged."
                        )
        except RuntimeError:  # zipfile's word for an encrypted part
            return f"The part {part.filename} is password-protected; save the file unprotected."
        except NotImplementedError:
            return f"The part {part.filename} uses a compression Word does not write."
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
            return f"The part {part.filename} is damaged or forged ({err})."
        if unpacked != part.file_size:
            return (
                f"The part {part.filename} holds {unpacked:,} bytes, not the {part.file_size:,} "
                "it declares: the file is damaged or forged."
            )
    return None
