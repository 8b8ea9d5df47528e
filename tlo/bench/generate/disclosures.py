"""Disclosures: inventors and shares, funding, evaluations, decisions, the timeline, counters."""

from __future__ import annotations

from datetime import date, timedelta

from tlo.bench.generate.chance import _between, _moment, _random_shares, _weighted
from tlo.bench.generate.sizes import _count, _fy_span, _spread, _year_weights
from tlo.bench.generate.words import (
    ADJECTIVES,
    SECTORS,
    TOPICS,
)
from tlo.bench.generate.writing import _Writer
from tlo.disclosures.models import DisclosureStatus as S
from tlo.disclosures.rules import docket_number

DISCLOSURE_GROWTH = 1.04
SPONSORS = [
    ("National Institutes of Health", True, "NIH"),
    ("National Science Foundation", True, "NSF"),
    ("Department of Energy", True, "DOE"),
    ("Department of Defense", True, "DOD"),
    ("DARPA", True, "DARPA"),
    ("Gates Foundation", False, ""),
    ("Industry sponsor", False, ""),
    ("Internal seed grant", False, ""),
]
# Where a case stands by its age in fiscal years (0: received this fiscal year).
STATUS_BY_AGE = [
    {
        S.DRAFT: 3,
        S.SUBMITTED: 12,
        S.ASSIGNED: 15,
        S.EVALUATING: 30,
        S.FILING: 10,
        S.DEFERRED: 8,
        S.RELEASED: 7,
        S.ABANDONED: 5,
        S.FILED: 10,
    },
    {
        S.SUBMITTED: 1,
        S.ASSIGNED: 3,
        S.EVALUATING: 10,
        S.DEFERRED: 8,
        S.FILING: 3,
        S.FILED: 25,
        S.MARKETING: 20,
        S.RELEASED: 12,
        S.ABANDONED: 12,
        S.LICENSED: 4,
        S.CLOSED: 2,
    },
    {
        S.EVALUATING: 2,
        S.DEFERRED: 3,
        S.FILED: 10,
        S.MARKETING: 30,
        S.LICENSED: 8,
        S.RELEASED: 20,
        S.ABANDONED: 15,
        S.CLOSED: 10,
    },
    {S.MARKETING: 10, S.LICENSED: 6, S.RELEASED: 24, S.ABANDONED: 30, S.CLOSED: 30},
]
# The workflow path to each status: (action, status reached), after submission.
PATHS = {
    S.SUBMITTED: [],
    S.ASSIGNED: [("assign", S.ASSIGNED)],
    S.EVALUATING: [("assign", S.ASSIGNED), ("start_evaluation", S.EVALUATING)],
}
_EVALUATED = PATHS[S.EVALUATING]
PATHS[S.DEFERRED] = [*_EVALUATED, ("defer", S.DEFERRED)]
PATHS[S.RELEASED] = [*_EVALUATED, ("release", S.RELEASED)]
PATHS[S.ABANDONED] = [*_EVALUATED, ("abandon", S.ABANDONED)]
PATHS[S.FILING] = [*_EVALUATED, ("file_provisional", S.FILING)]
PATHS[S.FILED] = [*PATHS[S.FILING], ("record_filing", S.FILED)]
PATHS[S.MARKETING] = [*PATHS[S.FILED], ("start_marketing", S.MARKETING)]
PATHS[S.LICENSED] = [*PATHS[S.MARKETING], ("license", S.LICENSED)]
PATHS[S.CLOSED] = [*PATHS[S.MARKETING], ("close", S.CLOSED)]
CLOSED_AFTER_A_LICENSE = [*PATHS[S.LICENSED], ("close", S.CLOSED)]  # some closed cases
DECISIONS = {
    S.DEFERRED: "defer",
    S.RELEASED: "release",
    S.ABANDONED: "abandon",
    S.FILING: "file_provisional",
}


class _Disclosures:
    """The disclosures phase of _Office: `cases` (what the later phases need of each case)
    and the docket sequences."""

    def _pick_inventors(self, count: int) -> list[int]:
        rng = self.rng
        chosen: list[int] = [rng.choice(self.inventor_pool)]  # the submitter is on the faculty
        if rng.random() < 0.004 * max(1.0, 1 / max(self.scale, 1e-6)) ** 0.5:
            chosen[0] = rng.choice(self.prolific)
        while len(chosen) < count:
            pid = (
                rng.choice(self.externals)
                if rng.random() < 0.03
                else rng.choice(self.inventor_pool)
            )
            if pid not in chosen:
                chosen.append(pid)
        return chosen

    def disclosures(self, w: _Writer) -> None:
        rng = self.rng
        counts = _spread(
            _count("disclosure", self.scale, 20),
            _year_weights(DISCLOSURE_GROWTH, self.today, self.first_fy, self.current_fy),
        )
        # However small the office, the last two years hold a case in every status; the
        # cases they need are taken from the busiest other years, so the total stays.
        for age, fy in ((0, self.current_fy), (1, self.current_fy - 1)):
            missing = len(STATUS_BY_AGE[age]) - counts[fy]
            counts[fy] += max(0, missing)
            for other in sorted(counts, key=lambda year: -counts[year]):
                if missing <= 0:
                    break
                if self.current_fy - other > 1 and counts[other] > 1:
                    counts[other] -= 1
                    missing -= 1
        self.cases = []  # dicts of what later phases need
        self.sequences: dict[int, int] = {}
        inventor_counts = {1: 10, 2: 25, 3: 30, 4: 20, 5: 10, 6: 5}
        for fy in range(self.first_fy, self.current_fy + 1):
            first, last = _fy_span(fy, self.start_month)
            last = min(last, self.today)
            age = self.current_fy - fy
            mix = STATUS_BY_AGE[0 if age == 0 else 1 if age == 1 else 2 if age <= 5 else 3]
            # the oldest days go to the statuses that take longest to reach
            forced = sorted(mix, key=lambda s: s not in (S.LICENSED, S.CLOSED)) if age <= 1 else []
            days = sorted(_between(rng, first, last) for _ in range(counts[fy]))
            for day in days:
                status = S(forced.pop(0) if forced else _weighted(rng, mix))
                if status is S.LICENSED and (self.today - day).days < 200:
                    status = S.MARKETING  # too young to have been licensed
                self._disclosure(
                    w,
                    fy,
                    day,
                    status,
                    rng.choices(list(inventor_counts), weights=list(inventor_counts.values()))[0],
                )
                w.maybe_flush()

    def _disclosure(self, w: _Writer, fy: int, day: date, status: S, inventor_count: int):
        rng = self.rng
        did = w.new_id("disclosure")
        topic, adjective = rng.choice(TOPICS), rng.choice(ADJECTIVES)
        title = f"A {adjective} {topic} for {rng.choice(TOPICS)} applications"
        inventors = self._pick_inventors(inventor_count)
        shares = _random_shares(rng, len(inventors))
        officer = rng.choice(self.officers)
        submitted_at = _moment(day, rng)
        draft = status is S.DRAFT
        docket = None
        if not draft:
            self.sequences[fy] = sequence = self.sequences.get(fy, 0) + 1
            docket = docket_number(fy, sequence)
        path = [] if draft else PATHS[status]
        if status is S.CLOSED and rng.random() < 0.15:
            path = CLOSED_AFTER_A_LICENSE
        assigned = any(action == "assign" for action, _ in path)
        review_on = None
        if status is S.DEFERRED:
            review_on = self.today + timedelta(days=rng.randint(14, 300))
        w.add(
            "disclosure",
            {
                "id": did,
                "docket": docket,
                "fiscal_year": None if draft else fy,
                "status": status.value,
                "title": title,
                "abstract": f"We describe a {adjective} {topic} that improves on the state of the "
                f"art in {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
                "description": f"Detailed description of the {topic}. " * 5,
                "problem_and_advantages": f"Cheaper, faster and more reliable {topic}s.",
                "stage": rng.choice(
                    ["concept", "proof_of_concept", "prototype", "validated", "product_ready"]
                ),
                "keywords": f"{topic}, {adjective}, {rng.choice(TOPICS)}",
                "applications": f"{rng.choice(SECTORS)}; {rng.choice(SECTORS)}",
                "potential_licensees": "",
                "related_materials": "",
                "submitter_person_id": inventors[0],
                "officer_person_id": officer if assigned else None,
                "share_version": 1,
                "created_at": submitted_at - timedelta(days=rng.randint(1, 20)),
                "submitted_at": None if draft else submitted_at,
                "review_on": review_on,
            },
        )
        names = [self.people_by_id[p][0] for p in inventors]
        for position, (pid, share) in enumerate(zip(inventors, shares, strict=True)):
            w.add(
                "disclosure_inventor",
                {
                    "id": w.new_id("disclosure_inventor"),
                    "disclosure_id": did,
                    "person_id": pid,
                    "share_bp": share,
                    "position": position,
                    "confirmed_at": None if draft else submitted_at + timedelta(days=position),
                },
            )
            w.add(
                "share_history",
                {
                    "id": w.new_id("share_history"),
                    "disclosure_id": did,
                    "version": 1,
                    "person_id": pid,
                    "share_bp": share,
                    "recorded_at": submitted_at,
                    "recorded_by_account_id": None,
                },
            )
        case = {
            "id": did,
            "fy": fy,
            "day": day,
            "status": status,
            "officer": officer if assigned else None,
            "inventors": [
                (pid, share, names.count(self.people_by_id[pid][0]) > 1)
                for pid, share in zip(inventors, shares, strict=True)
            ],
            "federal": None,
            "title": title,
        }
        self.cases.append(case)
        if draft:
            return
        # funding, public disclosures
        if rng.random() < 0.6:
            sponsor, federal, agency = rng.choice(SPONSORS)
            w.add(
                "funding_source",
                {
                    "id": w.new_id("funding_source"),
                    "disclosure_id": did,
                    "sponsor": sponsor,
                    "award_number": f"{agency or 'GR'}-{rng.randint(10000, 99999)}",
                    "is_federal": federal,
                    "agency": agency,
                },
            )
            if federal:
                case["federal"] = agency
        if rng.random() < 0.3:
            w.add(
                "public_disclosure",
                {
                    "id": w.new_id("public_disclosure"),
                    "disclosure_id": did,
                    "disclosed_on": day + timedelta(days=rng.randint(-60, 120)),
                    "kind": rng.choice(["paper", "talk", "poster", "thesis", "abstract"]),
                    "venue": f"Conference on {topic.capitalize()}s",
                },
            )
        # the timeline, with the evaluation and decision the statuses need
        submitter = self.account_ids.get(inventors[0]), names[0]
        self._status(w, did, None, S.SUBMITTED, submitted_at, submitter, "submit", docket)
        actor = self.officer_actor[officer]
        at, before = submitted_at, S.SUBMITTED
        span = max(1, (self.now - submitted_at).days)
        step_days = max(1, min(90, span // (len(path) + 1)))
        case["at"] = {}
        for action, reached in path:
            at = min(at + timedelta(days=rng.randint(1, step_days)), self.now)
            if action == "license":
                case["at"]["license_due"] = at  # the agreement signs it (agreements phase)
                case["licensed_from"] = before
                before = reached
                continue
            if action == "close" and "license_due" in case["at"]:
                at = max(at, case["at"]["license_due"] + timedelta(days=30))
                at = min(at, self.now)
            if action in ("release", "abandon", "defer", "file_provisional"):
                self._evaluation(w, did, at - timedelta(days=1), actor)
                w.add(
                    "filing_decision",
                    {
                        "id": w.new_id("filing_decision"),
                        "disclosure_id": did,
                        "decision": action,
                        "rationale": f"Decided to {action.replace('_', ' ')} after evaluation.",
                        "review_on": review_on if action == "defer" else None,
                        "decided_at": at,
                        "decided_by_account_id": actor[0],
                        "decided_by_name": actor[1],
                    },
                )
            elif action == "start_evaluation" and status is S.EVALUATING and rng.random() < 0.5:
                self._evaluation(w, did, at + timedelta(hours=2), actor)
            self._status(w, did, before, reached, at, actor, action)
            case["at"][reached] = at
            before = reached

    def _status(self, w, did, before, after, at, actor, action, docket=None):
        w.add(
            "status_change",
            {
                "id": w.new_id("status_change"),
                "disclosure_id": did,
                "from_status": before.value if before else S.DRAFT.value,
                "to_status": after.value,
                "at": at,
                "actor_account_id": actor[0],
                "actor_name": actor[1],
                "note": "",
            },
        )
        self.audit(
            w,
            at,
            actor,
            f"disclosure.{action}",
            "disclosure",
            did,
            {"docket": docket} if docket else {"status": after.value},
        )

    def _evaluation(self, w, did, at, actor):
        rng = self.rng
        scores = [rng.randint(1, 5) for _ in range(5)]
        w.add(
            "evaluation",
            {
                "id": w.new_id("evaluation"),
                "disclosure_id": did,
                "novelty": scores[0],
                "patentability": scores[1],
                "market_size": scores[2],
                "licensing_interest": scores[3],
                "stage_of_development": scores[4],
                "weighted_score_x100": round(sum(scores) * 100 / 5),
                "prior_art_notes": "Searched the usual databases.",
                "recommendation": "file_provisional" if sum(scores) >= 15 else "release",
                "evaluated_at": at,
                "evaluated_by_account_id": actor[0],
                "evaluated_by_name": actor[1],
            },
        )

    def counters(self, w: _Writer) -> None:
        for fy, sequence in sorted(self.sequences.items()):
            w.add("docket_counter", {"fiscal_year": fy, "last_sequence": sequence})
