"""Search pickers: type part of a name or number, choose among the records found.

A picker never loads a whole list (a list capped at some hundreds silently hides the older
records of a large office): it asks a search service of tlo/search.py for the first matches of
what the user types, as they type, and keeps the choice while they search again. Each picker is
a fragment: typing reruns the picker alone, not the page (nor a form being filled beside it).

Streamlit sends a form's widgets only when it is submitted, so a picker stands outside the
form it belongs to; the form reads the choice when it is submitted (the picker's return value
on that run). Keys: the choice lives in session state under `<key>__chosen`, so a page's
`ui.attempt(clear=prefix)` that clears `key`'s prefix clears the choice too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from tlo import search, ui
from tlo.auth.permissions import Actor
from tlo.db import unit_of_work
from tlo.errors import DomainError

Finder = Callable[..., search.Found]  # (session, *, actor, text, limit) -> Found


def _chosen_key(key: str) -> str:
    return f"{key}__chosen"


def _find_key(key: str) -> str:
    return f"{key}_find"


def _found(find: Finder, actor: Actor, text: str) -> tuple[search.Found, str | None]:
    """What the search finds, and what to tell the user (an error, nothing found, too many)."""
    text = (text or "").strip()
    if len(text) < search.MIN_LENGTH:
        return search.NOTHING, None
    try:
        with unit_of_work() as session:
            found = find(session, actor=actor, text=text, limit=search.LIMIT)
    except DomainError as err:
        return search.NOTHING, str(err)
    if not found.hits:
        return found, f"Nothing found for “{text}”."
    if found.more:
        return found, f"The first {search.LIMIT} found: type more to narrow it down."
    return found, None


def _placeholder(text: str, found: search.Found) -> str:
    if len((text or "").strip()) < search.MIN_LENGTH:
        return "Type in the search box first"
    return f"{found.count}{'+' if found.more else ''} found: choose" if found.hits else "None found"


def pick_one(
    label: str,
    *,
    key: str,
    find: Finder,
    find_label: str,
    current: search.Hit | None = None,
    help: str | None = None,
) -> search.Hit | None:
    """One record: a search box and, beside it, the records it finds to choose from. Starts
    from `current` (the record chosen so far, e.g. an agreement's licensee)."""
    chosen = _chosen_key(key)
    if chosen not in st.session_state:
        st.session_state[chosen] = current
    _pick_one(label, key, find, find_label, help, ui.actor())
    return st.session_state.get(chosen)


@st.fragment
def _pick_one(label: str, key: str, find: Finder, find_label: str, help, actor: Actor) -> None:
    find_col, pick_col = st.columns([2, 3], vertical_alignment="bottom")
    text = find_col.text_input(
        find_label, key=_find_key(key), type="search", live=True, placeholder="Type to search"
    )
    found, note = _found(find, actor, text)
    current = st.session_state.get(_chosen_key(key))
    options = ([current] if current else []) + [
        hit for hit in found.hits if current is None or hit.id != current.id
    ]
    value = pick_col.selectbox(
        label,
        options,
        index=0 if current else None,
        format_func=_label,
        key=key,
        placeholder=_placeholder(text, found),
        help=help,
    )
    st.session_state[_chosen_key(key)] = value
    if note:
        st.caption(note)


def pick_many(
    label: str,
    *,
    key: str,
    find: Finder,
    find_label: str,
    current: Sequence[search.Hit] = (),
    help: str | None = None,
) -> list[search.Hit]:
    """Several records: a search box and, beside it, the records chosen so far with those it
    finds to add, in the order chosen. Starts from `current`."""
    chosen = _chosen_key(key)
    if chosen not in st.session_state:
        st.session_state[chosen] = list(current)
    _pick_many(label, key, find, find_label, help, ui.actor())
    return list(st.session_state.get(chosen) or [])


@st.fragment
def _pick_many(label: str, key: str, find: Finder, find_label: str, help, actor: Actor) -> None:
    find_col, pick_col = st.columns([2, 3], vertical_alignment="bottom")
    text = find_col.text_input(
        find_label, key=_find_key(key), type="search", live=True, placeholder="Type to search"
    )
    found, note = _found(find, actor, text)
    current = list(st.session_state.get(_chosen_key(key)) or [])
    ids = {hit.id for hit in current}
    options = current + [hit for hit in found.hits if hit.id not in ids]
    value = pick_col.multiselect(
        label,
        options,
        default=current,
        format_func=_label,
        key=key,
        placeholder=_placeholder(text, found),
        help=help,
        wrap=True,  # every choice in view, a line each if need be
    )
    st.session_state[_chosen_key(key)] = list(value)
    if note:
        st.caption(note)


def _label(hit: search.Hit) -> str:
    return hit.label


# --- the pickers the pages use ----------------------------------------------------------------


def company(
    label: str,
    *,
    key: str,
    current=None,
    find_label: str = "Find the company",
    find: Finder = search.find_companies,
) -> search.Hit | None:
    """A company, by name (`current`: a Company chosen so far)."""
    return pick_one(
        label,
        key=key,
        find=find,
        find_label=find_label,
        current=search.company_hit(current) if current is not None else None,
        help="Type part of the name; the first matches are offered.",
    )


def cases(
    label: str,
    *,
    key: str,
    current: Sequence = (),
    find_label: str = "Find a case (docket, title, keyword or inventor)",
) -> list[search.Hit]:
    """Cases, by docket, title, keyword or inventor (`current`: Disclosures chosen so far)."""
    return pick_many(
        label,
        key=key,
        find=search.find_cases,
        find_label=find_label,
        current=[search.case_hit(disclosure) for disclosure in current],
        help="Type a docket number, words of the title or keywords, or an inventor's name; "
        "choose from the matches. Your choice stays while you search again.",
    )
