"""The export of the disclosure list, streamed from the database a chunk at a time."""

from io import BytesIO

import openpyxl
import sqlalchemy as sa

from tests.factories import make_actor, submitted_case
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import queries
from tlo.disclosures.queries import DisclosureFilters


def exported(engine, actor, statements: list[int]) -> list[tuple]:
    def count(_conn, _cursor, _statement, parameters, _context, _executemany):
        statements.append(len(parameters or ()))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with unit_of_work(engine) as session:
            content = queries.export_disclosures(session, actor=actor, filters=DisclosureFilters())
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return list(openpyxl.load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_every_disclosure_is_exported_chunk_by_chunk_with_its_inventors(
    engine, office, monkeypatch
):
    monkeypatch.setattr(queries, "EXPORT_CHUNK", 2)  # five cases: three chunks
    colleague = make_actor(engine, Role.INVENTOR, name="Bruno Diaz")
    for n in range(5):
        submitted_case(
            engine,
            office.inventor,
            (office.inventor.person_id, "60"),
            (colleague.person_id, "40"),
            title=f"Technology {n}",
        )
    statements: list[int] = []
    header, *rows = exported(engine, office.officer, statements)
    with unit_of_work(engine) as session:
        listed = queries.search_disclosures(
            session, actor=office.officer, filters=DisclosureFilters()
        ).items
    assert header[:3] == ("Docket", "Title", "Status")
    assert [(row[0], row[1]) for row in rows] == [(item.docket, item.title) for item in listed]
    assert {row[6] for row in rows} == {"Alice Chen (60 %); Bruno Diaz (40 %)"}
    # No statement binds more ids than a chunk holds, however many cases there are.
    assert max(statements) <= queries.EXPORT_CHUNK + 3
