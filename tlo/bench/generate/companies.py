"""Companies and their contacts; outreach on the marketed cases."""

from __future__ import annotations

from datetime import timedelta

from tlo.bench.generate.chance import _between, _moment, _weighted
from tlo.bench.generate.sizes import _count, _spread
from tlo.bench.generate.words import (
    COMPANY_NOUNS,
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    SECTORS,
    SUFFIXES,
    TOPICS,
)
from tlo.bench.generate.writing import _Writer
from tlo.disclosures.models import DisclosureStatus as S
from tlo.licensing.matching import normalise_company_name

STAGE_MIX = {
    "identified": 10,
    "contacted": 30,
    "interested": 10,
    "cda_signed": 5,
    "evaluating": 5,
    "term_sheet": 2,
    "negotiating": 2,
    "licensed": 3,
    "declined": 20,
    "no_response": 13,
}


class _Companies:
    """The companies and outreach phase of _Office: the companies agreements are signed
    with."""

    def companies(self, w: _Writer) -> None:
        rng = self.rng
        self.company_ids, self.company_size, self.contacts = [], {}, {}
        self.company_names = {}
        seen = set()
        target = _count("company", self.scale, 20)
        while len(self.company_ids) < target:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_NOUNS)}"
            if rng.random() < 0.7:
                name = f"{name} {rng.choice(COMPANY_WORDS)}"
            if normalise_company_name(name) in seen:
                name = f"{name} {len(self.company_ids)}"
            name = f"{name} {rng.choice(SUFFIXES)}".strip()
            normalized = normalise_company_name(name)
            if normalized in seen:
                continue
            seen.add(normalized)
            cid = w.new_id("company")
            size = _weighted(rng, {"startup": 30, "small": 40, "large": 30})
            row = {
                "id": cid,
                "name": name,
                "normalized_name": normalized,
                "website": f"https://{normalized.replace(' ', '-')}.example",
                "size": size,
                "sector": rng.choice(SECTORS),
                "interests": ", ".join(rng.sample(TOPICS, 4)),
                "notes": "",
                "do_not_contact": rng.random() < 0.01,
                "created_at": _moment(_between(rng, self.first_day, self.today), rng),
            }
            # A start-up is taken as formed on our technology the day it was entered (no
            # draw: the generator's sequence, and so its office, stays the same).
            startup = size == "startup"
            row["formed_on"] = row["created_at"].date() if startup else None
            row["depends_on_our_technology"] = True if startup else None
            w.add("company", row)
            self.company_ids.append(cid)
            self.company_size[cid] = size
            self.company_names[cid] = name
            self.contacts[cid] = []
            for _ in range(rng.randint(1, 3)):
                contact = w.new_id("contact")
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                w.add(
                    "contact",
                    {
                        "id": contact,
                        "company_id": cid,
                        "name": f"{first} {last}",
                        "title": rng.choice(["VP Business Development", "CTO", "Scientist"]),
                        "email": f"{first.lower()}@{normalized.replace(' ', '-')}.example",
                        "phone": "",
                    },
                )
                self.contacts[cid].append(contact)
            w.maybe_flush()
        self._outreach(w)

    def _outreach(self, w: _Writer) -> None:
        rng = self.rng
        marketed = [c for c in self.cases if S.MARKETING in c.get("at", {})]
        target = _count("outreach", self.scale, 10)
        if not marketed:
            return
        per_case = _spread(target, {i: rng.uniform(0.2, 1.8) for i in range(len(marketed))})
        for index, case in enumerate(marketed):
            started = case["at"][S.MARKETING]
            live = case["status"] is S.MARKETING
            if live:
                w.add(
                    "marketing_summary",
                    {
                        "id": w.new_id("marketing_summary"),
                        "disclosure_id": case["id"],
                        "headline": case["title"],
                        "problem": "Today's solutions are slow and costly.",
                        "solution": "Ours is fast and cheap.",
                        "advantages": "Faster; cheaper; smaller.",
                        "applications": "Many.",
                        "stage": "Prototype",
                        "updated_at": started,
                    },
                )
            count = min(per_case[index], len(self.company_ids))
            for company in rng.sample(self.company_ids, count):
                oid = w.new_id("outreach")
                stage = _weighted(rng, STAGE_MIX)
                day = _between(rng, started.date(), self.today)
                opened = stage not in ("licensed", "declined", "no_response")
                follow_up = None
                if opened and live:
                    follow_up = self.today + timedelta(days=rng.randint(-60, 90))
                moment = _moment(day, rng)
                owner = case["officer"] or self.officers[0]
                w.add(
                    "outreach",
                    {
                        "id": oid,
                        "disclosure_id": case["id"],
                        "company_id": company,
                        "stage": stage,
                        "owner_person_id": owner,
                        "next_follow_up": follow_up,
                        "cda_signed_on": day
                        if stage in ("cda_signed", "evaluating", "term_sheet", "negotiating")
                        else None,
                        "stage_since": moment,
                        "created_at": moment,
                    },
                )
                actor = self.officer_actor[owner]
                for to_stage, from_stage in (("identified", None), (stage, "identified")):
                    if from_stage == to_stage:
                        continue
                    w.add(
                        "outreach_stage_change",
                        {
                            "id": w.new_id("outreach_stage_change"),
                            "outreach_id": oid,
                            "from_stage": from_stage,
                            "to_stage": to_stage,
                            "at": moment,
                            "actor_account_id": actor[0],
                            "actor_name": actor[1],
                            "note": "",
                        },
                    )
                touched = day
                for _ in range(rng.randint(1, 4)):
                    w.add(
                        "outreach_touch",
                        {
                            "id": w.new_id("outreach_touch"),
                            "outreach_id": oid,
                            "touched_on": touched,
                            "channel": rng.choice(["email", "call", "meeting", "conference"]),
                            "contact_id": rng.choice(self.contacts[company]),
                            "note": "Sent the non-confidential summary.",
                            "outcome": rng.choice(["", "Will review", "Asked for data"]),
                            "logged_by_name": actor[1],
                            "logged_at": _moment(touched, rng),
                        },
                    )
                    touched = min(self.today, touched + timedelta(days=rng.randint(5, 60)))
                self.audit(w, moment, actor, "outreach.started", "disclosure", case["id"])
            w.maybe_flush()
