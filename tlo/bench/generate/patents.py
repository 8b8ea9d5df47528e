"""Patent families: applications, counsel's costs, office actions, Bayh-Dole records."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tlo.bench.generate.chance import _moment
from tlo.bench.generate.words import (
    FIRST_NAMES,
    LAST_NAMES,
)
from tlo.bench.generate.writing import _Writer
from tlo.disclosures.models import DisclosureStatus as S

COUNSEL = ["Fenwick & West", "Wilson Sonsini", "Morrison & Foerster", "Cooley", "Knobbe Martens"]
NATIONAL = ["JP", "CN", "CA", "AU", "KR", "IN", "BR"]
PATENTED = {S.FILED, S.MARKETING, S.LICENSED, S.CLOSED}


class _Patents:
    """The patents phase of _Office: `applications` and `costs`, which agreements and
    income read."""

    def patents(self, w: _Writer) -> None:
        rng = self.rng
        self.applications = defaultdict(list)  # disclosure id -> [(app id, type, jurisdiction)]
        self.costs = []  # (day, disclosure id, cents), for costs outstanding
        numbers = iter(range(100_001, 10**9))
        for case in self.cases:
            status = case["status"]
            if (
                status in PATENTED
                or (status is S.ABANDONED and rng.random() < 0.2)
                or (status is S.RELEASED and rng.random() < 0.1)
            ):
                pass
            else:
                if case["federal"] and status is not S.DRAFT:
                    self._bayh_dole(w, case, elected=False)
                continue
            filed_at = case["at"].get(S.FILED) or case["at"].get(S.FILING)
            first = filed_at.date() if filed_at else case["day"] + timedelta(days=120)
            first = min(first, self.today)
            closed = status in (S.CLOSED, S.ABANDONED, S.RELEASED)
            self._family(w, case, first, closed, numbers)
            if case["federal"]:
                self._bayh_dole(w, case, elected=True)
            w.maybe_flush()

    def _bayh_dole(self, w, case, *, elected: bool) -> None:
        rng = self.rng
        reported = case["day"] + timedelta(days=rng.randint(20, 55))
        w.add(
            "bayh_dole_record",
            {
                "id": w.new_id("bayh_dole_record"),
                "disclosure_id": case["id"],
                "agency": case["federal"],
                "award_number": f"{case['federal']}-{rng.randint(10000, 99999)}",
                "iedison_number": f"{rng.randint(1000000, 9999999)}"
                if reported <= self.today
                else "",
                "reported_on": reported if reported <= self.today else None,
                "election": "elected" if elected else "pending",
                "elected_on": min(self.today, reported + timedelta(days=200)) if elected else None,
            },
        )

    def _application(self, w, case, parent, kind, jurisdiction, filed, closed, numbers):
        rng = self.rng
        aid = w.new_id("patent_application")
        number = next(numbers)
        status, publication, grant, abandoned_on = "pending", ("", None), ("", None), None
        age = (self.today - filed).days
        if kind == "provisional":
            status = "expired" if age > 400 else "pending"
            number_text = f"63/{number:06d}"
        else:
            number_text = {
                "pct": f"PCT/US{filed.year}/{number:06d}",
                "nonprovisional": f"17/{number:06d}",
                "continuation": f"18/{number:06d}",
            }.get(kind, f"{jurisdiction}{filed.year % 100:02d}{number:06d}")
            if age > 550:
                status = "published"
                publication = (
                    f"{jurisdiction} {filed.year + 1}/{number:07d} A1",
                    filed + timedelta(days=548),
                )
            if kind != "pct" and age > 1000 and rng.random() < 0.65:
                granted = filed + timedelta(days=rng.randint(900, min(age, 1700)))
                status, grant = "granted", (f"{jurisdiction} {number + 9_000_000:,} B2", granted)
                if age > 20 * 365:
                    status = "expired"
            if kind == "pct" and age > 950:
                status = "expired"  # the international phase is over
        if closed and status not in ("expired",):
            status = "abandoned"
            abandoned_on = min(self.today, filed + timedelta(days=rng.randint(200, 900)))
        w.add(
            "patent_application",
            {
                "id": aid,
                "disclosure_id": case["id"],
                "parent_id": parent,
                "jurisdiction": jurisdiction,
                "application_type": kind,
                "application_number": number_text,
                "filing_date": filed,
                "priority_date_override": None,
                "status": status,
                "counsel_firm": rng.choice(COUNSEL),
                "counsel_attorney": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "counsel_docket": f"{number}-{kind[:3].upper()}",
                "publication_number": publication[0],
                "publication_date": publication[1],
                "grant_number": grant[0],
                "grant_date": grant[1],
                "abandoned_on": abandoned_on,
                "government_support_clause": bool(case["federal"]) and jurisdiction == "US",
                "created_at": _moment(filed, rng),
            },
        )
        self.applications[case["id"]].append((aid, kind, jurisdiction))
        self.audit(
            w,
            _moment(filed, rng),
            self.officer_actor.get(case["officer"], self.director),
            "patent.application_added",
            "disclosure",
            case["id"],
            {"application_number": number_text},
        )
        # counsel's invoices: the filing, then prosecution
        fee = {"provisional": 3_000, "nonprovisional": 12_000, "pct": 5_000}.get(kind, 6_000)
        day = filed + timedelta(days=rng.randint(10, 40))
        for n in range(1 + rng.randint(0, 4 if kind != "provisional" else 1)):
            if day > self.today:
                break
            cents = (
                int(fee * 100 * rng.uniform(0.5, 1.5)) if n == 0 else rng.randint(800, 5_000) * 100
            )
            w.add(
                "patent_cost",
                {
                    "id": w.new_id("patent_cost"),
                    "application_id": aid,
                    "invoice_date": day,
                    "invoice_number": f"INV-{aid}-{n + 1}",
                    "description": "Filing" if n == 0 else "Prosecution",
                    "amount_cents": cents,
                    "paid": (self.today - day).days > 45,
                    # paid a month after the invoice (no random draw: the same office)
                    "paid_on": day + timedelta(days=30) if (self.today - day).days > 45 else None,
                    "recorded_at": _moment(day, rng),
                },
            )
            self.costs.append((day, case["id"], cents))
            day += timedelta(days=rng.randint(120, 500))
        # office actions on US applications that are examined
        if jurisdiction == "US" and kind in ("nonprovisional", "continuation", "national_phase"):
            mailed = filed + timedelta(days=rng.randint(420, 700))
            for n in range(rng.randint(0, 3)):
                if mailed > self.today:
                    break
                last = grant[1] is not None and n == 0
                responded = mailed + timedelta(days=rng.randint(40, 100))
                w.add(
                    "office_action",
                    {
                        "id": w.new_id("office_action"),
                        "application_id": aid,
                        "mailed_on": mailed,
                        "action_type": "notice_of_allowance"
                        if last
                        else rng.choice(["non_final", "final", "restriction", "non_final"]),
                        "description": "",
                        "responded_on": responded if responded <= self.today else None,
                    },
                )
                mailed = responded + timedelta(days=rng.randint(90, 240))
        return aid

    def _family(self, w, case, first: date, closed: bool, numbers) -> None:
        rng = self.rng
        provisional = self._application(w, case, None, "provisional", "US", first, closed, numbers)
        roots = [(provisional, first)]
        if rng.random() < 0.2:  # a second provisional a few months on
            second = min(self.today, first + timedelta(days=rng.randint(30, 200)))
            roots.append(
                (
                    self._application(w, case, None, "provisional", "US", second, closed, numbers),
                    second,
                )
            )
        parent, parent_day = roots[-1]
        convert = min(self.today, parent_day + timedelta(days=rng.randint(300, 364)))
        if convert >= self.today - timedelta(days=1) and (self.today - parent_day).days < 300:
            return  # still within the priority year
        if rng.random() < 0.85:
            us = self._application(
                w, case, parent, "nonprovisional", "US", convert, closed, numbers
            )
            if rng.random() < 0.15:
                day = min(self.today, convert + timedelta(days=rng.randint(400, 1200)))
                self._application(w, case, us, "continuation", "US", day, closed, numbers)
        if rng.random() < 0.6:
            pct = self._application(w, case, parent, "pct", "WO", convert, closed, numbers)
            entry = parent_day + relativedelta(months=30) - timedelta(days=rng.randint(5, 40))
            if entry <= self.today:
                self._application(w, case, pct, "regional_phase", "EP", entry, closed, numbers)
                for office in rng.sample(NATIONAL, rng.randint(1, 3)):
                    self._application(
                        w, case, pct, "national_phase", office, entry, closed, numbers
                    )
