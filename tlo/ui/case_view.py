"""Parts of a case the inventor's and the officer's pages both show."""

from __future__ import annotations

from datetime import date

import streamlit as st

from tlo import clock, ui
from tlo.disclosures import disclosure_types
from tlo.disclosures.models import DisclosureStatus, PublicDisclosureKind
from tlo.disclosures.queries import CaseView, DisclosureRow
from tlo.disclosures.signatures import SignatureStatus
from tlo.disclosures.targets import NextStep

STATUS_COLOURS = {
    DisclosureStatus.DRAFT: "gray",
    DisclosureStatus.SUBMITTED: "orange",
    DisclosureStatus.ASSIGNED: "blue",
    DisclosureStatus.EVALUATING: "blue",
    DisclosureStatus.FILING: "green",
    DisclosureStatus.DEFERRED: "violet",
    DisclosureStatus.RELEASED: "gray",
    DisclosureStatus.ABANDONED: "gray",
    DisclosureStatus.FILED: "green",
    DisclosureStatus.MARKETING: "green",
    DisclosureStatus.LICENSED: "green",
    DisclosureStatus.CLOSED: "gray",
}


def local(moment) -> str:
    if moment is None:
        return ""
    return moment.astimezone(clock.office_zone()).strftime("%Y-%m-%d %H:%M")


def local_date(moment) -> date | None:
    """The office's calendar day of a moment (received at 23:30 there: that day)."""
    return clock.office_date_or_none(moment)


# The case file's tabs by the name its address gives each (`?case=S26-0142&tab=patents`):
# short names, not the labels, so that a link reads well in an e-mail and outlives a relabelled
# tab. Streamlit's own `bind="query-params"` would put the label itself in the address
# (`tab=Inventors+%26+funding`) and lose every link when a label changes.
CASE_TABS: dict[str, str] = {
    "disclosure": "Disclosure",
    "inventors": "Inventors & funding",
    "attachments": "Attachments",
    "evaluation": "Evaluation",
    "decision": "Decision",
    "workflow": "Workflow",
    "notes": "Notes",
    "history": "History",
    "patents": "Patents",
    "marketing": "Marketing",
    "ownership": "Ownership",
}
TAB_PARAM = "tab"
CASE_TAB_KEY = "case_tab"  # the open tab's label: the state of the keyed st.tabs
_KEPT_TAB_KEY = "_case_tab_kept"  # (case id, label): outlives a visit to another page


def case_tabs(case_id: int, *, followed_link: bool) -> list:
    """The case file's tabs, with the tab the user is on kept open across reruns and actions
    and named in the address.

    A keyed st.tabs that reruns on a change (Streamlit 1.67) keeps its open tab in session
    state, so the rerun after a saved form shows the same tab; a stateless st.tabs is drawn
    afresh, on its first tab, whenever the page changes. A followed link, a bookmark or a
    reload (`followed_link`) opens the tab its address names, or the first; another case opens
    on its first tab; coming back to the same case from another page finds the tab it was on
    (Streamlit forgets the state of a widget that a run did not draw, hence the copy kept).
    """
    labels = list(CASE_TABS.values())
    kept = st.session_state.get(_KEPT_TAB_KEY)
    if followed_link:
        named = str(st.query_params.get(TAB_PARAM) or "").strip().lower()
        st.session_state[CASE_TAB_KEY] = CASE_TABS.get(named, labels[0])
    elif kept is None or kept[0] != case_id:
        st.session_state[CASE_TAB_KEY] = labels[0]
    elif st.session_state.get(CASE_TAB_KEY) not in labels:
        st.session_state[CASE_TAB_KEY] = kept[1]
    tabs = st.tabs(labels, key=CASE_TAB_KEY, on_change="rerun")
    shown = next((label for label, tab in zip(labels, tabs, strict=True) if tab.open), labels[0])
    st.session_state[_KEPT_TAB_KEY] = (case_id, shown)
    name = next(name for name, label in CASE_TABS.items() if label == shown)
    if st.query_params.get(TAB_PARAM) != name:
        st.query_params[TAB_PARAM] = name
    return tabs


def file_stem(disclosure) -> str:
    """How the Excel files of a case's tables begin: its docket number."""
    return disclosure.docket or f"draft-{disclosure.id}"


def status_badge(status: DisclosureStatus) -> None:
    st.badge(status.label, color=STATUS_COLOURS[status])


def flags(view_flags: list[str]) -> None:
    for flag in view_flags:
        st.warning(flag, icon=":material/priority_high:")


def inventors(view: CaseView) -> None:
    """The inventors and where each share stands; for the case's officer, what they do about
    the shares (tlo/ui/share_answers.py)."""
    from tlo.ui import designation_panel, share_answers

    answers = share_answers.standings(view)
    ui.table(
        [
            {
                "Inventor": line.name,
                "Department / organisation": line.department or line.organisation or "",
                "School": line.school or "",
                "Share": line.share,
                "Answer": answers[line.person_id].state.label
                if line.person_id in answers and view.status is not DisclosureStatus.DRAFT
                else "",
                "Confirmed": line.confirmed_at,  # empty: not yet
            }
            for line in view.inventors
        ],
        name=f"inventors-{file_stem(view.disclosure)}",
        kinds={"Share": "percent", "Confirmed": "datetime"},
    )
    st.caption(f"Share version {view.disclosure.share_version}.")
    share_answers.details(view, answers)
    share_answers.officer_part(view, answers)
    designation_panel.render(view)


def signatures(view: CaseView, signed: SignatureStatus) -> None:
    """Who signs the disclosure and where each stands, and every signature given: the version
    it signed (the start of the content's hash), when, from which account, and whether it
    still holds (tlo/disclosures/signatures.py)."""
    st.markdown("**Signatures**")
    if signed.pi_name:
        st.caption(f"Principal investigator: {signed.pi_name}")
    if not signed.open_for_signing:
        st.caption("The inventors sign the disclosure once it has been submitted.")
        return
    ui.table(
        [
            {
                "Signer": standing.name,
                "As": standing.role.label,
                "Current version": standing.state.label,
                "Signed": standing.signed_at,
            }
            for standing in signed.signers
        ],
        name=f"signers-{file_stem(view.disclosure)}",
        kinds={"Signed": "datetime"},
    )
    st.caption(
        f"Current version {signed.current_version}. A signature holds while the disclosure "
        "reads as it did when signed; a change of its content asks everyone to sign again."
    )
    if signed.signatures:
        ui.table(
            [
                {
                    "Signer": line.name,
                    "As": line.role.label,
                    "Typed name": line.typed_name,
                    "Version": line.version,
                    "Signed": line.signed_at,
                    "Account": line.signed_by,
                    "Still valid": "yes" if line.valid else "no: the disclosure changed since",
                }
                for line in signed.signatures
            ],
            name=f"signatures-{file_stem(view.disclosure)}",
            kinds={"Signed": "datetime"},
        )


def disclosure_texts(disclosure, *, with_leads: bool = True) -> None:
    """The texts the inventors wrote, after the type of disclosure, and their answers to the
    type's questions; `with_leads`: with their hints to the office (companies that might be
    interested, related materials), which a signature does not cover."""
    type_label, answers = disclosure_types.answers_shown(
        disclosure.disclosure_type, disclosure.type_answers
    )
    st.markdown(f"**Type of disclosure:** {type_label}")
    texts = [
        ("Abstract", disclosure.abstract),
        ("Detailed description", disclosure.description),
        ("Problem and advantages", disclosure.problem_and_advantages),
        ("Potential applications", disclosure.applications),
    ]
    if with_leads:
        texts += [
            ("Companies that might be interested", disclosure.potential_licensees),
            ("Related materials", disclosure.related_materials),
        ]
    for label, text in texts:
        st.markdown(f"**{label}**")
        st.text(text or "—")
    for question, answer in answers:
        st.markdown(f"**{question}**")
        st.text(answer)


def funding_and_public_disclosures(view: CaseView) -> None:
    st.markdown("**Funding**")
    if not view.funding:
        st.caption("None recorded.")
    for source in view.funding:
        federal = f" · federal ({source.agency})" if source.is_federal else ""
        st.markdown(f"- {source.sponsor} · award {source.award_number or '—'}{federal}")
    st.markdown("**Public disclosures**")
    if not view.public_disclosures:
        st.caption("None recorded.")
    for item in view.public_disclosures:
        st.markdown(
            f"- {item.disclosed_on} · {PublicDisclosureKind(item.kind).label} · {item.venue}"
        )


# The stages most cases pass through, as the inventor's timeline draws them.
MAIN_PATH = (
    DisclosureStatus.SUBMITTED,
    DisclosureStatus.ASSIGNED,
    DisclosureStatus.EVALUATING,
    DisclosureStatus.FILING,
    DisclosureStatus.FILED,
    DisclosureStatus.MARKETING,
    DisclosureStatus.LICENSED,
)


def stage_path(view: CaseView) -> None:
    """The case's stage among the stages most cases pass: those it has reached ticked, its
    own in bold (a stage off the path, such as a deferral, after the last one reached)."""
    reached = {DisclosureStatus(change.to_status) for change in view.timeline} | {view.status}
    last = max((MAIN_PATH.index(s) for s in reached if s in MAIN_PATH), default=-1)
    steps = []
    for index, stage in enumerate(MAIN_PATH):
        if stage is view.status:
            steps.append(f"**:blue[{stage.label}]**")
        elif index <= last:
            steps.append(f":material/check: {stage.label}")
        else:
            steps.append(f":gray[{stage.label}]")
        if index == last and view.status not in MAIN_PATH:
            steps.append(f"**:violet[{view.status.label}]**")
    st.markdown(" → ".join(steps))


def next_step(step: NextStep | None, *, inventor: bool) -> None:
    """What happens next, who does it and by when; to an inventor, whom to ask."""
    if step is None:
        st.caption(
            "Nothing further is planned for this case."
            + (" Your licensing officer can tell you more." if inventor else "")
        )
        return
    with st.container(border=True):
        st.markdown(f":material/next_plan: **What happens next:** {step.what}.")
        who = step.who_label if inventor else (step.officer_name or "The licensing office")
        parts = [f"**Who:** {who}"]
        if step.due_on is not None:
            what = "Review on" if step.stage is DisclosureStatus.DEFERRED else "Target"
            parts.append(f"**{what}:** {step.due_on}")
        parts.append(f"**In this stage since:** {step.entered_on} ({step.days_in_stage} days)")
        st.markdown(" · ".join(parts))
        if step.days_past_target:
            late = f"{step.days_past_target} day{'s' if step.days_past_target != 1 else ''}"
            ask = "Your licensing officer" if step.officer_name else "The licensing office"
            st.warning(
                f"{late} past the office's target."
                + (f" {ask} can tell you where it stands." if inventor else ""),
                icon=":material/schedule:",
            )
        if inventor and step.officer_name:
            email = step.officer_email
            contact = f" · [{email}](mailto:{email})" if email else ""
            st.caption(f"Your licensing officer: {step.officer_name}{contact}")


def timeline(view: CaseView) -> None:
    for change in view.timeline:
        label = DisclosureStatus(change.to_status).label
        note = f" — {change.note}" if change.note else ""
        st.markdown(f"**{local(change.at)}** · {label} · by {change.actor_name}{note}")


def rows_table(
    rows: list[DisclosureRow], *, with_officer: bool = True, name: str = "disclosures-listed"
) -> None:
    """A page of disclosures; its Excel button gives these rows (a page's "Export to Excel"
    gives the whole filtered list with more columns)."""
    ui.table(
        [
            {
                "Docket": row.docket or "(draft)",
                "Title": row.title,
                "Status": row.status.label,
                "Received": local_date(row.submitted_at),
                "Flags": "; ".join(row.flags),
                **({"Officer": row.officer or ""} if with_officer else {}),
                "Inventors": row.inventors,
            }
            for row in rows
        ],
        name=name,
        kinds={"Received": "date"},
    )


def pick_case(rows: list[DisclosureRow], *, key: str, label: str = "Open a case"):
    """A case chosen from the rows shown, or None."""
    return st.selectbox(
        label,
        rows,
        index=None,
        key=key,
        format_func=lambda row: f"{row.docket or '(draft)'} · {row.title}",
    )


def pick_case_id(entries, *, key: str) -> int | None:
    """A button per page to open the case of a docket entry, by a chosen docket number."""
    dockets = sorted({(e.item.docket, e.item.disclosure_id) for e in entries})
    chosen = st.selectbox(
        "Open the case file of", dockets, index=None, key=key, format_func=lambda pair: pair[0]
    )
    if chosen is not None and st.button("Open case file", icon=":material/folder_open:"):
        return chosen[1]
    return None
