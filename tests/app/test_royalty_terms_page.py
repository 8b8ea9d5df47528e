"""The agreement page shows the royalty terms (tiers, minimums, interest, report days and
currencies) and lets staff type them (issue 17, "Terms that can express real licenses")."""

from decimal import Decimal

from sqlmodel import func, select

from tests.app.conftest import messages
from tests.app.test_agreements_page import option_object, search_pickers, view_of
from tlo import db
from tlo.licensing.agreement_models import Agreement, RoyaltyRate, RoyaltyTier
from tlo.licensing.terms import Tier

TIERS = "Diagnostic kits; 4 % up to 5,000,000; 3 % up to 20,000,000; 2 %"


def new_agreement(app, **typed):
    """The officer's new agreement with the royalty terms `typed` (widget suffix -> text)."""
    app.switch_page("pages/agreements.py").run()
    techs = search_pickers(app)
    app.text_input(key="agr_new_title").input("Exclusive license: diagnostic kits")
    techs.select(option_object(techs.options[0]))
    for suffix, value in typed.items():
        widget = app.text_area if suffix in ("rates", "minimums") else app.text_input
        if suffix == "report_days":
            widget = app.number_input
        widget(key=f"agr_new_{suffix}").set_value(value)
    app.button(key="FormSubmitter:agr_new-Save agreement").click().run()
    return app


def page_text(app) -> str:
    """The page's markdown as it reads (the data in it is escaped: "$5,000.00")."""
    return "\n".join(m.value for m in app.markdown).replace("\\", "")


def table_with(app, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_an_officer_types_tiers_minimums_interest_report_days_and_currencies(
    open_app, database_url
):
    app = new_agreement(
        open_app("officer"),
        rates=TIERS,
        minimums="2027; 50,000\n2028; 75000",
        interest="12",
        report_days=60,
        currencies="usd, eur",
    )
    assert not app.exception
    assert messages(app.success) == ["Agreement saved as a draft."]
    number = app.selectbox(key="agr_pick~1").value[0].number
    view = view_of(database_url, number)
    assert [r.tiers for r in view.royalty_rates] == [
        (
            Tier(Decimal("5000000.00"), Decimal(4)),
            Tier(Decimal("20000000.00"), Decimal(3)),
            Tier(None, Decimal(2)),
        )
    ]
    assert [(m.year, m.amount) for m in view.minimum_royalties] == [
        (2027, Decimal("50000.00")),
        (2028, Decimal("75000.00")),
    ]
    a = view.agreement
    assert (a.late_interest_bp, a.report_due_days, a.report_currencies) == (1200, 60, "USD,EUR")
    text = page_text(app)
    assert "Minimum annual royalty: $50,000.00 for calendar year 2027" in text
    assert "Late-payment interest: 12 % a year (simple)" in text
    assert "due 60 days after each period ends, in USD or EUR" in text
    tiers = table_with(app, "Tier")
    assert list(tiers["Percent"]) == ["4 %", "3 %", "2 %"]
    assert list(table_with(app, "Calendar year")["Calendar year"]) == [2027, 2028]
    # the edit form offers the terms as they were typed, to change
    edit = f"agr_edit_{a.id}"
    assert app.text_area(key=f"{edit}_rates").value == (
        "Diagnostic kits; 4 % up to 5,000,000.00; 3 % up to 20,000,000.00; 2 %"
    )
    app.number_input(key=f"{edit}_report_days").set_value(30)
    app.text_area(key=f"{edit}_minimums").set_value("2027; 40000")
    app.button(key=f"FormSubmitter:{edit}-Save agreement").click().run()
    assert not app.exception
    assert f"{number} saved." in messages(app.success)
    view = view_of(database_url, number)
    assert view.agreement.report_due_days == 30
    assert [(m.year, m.amount) for m in view.minimum_royalties] == [(2027, Decimal("40000.00"))]
    assert len(view.royalty_rates[0].tiers) == 3  # the tiers kept as they were


def test_a_tier_that_cannot_be_is_explained_and_nothing_is_saved(open_app, database_url):
    app = new_agreement(open_app("officer"), rates="Diagnostic kits; 4 % up to 5M; 2 %")
    assert not app.exception
    assert messages(app.success) == []
    [error] = messages(app.error)
    assert "tier 1 of the royalty on Diagnostic kits" in error and "'5M'" in error
    app = new_agreement(open_app("officer"), rates="Diagnostic kits; 2 % up to 9,000,000")
    [error] = messages(app.error)
    assert "last tier" in error


def test_finance_reads_the_demo_licenses_tiered_royalties_and_minimums(open_app, database_url):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        tiered = session.exec(
            select(Agreement.id)
            .join(RoyaltyRate, RoyaltyRate.agreement_id == Agreement.id)
            .join(RoyaltyTier, RoyaltyTier.royalty_rate_id == RoyaltyRate.id)
            .group_by(Agreement.id)
            .having(func.count(RoyaltyTier.id) == 3)
        ).one()
    number = f"AGR-{tiered:05d}"
    app = open_app("finance")
    app.switch_page("pages/agreements.py").run()
    pick = app.selectbox(key="agr_pick")
    index = next(i for i, option in enumerate(pick.options) if option.startswith(number))
    pick.select_index(index).run()
    assert not app.exception
    text = page_text(app)
    assert (
        "Running royalties: 4 % of Net Sales up to $5,000,000.00, 3 % of Net Sales above "
        "$5,000,000.00 up to $20,000,000.00 and 2 % of Net Sales above $20,000,000.00"
    ) in text
    assert "Minimum annual royalty: $50,000.00 for calendar year" in text
    assert "Late-payment interest: 12 % a year (simple)" in text
    assert "in USD or EUR" in text
    tiers = table_with(app, "Tier")
    assert list(tiers["Tier"]) == [1, 2, 3]
    assert list(tiers["Up to"])[:2] == ["$5,000,000.00", "$20,000,000.00"]
    assert not [k for k in app.text_area if k.key and k.key.endswith("_rates")]  # read only
