"""The stored docket, and what fell due before today marked as an office marks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from tlo.bench.generate.chance import _moment
from tlo.bench.generate.writing import T, _Writer


@dataclass(frozen=True)
class _DueItem:
    """What the demo's marking rule reads of a docket item."""

    rule: str
    due: date


class _Docket:
    """The docket phase of _Office, run after every record is written."""

    def docket(self, w: _Writer) -> None:
        """The stored docket of every live case and agreement (written past the services, the
        records need it computed once), and what fell due before today marked as an office
        marks it: fees paid, reports filed, foreign filings not pursued waived (the demo's
        rules), license payments and reports received up to two weeks ago. Without the marks
        every past deadline of a live case would be open and overdue, as no office has it."""
        from sqlmodel import Session

        from tlo.patents import services as patents
        from tlo.patents.demo import _past_mark

        w.flush()
        w.connection.commit()
        item = T["docket_item"]
        with Session(bind=w.connection) as session:
            stored = patents.rebuild_docket(session, today=self.today)
            session.commit()
        shown = sa.and_(
            sa.or_(item.c.shown_from.is_(None), item.c.shown_from <= self.today),
            sa.or_(item.c.shown_until.is_(None), item.c.shown_until >= self.today),
        )
        marked = set()
        received_by = self.today - timedelta(days=14)
        for key, rule, due, agreement_id in w.connection.execute(
            sa.select(item.c.key, item.c.rule, item.c.due, item.c.agreement_id)
            .where(item.c.state == "open", shown)
            .order_by(item.c.id)
        ):
            if key in marked:
                continue
            if agreement_id is not None:
                mark = ("done", "Received") if due < received_by else None
            else:
                mark = _past_mark(_DueItem(rule, due), self.today)
            if mark is None:
                continue
            marked.add(key)
            w.add(
                "docket_item_state",
                {
                    "id": w.new_id("docket_item_state"),
                    "key": key,
                    "state": mark[0],
                    "note": mark[1],
                    "marked_at": _moment(min(due, self.today), self.rng),
                    "marked_by_account_id": None,
                    "marked_by_name": "system (bench data)",
                },
            )
            w.maybe_flush()
        w.flush()
        w.connection.commit()
        with Session(bind=w.connection) as session:
            patents.apply_marks(session)
            session.commit()
        self.progress(f"docket: {stored:,} items stored, {len(marked):,} past ones marked")
