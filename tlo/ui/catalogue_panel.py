"""The case file's "Public catalogue" section (Marketing tab): whether the technology is
published, its figures (views, visitors, inquiries and what they became), the inquiries, and
for its officer the preview, publish and unpublish."""

from __future__ import annotations

import streamlit as st

from tlo import ui
from tlo.catalogue import inquiries, metrics, publishing
from tlo.catalogue import web as catalogue_web
from tlo.catalogue.publishing import PatentState, PublishForm
from tlo.errors import DomainError


def public_url(slug: str) -> str:
    """The technology's public page, on this app's own origin."""
    base = catalogue_web.mount_path(st.get_option("server.baseUrlPath") or "")
    return f"{base}/t/{slug}"


def figures_row(figures: metrics.Figures) -> None:
    cols = st.columns(6)
    for col, (label, value) in zip(
        cols,
        [
            ("Views", figures.views),
            ("Visitors", figures.visitors),
            ("Inquiries", figures.inquiries),
            ("Became CDAs", figures.to_cda),
            ("Options", figures.to_option),
            ("Licenses", figures.to_license),
        ],
        strict=True,
    ):
        col.metric(label, f"{value:,}")


def _preview(entry) -> None:
    with st.container(border=True):
        st.markdown(f"### {entry.title}")
        st.markdown(f"*{entry.summary}*")
        facts = [entry.field, entry.stage, PatentState.LABELS[entry.patent_state]]
        st.caption(" · ".join(fact for fact in facts if fact))
        for heading, text in [
            ("The problem", entry.problem),
            ("The technology", entry.solution),
            ("Advantages", entry.advantages),
            ("Applications", entry.applications),
        ]:
            if text.strip():
                st.markdown(f"**{heading}**")
                st.text(text)
        st.markdown("**Intellectual property**")
        st.text(f"{entry.ip_status} {entry.patent_numbers}".strip())
        if entry.inventors:
            st.markdown(f"**Inventors:** {entry.inventors}")
        if entry.keywords:
            st.caption(f"Keywords: {entry.keywords}")


def render(case_id: int, *, can_work: bool) -> None:
    actor = ui.actor()
    with ui.reading() as session:
        entry = publishing.published(session, actor=actor, disclosure_id=case_id)
        figures = (
            metrics.figures(session, actor=actor, disclosure_id=case_id)
            if ui.can("catalogue.figures")
            else None
        )
        asked = inquiries.of_case(session, actor=actor, disclosure_id=case_id)
        people = publishing.inventors_of(session, case_id)

    st.markdown("**Public catalogue**")
    if entry is None:
        st.caption("Not in the public catalogue.")
    else:
        st.markdown(
            f"Published [{entry.title}]({public_url(entry.slug)}) on "
            f"{entry.first_published_at:%d %B %Y}"
            + (
                f", updated {entry.published_at:%d %B %Y}"
                if entry.published_at.date() != entry.first_published_at.date()
                else ""
            )
            + "."
        )
    if figures is not None and (entry is not None or figures.views or figures.inquiries):
        st.caption("The last 365 days; visitors are counted without cookies or personal data.")
        figures_row(figures)
    if asked:
        ui.table(
            [
                {
                    "Received": a.created_at,
                    "Name": a.name,
                    "Company": a.company_name,
                    "E-mail": a.email,
                    "Message": a.message,
                }
                for a in asked
            ],
            name=f"catalogue-inquiries-{case_id}",
            kinds={"Received": "datetime"},
        )
    if can_work:
        _publish_form(case_id, entry, people)


def _publish_form(case_id: int, entry, people) -> None:
    with st.form("catalogue_publish"):
        st.markdown("**Publish in the catalogue**" if entry is None else "**Republish**")
        st.caption(
            "The catalogue shows the saved summary above, the line and keywords below, the "
            "patent status as public facts only (numbers of published applications and "
            "granted patents) and the inventors who agreed to be named."
        )
        summary = st.text_input(
            "One-line summary (under the title in the list)",
            value=entry.summary if entry else "",
            max_chars=300,
            key="cat_summary",
        )
        keywords = st.text_input(
            "Keywords", value=entry.keywords if entry else "", max_chars=500, key="cat_keywords"
        )
        named_before = set((entry.inventors or "").split(", ")) if entry else set()
        named = [
            person_id
            for person_id, name in people
            if st.checkbox(
                f"{name} agrees to be named", value=name in named_before, key=f"cat_inv_{person_id}"
            )
        ]
        upload = st.file_uploader(
            "Image (PNG or JPEG)", type=["png", "jpg", "jpeg"], key="cat_image"
        )
        remove = bool(entry and entry.image_sha256) and st.checkbox(
            "Remove the image", key="cat_remove_image"
        )
        preview_col, publish_col = st.columns(2)
        preview = preview_col.form_submit_button("Preview")
        publish = publish_col.form_submit_button(
            "Publish" if entry is None else "Republish", type="primary"
        )
    form = PublishForm(
        summary=summary,
        keywords=keywords,
        named_inventor_ids=named,
        image=upload.getvalue() if upload else None,
        image_type=upload.type if upload else "",
        remove_image=remove,
    )
    if preview:
        with ui.reading() as session:
            try:
                shown = publishing.snapshot(
                    session, actor=ui.actor(), disclosure_id=case_id, form=form
                )
            except DomainError as error:  # say what to fix
                st.error(str(error))
            else:
                st.caption("Exactly what the public will see:")
                _preview(shown)
    if publish:
        ui.attempt(
            publishing.publish,
            disclosure_id=case_id,
            form=form,
            success="Published in the public catalogue.",
        )
    if entry is not None:
        with st.form("catalogue_unpublish"):
            sure = st.checkbox(
                "Take the page down now (its address stops working at once)",
                key="cat_unpublish_sure",
            )
            if st.form_submit_button("Unpublish"):
                if not sure:
                    st.error("Tick the box to confirm that the page is taken down.")
                else:
                    ui.attempt(
                        publishing.unpublish,
                        disclosure_id=case_id,
                        success="Taken down from the public catalogue.",
                    )
