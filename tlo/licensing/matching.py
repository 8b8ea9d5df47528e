"""Pure rules of licensee outreach: recognising a company under another spelling, and ranking
companies for a technology by how well their interests and past responses match its text."""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

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
# Words that say nothing of what a company wants: alone they made 'point-of-care' match every
# company 'caring' for anything and 'field' match every company in a field. They still count
# inside a compound ('point-of-care' is one term), never on their own.
_GENERIC_TEXT = """
care point field area areas high low large small data application approach process technique
improved improvement novel first second time type form level rate part mean provide allow
enable one two multiple single well good better real general make made work study result
problem solution product service market customer user people team center centre group
"""
GENERIC_TERMS = frozenset(_GENERIC_TEXT.split())


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


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Lower-case words of a text without stop words or generic words, plurals made singular
    (batteries -> battery, cells -> cell; not sepsis or virus): enough stemming to match
    interests to abstracts. A
    hyphenated compound is a term of its own ('point-of-care') besides its telling parts."""
    words = re.findall(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z]{3,}", (text or "").lower())
    found = []
    for word in words:
        parts = [part for part in word.split("-") if part]
        if len(parts) > 1 and not all(part.isdigit() for part in parts):
            found.append("-".join([*parts[:-1], _singular(parts[-1])]))
        for part in parts:
            if len(part) < 3 or part in STOPWORDS or part.isdigit():
                continue
            part = _singular(part)
            if part in GENERIC_TERMS:
                continue
            found.append(part)
    return found


@lru_cache(maxsize=50_000)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of a text, remembered for the process: the 10,000 companies of a
    large office are tokenised once, not on every case file shown. Keyed by the text itself,
    so an edited interest is never matched by its old terms."""
    return frozenset(terms(text))


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
    named_by_inventor: bool = False

    @property
    def explanation(self) -> str:
        parts = ["named by the inventors"] if self.named_by_inventor else []
        if self.matched_terms:
            parts.append("matches " + ", ".join(self.matched_terms))
        if self.related_outreach:
            parts.append("interested before in " + "; ".join(self.related_outreach))
        return " · ".join(parts)


PAST_RESPONSE_WEIGHT = 0.5  # what a company said yes to counts, less than what it says it wants


def _idf(documents: list[frozenset[str]]) -> dict[str, float]:
    count = Counter(term for document in documents for term in document)
    total = len(documents)
    return {term: math.log((1 + total) / (1 + seen)) + 1 for term, seen in count.items()}


@dataclass(frozen=True)
class CompanyIndex:
    """What ranking needs to know of every company, built once for many technologies: each
    company's terms (its own, and those of the technologies it responded to), how distinctive
    each term is (IDF over all the companies), and which companies use each term."""

    profiles: list[CompanyProfile]
    own: list[frozenset[str]]
    past: list[list[tuple[PastResponse, frozenset[str]]]]
    idf: dict[str, float]
    by_term: dict[str, list[int]]  # positions in `profiles`
    by_name: dict[str, int]  # normalised name -> position in `profiles`


def build_index(profiles: Iterable[CompanyProfile]) -> CompanyIndex:
    profiles = list(profiles)
    own = [term_set(f"{p.interests} {p.sector}") for p in profiles]
    past = [[(r, term_set(f"{r.title} {r.text}")) for r in p.past_responses] for p in profiles]
    documents = [own[i].union(*(ts for _, ts in past[i])) for i in range(len(profiles))]
    by_term: dict[str, list[int]] = {}
    for position, document in enumerate(documents):
        for term in document:
            by_term.setdefault(term, []).append(position)
    by_name = {normalise_company_name(p.name): i for i, p in enumerate(profiles)}
    return CompanyIndex(profiles, own, past, _idf(documents), by_term, by_name)


MIN_NAME_LENGTH = 4  # a shorter name ('Arc', 'GE') is found in too many ordinary sentences


def named_in(text: str, index: CompanyIndex) -> list[int]:
    """Positions of the companies a free text names ('Genentech, Inc. and maybe Illumina'), in
    the order they appear; spelled any way `normalise_company_name` recognises."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    plain = plain.lower().replace("&", " and ").replace(".", "")
    words = " " + " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split()) + " "
    if not words.strip():
        return []
    found = []
    for name, position in index.by_name.items():
        if len(name) >= MIN_NAME_LENGTH and (at := words.find(f" {name} ")) >= 0:
            found.append((at, position))
    return [position for _, position in sorted(found)]


def rank_companies(
    technology_text: str, profiles: Iterable[CompanyProfile], *, limit: int = 10
) -> list[Suggestion]:
    """Companies whose interests, sector and past positive responses share the most
    distinctive terms with the technology (TF-IDF weights), best first, each explained."""
    return rank_in_index(technology_text, build_index(profiles), limit=limit)


def rank_in_index(
    technology_text: str,
    index: CompanyIndex,
    *,
    leave_out: frozenset[int] = frozenset(),
    limit: int = 10,
    named_text: str = "",
) -> list[Suggestion]:
    """As `rank_companies`, over a built index; only the companies that share a term with the
    technology are scored. Companies whose id is in `leave_out` are not suggested. Companies
    `named_text` names (the inventors' 'companies that might be interested') come first,
    whether or not their interests match."""
    named = [
        position
        for position in named_in(named_text, index)
        if index.profiles[position].company_id not in leave_out
    ]
    scored = _scored(technology_text, index, leave_out)
    by_id = {suggestion.company_id: suggestion for suggestion in scored}
    first = []
    for position in named:
        profile = index.profiles[position]
        match = by_id.pop(profile.company_id, None)
        first.append(
            dataclasses.replace(match, named_by_inventor=True)
            if match
            else Suggestion(profile.company_id, profile.name, 0.0, [], [], True)
        )
    return (first + [s for s in scored if s.company_id in by_id])[:limit]


def _scored(technology_text: str, index: CompanyIndex, leave_out: frozenset[int]):
    wanted = Counter(terms(technology_text))
    if not wanted:
        return []
    wanted_terms = frozenset(wanted)
    idf = index.idf
    candidates = sorted({i for term in wanted_terms for i in index.by_term.get(term, ())})
    suggestions = []
    for position in candidates:
        profile = index.profiles[position]
        if profile.company_id in leave_out:
            continue
        weights: dict[str, float] = {}
        for term in index.own[position] & wanted_terms:
            weights[term] = wanted[term] * idf.get(term, 0)
        related = []
        for response, response_terms in index.past[position]:
            shared = wanted_terms & response_terms
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
    return suggestions
