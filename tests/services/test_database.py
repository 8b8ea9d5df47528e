from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tlo.audit import AuditEntry
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.people import services as people
from tlo.people.models import School


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path):
    from tlo import db

    url = f"sqlite:///{tmp_path / 'x.db'}"
    with db.get_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose_engine(url)


def test_a_use_case_that_fails_halfway_leaves_nothing_behind(engine):
    actor = system_actor("tests")
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        people.create_school(session, actor=actor, name="School of Law", code="LAW")
        raise RuntimeError("the second step failed")
    with unit_of_work(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(School)).scalar() == 0
        assert session.exec(sa.select(sa.func.count()).select_from(AuditEntry)).scalar() == 0


def test_foreign_keys_are_enforced(engine):
    from tlo.people.models import Department

    with pytest.raises(sa.exc.IntegrityError), unit_of_work(engine) as session:
        session.add(Department(name="Orphans", code="ORPH", school_id=4242))


def test_times_come_back_tz_aware_and_equal_on_both_databases(engine):
    moment = datetime(2026, 3, 8, 9, 30, tzinfo=timezone(timedelta(hours=-8)))
    with unit_of_work(engine) as session:
        entry = AuditEntry(actor_name="t", action="x", object_type="y", object_id="1", at=moment)
        session.add(entry)
        session.flush()
        entry_id = entry.id
    with unit_of_work(engine) as session:
        stored = session.get(AuditEntry, entry_id).at
    assert stored.tzinfo is not None
    assert stored == moment
    assert stored.astimezone(UTC).hour == 17


def test_naive_times_are_refused(engine):
    with pytest.raises(sa.exc.StatementError, match="tz-aware"), unit_of_work(engine) as session:
        session.add(
            AuditEntry(
                actor_name="t", action="x", object_type="y", object_id="1", at=datetime(2026, 1, 1)
            )
        )
        session.flush()
