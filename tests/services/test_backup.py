"""Backup and restore: the database and the data folder's files come back together, checked.

The demo office (seeded once per database kind for this module, then backed up once) is restored
into a wiped database and data folder; each test wipes again first, so none depends on another.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

import tlo.all_models  # noqa: F401  (every table in SQLModel.metadata)
from tests import conftest
from tests.factories import make_actor, submitted_case
from tlo import backup, clock, db, demo, documents, word_templates
from tlo.__main__ import main
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.config import PROJECT_ROOT, Settings, get_settings
from tlo.db import unit_of_work
from tlo.disclosures import attachments
from tlo.disclosures.models import Disclosure
from tlo.licensing import drafts
from tlo.licensing.agreement_models import Agreement, AgreementDraft
from tlo.revenue import services as revenue

ATTACHMENT = b"%PDF-1.7 lab notebook, pages 12-19\n" + bytes(range(256)) * 40
REPORT = b"Quarterly royalty report: 1,200 units sold\n"
TEMPLATE = "marketing_summary"
ACTOR = system_actor("backup tests")


@dataclass
class BackedUp:
    """The demo office on one database, and the one backup made of it."""

    kind: str
    url: str
    data_dir: Path
    archive: Path
    tables: dict[str, list[tuple]]
    files: dict[str, bytes]
    disclosure_id: int
    attachment_id: int
    income_id: int
    draft_id: int

    @property
    def settings(self) -> Settings:
        return get_settings()


def _key(table) -> list:
    return list(getattr(table, "primary_key", None) or table.columns)


def table_contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table tlo has (and the migration revision), in primary-key order."""
    revision = sa.table("alembic_version", sa.column("version_num"))
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            tables = [t for t in [*SQLModel.metadata.sorted_tables, revision] if t.name in present]
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(sa.select(table).order_by(*_key(table)))
                ]
                for table in tables
            }
    finally:
        engine.dispose()


def stored_files(data_dir: Path) -> dict[str, bytes]:
    """Every file under the data folder but the SQLite database itself."""
    if not data_dir.exists():
        return {}
    return {
        path.relative_to(data_dir).as_posix(): path.read_bytes()
        for path in sorted(data_dir.rglob("*"))
        if path.is_file() and not path.name.startswith("tlo.db")
    }


def wipe(url: str, data_dir: Path, *, recreate_schema: bool = True) -> None:
    """Lose everything: the database (its file, or every table of its schema) and the files."""
    db.dispose_engine(url)
    shutil.rmtree(data_dir, ignore_errors=True)
    if url.startswith("sqlite"):
        database = Path(sa.engine.make_url(url).database)
        for companion in ("", "-wal", "-shm"):
            Path(f"{database}{companion}").unlink(missing_ok=True)
        return
    engine = db.create_engine_for(url)
    try:
        with engine.begin() as connection:
            schema = connection.execute(sa.text("SHOW search_path")).scalar_one()
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if recreate_schema:
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()


def holds_nothing(url: str, data_dir: Path) -> bool:
    files = [p for p in data_dir.rglob("*") if p.is_file()] if data_dir.exists() else []
    if files:
        return False
    if url.startswith("sqlite"):
        return not Path(sa.engine.make_url(url).database).exists()
    return all(not rows for rows in table_contents(url).values())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backed_up(request, tmp_path_factory):
    kind = request.param
    root = tmp_path_factory.mktemp(f"backup-{kind}")
    data_dir = root / "data"
    if kind == "sqlite":
        url = f"sqlite:///{data_dir / 'tlo.db'}"  # where tlo keeps it by default
    else:
        if not conftest.POSTGRES_URL:
            pytest.skip("TLO_TEST_POSTGRES_URL is not set (.ci/run sets it)")
        _schema, url = conftest.create_postgres_schema()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TLO_DATA_DIR", str(data_dir))
        env.setenv("TLO_DATABASE_URL", url)
        try:
            db.migrate(url)
            engine = db.get_engine(url)
            with unit_of_work(engine) as session:
                demo.seed(session)
            with unit_of_work(engine) as session:
                # The demo generates Word drafts; add a file of every other kind tlo stores.
                disclosure_id = session.exec(select(Disclosure.id).order_by(Disclosure.id)).first()
                attachment = attachments.add_attachment(
                    session,
                    actor=ACTOR,
                    disclosure_id=disclosure_id,
                    name="Lab notebook.pdf",
                    content=ATTACHMENT,
                )
                agreement_id = session.exec(
                    select(Agreement.id).where(col(Agreement.status).in_(revenue.SIGNED))
                ).first()
                income = revenue.record_income(
                    session,
                    actor=ACTOR,
                    form=revenue.IncomeForm(
                        agreement_id=agreement_id,
                        received_on=clock.today() - timedelta(days=3),
                        income_type="royalty",
                        amount="1200.00",
                        report_name="Q3 report.txt",
                        report_content=REPORT,
                    ),
                )
                word_templates.upload_version(
                    session,
                    actor=ACTOR,
                    name=TEMPLATE,
                    content=documents.template_path(TEMPLATE).read_bytes(),
                    note="kept as it ships",
                )
                draft_id = session.exec(select(AgreementDraft.id)).first()
            report = backup.create_backup(root / "demo.tar", get_settings())
            assert report.problems == []
            yield BackedUp(
                kind=kind,
                url=url,
                data_dir=data_dir,
                archive=report.path,
                tables=table_contents(url),
                files=stored_files(data_dir),
                disclosure_id=disclosure_id,
                attachment_id=attachment.id,
                income_id=income.id,
                draft_id=draft_id,
            )
        finally:
            wipe(url, data_dir, recreate_schema=False)  # a failed test may have left it dropped


@pytest.fixture
def office_env(backed_up, monkeypatch) -> BackedUp:
    monkeypatch.setenv("TLO_DATA_DIR", str(backed_up.data_dir))
    monkeypatch.setenv("TLO_DATABASE_URL", backed_up.url)
    return backed_up


def test_a_restored_backup_holds_every_row_and_every_stored_file_byte_for_byte(office_env):
    office = office_env
    kinds = {path.split("/")[0] for path in office.files}
    assert {"attachments", "drafts", "templates", "reports"} <= kinds
    wipe(office.url, office.data_dir, recreate_schema=False)  # PostgreSQL: even the schema gone
    assert holds_nothing(office.url, office.data_dir)

    report = backup.restore_backup(office.archive, office.settings)

    assert table_contents(office.url) == office.tables
    assert stored_files(office.data_dir) == office.files
    assert report.files_restored == len(office.files) and report.files_already_there == 0
    assert report.rows["attachment"] == 1 and report.rows["agreement_draft"] >= 18
    assert report.revision == db.current_revision(office.url) == db.head_revision()
    with unit_of_work(db.get_engine(office.url)) as session:
        attachment = attachments.read_attachment(
            session, actor=ACTOR, attachment_id=office.attachment_id
        )
        draft = drafts.read_draft(session, actor=ACTOR, draft_id=office.draft_id)
        licensee_report = revenue.read_report(session, actor=ACTOR, income_id=office.income_id)
        template = word_templates.current_template(session, TEMPLATE)
    assert (attachment.name, attachment.content) == ("Lab notebook.pdf", ATTACHMENT)
    assert draft.startswith(b"PK") and licensee_report == REPORT
    shipped = documents.template_path(TEMPLATE).read_bytes()
    assert (template.version, template.content) == (2, shipped)
    # The office works on: new rows take new ids (PostgreSQL's sequences came back too).
    with unit_of_work(db.get_engine(office.url)) as session:
        added = attachments.add_attachment(
            session,
            actor=ACTOR,
            disclosure_id=office.disclosure_id,
            name="more.txt",
            content=b"more notes",
        )
    assert added.id > office.attachment_id
    assert "attachment" in backup.describe_restore(report)


def _tampered(archive: Path, member_prefix: str, target: Path) -> Path:
    """A copy of `archive` with one byte changed inside the first member named so."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith(member_prefix))
        offset = member.offset_data + member.size // 2
    content = bytearray(archive.read_bytes())
    content[offset] ^= 0x01
    target.write_bytes(bytes(content))
    return target


@pytest.mark.parametrize("member", ["files/attachments/", "database/"])
def test_a_tampered_archive_is_refused_and_nothing_is_restored(office_env, tmp_path, member):
    office = office_env
    tampered = _tampered(office.archive, member, tmp_path / "tampered.tar")
    wipe(office.url, office.data_dir)

    with pytest.raises(backup.BackupRefused, match=r"damaged: .* does not match its SHA-256"):
        backup.restore_backup(tampered, office.settings)

    assert holds_nothing(office.url, office.data_dir)
    assert main(["restore", str(tampered)]) == 2


def test_restoring_over_a_database_that_holds_rows_needs_force(office_env, capsys):
    office = office_env
    wipe(office.url, office.data_dir)
    backup.restore_backup(office.archive, office.settings)
    with unit_of_work(db.get_engine(office.url)) as session:
        attachments.add_attachment(
            session,
            actor=ACTOR,
            disclosure_id=office.disclosure_id,
            name="later.txt",
            content=b"written later",
        )
    changed = table_contents(office.url)

    with pytest.raises(backup.BackupRefused, match=r"already holds \d+ rows; .* --force"):
        backup.restore_backup(office.archive, office.settings)
    assert table_contents(office.url) == changed  # untouched
    assert main(["restore", str(office.archive)]) == 2
    refusal = capsys.readouterr().err.strip()
    assert refusal.startswith("restore refused: The database already holds") and "\n" not in refusal

    report = backup.restore_backup(office.archive, office.settings, force=True)
    assert table_contents(office.url) == office.tables
    assert report.files_already_there == len(office.files) and report.other_files_kept == 1


def _with_manifest(archive: Path, target: Path, change, *, reseal: bool) -> Path:
    """A copy of `archive` whose manifest `change` edited (with a fresh checksum if `reseal`)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as copy:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == backup.MANIFEST:
                manifest = json.loads(content)
                change(manifest)
                if reseal:
                    manifest["manifest_sha256"] = backup._checksum(manifest)
                content = json.dumps(manifest).encode()
                member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    return target


def test_a_backup_from_a_newer_tlo_or_with_an_edited_manifest_is_refused(office_env, tmp_path):
    office = office_env
    wipe(office.url, office.data_dir)

    def newer(manifest):
        manifest["alembic_revision"] = "9999_from_the_future"

    def fewer_rows(manifest):
        manifest["rows"]["person"] -= 1

    future = _with_manifest(office.archive, tmp_path / "future.tar", newer, reseal=True)
    with pytest.raises(backup.BackupRefused, match="9999_from_the_future, newer than this tlo"):
        backup.restore_backup(future, office.settings)
    edited = _with_manifest(office.archive, tmp_path / "edited.tar", fewer_rows, reseal=False)
    with pytest.raises(backup.BackupRefused, match="manifest does not match its checksum"):
        backup.restore_backup(edited, office.settings)
    assert holds_nothing(office.url, office.data_dir)


def test_a_database_that_does_not_hold_what_the_manifest_counts_replaces_nothing(
    office_env, tmp_path
):
    office = office_env
    wipe(office.url, office.data_dir)
    backup.restore_backup(office.archive, office.settings)

    def one_person_fewer(manifest):
        manifest["rows"]["person"] -= 1

    # Sealed again, so every hash matches: only loading the database can tell.
    wrong = _with_manifest(office.archive, tmp_path / "wrong.tar", one_person_fewer, reseal=True)
    with pytest.raises((backup.BackupRefused, backup.RestoreFailed)) as refused:
        backup.restore_backup(wrong, office.settings, force=True)

    assert "person" in str(refused.value) or "manifest counts" in str(refused.value)
    assert table_contents(office.url) == office.tables  # PostgreSQL: the transaction rolled back


def test_a_backup_names_every_stored_file_that_rows_need_but_the_data_folder_lost(
    engine, office, tmp_path, monkeypatch
):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TLO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    case_id = submitted_case(engine, office.inventor)
    with unit_of_work(engine) as session:
        kept = attachments.add_attachment(
            session, actor=office.inventor, disclosure_id=case_id, name="a.txt", content=b"kept"
        )
        lost = attachments.add_attachment(
            session, actor=office.inventor, disclosure_id=case_id, name="b.txt", content=b"lost"
        )
    lost_path = f"attachments/{lost.sha256[:2]}/{lost.sha256}"
    (tmp_path / "data" / lost_path).unlink()

    report = backup.create_backup(tmp_path / "with-a-gap.tar", get_settings())

    assert [f.path for f in report.files] == [f"attachments/{kept.sha256[:2]}/{kept.sha256}"]
    assert report.problems == [
        f"{lost_path} is missing from {tmp_path / 'data'} (an attachment row names it)."
    ]
    assert report.path.exists()  # still written: the best copy there is


def test_the_command_line_backs_up_into_a_folder_and_restores_into_a_migrated_empty_database(
    database_url, tmp_path, monkeypatch, capsys
):
    data_dir, backups = tmp_path / "data", tmp_path / "backups"
    backups.mkdir()
    monkeypatch.setenv("TLO_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    db.migrate(database_url)
    engine = db.get_engine(database_url)
    inventor = make_actor(engine, Role.INVENTOR)
    case_id = submitted_case(engine, inventor)
    with unit_of_work(engine) as session:
        attachments.add_attachment(
            session, actor=inventor, disclosure_id=case_id, name="n.txt", content=b"notes"
        )
    rows, files = table_contents(database_url), stored_files(data_dir)

    assert main(["backup", str(data_dir / "inside.tar")]) == 2
    assert "outside the data folder" in capsys.readouterr().err
    assert main(["backup", str(backups)]) == 0
    [archive] = backups.iterdir()
    assert re.fullmatch(r"tlo-backup-\d{8}T\d{6}Z\.tar", archive.name)
    assert "Backed up the" in capsys.readouterr().out
    assert main(["backup", str(archive)]) == 2  # never over another backup

    wipe(database_url, data_dir)
    db.migrate(database_url)  # tables, but no rows: empty enough to restore into
    assert main(["restore", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "each checked against its SHA-256" in out
    assert table_contents(database_url) == rows and stored_files(data_dir) == files


def test_a_compressed_backup_restores_too(tmp_path, monkeypatch):
    # Compression wraps the archive whatever the database: SQLite alone is enough here.
    url = f"sqlite:///{tmp_path / 'data' / 'tlo.db'}"
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TLO_DATABASE_URL", url)
    db.migrate(url)
    engine = db.get_engine(url)
    inventor = make_actor(engine, Role.INVENTOR)
    case_id = submitted_case(engine, inventor)
    with unit_of_work(engine) as session:
        attachments.add_attachment(
            session, actor=inventor, disclosure_id=case_id, name="c.txt", content=b"c" * 9
        )
    settings = get_settings()
    rows, files = table_contents(settings.database_url), stored_files(settings.data_dir)
    report = backup.create_backup(tmp_path / "office.tar.gz", settings)
    assert report.path.read_bytes()[:2] == b"\x1f\x8b"  # gzip
    wipe(settings.database_url, settings.data_dir)
    backup.restore_backup(report.path, settings)
    assert table_contents(settings.database_url) == rows
    assert stored_files(settings.data_dir) == files
    db.dispose_engine(url)


def test_every_kind_of_file_tlo_stores_is_checked_by_the_backup():
    put = re.compile(r"file_store\.put\(\s*\"([a-z_]+)\"")
    kinds = {
        kind
        for path in (PROJECT_ROOT / "tlo").rglob("*.py")
        for kind in put.findall(path.read_text("utf-8"))
    }
    assert kinds == {kind for kind, _table, _column in backup.STORED_FILE_COLUMNS}
    for _kind, table, column in backup.STORED_FILE_COLUMNS:
        assert column in SQLModel.metadata.tables[table].columns, (table, column)
