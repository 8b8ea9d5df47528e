"""The largest office, generated: 20 fiscal years of records at `scale` times the sizes of the
largest real offices (SIZES), internally consistent, written in bulk.

Consistent means what the services would have left: every foreign key valid; disclosures in
every workflow status with what each status needs (docket numbers per fiscal year, officers,
evaluations, filing decisions, review dates, the timeline); inventor shares adding up to
100 %; patent families (provisional -> non-provisional / PCT -> national phases, grants);
companies with unique normalised names; outreach with touches; agreements of every type and
status covering technologies; income on signed agreements, distributed in the order received
under the policy in force with the revenue engine's own lines (`tlo.revenue.engine.distribute`),
posted through the database's own rule (inserted as drafts, then posted); and
the audit trail. The last complete fiscal year and the current one are left undistributed,
for the annual run to have work.

Rows are written with SQLAlchemy Core, several thousand per statement, never one service
call per row; ids are given here (so children can name their parents without reading back)
and PostgreSQL's sequences are moved past them at the end. The same seed gives the same
office, on SQLite and PostgreSQL alike.

The parts: office.py, the driver, runs the phases, a module each (people, disclosures,
patents, companies and outreach, agreements, money: income and distributions, docket);
they write through writing.py (the bulk inserts) and audit.py, and draw on sizes.py,
chance.py and words.py.
"""

from tlo.bench.generate.office import NotEmpty, generate
from tlo.bench.generate.sizes import SIZES

__all__ = ["SIZES", "NotEmpty", "generate"]
