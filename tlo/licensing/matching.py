"""Pure rules of licensee outreach: recognising a company under another spelling, and ranking
companies for a technology by how well their interests and past responses match its text."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_LEGAL_SUFFIX_WORDS = """
inc incorporated corp corporation co company llc ltd limited gmbh ag sa sas sarl bv nv plc pty
kk srl spa oy ab as lp llp pte pvt se kg
"""
LEGAL_SUFFIXES = frozenset(_LEGAL_SUFFIX_WORDS.split())
_STOPWORD_TEXT = """
a an and are as at be by for from has have in into is it its of on or that the their this to
was were with without which using use used new based method methods system systems device
devices via than more less over under can may also such these those our we
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def normalise_company_name(name: str) -> str:
    """'Klein Photonics GmbH', 'KLEIN-PHOTONICS' and 'Klein Photonics, Inc.' are one company."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace(".", "")  # S.A. -> sa, Inc. -> inc
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def terms(text: str) -> list[str]:
    """Lower-case words of a text without stop words, plurals made singular (batteries ->
    battery, cells -> cell): enough stemming to match interests to abstracts."""
    words = re.findall(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z]{3,}", (text or "").lower())
    found = []
    for word in words:
        for part in word.split("-"):
            if len(part) < 3 or part in STOPWORDS or part.isdigit():
                continue
            if len(part) > 4 and part.endswith("ies"):
                part = part[:-3] + "y"
            elif len(part) > 4 and part.endswith("s") and not part.endswith("ss"):
                part = part[:-1]
            found.append(part)
    return found


@dataclass(frozen=True)
class PastResponse:
    """A technology the company showed interest in (interested or further along)."""

    docket: str
    title: str
    text: str


@dataclass(frozen=True)
class CompanyProfile:
    company_id: int
    name: str
    interests: str
    sector: str
    past_responses: list[PastResponse] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    company_id: int
    name: str
    score: float
    matched_terms: list[str]
    related_outreach: list[str]

    @property
    def explanation(self) -> str:
        parts = []
        if self.matched_terms:
            parts.append("matches " + ", ".join(self.matched_terms))
        if self.related_outreach:
            parts.append("interested before in " + "; ".join(self.related_outreach))
        return " · ".join(parts)


PAST_RESPONSE_WEIGHT = 0.5  # what a company said yes to counts, less than what it says it wants


def _idf(documents: list[set[str]]) -> dict[str, float]:
    count = Counter(term for document in documents for term in document)
    total = len(documents)
    return {term: math.log((1 + total) / (1 + seen)) + 1 for term, seen in count.items()}


def rank_companies(
    technology_text: str, profiles: Iterable[CompanyProfile], *, limit: int = 10
) -> list[Suggestion]:
    """Companies whose interests, sector and past positive responses share the most
    distinctive terms with the technology (TF-IDF weights), best first, each explained."""
    profiles = list(profiles)
    wanted = Counter(terms(technology_text))
    if not wanted or not profiles:
        return []
    own = [set(terms(f"{p.interests} {p.sector}")) for p in profiles]
    past = [[(r, set(terms(f"{r.title} {r.text}"))) for r in p.past_responses] for p in profiles]
    idf = _idf([own[i] | {t for _, ts in past[i] for t in ts} for i in range(len(profiles))])
    suggestions = []
    for index, profile in enumerate(profiles):
        weights: dict[str, float] = {}
        for term, frequency in wanted.items():
            if term in own[index]:
                weights[term] = weights.get(term, 0) + frequency * idf.get(term, 0)
        related = []
        for response, response_terms in past[index]:
            shared = set(wanted) & response_terms
            if shared:
                related.append(f"{response.docket} {response.title}")
                for term in shared:
                    weights[term] = weights.get(term, 0) + PAST_RESPONSE_WEIGHT * idf.get(term, 0)
        if not weights:
            continue
        score = sum(weights.values()) / math.sqrt(sum(wanted.values()))
        matched = sorted(weights, key=lambda term: (-weights[term], term))[:6]
        suggestions.append(
            Suggestion(profile.company_id, profile.name, round(score, 4), matched, related[:3])
        )
    suggestions.sort(key=lambda s: (-s.score, s.name))
    return suggestions[:limit]
