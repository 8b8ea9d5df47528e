"""Agreements of every type and status, with their technologies, patents and terms."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from tlo.bench.generate.chance import _between, _moment, _split_cents, _weighted
from tlo.bench.generate.sizes import _count
from tlo.bench.generate.words import (
    SECTORS,
)
from tlo.bench.generate.writing import _Writer
from tlo.disclosures.models import DisclosureStatus as S
from tlo.licensing.agreement_models import AgreementStatus as AS
from tlo.licensing.agreement_models import AgreementType as AT


class _Agreements:
    """The agreements phase of _Office: a license for each licensed case, and the
    `income_agreements` that income is paid on."""

    def agreements(self, w: _Writer) -> None:
        rng = self.rng
        total = _count("agreement", self.scale, 10)
        # latest first, so that a license of several technologies groups cases of one time
        to_license = sorted(
            (c for c in self.cases if "license_due" in c.get("at", {})),
            key=lambda c: c["at"]["license_due"],
        )
        others = [c for c in self.cases if c["status"] is not S.DRAFT]
        marketed = [c for c in others if S.MARKETING in c.get("at", {})] or others
        self.income_agreements = []  # (signed on, last day of income, agreement id, [(case, bp)])
        # licenses for the licensed cases, one to three technologies each
        while to_license:
            group = [
                to_license.pop() for _ in range(min(len(to_license), rng.choice([1] * 8 + [2, 3])))
            ]
            kind = _weighted(rng, {AT.EXCLUSIVE: 45, AT.NON_EXCLUSIVE: 35, AT.STARTUP: 20})
            self._agreement(w, kind, group, licensed=True)
            total -= 1
        mix = {
            AT.EXCLUSIVE: 5,
            AT.NON_EXCLUSIVE: 15,
            AT.OPTION: 15,
            AT.CDA: 35,
            AT.MTA: 25,
            AT.INTER_INSTITUTIONAL: 5,
        }
        for _ in range(max(0, total)):
            kind = _weighted(rng, mix)
            pool = marketed if kind in (AT.EXCLUSIVE, AT.NON_EXCLUSIVE, AT.OPTION) else others
            self._agreement(w, kind, [rng.choice(pool)], licensed=False)
            w.maybe_flush()

    def _agreement(self, w, kind: AT, cases: list[dict], *, licensed: bool) -> None:
        rng = self.rng
        aid = w.new_id("agreement")
        company = rng.choice(self.company_ids)
        earliest = max(c["day"] for c in cases) + timedelta(days=60)
        if licensed:
            signed = max(c["at"]["license_due"] for c in cases).date()
            status = _weighted(rng, {AS.ACTIVE: 85, AS.EXECUTED: 15})
            if any(c["status"] is S.CLOSED for c in cases):
                status = rng.choice([AS.EXPIRED, AS.TERMINATED])
        elif kind in (AT.EXCLUSIVE, AT.NON_EXCLUSIVE):  # still being negotiated
            signed = _between(rng, min(earliest, self.today), self.today)
            status = rng.choice([AS.DRAFT, AS.NEGOTIATING])
        else:
            signed = _between(rng, min(earliest, self.today), self.today)
            status = _weighted(
                rng,
                {
                    AS.DRAFT: 8,
                    AS.NEGOTIATING: 10,
                    AS.EXECUTED: 12,
                    AS.ACTIVE: 40,
                    AS.EXPIRED: 20,
                    AS.TERMINATED: 10,
                },
            )
        signed_status = status not in (AS.DRAFT, AS.NEGOTIATING)
        term_months = (
            rng.choice([None, 60, 120, 240]) if kind.is_license else rng.choice([12, 24, 36])
        )
        ends = self.today
        if status in (AS.EXPIRED, AS.TERMINATED) and signed_status:
            months = max(1, (self.today.year - signed.year) * 12 + self.today.month - signed.month)
            ended_after = rng.randint(1, months) if months > 1 else 1
            ends = min(self.today, signed + relativedelta(months=ended_after))
            if status is AS.EXPIRED:
                term_months = ended_after
        officer = cases[0]["officer"] or self.officers[0]
        upfront = rng.randint(5, 100) * 1_000_00 if kind.is_license else 0
        w.add(
            "agreement",
            {
                "id": aid,
                "agreement_type": kind.value,
                "status": status.value,
                "company_id": company,
                "officer_person_id": officer,
                "title": f"{kind.label} with {self.company_names[company]}",
                "field_of_use": rng.choice(SECTORS) if kind.is_license else "",
                "territory": "Worldwide",
                "effective_date": signed if signed_status else None,
                "term_months": term_months,
                "signed_on": signed if signed_status else None,
                "licensee_size": self.company_size[company] if signed_status else None,
                "ended_on": ends if status in (AS.EXPIRED, AS.TERMINATED) else None,
                "upfront_fee_cents": upfront,
                "sublicense_share_bp": rng.choice([0, 1500, 2500]) if kind.is_license else 0,
                "equity_shares": rng.randint(10_000, 500_000) if kind is AT.STARTUP else 0,
                "equity_percent_bp": rng.randint(100, 800) if kind is AT.STARTUP else 0,
                "past_patent_costs_cents": rng.randint(0, 50_000) * 100 if kind.is_license else 0,
                "reimburse_ongoing_costs": kind.is_license and rng.random() < 0.6,
                "royalty_report_period": rng.choice(["quarterly", "semiannual", "annual"]),
                "notes": "",
                "created_at": _moment(max(self.first_day, signed - timedelta(days=60)), rng),
            },
        )
        allocations = _split_cents(10000, [1] * len(cases))
        for case, bp in zip(cases, allocations, strict=True):
            w.add(
                "agreement_technology",
                {
                    "id": w.new_id("agreement_technology"),
                    "agreement_id": aid,
                    "disclosure_id": case["id"],
                    "allocation_bp": bp,
                },
            )
            for app_id, _kind, _office in self.applications.get(case["id"], [])[:2]:
                w.add(
                    "agreement_patent",
                    {
                        "id": w.new_id("agreement_patent"),
                        "agreement_id": aid,
                        "application_id": app_id,
                    },
                )
        if kind.is_license or kind is AT.OPTION:
            for year in range(1, rng.randint(2, 5)):
                w.add(
                    "annual_fee",
                    {
                        "id": w.new_id("annual_fee"),
                        "agreement_id": aid,
                        "year_number": year,
                        "amount_cents": year * rng.randint(5, 25) * 1_000_00,
                    },
                )
        if kind.is_license:
            rate_id = w.new_id("royalty_rate")
            w.add(
                "royalty_rate",
                {"id": rate_id, "agreement_id": aid, "applies_to": "All licensed products"},
            )
            w.add(  # a single rate: one tier without a bound
                "royalty_tier",
                {
                    "id": w.new_id("royalty_tier"),
                    "royalty_rate_id": rate_id,
                    "position": 1,
                    "up_to_cents": None,
                    "rate_bp": rng.choice([100, 200, 300, 400, 500]),
                },
            )
            for n in range(rng.randint(0, 3)):
                w.add(
                    "milestone",
                    {
                        "id": w.new_id("milestone"),
                        "agreement_id": aid,
                        "event": ["First commercial sale", "FDA approval", "Phase II start"][n],
                        "amount_cents": rng.choice([0, 50_000_00, 250_000_00]),
                        "due_date": signed + relativedelta(years=n + 2),
                    },
                )
        actor = self.officer_actor[officer]
        at = _moment(signed, rng)
        self.audit(w, at, actor, "agreement.created", "agreement", aid)
        if signed_status:
            self.audit(w, at, actor, "agreement.status", "agreement", aid, {"status": "executed"})
        if licensed:
            for case in cases:
                self._status(w, case["id"], case["licensed_from"], S.LICENSED, at, actor, "license")
        if signed_status and (kind.is_license or kind is AT.OPTION):
            self.income_agreements.append(
                (signed, ends, aid, [(c, bp) for c, bp in zip(cases, allocations, strict=True)])
            )
