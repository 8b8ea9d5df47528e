"""Money: income on the signed agreements, and its distributions as the engine makes them."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from tlo.bench.generate.chance import _between, _moment, _split_cents, _weighted
from tlo.bench.generate.sizes import _count, _fy_span, _spread, _year_weights
from tlo.bench.generate.writing import T, _Writer
from tlo.money import from_cents, to_cents
from tlo.revenue.credit import refresh_income_credit
from tlo.revenue.engine import COSTS_RECIPIENT, InventorShare, LineClass, distribute
from tlo.revenue.policy import TierBasis, policy_in_force
from tlo.revenue.types import IncomeType

INCOME_GROWTH = 1.11  # a year's income count over the year before's
INCOME_MIX = {
    IncomeType.ROYALTY: 70,
    IncomeType.ANNUAL_FEE: 15,
    IncomeType.MILESTONE: 4,
    IncomeType.UPFRONT: 3,
    IncomeType.SUBLICENSE: 3,
    IncomeType.EQUITY: 1,
    IncomeType.COST_REIMBURSEMENT: 4,
}
# (median dollars, spread) of a payment of each type
INCOME_SIZE = {
    IncomeType.ROYALTY: (1_500, 1.4),
    IncomeType.ANNUAL_FEE: (10_000, 0.6),
    IncomeType.MILESTONE: (50_000, 1.0),
    IncomeType.UPFRONT: (25_000, 0.9),
    IncomeType.SUBLICENSE: (20_000, 1.2),
    IncomeType.EQUITY: (200_000, 1.5),
    IncomeType.COST_REIMBURSEMENT: (8_000, 0.8),
}


class _Money:
    """The income and distributions phase of _Office."""

    def _inventors_of(self, case) -> tuple[tuple[InventorShare, ...], dict, dict]:
        """The case's inventors as the engine takes them (named as the services name them),
        and the ids of their departments and schools by name."""
        found, departments, schools = [], {}, {}
        for pid, share, namesake in case["inventors"]:
            full_name, email, department_id, organisation = self.people_by_id[pid]
            name = f"{full_name} <{email}>" if namesake else full_name
            if department_id is not None:
                department, school_id, school = self.departments[department_id]
                institution = None
            else:  # an outside co-inventor, named as tlo.revenue.services._inventor_rows does
                department = school = ""
                school_id = None
                institution = organisation or f"Institution of {name}"
            found.append(
                InventorShare(
                    name, Decimal(share) / 100, department, school, pid, institution=institution
                )
            )
            departments[department] = department_id
            schools[school] = school_id
        return tuple(found), departments, schools

    def income(self, w: _Writer) -> None:
        rng = self.rng
        agreements = sorted(self.income_agreements, key=lambda a: (a[0], a[2]))
        if not agreements:
            return
        weights = _year_weights(INCOME_GROWTH, self.today, self.first_fy, self.current_fy)
        eligible_by_year = {}
        for fy in weights:
            first, last = _fy_span(fy, self.start_month)
            eligible_by_year[fy] = [a for a in agreements if a[0] <= last and a[1] >= first]
        # years before the first license signed have no income: the others share it all
        counts = _spread(
            _count("income", self.scale, 20),
            {fy: weight for fy, weight in weights.items() if eligible_by_year[fy]},
        )
        costs = sorted(self.costs)
        cost_index = 0
        invoiced: dict[int, int] = defaultdict(int)
        recovered: dict[int, int] = defaultdict(int)
        by_agreement: dict[int, int] = defaultdict(int)
        by_technology: dict[int, int] = defaultdict(int)
        inventors: dict[int, tuple] = {}  # per technology, as _inventors_of gives them
        posted_incomes = 0
        for fy in range(self.first_fy, self.current_fy + 1):
            first, last = _fy_span(fy, self.start_month)
            last = min(last, self.today)
            eligible = eligible_by_year[fy]
            if not eligible:
                continue
            payments = []
            for _ in range(counts[fy]):
                signed, ends, aid, techs = rng.choice(eligible)
                day = _between(rng, max(first, signed), min(last, ends))
                kind = IncomeType(_weighted(rng, INCOME_MIX))
                median, spread = INCOME_SIZE[kind]
                cents = max(1, int(rng.lognormvariate(math.log(median * 100), spread)))
                payments.append((day, aid, kind, cents, techs))
            payments.sort(key=lambda p: (p[0], p[1]))
            for day, aid, kind, cents, techs in payments:
                iid = w.new_id("income")
                recorded = min(self.now, _moment(day + timedelta(days=rng.randint(0, 5)), rng))
                w.add(
                    "income",
                    {
                        "id": iid,
                        "agreement_id": aid,
                        "received_on": day,
                        "fiscal_year": fy,
                        "income_type": kind.value,
                        "amount_cents": cents,
                        "licensee_reference": f"REF-{iid}",
                        "note": "",
                        "report_name": None,
                        "report_sha256": None,
                        "recorded_by_account_id": self.finance[0],
                        "recorded_by_name": self.finance[1],
                        "recorded_at": recorded,
                    },
                )
                self.audit(
                    w,
                    recorded,
                    self.finance,
                    "income.recorded",
                    "income",
                    iid,
                    {"type": kind.value, "amount": f"{cents / 100:.2f}"},
                )
                if fy > self.last_posted_fy:
                    w.maybe_flush()
                    continue
                while cost_index < len(costs) and costs[cost_index][0] <= day:
                    _, disclosure_id, amount = costs[cost_index]
                    invoiced[disclosure_id] += amount
                    cost_index += 1
                posted_at = min(self.now, recorded + timedelta(days=rng.randint(1, 20)))
                parts = _split_cents(cents, [bp for _, bp in techs])
                earlier = 0
                made = []
                for (case, _bp), part in zip(techs, parts, strict=True):
                    did = case["id"]
                    # as tlo.revenue.services.policy_for: by the day received, or the day the
                    # technology was disclosed for a policy that applies by it
                    policy = policy_in_force(self.policies, day, disclosed=case["day"])
                    basis = policy.split_for(kind).tier_basis or TierBasis.TECHNOLOGY
                    outstanding = invoiced[did] - recovered[did]
                    cumulative = (
                        by_agreement[aid] + earlier
                        if basis is TierBasis.AGREEMENT
                        else by_technology[did]
                    )
                    if kind.is_shared:
                        if did not in inventors:
                            inventors[did] = self._inventors_of(case)
                        shares, departments, schools = inventors[did]
                        result = distribute(
                            policy,
                            amount=from_cents(part),
                            income_type=kind,
                            costs_outstanding=from_cents(max(0, outstanding)),
                            cumulative_before=from_cents(cumulative),
                            inventors=shares,
                        )
                        lines = [
                            (
                                line.to,
                                line.klass.value,
                                line.rule,
                                line.person_id,
                                departments.get(line.to),
                                schools.get(line.to),
                                to_cents(line.amount),
                            )
                            for line in result.lines
                        ]
                        costs_recovered, split_base = (
                            to_cents(result.costs_recovered),
                            to_cents(result.split_base),
                        )
                    else:
                        lines = [
                            (
                                COSTS_RECIPIENT,
                                LineClass.COSTS.value,
                                "patent-cost reimbursement: pays back patent costs, not shared",
                                None,
                                None,
                                None,
                                part,
                            )
                        ]
                        costs_recovered, split_base = part, 0
                    made.append(
                        self._distribution(
                            w,
                            iid,
                            did,
                            aid,
                            part,
                            policy,
                            outstanding,
                            cumulative,
                            costs_recovered,
                            split_base,
                            lines,
                            recorded,
                            posted_at,
                        )
                    )
                    recovered[did] += costs_recovered
                    by_agreement[aid] += split_base
                    by_technology[did] += split_base
                    earlier += split_base
                if rng.random() < 0.003:  # a correction: reversed, then distributed again
                    for original in list(made):
                        mirror = dict(original["row"], id=w.new_id("distribution"))
                        for name in ("amount_cents", "costs_recovered_cents", "split_base_cents"):
                            mirror[name] = -mirror[name]
                        mirror["reverses_id"] = original["row"]["id"]
                        mirror["reason"] = "Wrong licensee reference; corrected."
                        w.add("distribution", mirror)
                        for line in original["lines"]:
                            w.add(
                                "distribution_line",
                                dict(
                                    line,
                                    id=w.new_id("distribution_line"),
                                    distribution_id=mirror["id"],
                                    amount_cents=-line["amount_cents"],
                                    rule=f"reversal of distribution {original['row']['id']}: "
                                    f"{line['rule']}",
                                ),
                            )
                        w.to_post.append(mirror["id"])
                        again = dict(original["row"], id=w.new_id("distribution"))
                        w.add("distribution", again)
                        for line in original["lines"]:
                            w.add(
                                "distribution_line",
                                dict(
                                    line,
                                    id=w.new_id("distribution_line"),
                                    distribution_id=again["id"],
                                ),
                            )
                        w.to_post.append(again["id"])
                    self.audit(w, posted_at, self.finance, "distribution.reversed", "income", iid)
                self.audit(
                    w,
                    posted_at,
                    self.finance,
                    "distribution.posted",
                    "income",
                    iid,
                    {"distributions": [d["row"]["id"] for d in made]},
                )
                posted_incomes += 1
                w.maybe_flush()
            self.progress(f"  FY{fy}: {len(payments):,} payments")
        self._income_credit(w)

    def _income_credit(self, w: _Writer) -> None:
        """The stored per-technology credit of every income, as the services keep it: filled
        in bulk, in one INSERT ... SELECT, once every distribution is written and posted."""
        w.flush()
        started = time.perf_counter()
        # Statistics first: without them PostgreSQL plans the "no standing distribution" test
        # as a loop over every posted distribution for each income (hours at full size).
        for name in ("income", "distribution", "agreement_technology"):
            w.connection.exec_driver_sql(f"ANALYZE {name}")
        refresh_income_credit(w.connection)
        table = T["income_credit"]
        w.written["income_credit"] += w.connection.execute(
            sa.select(sa.func.count()).select_from(table)
        ).scalar_one()
        w.seconds["income_credit"] += time.perf_counter() - started

    def _distribution(
        self,
        w,
        iid,
        did,
        aid,
        cents,
        policy,
        outstanding,
        cumulative,
        costs_recovered,
        split_base,
        lines,
        computed_at,
        posted_at,
    ) -> dict:
        dist_id = w.new_id("distribution")
        row = {
            "id": dist_id,
            "income_id": iid,
            "disclosure_id": did,
            "agreement_id": aid,
            "status": "draft",
            "amount_cents": cents,
            "policy_name": policy.name,
            "policy_effective_from": policy.effective_from,
            "costs_outstanding_cents": outstanding,
            "cumulative_before_cents": cumulative,
            "costs_recovered_cents": costs_recovered,
            "split_base_cents": split_base,
            "reverses_id": None,
            "reason": "",
            "computed_by_name": self.finance[1],
            "computed_at": computed_at,
            "posted_by_name": self.finance[1],
            "posted_at": posted_at,
        }
        w.add("distribution", row)
        written = []
        for position, (to, klass, rule, person, department, school, amount) in enumerate(lines, 1):
            line = {
                "id": w.new_id("distribution_line"),
                "distribution_id": dist_id,
                "position": position,
                "recipient": to,
                "recipient_class": klass,
                "person_id": person if klass in ("inventor", "lab") else None,
                "department_id": department if klass == "department" else None,
                "school_id": school if klass == "school" else None,
                "amount_cents": amount,
                "rule": rule,
            }
            w.add("distribution_line", line)
            written.append(line)
        w.to_post.append(dist_id)
        return {"row": row, "lines": written}
