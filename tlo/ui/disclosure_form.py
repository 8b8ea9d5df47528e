"""The disclosure form's state: what the inventor has typed, kept in session state between
reruns and across pages, saved as a draft as they go, and turned into a DisclosureForm for
the services.

Drafts save themselves. Keeping the typing in this tab's session state and warning on leaving
would not be enough: the session state goes with a reload, a closed tab, a sign-out after an
idle hour, a restart, or the next request landing on another app process (they keep no
state of their own), and Streamlit can't ask "leave this page?" when a sidebar link is
clicked. So every run of the form page (Streamlit reruns when a field loses focus or a row is
added or removed, not at each keystroke: that is the debounce) saves the draft when the form
differs from what was last saved or tried, into the draft the services already know
(intake.save_draft): from the first run that has a title, which a draft needs to be found
again in *My disclosures*. A share not decided yet (empty, "ask Ben") is saved as open; the
shares need not add up to 100 % until submission. The typing is also kept in this tab, so
that coming back from another page shows exactly what was typed (Streamlit forgets a
widget's value when a page that does not draw it runs): `keep_typed`. The address names the
draft (`?draft=12`), so a reload or a bookmark opens it again.

Problems come from the services as a list (tlo.errors.FormErrors): every field's at once.
While the draft cannot be saved, each reason is an error by the Save and Submit buttons and is
marked at its field; once it is saved and only submission waits, a field's own problem is
marked at the field, and a problem of several fields (missing parts, shares that do not add
up) is an error by the buttons.
"""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from tlo import clock, ui
from tlo.auth.models import Role
from tlo.auth.permissions import Actor
from tlo.db import unit_of_work
from tlo.disclosures import attachments, disclosure_types, intake, queries
from tlo.disclosures.intake import (
    TEXT_FIELDS,
    DisclosureForm,
    FundingEntry,
    InventorEntry,
    PublicDisclosureEntry,
)
from tlo.disclosures.models import DisclosureStatus
from tlo.disclosures.rules import equal_shares
from tlo.errors import DomainError, FormErrors, Problem
from tlo.people import services as people

PREFIX = "df_"
EDITING = f"{PREFIX}id"
LOADED_FOR = f"{PREFIX}loaded_for"
INVENTORS = f"{PREFIX}inventors"
PI = f"{PREFIX}pi"  # {"person_id", "label"} of the principal investigator, or None
FUNDING = f"{PREFIX}funding"
PUBLIC = f"{PREFIX}public"
TYPED = f"{PREFIX}typed"  # the widgets' values, kept while other pages run
ATTEMPTED = f"{PREFIX}attempted"  # the form as last saved, or tried and refused
PROBLEMS = f"{PREFIX}problems"  # (level, problems) of the last save or submission
SAVED_AT = f"{PREFIX}saved_at"
REQUEST = f"{PREFIX}request"  # "save" or "submit": a button asked for it
NOTICE = f"{PREFIX}notice"
OTHER_DRAFTS = f"{PREFIX}other_drafts"
OPEN_FAILED = f"{PREFIX}open_failed"
NEW_PUBLIC = f"{PREFIX}new_public_"  # the widgets of the public disclosure being added
NEW_PUBLIC_PROBLEMS = f"{PREFIX}new_public_problems"
UPLOADS_STORED = f"{PREFIX}uploads_stored"  # file ids of the uploads already attached
UPLOADS_REFUSED = f"{PREFIX}uploads_refused"  # file id -> why it was refused
URL_PARAM = "draft"
TYPE = f"{PREFIX}disclosure_type"  # the type of disclosure (tlo/disclosures/disclosure_types.py)

DRAFT = "draft"  # the draft could not be saved
SUBMISSION = "submission"  # the draft is saved; submission waits for these


# --- opening ---------------------------------------------------------------------------------


def open_draft(disclosure_id: int) -> None:
    """Ask the form page to show this draft: as this tab last had it when it is the one the
    form last showed (with what was typed that a draft does not keep, e.g. a share "ask
    Ben"), else as it was saved."""
    if st.session_state.get(LOADED_FOR) == disclosure_id:
        st.session_state[EDITING] = disclosure_id
        return
    clear()
    st.session_state[EDITING] = disclosure_id


def open_from_url() -> None:
    """A tab that has not shown the form yet opens the draft its address names (a reload,
    a bookmark: `?draft=12`)."""
    if EDITING in st.session_state or LOADED_FOR in st.session_state:
        return
    named = str(st.query_params.get(URL_PARAM) or "").strip()
    if named.isdigit() and len(named) <= 9:
        st.session_state[EDITING] = int(named)


def show_in_url() -> None:
    """Keep the address naming the draft on screen, so that a reload opens it again."""
    editing = st.session_state.get(EDITING)
    if editing is None:
        st.query_params.pop(URL_PARAM, None)
    elif st.query_params.get(URL_PARAM) != str(editing):
        st.query_params[URL_PARAM] = str(editing)


def needs_loading() -> bool:
    editing = st.session_state.get(EDITING)
    return st.session_state.get(LOADED_FOR) != (editing if editing is not None else "new")


def load_or_start(actor: Actor) -> None:
    """Fill the form: from the draft being edited, else empty for a new disclosure."""
    editing = st.session_state.get(EDITING)
    if editing is not None:
        try:
            with unit_of_work() as session:
                saved = intake.open_draft(session, actor=actor, disclosure_id=editing)
                named = [e.person_id for e in saved.inventors] + [saved.pi_person_id]
                labels = people.person_labels(
                    session, actor=actor, person_ids=[pid for pid in named if pid is not None]
                )
        except DomainError as refusal:
            start_new(actor)
            st.session_state[OPEN_FAILED] = str(refusal)
            return
        load(editing, saved, labels)
        return
    start_new(actor)


def start_new(actor: Actor) -> None:
    """An empty form; an inventor starts as the sole inventor with 100 %."""
    own_label = None
    with unit_of_work() as session:
        if actor.has_role(Role.INVENTOR):
            own_label = people.person_labels(
                session, actor=actor, person_ids=[actor.person_id]
            ).get(actor.person_id)
        mine = queries.list_my_disclosures(session, actor=actor, limit=50)
    clear()
    st.session_state[EDITING] = None
    st.session_state[LOADED_FOR] = "new"
    st.session_state[INVENTORS] = (
        [{"person_id": actor.person_id, "label": own_label}] if own_label else []
    )
    if own_label:
        st.session_state[share_key(actor.person_id)] = "100"
    st.session_state[PI] = None
    st.session_state[FUNDING] = []
    st.session_state[PUBLIC] = []
    st.session_state[OTHER_DRAFTS] = [
        (row.id, row.title) for row in mine.items if row.status is DisclosureStatus.DRAFT
    ][:3]
    _attempted_now()


def load(disclosure_id: int, form: DisclosureForm, labels: dict[int, str]) -> None:
    clear()
    st.session_state[EDITING] = disclosure_id
    for name in TEXT_FIELDS:
        st.session_state[f"{PREFIX}{name}"] = getattr(form, name)
    st.session_state[f"{PREFIX}stage"] = form.stage
    st.session_state[TYPE] = form.disclosure_type
    for question_key, answer in form.answers.items():
        st.session_state[answer_key(question_key)] = answer
    st.session_state[INVENTORS] = [
        {"person_id": entry.person_id, "label": labels.get(entry.person_id, "?")}
        for entry in form.inventors
    ]
    for entry in form.inventors:
        shown = "" if entry.share == "" else f"{entry.share.normalize():f}"
        st.session_state[share_key(entry.person_id)] = shown
    st.session_state[PI] = (
        {"person_id": form.pi_person_id, "label": labels.get(form.pi_person_id, "?")}
        if form.pi_person_id is not None
        else None
    )
    st.session_state[FUNDING] = [vars(entry) for entry in form.funding]
    st.session_state[PUBLIC] = [
        {"disclosed_on": e.disclosed_on, "kind": e.kind, "venue": e.venue}
        for e in form.public_disclosures
    ]
    st.session_state[LOADED_FOR] = disclosure_id
    _attempted_now()


def start_over() -> None:
    """Leave the draft on screen (it stays saved) for a new, empty form."""
    clear()
    st.query_params.pop(URL_PARAM, None)
    st.session_state[EDITING] = None


def clear() -> None:
    for key in [key for key in st.session_state if str(key).startswith(PREFIX)]:
        del st.session_state[key]


def pop_open_failed() -> str | None:
    """Why the draft the address or the tab named could not be opened, once."""
    return st.session_state.pop(OPEN_FAILED, None)


def pop_notice() -> str | None:
    """The note that the Save button saved the draft, once."""
    return st.session_state.pop(NOTICE, None)


def other_drafts() -> list[tuple[int, str]]:
    """The user's drafts a new form offers to go on with."""
    return st.session_state.get(OTHER_DRAFTS, [])


# --- what was typed --------------------------------------------------------------------------


def share_key(person_id: int) -> str:
    return f"{PREFIX}share_{person_id}"


def answer_key(question_key: str) -> str:
    return f"{PREFIX}answer_{question_key}"


def chosen_type() -> disclosure_types.DisclosureType:
    """The type the form is filled in as (the default until one is chosen)."""
    key = st.session_state.get(TYPE) or disclosure_types.DEFAULT_TYPE
    return disclosure_types.get_type(key) or disclosure_types.get_type(
        disclosure_types.DEFAULT_TYPE
    )


def _answer_keys() -> list[str]:
    """Every type's questions: switching type and back keeps what was typed."""
    return [
        answer_key(question.key)
        for kind in disclosure_types.all_types().values()
        for question in kind.fields
    ]


def _widget_keys() -> list[str]:
    keys = [f"{PREFIX}{name}" for name in TEXT_FIELDS] + [f"{PREFIX}stage", TYPE]
    keys += _answer_keys()
    return keys + [share_key(row["person_id"]) for row in st.session_state.get(INVENTORS, [])]


def keep_typed() -> None:
    """Copy the form's widgets' values aside, and put them back when Streamlit dropped them
    (it does when a page that does not draw them has run): call before drawing the form."""
    typed = st.session_state.setdefault(TYPED, {})
    for key in _widget_keys():
        if key in st.session_state:
            typed[key] = st.session_state[key]
        elif key in typed:
            st.session_state[key] = typed[key]


def current_form() -> DisclosureForm:
    state = st.session_state
    return DisclosureForm(
        **{name: state.get(f"{PREFIX}{name}", "") or "" for name in TEXT_FIELDS},
        stage=state.get(f"{PREFIX}stage"),
        inventors=[
            InventorEntry(row["person_id"], state.get(share_key(row["person_id"])) or "")
            for row in state.get(INVENTORS, [])
        ],
        funding=[FundingEntry(**row) for row in state.get(FUNDING, [])],
        public_disclosures=[PublicDisclosureEntry(**row) for row in state.get(PUBLIC, [])],
        pi_person_id=(state.get(PI) or {}).get("person_id"),
        disclosure_type=chosen_type().key,
        answers={
            question.key: state.get(answer_key(question.key)) or ""
            for question in chosen_type().fields
            if state.get(answer_key(question.key))
        },
    )


def _attempted_now() -> None:
    keep_typed()
    st.session_state[ATTEMPTED] = asdict(current_form())


# --- rows ------------------------------------------------------------------------------------


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
    st.session_state.get(TYPED, {}).pop(share_key(person_id), None)


def set_pi(person_id: int | None, label: str = "") -> None:
    """Name the principal investigator (None: nobody)."""
    st.session_state[PI] = None if person_id is None else {"person_id": person_id, "label": label}


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


def new_public_key(part: str) -> str:
    return f"{NEW_PUBLIC}{part}"


def add_public_disclosure() -> None:
    """The "Add public disclosure" button: the new row joins the list when its date and kind
    are given (there is no default kind); else its problems are marked at its fields."""
    state = st.session_state
    try:
        entry = intake.check_public_disclosure(
            disclosed_on=state.get(new_public_key("date")),
            kind=state.get(new_public_key("kind")),
            venue=state.get(new_public_key("venue")) or "",
        )
    except FormErrors as refusal:
        state[NEW_PUBLIC_PROBLEMS] = refusal.problems
        return
    state.pop(NEW_PUBLIC_PROBLEMS, None)
    state[PUBLIC].append(
        {"disclosed_on": entry.disclosed_on, "kind": entry.kind, "venue": entry.venue}
    )
    state[new_public_key("date")] = None
    state[new_public_key("kind")] = None
    state[new_public_key("venue")] = ""


def new_public_problems(part: str) -> list[str]:
    return [p.message for p in st.session_state.get(NEW_PUBLIC_PROBLEMS, ()) if part in p.fields]


def remove_row(list_key: str, index: int) -> None:
    del st.session_state[list_key][index]


def uploader_key() -> str:
    """The file uploader's key; a new key empties it once its files are stored."""
    return f"{PREFIX}uploads_{st.session_state.get(f'{PREFIX}upload_round', 0)}"


def empty_uploader() -> None:
    st.session_state[f"{PREFIX}upload_round"] = st.session_state.get(f"{PREFIX}upload_round", 0) + 1


# --- saving ----------------------------------------------------------------------------------


def ask_to_save() -> None:
    st.session_state[REQUEST] = "save"


def ask_to_submit() -> None:
    st.session_state[REQUEST] = "submit"


def run_pending() -> str | None:
    """What the form owes before it is drawn (after the router has checked the sign-in):
    the Save or Submit a button asked for, else a save of what changed. Returns the docket
    number when the disclosure was submitted."""
    keep_typed()
    request = st.session_state.pop(REQUEST, None)
    if request is None:
        autosave()
        return None
    form = current_form()
    st.session_state[ATTEMPTED] = asdict(form)
    draft = _save(form, check_submission=request == "save")
    if draft is None:
        return None
    if not _store_uploads(draft.id):
        return None  # the draft is saved; the refused files are marked at the uploader
    if request == "save":
        st.session_state[NOTICE] = "Draft saved. You can come back to it from *My disclosures*."
        return None
    try:
        with unit_of_work() as session:
            submitted = intake.submit(session, actor=ui.actor(), disclosure_id=draft.id)
    except DomainError as refusal:
        st.session_state[PROBLEMS] = (SUBMISSION, _problems_of(refusal))
        return None
    clear()
    return submitted.docket


def autosave() -> None:
    """Save the draft when the form differs from what was last saved or tried: from the
    first change that gives it a title (a draft needs one to be found again)."""
    form = current_form()
    typed = asdict(form)
    editing = st.session_state.get(EDITING)
    if typed != st.session_state.get(ATTEMPTED) and (editing is not None or form.title.strip()):
        st.session_state[ATTEMPTED] = typed
        if _save(form, check_submission=True) is None:
            return
    editing = st.session_state.get(EDITING)
    if editing is not None and _uploads_waiting():
        _store_uploads(editing)


def _problems_of(refusal: DomainError) -> tuple[Problem, ...]:
    if isinstance(refusal, FormErrors):
        return refusal.problems
    return (Problem(str(refusal)),)


def _save(form: DisclosureForm, *, check_submission: bool):
    """Save the draft; on a refusal note its problems and return None. After a refused
    submission, what still stands in its way is checked again at each save."""
    editing = st.session_state.get(EDITING)
    level, _ = st.session_state.get(PROBLEMS) or (DRAFT, ())
    try:
        with unit_of_work() as session:
            actor = ui.actor()
            draft = intake.save_draft(session, actor=actor, form=form, disclosure_id=editing)
            waiting = (
                intake.check_submission(session, actor=actor, disclosure_id=draft.id)
                if check_submission and level == SUBMISSION
                else ()
            )
    except DomainError as refusal:
        st.session_state[PROBLEMS] = (DRAFT, _problems_of(refusal))
        return None
    st.session_state[EDITING] = st.session_state[LOADED_FOR] = draft.id
    st.session_state[SAVED_AT] = clock.office_now()
    st.session_state[PROBLEMS] = (SUBMISSION, waiting) if waiting else None
    return draft


def _uploads_waiting() -> bool:
    done = st.session_state.get(UPLOADS_STORED, set()) | set(
        st.session_state.get(UPLOADS_REFUSED, {})
    )
    return any(u.file_id not in done for u in st.session_state.get(uploader_key()) or [])


def _store_uploads(disclosure_id: int) -> bool:
    """Attach the uploaded files not attached yet; False when one is refused (it stays in the
    uploader with its reason; the uploader is emptied once every file is attached)."""
    uploads = st.session_state.get(uploader_key()) or []
    stored = st.session_state.setdefault(UPLOADS_STORED, set())
    refused = st.session_state.setdefault(UPLOADS_REFUSED, {})
    for upload in uploads:
        if upload.file_id in stored or upload.file_id in refused:
            continue
        try:
            with unit_of_work() as session:
                attachments.add_attachment(
                    session,
                    actor=ui.actor(),
                    disclosure_id=disclosure_id,
                    name=upload.name,
                    content=upload.getvalue(),
                )
        except DomainError as refusal:
            refused[upload.file_id] = str(refusal)
        else:
            stored.add(upload.file_id)
    if any(upload.file_id in refused for upload in uploads):
        return False
    if uploads:
        empty_uploader()
        stored.clear()
    return True


def upload_problems() -> list[str]:
    refused = st.session_state.get(UPLOADS_REFUSED, {})
    uploads = st.session_state.get(uploader_key()) or []
    return [refused[u.file_id] for u in uploads if u.file_id in refused]


# --- showing problems ------------------------------------------------------------------------


def _problems() -> tuple[str, tuple[Problem, ...]]:
    return st.session_state.get(PROBLEMS) or (DRAFT, ())


def problems_at(field_path: str, *, only_its_own: bool = False) -> list[str]:
    """What to say next to one field: its own problems, and (unless `only_its_own`) the
    short note of each problem it shares with other fields."""
    _, problems = _problems()
    return [
        (problem.note or problem.message) if len(problem.fields) > 1 else problem.message
        for problem in problems
        if field_path in problem.fields and not (only_its_own and len(problem.fields) > 1)
    ]


def mark(field_path: str, container=st, *, only_its_own: bool = False) -> None:
    """The problems of one field, in red, under it."""
    for message in problems_at(field_path, only_its_own=only_its_own):
        red(message, container)


def mark_shares_together() -> None:
    """Once, above the shares: what concerns them together (that they add up to 100 %)."""
    _, problems = _problems()
    for problem in problems:
        shares = [f for f in problem.fields if f.startswith("inventors.") and f.endswith(".share")]
        if len(problem.fields) > 1 and shares:
            red(problem.note or problem.message)


def red(message: str, container=st) -> None:
    shown = message.replace("[", "\\[").replace("]", "\\]")
    container.caption(f":red[:material/error: {shown}]")


def errors_by_the_buttons() -> list[str]:
    """The problems shown as errors by the Save and Submit buttons (see the module's note)."""
    level, problems = _problems()
    return [p.message for p in problems if level == DRAFT or len(p.fields) != 1]


def marked_only() -> list[str]:
    """The problems of a saved draft that only their field shows."""
    level, problems = _problems()
    return [p.message for p in problems if level == SUBMISSION and len(p.fields) == 1]


def not_saved() -> bool:
    level, problems = _problems()
    return level == DRAFT and bool(problems)


def save_status() -> str:
    """A line under the page's title: whether what is on screen is saved."""
    if not_saved():
        what = (
            "Your latest changes are not saved"
            if st.session_state.get(EDITING)
            else "Not saved yet"
        )
        return f":red[:material/cloud_off: {what}: see what is marked in red.]"
    saved_at = st.session_state.get(SAVED_AT)
    if saved_at is not None:
        return f":material/cloud_done: Draft saved automatically at {saved_at:%H:%M}."
    if st.session_state.get(EDITING) is not None:
        return ":material/cloud_done: Saved as a draft. Changes are saved as you go."
    return ":material/cloud: Your draft is saved automatically as soon as it has a title."
