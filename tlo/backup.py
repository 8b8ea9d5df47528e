"""Backup and restore: the database and every file under the data folder, in one archive.

Attachments, drafts, template versions and licensee reports live under the data folder, stored by
their SHA-256 (tlo.file_store); the database rows keep only the hashes. A copy of the database
alone therefore loses them, and a copy of the folder alone loses the rows.

`create_backup` writes one tar archive:

    manifest.json           what the archive holds: tlo version, migration revision, database
                            kind, when it was made, the row count of every table, every file's
                            path, size and SHA-256, and the dump's
    database/tlo.sqlite3    SQLite: a copy made with SQLite's online backup API
    database/tlo.pgdump     PostgreSQL: `pg_dump --format=custom` of the app's schema
    files/...               every file of the data folder, by its path inside it

Consistency while the app runs: the database is copied first, from one snapshot (SQLite's
backup API; for PostgreSQL an exported snapshot that pg_dump, the row counts and the hash check
all share). The files are copied afterwards. A stored file is never replaced or deleted, so every
file a row of the snapshot names is already there, and a file uploaded later is merely an extra.
The hashes the snapshot names are then checked against the files copied: a missing one is a
problem the report names (the archive is still written: it is the best copy there is).

`restore_backup` checks the whole archive (manifest, every size and hash) before it touches
anything, refuses a target database that holds rows (unless forced), a revision this code does
not know, or the other kind of database; then it moves the files into place, replaces the
database in one transaction, and reads everything back: every file's hash, the row count of
every table and the migration revision.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url

from tlo import clock, db
from tlo.config import PROJECT_ROOT, Settings, get_settings
from tlo.errors import DomainError

FORMAT = "tlo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_MEMBERS = {"sqlite": "database/tlo.sqlite3", "postgresql": "database/tlo.pgdump"}
FILES_PREFIX = "files/"
_CHUNK = 1024 * 1024

# Every column that keeps the SHA-256 of a file stored by tlo.file_store: (kind, table, column).
# tests/services/test_backup.py checks that every `file_store.put(kind, ...)` kind is listed.
STORED_FILE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("attachments", "attachment", "sha256"),
    ("drafts", "agreement_draft", "sha256"),
    ("templates", "template_version", "sha256"),
    ("reports", "income", "report_sha256"),
    ("outbox", "outbox_message", "attachment_sha256"),  # a file sent with a message (invoices)
)

# The tables the restore summary names (every table is counted and checked all the same).
MAIN_TABLES = (
    "person",
    "account",
    "disclosure",
    "attachment",
    "patent_application",
    "agreement",
    "agreement_draft",
    "income",
    "distribution",
    "audit_entry",
)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_STAGING_PREFIX = ".tlo-restore-"


class BackupRefused(DomainError):
    """Nothing was written or changed; the message says why and what to do."""


class RestoreFailed(DomainError):
    """The restore began but what was read back does not match the archive."""


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to the data folder, with forward slashes
    sha256: str
    size_bytes: int


@dataclass
class BackupReport:
    path: Path
    database_kind: str
    revision: str | None
    rows: dict[str, int]
    files: list[StoredFile]
    dump_bytes: int
    archive_bytes: int = 0
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def file_bytes(self) -> int:
        return sum(f.size_bytes for f in self.files)


@dataclass
class RestoreReport:
    path: Path
    database_kind: str
    revision: str | None
    head_revision: str
    rows: dict[str, int]
    files_restored: int
    file_bytes: int
    files_already_there: int
    other_files_kept: int


# --- the archive's manifest --------------------------------------------------------------------


def _checksum(manifest: dict) -> str:
    body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _tlo_version() -> str:
    try:
        with (PROJECT_ROOT / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _safe_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path


# --- what the database holds -------------------------------------------------------------------


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _row_counts(connection: Connection, schema: str | None = None) -> dict[str, int]:
    tables = sa.inspect(connection).get_table_names(schema=schema)
    prefix = f"{_quote(connection, schema)}." if schema else ""
    return {
        table: connection.execute(
            sa.text(f"SELECT count(*) FROM {prefix}{_quote(connection, table)}")
        ).scalar_one()
        for table in sorted(tables)
    }


def _referenced_files(connection: Connection) -> dict[str, str]:
    """Every stored file the rows name: relative path -> the table that names it."""
    tables = set(sa.inspect(connection).get_table_names())
    named: dict[str, str] = {}
    for kind, table, column in STORED_FILE_COLUMNS:
        if table not in tables:
            continue  # a database from before that table existed
        hashes = connection.execute(
            sa.text(
                f"SELECT DISTINCT {_quote(connection, column)} FROM {_quote(connection, table)} "
                f"WHERE {_quote(connection, column)} IS NOT NULL"
            )
        ).scalars()
        for sha256 in hashes:
            named[f"{kind}/{sha256[:2]}/{sha256}"] = table
    return named


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _holds_rows(counts: dict[str, int]) -> bool:
    return any(n for table, n in counts.items() if table != "alembic_version")


def _kind_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in DUMP_MEMBERS:
        raise BackupRefused(f"tlo backs up SQLite and PostgreSQL databases, not {backend}.")
    return backend


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupRefused("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database).resolve()


@contextmanager
def _engine(url: str, *, copy: bool = False) -> Iterator[sa.Engine]:
    """A private engine (not the app's pool), disposed afterwards; for a `copy` of a SQLite
    database, a plain one that leaves the file as it is (no switch to WAL mode)."""
    engine = sa.create_engine(url) if copy else db.create_engine_for(url)
    try:
        yield engine
    finally:
        engine.dispose()


# --- PostgreSQL through its own client tools ---------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for the client tools, and their environment (the password there,
    never on a command line that `ps` shows)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed.set(drivername="postgresql", password=None)
    return conninfo.render_as_string(hide_password=False), env


def _run(tool: str, *arguments: str, url: str | None = None) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client tool (on the database at `url`, if given)."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupRefused(
            f"{tool} is not installed; install PostgreSQL's client tools of the server's version "
            "(Debian: apt-get install postgresql-client)."
        )
    command, env = [executable, *arguments], dict(os.environ)
    if url is not None:
        conninfo, env = _libpq(url)
        command += ["--no-password", f"--dbname={conninfo}"]
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()] or lines
        raise RestoreFailed(f"{tool} failed: {errors[0] if errors else done.returncode}")
    return done


def _postgres_schema(connection: Connection) -> str:
    """The schema the app's tables live in: the first schema of the URL's search_path."""
    current = connection.execute(sa.text("SELECT current_schema()")).scalar()
    if current:
        return current
    search_path = connection.execute(sa.text("SHOW search_path")).scalar_one()
    for entry in search_path.split(","):
        name = entry.strip().strip('"')
        if name and name != "$user":
            return name
    return "public"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _empty_schema_sql(schema: str) -> str:
    """Drop every object of `schema` (not the schema itself: its owner and grants stay)."""
    name = _sql_literal(schema)
    return f"""
CREATE SCHEMA IF NOT EXISTS {_sql_identifier(schema)};
DO $tlo$
DECLARE
    item record;
BEGIN
    FOR item IN SELECT c.relname, c.relkind FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = {name} AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
                ORDER BY c.relkind
    LOOP
        EXECUTE format(
            CASE item.relkind
                WHEN 'v' THEN 'DROP VIEW IF EXISTS %I.%I CASCADE'
                WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I.%I CASCADE'
                WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS %I.%I CASCADE'
                WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS %I.%I CASCADE'
                ELSE 'DROP TABLE IF EXISTS %I.%I CASCADE'
            END, {name}, item.relname);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS routine FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = {name} AND p.prokind IN ('f', 'p')
    LOOP
        EXECUTE 'DROP ROUTINE IF EXISTS ' || item.routine::text || ' CASCADE';
    END LOOP;
    FOR item IN SELECT t.typname FROM pg_type t
                JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = {name} AND t.typtype IN ('e', 'd', 'r', 'm')
    LOOP
        EXECUTE format('DROP TYPE IF EXISTS %I.%I CASCADE', {name}, item.typname);
    END LOOP;
END
$tlo$;
"""


def _check_restored_sql(schema: str, rows: dict[str, int], revision: str | None) -> str:
    """Raise inside the restore's transaction (so that it rolls back) unless every table holds
    the rows the manifest counted and the revision is the manifest's."""
    checks = []
    for table, expected in rows.items():
        qualified = f"{_sql_identifier(schema)}.{_sql_identifier(table)}"
        checks.append(
            f"IF (SELECT count(*) FROM {qualified}) <> {int(expected)} THEN "
            f"RAISE EXCEPTION 'table % holds % rows; the backup holds %', "
            f"{_sql_literal(table)}, (SELECT count(*) FROM {qualified}), {int(expected)}; "
            "END IF;"
        )
    if "alembic_version" in rows:
        wanted = "NULL" if revision is None else _sql_literal(revision)
        checks.append(
            f"IF (SELECT max(version_num) FROM {_sql_identifier(schema)}.alembic_version) "
            f"IS DISTINCT FROM {wanted} THEN "
            "RAISE EXCEPTION 'the restored database is not at the revision of the backup'; "
            "END IF;"
        )
    return "DO $tlo$ BEGIN\n" + "\n".join(checks) + "\nEND $tlo$;"


# --- backup ------------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    revision: str | None
    rows: dict[str, int]
    referenced: dict[str, str]
    extra: dict


def _dump_sqlite(url: str, target: Path) -> _Snapshot:
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupRefused(f"There is no SQLite database at {source_path}.")
    # The online backup API copies a consistent snapshot even while the app writes (WAL included).
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    with _engine(f"sqlite:///{target}", copy=True) as engine, engine.connect() as connection:
        return _Snapshot(
            revision=_revision(connection),
            rows=_row_counts(connection),
            referenced=_referenced_files(connection),
            extra={"sqlite_version": sqlite3.sqlite_version},
        )


def _dump_postgres(url: str, target: Path) -> _Snapshot:
    with _engine(url) as engine:
        try:
            connection = engine.connect()
        except sa.exc.OperationalError as err:
            raise BackupRefused(f"The database does not answer: {err.orig}") from None
        with connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                # pg_dump, the counts and the hash check all read this one snapshot.
                snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                schema = _postgres_schema(connection)
                _run(
                    "pg_dump",
                    "--format=custom",
                    f"--schema={schema}",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    url=url,
                )
                return _Snapshot(
                    revision=_revision(connection),
                    rows=_row_counts(connection, schema),
                    referenced=_referenced_files(connection),
                    extra={
                        "schema": schema,
                        "server_version": connection.execute(
                            sa.text("SHOW server_version")
                        ).scalar_one(),
                    },
                )


class _Hashing(io.RawIOBase):
    """Reads a file for tarfile and hashes exactly the bytes that went into the archive."""

    def __init__(self, file) -> None:
        self._file = file
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self.digest.update(chunk)
        return chunk


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _data_files(data_dir: Path, excluded: set[Path]) -> tuple[list[Path], list[str]]:
    """The files to keep, sorted, and what was passed over (links, special files)."""
    if not data_dir.is_dir():
        return [], []
    kept, skipped = [], []
    for folder, subfolders, names in os.walk(data_dir):
        here = Path(folder)
        subfolders[:] = sorted(s for s in subfolders if not s.startswith(_STAGING_PREFIX))
        relative_folder = here.relative_to(data_dir).parts
        for name in sorted(names):
            path = here / name
            relative = "/".join((*relative_folder, name))
            if path.resolve() in excluded:
                continue
            # tlo.file_store writes KIND/xx/<sha256>; anything else there is an unfinished write.
            in_store = len(relative_folder) == 2 and len(relative_folder[1]) == 2
            if in_store and not _SHA256.fullmatch(name):
                continue
            if path.is_symlink() or not path.is_file():
                skipped.append(relative)
                continue
            kept.append(path)
    return kept, skipped


def _sqlite_files(url: str) -> set[Path]:
    if _kind_of(url) != "sqlite":
        return set()
    database = _sqlite_path(url)
    return {database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal"))}


def _archive_path(path: Path, created) -> Path:
    if path.is_dir():
        return path / f"tlo-backup-{created:%Y%m%dT%H%M%SZ}.tar"
    return path


def create_backup(path: Path | str, settings: Settings | None = None) -> BackupReport:
    """Write one archive of the database and the data folder's files to `path` (a new file, or a
    folder to put a dated archive in). Raises BackupRefused before writing anything."""
    settings = settings or get_settings()
    url, data_dir = settings.database_url, Path(settings.data_dir)
    kind = _kind_of(url)
    created = clock.utcnow()
    archive = _archive_path(Path(path), created)
    if _is_inside(archive, data_dir):
        raise BackupRefused(
            f"Write the backup outside the data folder ({data_dir}): it would otherwise be "
            "copied into every later backup."
        )
    if archive.exists():
        raise BackupRefused(f"{archive} already exists; a backup never overwrites another.")
    if not archive.parent.is_dir():
        raise BackupRefused(f"There is no folder {archive.parent} to write the backup in.")
    compressed = archive.name.endswith((".gz", ".tgz"))

    with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".tlo-backup-") as work:
        dump_path = Path(work) / "dump"
        dump = _dump_sqlite if kind == "sqlite" else _dump_postgres
        try:
            snapshot = dump(url, dump_path)
        except RestoreFailed as err:  # a client tool's error, reported the same way here
            raise BackupRefused(str(err)) from None
        # Only now, after the database's snapshot, the files: every file it names is there.
        excluded = {p.resolve() for p in _sqlite_files(url)}
        files, skipped = _data_files(data_dir, excluded)

        temporary = Path(work) / "archive"
        stored: list[StoredFile] = []
        problems: list[str] = []
        with temporary.open("wb") as raw:
            # gzip's own header would otherwise carry the wall clock's time: give it ours.
            outer = (
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=int(created.timestamp()))
                if compressed
                else None
            )
            with tarfile.open(fileobj=outer or raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                dump_sha256 = _add_file(tar, DUMP_MEMBERS[kind], dump_path, created)
                for file in files:
                    relative = file.relative_to(data_dir).as_posix()
                    sha256 = _add_file(tar, FILES_PREFIX + relative, file, created)
                    size = tar.getmember(FILES_PREFIX + relative).size
                    stored.append(StoredFile(relative, sha256, size))
                    name = PurePosixPath(relative).name
                    if _SHA256.fullmatch(name) and name != sha256:
                        problems.append(f"{relative} is damaged: its content no longer matches.")
                present = {f.path for f in stored}
                for relative, table in sorted(snapshot.referenced.items()):
                    if relative not in present:
                        row = f"an {table} row" if table[0] in "aeiou" else f"a {table} row"
                        problems.append(f"{relative} is missing from {data_dir} ({row} names it).")
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "tlo_version": _tlo_version(),
                    "alembic_revision": snapshot.revision,
                    "created_at": created.isoformat(),
                    "database": {"kind": kind, **snapshot.extra},
                    "dump": {
                        "path": DUMP_MEMBERS[kind],
                        "sha256": dump_sha256,
                        "size": dump_path.stat().st_size,
                    },
                    "rows": snapshot.rows,
                    "files": [
                        {"path": f.path, "sha256": f.sha256, "size": f.size_bytes} for f in stored
                    ],
                    "problems": problems,
                }
                manifest["manifest_sha256"] = _checksum(manifest)
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(created.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
            if outer is not None:
                outer.close()
            raw.flush()
            os.fsync(raw.fileno())
        if archive.exists():
            raise BackupRefused(f"{archive} appeared while the backup ran; nothing was replaced.")
        os.replace(temporary, archive)  # the archive appears whole, or not at all
    return BackupReport(
        path=archive,
        database_kind=kind,
        revision=snapshot.revision,
        rows=snapshot.rows,
        files=stored,
        dump_bytes=manifest["dump"]["size"],
        archive_bytes=archive.stat().st_size,
        problems=problems,
        skipped=skipped,
    )


def _add_file(tar: tarfile.TarFile, member: str, path: Path, created) -> str:
    with path.open("rb") as file:
        info = tarfile.TarInfo(member)
        info.size = os.fstat(file.fileno()).st_size
        info.mtime, info.mode = int(created.timestamp()), 0o600
        reader = _Hashing(file)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


# --- restore -----------------------------------------------------------------------------------


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, json.JSONDecodeError, UnicodeDecodeError, tarfile.TarError, EOFError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{archive} is damaged or not a tlo backup: no readable manifest.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupRefused(f"{archive} was made by a newer tlo; restore it with that version.")
    if manifest.get("manifest_sha256") != _checksum(manifest):
        raise BackupRefused(f"{archive} is damaged: its manifest does not match its checksum.")
    shapes = {"database": dict, "dump": dict, "rows": dict, "files": list}
    if any(not isinstance(manifest.get(key), shape) for key, shape in shapes.items()):
        raise BackupRefused(f"{archive} is damaged: its manifest lacks what it must list.")
    return manifest


def _check_revision(revision: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return
    scripts = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    try:
        known = scripts.get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupRefused(
            f"The backup's database is at revision {revision}, newer than this tlo knows "
            f"(newest {db.head_revision()}); restore it with the tlo that made it."
        )


def _target_rows(url: str, kind: str) -> tuple[dict[str, int], str | None]:
    """The target's rows per table (empty when there is no database yet) and its schema."""
    if kind == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return {}, None
        try:
            with _engine(url) as engine, engine.connect() as connection:
                return _row_counts(connection), None
        except sa.exc.DBAPIError:
            raise BackupRefused(
                f"{path} is not a SQLite database; move it away and restore again."
            ) from None
    with _engine(url) as engine:
        try:
            connection = engine.connect()
        except sa.exc.OperationalError as err:
            raise BackupRefused(f"The database does not answer: {err.orig}") from None
        with connection:
            schema = _postgres_schema(connection)
            exists = connection.execute(
                sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :name"), {"name": schema}
            ).scalar_one()
            return (_row_counts(connection, schema) if exists else {}), schema


def _stage(tar: tarfile.TarFile, manifest: dict, staging: Path, archive: Path) -> None:
    """Copy every member into `staging`, checking each size and hash against the manifest."""
    expected = {FILES_PREFIX + f["path"]: f for f in manifest["files"]}
    expected[manifest["dump"]["path"]] = manifest["dump"]
    for entry in manifest["files"]:
        if not _safe_relative(entry["path"]):
            raise BackupRefused(f"{archive} names a file outside the data folder: {entry['path']}.")
    seen = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        entry = expected.get(member.name)
        if entry is None or not member.isfile() or member.name in seen:
            raise BackupRefused(f"{archive} holds {member.name}, which its manifest does not list.")
        seen.add(member.name)
        source = tar.extractfile(member)
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with target.open("wb") as file:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                file.write(chunk)
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BackupRefused(
                f"{archive} is damaged: {member.name} does not match its SHA-256 in the manifest."
            )
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupRefused(f"{archive} is incomplete: {missing[0]} is missing from it.")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _place_files(manifest: dict, staging: Path, data_dir: Path) -> tuple[int, int]:
    """Move the staged files into the data folder; returns (moved, already there)."""
    moved = already = 0
    for entry in manifest["files"]:
        target = data_dir / entry["path"]
        staged = staging / (FILES_PREFIX + entry["path"])
        if target.is_file() and _sha256_of(target) == entry["sha256"]:
            already += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        moved += 1
    return moved, already


def _check_sqlite_copy(dump: Path, manifest: dict, archive: Path) -> None:
    """The database in the archive holds what the manifest counted (before it replaces any)."""
    with _engine(f"sqlite:///{dump}", copy=True) as engine, engine.connect() as connection:
        rows, revision = _row_counts(connection), _revision(connection)
    if rows != manifest["rows"] or revision != manifest["alembic_revision"]:
        raise BackupRefused(
            f"{archive} is damaged: its database does not hold what its manifest counts."
        )


def _restore_sqlite(url: str, dump: Path) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    db.dispose_engine(url)
    # Through the backup API, not a file copy: a -wal file beside the old database stays right.
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(target)) as database:
        source.backup(database)


def _restore_postgres(url: str, dump: Path, schema: str, manifest: dict, work: Path) -> None:
    listing = _run("pg_restore", "--list", str(dump)).stdout
    # The schema itself is the target's (with its owner and grants): restore what is inside it.
    wanted = [
        line
        for line in listing.splitlines()
        if not re.match(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA|ACL - SCHEMA) ", line)
    ]
    (work / "list").write_text("\n".join(wanted) + "\n", "utf-8")
    script = work / "restore.sql"
    # pg_restore writes the SQL; psql runs it after emptying the schema and before checking the
    # rows, all in one transaction: a failure anywhere leaves the database as it was.
    _run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        f"--use-list={work / 'list'}",
        f"--file={script}",
        str(dump),
    )
    check = _check_restored_sql(schema, manifest["rows"], manifest["alembic_revision"])
    db.dispose_engine(url)
    try:
        _run(
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command={_empty_schema_sql(schema)}",
            f"--file={script}",
            f"--command={check}",
            url=url,
        )
    except RestoreFailed as failure:
        raise RestoreFailed(f"{failure}; the database was left as it was.") from None


def restore_backup(
    path: Path | str, settings: Settings | None = None, *, force: bool = False
) -> RestoreReport:
    """Restore the archive at `path` into the configured database and data folder.

    Raises BackupRefused (nothing changed) when the archive is damaged, made by newer code, of
    the other kind of database, or the database holds rows and `force` is not given; raises
    RestoreFailed when what was restored does not read back as the archive holds it."""
    settings = settings or get_settings()
    url, data_dir = settings.database_url, Path(settings.data_dir)
    archive = Path(path)
    kind = _kind_of(url)
    if not archive.is_file():
        raise BackupRefused(f"There is no backup at {archive}.")
    try:
        tar = tarfile.open(archive, mode="r:*")  # noqa: SIM115 (closed by the `with` below)
    except (tarfile.TarError, OSError) as err:
        raise BackupRefused(f"{archive} is not a tlo backup (not a tar archive).") from err
    with tar:
        manifest = _read_manifest(tar, archive)
        backup_kind = manifest["database"]["kind"]
        if backup_kind != kind:
            raise BackupRefused(
                f"The backup holds a {backup_kind} database but TLO_DATABASE_URL names a {kind} "
                "one; restore it into a database of the same kind."
            )
        revision = manifest["alembic_revision"]
        _check_revision(revision)
        rows_before, schema = _target_rows(url, kind)
        if kind == "postgresql" and manifest["database"].get("schema") != schema:
            raise BackupRefused(
                f"The backup holds schema {manifest['database'].get('schema')!r} but the "
                f"database URL uses {schema!r}; restore into the same schema."
            )
        if _holds_rows(rows_before) and not force:
            held = sum(n for t, n in rows_before.items() if t != "alembic_version")
            raise BackupRefused(
                f"The database already holds {held} rows; restore with --force to replace them."
            )
        data_existed = data_dir.exists()
        data_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=data_dir, prefix=_STAGING_PREFIX))
        try:
            try:
                _stage(tar, manifest, staging, archive)
            except (tarfile.TarError, OSError, EOFError, gzip.BadGzipFile) as err:
                raise BackupRefused(f"{archive} is damaged and cannot be read ({err}).") from None
            dump = staging / manifest["dump"]["path"]
            if kind == "sqlite":
                _check_sqlite_copy(dump, manifest, archive)
            listed = {entry["path"] for entry in manifest["files"]}
            moved, already = _place_files(manifest, staging, data_dir)
            if kind == "sqlite":
                _restore_sqlite(url, dump)
            else:
                _restore_postgres(url, dump, schema, manifest, staging)
        except BackupRefused:
            shutil.rmtree(staging, ignore_errors=True)
            if not data_existed:
                shutil.rmtree(data_dir, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    db.dispose_engine(url)
    return _verify(archive, manifest, url, kind, data_dir, listed, moved, already)


def _verify(archive, manifest, url, kind, data_dir, listed, moved, already) -> RestoreReport:
    for entry in manifest["files"]:
        target = data_dir / entry["path"]
        if not target.is_file() or _sha256_of(target) != entry["sha256"]:
            raise RestoreFailed(f"{target} does not read back as the backup holds it.")
    rows, _schema = _target_rows(url, kind)
    if rows != manifest["rows"]:
        tables = sorted(set(rows) | set(manifest["rows"]))
        differing = [t for t in tables if rows.get(t) != manifest["rows"].get(t)]
        raise RestoreFailed(f"The restored table {differing[0]} does not hold the backup's rows.")
    revision = db.current_revision(url)
    if revision != manifest["alembic_revision"]:
        raise RestoreFailed(
            f"The restored database is at revision {revision}, not {manifest['alembic_revision']}."
        )
    kept, _skipped = _data_files(data_dir, {p.resolve() for p in _sqlite_files(url)})
    others = sum(1 for p in kept if p.relative_to(data_dir).as_posix() not in listed)
    return RestoreReport(
        path=archive,
        database_kind=kind,
        revision=revision,
        head_revision=db.head_revision(),
        rows=rows,
        files_restored=moved,
        file_bytes=sum(entry["size"] for entry in manifest["files"]),
        files_already_there=already,
        other_files_kept=others,
    )


# --- the command line (python -m tlo backup / restore) ----------------------------------------


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def describe_backup(report: BackupReport) -> str:
    total = sum(n for t, n in report.rows.items() if t != "alembic_version")
    lines = [
        f"Backed up the {report.database_kind} database (revision {report.revision}; "
        f"{total:,} rows in {len(report.rows)} tables) and {len(report.files):,} files "
        f"({_size(report.file_bytes)}) to {report.path} ({_size(report.archive_bytes)})."
    ]
    if report.skipped:
        lines.append(f"Skipped {len(report.skipped)} links or special files in the data folder.")
    return "\n".join(lines)


def describe_restore(report: RestoreReport) -> str:
    width = max(len(t) for t in MAIN_TABLES)
    lines = [f"Restored {report.path} into the {report.database_kind} database:"]
    for table in MAIN_TABLES:
        if table in report.rows:
            count = report.rows[table]
            lines.append(f"  {table:<{width}} {count:>9,} {'row' if count == 1 else 'rows'}")
    total = sum(n for t, n in report.rows.items() if t != "alembic_version")
    lines.append(f"  {len(report.rows)} tables, {total:,} rows in all, revision {report.revision}")
    files = report.files_restored + report.files_already_there
    already = report.files_already_there
    lines.append(
        f"  {files:,} files ({_size(report.file_bytes)}), each checked against its SHA-256"
        + (f"; {already} were in place already" if already else "")
    )
    if report.other_files_kept:
        lines.append(
            f"  {report.other_files_kept} other files in the data folder were left as they were."
        )
    if report.revision != report.head_revision:
        lines.append(
            f"The database is at revision {report.revision}; run `python -m tlo migrate` to bring "
            f"it to {report.head_revision}."
        )
    return "\n".join(lines)


def backup_command(path: str) -> int:
    """`python -m tlo backup PATH`: 0 written, 1 written with problems, 2 refused."""
    try:
        report = create_backup(path)
    except BackupRefused as refusal:
        print(f"backup refused: {refusal}", file=sys.stderr)
        return 2
    print(describe_backup(report))
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if report.problems else 0


def restore_command(path: str, *, force: bool = False) -> int:
    """`python -m tlo restore PATH [--force]`: 0 restored and checked, 2 refused, 1 failed."""
    try:
        report = restore_backup(path, force=force)
    except BackupRefused as refusal:
        print(f"restore refused: {refusal}", file=sys.stderr)
        return 2
    except RestoreFailed as failure:
        print(f"restore failed: {failure}", file=sys.stderr)
        return 1
    print(describe_restore(report))
    return 0
