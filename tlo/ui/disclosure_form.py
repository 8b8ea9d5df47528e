"""The disclosure form's state: what the inventor has typed, kept in session state between
reruns, and turned into a DisclosureForm for the services."""

from __future__ import annotations

from datetime import date

import streamlit as st

from tlo.auth.permissions import Actor
from tlo.disclosures.intake import (
    TEXT_FIELDS,
    DisclosureForm,
    FundingEntry,
    InventorEntry,
    PublicDisclosureEntry,
)
from tlo.disclosures.rules import equal_shares

PREFIX = "df_"
EDITING = f"{PREFIX}id"
LOADED_FOR = f"{PREFIX}loaded_for"
INVENTORS = f"{PREFIX}inventors"
FUNDING = f"{PREFIX}funding"
PUBLIC = f"{PREFIX}public"


def start_new(actor: Actor, own_label: str | None) -> None:
    """An empty form; an inventor starts as the sole inventor with 100 %."""
    clear()
    st.session_state[EDITING] = None
    st.session_state[LOADED_FOR] = "new"
    st.session_state[INVENTORS] = (
        [{"person_id": actor.person_id, "label": own_label}] if own_label else []
    )
    if own_label:
        st.session_state[share_key(actor.person_id)] = "100"
    st.session_state[FUNDING] = []
    st.session_state[PUBLIC] = []


def open_draft(disclosure_id: int) -> None:
    """Ask the form page to load this draft on its next run."""
    clear()
    st.session_state[EDITING] = disclosure_id


def load(disclosure_id: int, form: DisclosureForm, labels: dict[int, str]) -> None:
    for name in TEXT_FIELDS:
        st.session_state[f"{PREFIX}{name}"] = getattr(form, name)
    st.session_state[f"{PREFIX}stage"] = form.stage
    st.session_state[INVENTORS] = [
        {"person_id": entry.person_id, "label": labels.get(entry.person_id, "?")}
        for entry in form.inventors
    ]
    for entry in form.inventors:
        st.session_state[share_key(entry.person_id)] = f"{entry.share.normalize():f}"
    st.session_state[FUNDING] = [vars(entry) for entry in form.funding]
    st.session_state[PUBLIC] = [
        {"disclosed_on": e.disclosed_on, "kind": e.kind, "venue": e.venue}
        for e in form.public_disclosures
    ]
    st.session_state[LOADED_FOR] = disclosure_id


def needs_loading() -> bool:
    editing = st.session_state.get(EDITING)
    return st.session_state.get(LOADED_FOR) != (editing if editing is not None else "new")


def clear() -> None:
    for key in [key for key in st.session_state if str(key).startswith(PREFIX)]:
        del st.session_state[key]


def share_key(person_id: int) -> str:
    return f"{PREFIX}share_{person_id}"


def add_inventor(person_id: int, label: str) -> bool:
    inventors = st.session_state[INVENTORS]
    if any(row["person_id"] == person_id for row in inventors):
        return False
    inventors.append({"person_id": person_id, "label": label})
    return True


def remove_inventor(person_id: int) -> None:
    st.session_state[INVENTORS] = [
        row for row in st.session_state[INVENTORS] if row["person_id"] != person_id
    ]
    st.session_state.pop(share_key(person_id), None)


def split_equally() -> None:
    inventors = st.session_state[INVENTORS]
    for row, share in zip(inventors, equal_shares(len(inventors)), strict=True):
        st.session_state[share_key(row["person_id"])] = f"{share.normalize():f}"


def add_funding(sponsor: str, award_number: str, is_federal: bool, agency: str) -> None:
    st.session_state[FUNDING].append(
        {
            "sponsor": sponsor,
            "award_number": award_number,
            "is_federal": is_federal,
            "agency": agency,
        }
    )


def add_public_disclosure(disclosed_on: date, kind: str, venue: str) -> None:
    st.session_state[PUBLIC].append({"disclosed_on": disclosed_on, "kind": kind, "venue": venue})


def remove_row(list_key: str, index: int) -> None:
    del st.session_state[list_key][index]


def uploader_key() -> str:
    """The file uploader's key; a new key empties it once its files are stored."""
    return f"{PREFIX}uploads_{st.session_state.get(f'{PREFIX}upload_round', 0)}"


def empty_uploader() -> None:
    st.session_state[f"{PREFIX}upload_round"] = st.session_state.get(f"{PREFIX}upload_round", 0) + 1


def current_form() -> DisclosureForm:
    state = st.session_state
    return DisclosureForm(
        **{name: state.get(f"{PREFIX}{name}", "") or "" for name in TEXT_FIELDS},
        stage=state.get(f"{PREFIX}stage"),
        inventors=[
            InventorEntry(row["person_id"], state.get(share_key(row["person_id"]), ""))
            for row in state.get(INVENTORS, [])
        ],
        funding=[FundingEntry(**row) for row in state.get(FUNDING, [])],
        public_disclosures=[PublicDisclosureEntry(**row) for row in state.get(PUBLIC, [])],
    )
