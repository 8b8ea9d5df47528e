"""The search box in the sidebar of every staff page: type part of a docket number, a title, a
keyword, an inventor's, a licensee's or a person's name, an agreement number, and open the
record from the list below it (`?case=S26-0142`, `?agreement=AGR-00022`, `?company=...`).

It searches as the user types, in a fragment: each pause reruns this box alone, never the page
under it. What it finds is what the user may read (tlo/search.py checks each kind); the box is
there for those who hold `search.records` (staff: not an inventor's pages).
"""

from __future__ import annotations

import streamlit as st

from tlo import search, ui
from tlo.auth.permissions import Actor, can
from tlo.db import unit_of_work
from tlo.errors import DomainError
from tlo.navigation import pages_for

KEY = "_search_box"  # outside every prefix a page clears
SHOWN = 5  # hits of a kind listed at once; the others in an expander
LABEL_LENGTH = 34  # a hit's label in the sidebar, cut with an ellipsis beyond it

_PLACEHOLDERS = {
    search.Kind.CASE: "docket, title, inventor",
    search.Kind.AGREEMENT: "AGR-…",
    search.Kind.COMPANY: "company",
    search.Kind.PERSON: "person",
}
_MARKDOWN_SPECIALS = "\\`*_{}[]<>()#+-.!|~$:"


def placeholder(kinds: list[search.Kind]) -> str:
    return "Find a " + ", ".join(_PLACEHOLDERS[kind] for kind in kinds)


def render(actor: Actor) -> None:
    """The box and what it finds, in the sidebar (call inside `with st.sidebar`)."""
    if not can(actor, "search.records"):
        return
    _panel(actor)


@st.fragment
def _panel(actor: Actor) -> None:
    kinds = search.kinds_for(actor)
    text = st.text_input(
        "Search",
        key=KEY,
        type="search",
        live=True,  # after a pause in typing
        placeholder=placeholder(kinds),
        help="Cases by docket number, title, keyword or inventor; agreements by number, "
        "licensee or title; companies and people by name. Every word must match.",
    )
    text = (text or "").strip()
    if not text:
        return
    if len(text) < search.MIN_LENGTH:
        st.caption("Type at least two letters.")
        return
    try:
        with unit_of_work() as session:
            results = search.search(session, actor=actor, text=text)
    except DomainError as err:
        st.caption(str(err))
        return
    if results.total == 0:
        st.caption(f"Nothing found for “{escaped(text)}”.")
        return
    pages = {spec.path for specs in pages_for(actor).values() for spec in specs}
    for kind, found in results.groups:
        if not found.hits:
            continue
        count = f"{search.LIMIT}+" if found.more else str(found.count)
        st.markdown(f"**{kind.label}** · {count}")
        for hit in found.hits[:SHOWN]:
            _show(hit, pages)
        rest = found.hits[SHOWN:]
        if rest:
            with st.expander(f"{len(rest)} more {kind.label.lower()}"):
                for hit in rest:
                    _show(hit, pages)
        if found.more:
            st.caption(f"More than {search.LIMIT} found: add a word to narrow it down.")


def _show(hit: search.Hit, pages: set[str]) -> None:
    """One hit: a link that opens its record, where it has a page the user may open."""
    page = ui.RECORD_PAGES.get(hit.kind.value)
    label = _cut(hit.label)
    if page is not None and page in pages:
        st.page_link(
            page,
            label=label,
            query_params={hit.kind.value: hit.key},
            help=f"{hit.label} — {hit.detail}" if hit.detail else hit.label,
        )
    else:  # people have no page of their own: who they are is what one looks for
        st.caption(f"**{escaped(hit.title)}**  \n{escaped(hit.detail)}")


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def escaped(text: str) -> str:
    """Text shown in markdown as it is (a name with an asterisk stays a name)."""
    return "".join(f"\\{char}" if char in _MARKDOWN_SPECIALS else char for char in text)
