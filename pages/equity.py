"""Equity: the shares the university holds in the companies it licenses to, at cost and at
last known value; a holding's events; recording a holding and an event. A sale is confirmed
after its preview says what it brings and which license's technologies share it."""

import streamlit as st

from tlo import ui
from tlo.equity import services as equity
from tlo.equity.ledger import MICRO, EventKind
from tlo.equity.models import HeldFor
from tlo.equity.services import EventForm, HoldingForm
from tlo.money import dollars

actor = ui.actor()
st.title("Equity")
st.caption(
    "Shares taken under start-up licenses. Each holding is worked out from its events in date "
    "order: its cost basis, its value at the last price known (the last round, listing or "
    "sale), and what sales have brought. A sale of the university's shares is recorded as "
    "equity income of the license they came from and shared under the policy."
)
ui.show_flashes()

SALE = "eq_sale_pending"  # the sale previewed, waiting to be confirmed


def price_text(price) -> str:
    """A price per share as the ledger keeps it (to six decimals, a split's shown so too)."""
    return "" if price is None else f"${price.quantize(MICRO).normalize():,f}"


with ui.reading() as session:
    overview = equity.holdings(session, actor=actor)

cost, value, proceeds = st.columns(3)
cost.metric("At cost", dollars(overview.cost_basis))
value.metric("At last known value", dollars(overview.value))
proceeds.metric("Realized by sales", dollars(overview.proceeds))
ui.table(
    [
        {
            "Company": view.company,
            "Class": view.holding.share_class,
            "Certificate": view.holding.certificate,
            "Held for": HeldFor(view.holding.held_for).label,
            "Agreement": view.agreement_number or "",
            "Shares": view.totals.shares,
            "Cost basis": view.totals.cost_basis,
            "Last price": price_text(view.totals.last_price),
            "Priced on": view.totals.last_priced_on,
            "Value": view.totals.value,
            "Realized": view.totals.proceeds,
        }
        for view in overview.holdings
    ],
    name="equity-holdings",
)

if ui.can("equity.record"):
    with ui.reading() as session:
        choices = equity.holding_choices(session, actor=actor)
    options = [
        (choice, agreement) for choice in choices for agreement in [*choice.agreements, None]
    ]
    with (
        st.expander("Record a holding", icon=":material/add_card:"),
        st.form(new := ui.widget_key("eq_new")),
    ):
        source = st.selectbox(
            "Company and the license the shares came from",
            options,
            format_func=lambda pair: (
                f"{pair[0].name} · {pair[1][1]}" if pair[1] else f"{pair[0].name} · no license"
            ),
            index=None,
            placeholder="Choose a company",
            key=f"{new}_source",
        )
        left, right = st.columns(2)
        share_class = left.text_input("Class of shares", placeholder="Common", key=f"{new}_class")
        certificate = right.text_input("Certificate", key=f"{new}_certificate")
        left, middle, right = st.columns(3)
        issued_on = left.date_input("Issued on", value=None, key=f"{new}_on")
        shares = middle.number_input("Shares", min_value=0, step=1, key=f"{new}_shares")
        price = right.text_input(
            "Price per share at issue ($)", placeholder="0.0001", key=f"{new}_price"
        )
        held_for = st.radio(
            "Held for",
            list(HeldFor),
            format_func=lambda h: h.label,
            horizontal=True,
            key=f"{new}_held_for",
        )
        note = st.text_input("Note", key=f"{new}_note")
        if st.form_submit_button("Record the holding", type="primary"):
            ui.attempt(
                equity.record_holding,
                form=HoldingForm(
                    company_id=source[0].company_id if source else None,
                    agreement_id=source[1][0] if source and source[1] else None,
                    share_class=share_class,
                    certificate=certificate,
                    issued_on=issued_on,
                    shares=int(shares),
                    price=price,
                    held_for=held_for,
                    note=note,
                ),
                success="Holding recorded with the issue of its shares.",
                clear="eq_new",
            )

if overview.holdings:
    st.subheader("Events of a holding")
    # Chosen by id, so that the view shown is this run's, not one kept from before a change.
    by_id = {view.holding.id: view for view in overview.holdings}
    chosen = by_id[
        st.selectbox("Holding", list(by_id), format_func=lambda i: by_id[i].label, key="eq_holding")
    ]
    with ui.reading() as session:
        events = equity.events_of(session, actor=actor, holding_id=chosen.holding.id)
    ui.table(
        [
            {
                "Date": view.event.occurred_on,
                "Event": view.kind.label,
                "Shares": view.event.shares or None,
                "Price per share": price_text(view.price),
                "Ratio (new:old)": view.ratio,
                "Cash": view.proceeds,
                "Income": view.event.income_id,
                "Note": view.event.note,
                "Recorded by": view.event.created_by_name,
                "Voided": (
                    f"{view.event.void_reason} ({view.event.voided_by_name})"
                    if view.event.voided
                    else ""
                ),
            }
            for view in events
        ],
        name=f"equity-holding-{chosen.holding.id}",
    )

    if ui.can("equity.record"):
        kinds = [k for k in EventKind if k is not EventKind.SALE or ui.can("equity.sell")]
        with st.form(fresh := ui.widget_key("eq_event")):
            st.markdown(f"**Record an event of {chosen.label}**")
            left, right = st.columns(2)
            kind = left.selectbox(
                "Event", kinds, format_func=lambda k: k.label, key=f"{fresh}_kind"
            )
            occurred_on = right.date_input("On", value=None, key=f"{fresh}_on")
            left, middle, right = st.columns(3)
            shares = left.number_input(
                "Shares (an issue or a sale)", min_value=0, step=1, key=f"{fresh}_shares"
            )
            price = middle.text_input("Price per share ($)", key=f"{fresh}_price")
            ratio = right.text_input(
                "Ratio, new:old (a split, conversion or acquisition)",
                placeholder="2:1",
                key=f"{fresh}_ratio",
            )
            note = st.text_input(
                "Note", placeholder="Series A, lead investor ...", key=f"{fresh}_note"
            )
            form = EventForm(
                holding_id=chosen.holding.id,
                kind=kind,
                occurred_on=occurred_on,
                shares=int(shares) or None,
                price=price,
                ratio=ratio,
                note=note,
            )
            if st.form_submit_button("Record the event", type="primary"):
                st.session_state.pop(SALE, None)
                if kind is EventKind.SALE:
                    preview = ui.attempt(equity.preview_sale, form=form)
                    if preview is not None:
                        st.session_state[SALE] = (form, preview)
                else:
                    ui.attempt(
                        equity.record_event,
                        form=form,
                        success=f"{kind.label} recorded.",
                        clear="eq_event",
                    )

        pending = st.session_state.get(SALE)
        if pending is not None and pending[0].holding_id == chosen.holding.id:
            form, preview = pending
            said = (
                f"Selling {form.shares:,} shares at ${form.price} a share brings "
                f"**{dollars(preview.proceeds)}**; {preview.shares_left:,} shares are left."
            )
            if preview.becomes_income:
                said += (
                    f" It is recorded as equity income of {preview.agreement_number} and shared "
                    f"under the policy for {', '.join(preview.technologies) or 'its technologies'}."
                )
            else:
                said += f" It becomes no income of the university: {preview.reason}"
            st.warning(said)
            confirm, cancel = st.columns(2)
            if confirm.button("Confirm the sale", type="primary"):
                ui.attempt(
                    equity.record_event,
                    form=form,
                    success="Sale recorded."
                    + (" Its income waits on the Income page." if preview.becomes_income else ""),
                    clear=(SALE, "eq_event"),
                )
            if cancel.button("Cancel the sale"):
                st.session_state.pop(SALE, None)
                st.rerun()

    own = (
        next((c for c in choices if c.company_id == chosen.holding.company_id), None)
        if ui.can("equity.record")
        else None
    )
    if own is not None and chosen.holding.agreement_id is None and own.agreements:
        st.info(
            "This holding names no license: its sales cannot be shared under the policy until "
            "it does."
        )
        with st.form(named := ui.widget_key("eq_license")):
            license_ = st.selectbox(
                "The license the shares came from",
                own.agreements,
                format_func=lambda pair: pair[1],
                key=f"{named}_agreement",
            )
            if st.form_submit_button("Name the license"):
                ui.attempt(
                    equity.name_license,
                    holding_id=chosen.holding.id,
                    agreement_id=license_[0],
                    success=f"The holding's shares came from {license_[1]}.",
                    clear="eq_license",
                )

    standing = [view for view in events if not view.event.voided]
    if ui.can("equity.record") and standing:
        with (
            st.expander("Void an event recorded by mistake", icon=":material/block:"),
            st.form(gone := ui.widget_key("eq_void")),
        ):
            events_by_id = {view.event.id: view for view in standing}
            mistaken = events_by_id[
                st.selectbox(
                    "Event",
                    list(events_by_id),
                    format_func=lambda i: (
                        f"{events_by_id[i].event.occurred_on} · {events_by_id[i].kind.label}"
                        + (
                            f" · {events_by_id[i].event.shares:,} shares"
                            if events_by_id[i].event.shares
                            else ""
                        )
                    ),
                    index=len(standing) - 1,  # the latest: the one a mistake usually is
                    key=f"{gone}_event_{standing[-1].event.id}",  # the latest once one is added
                )
            ]
            reason = st.text_input("Why is it voided?", key=f"{gone}_reason")
            sure = st.checkbox(
                "Void it: this cannot be undone (a sale's income is voided with it)",
                key=f"{gone}_sure",
            )
            if st.form_submit_button("Void the event"):
                if not sure:
                    st.error("Tick the box to confirm that the event is voided.")
                else:
                    ui.attempt(
                        equity.void_event,
                        event_id=mistaken.event.id,
                        reason=reason,
                        success=f"{mistaken.kind.label} voided. It is kept on record and "
                        "counts nowhere; record it again as it was.",
                        clear="eq_void",
                    )
