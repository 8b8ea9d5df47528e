"""The annual run's safeguard (#16 item 5): a preview of what it will post (payments, total,
totals by recipient class and by recipient) that writes no distribution and equals, to the
cent, what the confirmed run then posts; a confirm that refuses when anything moved since the
preview; and four eyes (TLO_FOUR_EYES) for the run and for one payment's draft."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from tests.clock import TODAY
from tests.factories import make_actor
from tests.services.test_revenue import distribute, receive
from tests.services.test_revenue_annual_run import RECEIVED, small_office
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.config import SettingsError, get_settings
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine, Income

STANFORD_CLASSES = [
    "Office",
    "Patent cost recovery",
    "Inventors",
    "Departments",
    "Schools",
    "University",
]


def preview(engine, actor, year) -> revenue.RunPreview:
    with unit_of_work(engine) as session:
        return revenue.preview_annual_run(session, actor=actor, fiscal_year=year)


def run(engine, actor, year, fingerprint) -> revenue.RunSummary:
    with unit_of_work(engine) as session:
        return revenue.annual_run(session, actor=actor, fiscal_year=year, fingerprint=fingerprint)


def distributions(engine) -> tuple[int, int]:
    """(distributions, of which posted)."""
    with unit_of_work(engine) as session:
        every = session.exec(select(func.count()).select_from(Distribution)).one()
        posted = session.exec(
            select(func.count()).select_from(Distribution).where(Distribution.status == "posted")
        ).one()
    return every, posted


def posted_by_the_run(engine, year, since: int) -> dict[tuple[str, str], int]:
    """Cents per (recipient, class) in the lines of the distributions posted after `since`,
    summed in SQL from what the database holds."""
    with Session(engine) as session:
        rows = session.exec(
            select(
                DistributionLine.recipient,
                DistributionLine.recipient_class,
                func.sum(DistributionLine.amount_cents),
            )
            .join(Distribution, Distribution.id == DistributionLine.distribution_id)
            .join(Income, Income.id == Distribution.income_id)
            .where(
                Distribution.id > since,
                Distribution.status == "posted",
                Income.fiscal_year == year,
            )
            .group_by(DistributionLine.recipient, DistributionLine.recipient_class)
        ).all()
    return {(recipient, klass): int(cents) for recipient, klass, cents in rows}


def last_posted_id(engine) -> int:
    with Session(engine) as session:
        return (
            session.exec(
                select(func.max(Distribution.id)).where(Distribution.status == "posted")
            ).one()
            or 0
        )


def test_the_preview_writes_nothing_and_is_what_the_run_then_posts_to_the_cent(engine, office):
    incomes = small_office(engine, office)
    year = incomes["year"]
    before = distributions(engine)
    shown = preview(engine, office.finance, year)
    assert distributions(engine) == before  # not even the draft the office holds is touched
    assert shown.incomes == 8  # every one but the posted payment
    assert [t.label for t in shown.by_class] == STANFORD_CLASSES
    assert sum(t.amount for t in shown.by_class) == shown.total
    assert sum(t.amount for t in shown.by_recipient) == shown.total
    assert shown.confirmation == f"Post FY{year}: 8 payments, ${shown.total:,.2f}"
    since = last_posted_id(engine)
    done = run(engine, office.finance, year, shown.fingerprint)
    posted = posted_by_the_run(engine, year, since)
    assert sum(posted.values()) == shown.total * 100
    assert {(t.recipient, t.recipient_class): t.amount * 100 for t in shown.by_recipient} == posted
    by_class: dict[str, int] = {}
    for (recipient, klass), cents in posted.items():
        label = recipient.capitalize() if klass == "pool" else klass
        by_class[label] = by_class.get(label, 0) + cents
    assert sorted(t.amount * 100 for t in shown.by_class) == sorted(by_class.values())
    assert (done.incomes, done.distributions, done.total) == (
        shown.incomes,
        shown.distributions,
        shown.total,
    )
    assert done.by_class == shown.by_class and done.fingerprint == shown.fingerprint
    assert preview(engine, office.finance, year).incomes == 0  # the year is done


def test_a_payment_recorded_after_the_preview_makes_the_confirm_ask_for_a_new_preview(
    engine, office
):
    incomes = small_office(engine, office)
    year = incomes["year"]
    shown = preview(engine, office.finance, year)
    with Session(engine) as session:
        agreement_id = session.get(Income, incomes["small"]).agreement_id
    receive(engine, office, agreement_id, "99.99", received_on=RECEIVED)
    before = distributions(engine)
    with pytest.raises(ValidationError, match=r"changed since the preview.*preview the run again"):
        run(engine, office.finance, year, shown.fingerprint)
    assert distributions(engine) == before
    again = preview(engine, office.finance, year)
    assert (again.incomes, again.total) == (shown.incomes + 1, shown.total + Decimal("99.99"))
    assert run(engine, office.finance, year, again.fingerprint).total == again.total


def test_a_patent_cost_invoiced_after_the_preview_makes_the_confirm_post_nothing(engine, office):
    incomes = small_office(engine, office)
    year = incomes["year"]
    shown = preview(engine, office.finance, year)
    # Same payments, same total; but the battery's costs grow, and its split with them.
    with Session(engine) as session:
        disclosure_id = session.exec(
            select(Distribution.disclosure_id).where(Distribution.income_id == incomes["posted"])
        ).first()
        application_id = session.exec(
            select(PatentApplication.id).where(PatentApplication.disclosure_id == disclosure_id)
        ).first()
    with unit_of_work(engine) as session:
        patents.add_cost(
            session,
            actor=office.finance,
            application_id=application_id,
            invoice_date=TODAY - timedelta(days=1),
            amount="1234.56",
            description="Office action response",
        )
    before = distributions(engine)
    with pytest.raises(ValidationError, match="no longer what was previewed"):
        run(engine, office.finance, year, shown.fingerprint)
    assert distributions(engine) == before
    with Session(engine) as session:
        assert not session.exec(
            select(AuditEntry).where(AuditEntry.action == "distribution.annual_run")
        ).all()


def test_a_preview_of_another_year_or_a_forged_one_is_refused(engine, office):
    incomes = small_office(engine, office)
    year = incomes["year"]
    shown = preview(engine, office.finance, year)
    before = distributions(engine)
    with pytest.raises(ValidationError, match=f"preview FY{year - 1}"):
        run(engine, office.finance, year - 1, shown.fingerprint)
    for forged in ("", "v1:x", shown.fingerprint[:-1], 12, ["v1"], shown.fingerprint + "0"):
        with pytest.raises(ValidationError, match="preview the run again"):
            run(engine, office.finance, year, forged)
    assert distributions(engine) == before


def test_previews_are_audited_and_need_the_right_to_post(engine, office):
    incomes = small_office(engine, office)
    year = incomes["year"]
    for actor in (office.officer, office.inventor):
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            revenue.preview_annual_run(session, actor=actor, fiscal_year=year)
    shown = preview(engine, office.finance, year)
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "distribution.annual_run_previewed")
        ).one()
    assert (entry.actor_account_id, entry.object_type, entry.object_id) == (
        office.finance.account_id,
        "fiscal_year",
        str(year),
    )
    assert entry.after == {
        "incomes": 8,
        "distributions": shown.distributions,
        "total": str(shown.total),
        "fingerprint": shown.fingerprint,
    }
    run(engine, office.finance, year, shown.fingerprint)
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "distribution.annual_run")
        ).one()
    assert entry.after["fingerprint"] == shown.fingerprint
    assert (entry.after["previewed"], entry.after["four_eyes"]) == (True, False)


# --- four eyes -----------------------------------------------------------------------------


@pytest.fixture
def four_eyes(monkeypatch):
    """four_eyes() turns TLO_FOUR_EYES on (once the office is built: with it on, the small
    office's one finance user could not post its payments)."""
    return lambda: monkeypatch.setenv("TLO_FOUR_EYES", "1")


def test_with_four_eyes_the_run_is_posted_by_someone_other_than_who_previewed_it(
    engine, office, four_eyes
):
    incomes = small_office(engine, office)
    four_eyes()
    year = incomes["year"]
    second = make_actor(engine, Role.FINANCE, name="Gareth Osei")
    mine = preview(engine, office.finance, year)
    assert (mine.four_eyes, mine.previewed_by_others) == (True, ())
    with pytest.raises(ValidationError, match="only you previewed these figures"):
        run(engine, office.finance, year, mine.fingerprint)
    with pytest.raises(ValidationError, match=r"preview FY\d+ first"):
        run(engine, office.finance, year, None)
    theirs = preview(engine, second, year)  # the same figures, seen by a second pair of eyes
    assert theirs.fingerprint == mine.fingerprint
    assert theirs.previewed_by_others == ("Fiona Nakamura",)
    done = run(engine, office.finance, year, mine.fingerprint)
    assert done.total == mine.total
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "distribution.annual_run")
        ).one()
    assert (entry.actor_name, entry.after["four_eyes"], entry.after["previewed_by"]) == (
        "Fiona Nakamura",
        True,
        ["Gareth Osei"],
    )


def test_with_four_eyes_a_preview_of_other_figures_does_not_count(engine, office, four_eyes):
    incomes = small_office(engine, office)
    four_eyes()
    year = incomes["year"]
    theirs = preview(engine, office.director, year)
    with Session(engine) as session:
        agreement_id = session.get(Income, incomes["small"]).agreement_id
    receive(engine, office, agreement_id, "10", received_on=RECEIVED)
    mine = preview(engine, office.finance, year)
    assert mine.fingerprint != theirs.fingerprint and mine.previewed_by_others == ()
    with pytest.raises(ValidationError, match="only you previewed"):
        run(engine, office.finance, year, mine.fingerprint)


def test_with_four_eyes_a_draft_is_posted_by_someone_other_than_who_computed_it(
    engine, office, four_eyes
):
    incomes = small_office(engine, office)
    four_eyes()
    draft_income = incomes["draft"]  # computed by Fiona Nakamura
    with (
        pytest.raises(ValidationError, match="you computed this draft"),
        unit_of_work(engine) as session,
    ):
        revenue.post_income(session, actor=office.finance, income_id=draft_income)
    with unit_of_work(engine) as session:
        posted = revenue.post_income(session, actor=office.director, income_id=draft_income)
    assert {d.computed_by_account_id for d in posted} == {office.finance.account_id}
    assert {d.posted_by_name for d in posted} == {"Diane Whitfield"}
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry)
            .where(
                AuditEntry.action == "distribution.posted",
                AuditEntry.object_id == str(draft_income),
            )
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.after["four_eyes"] is True
    assert entry.after["computed_by"] == ["Fiona Nakamura"]


def test_without_four_eyes_one_account_computes_and_posts(engine, office):
    incomes = small_office(engine, office)
    year = incomes["year"]
    with Session(engine) as session:
        agreement_id = session.get(Income, incomes["small"]).agreement_id
    income_id = receive(engine, office, agreement_id, "10", received_on=RECEIVED)
    distribute(engine, office, income_id)  # computed and posted by Fiona Nakamura
    shown = preview(engine, office.finance, year)
    assert (shown.four_eyes, run(engine, office.finance, year, shown.fingerprint).incomes) == (
        False,
        shown.incomes,
    )


def test_four_eyes_do_not_bind_tlo_itself_seeding_from_the_command_line(engine, office, four_eyes):
    incomes = small_office(engine, office)
    four_eyes()
    with unit_of_work(engine) as session:
        done = revenue.annual_run(
            session, actor=system_actor("demo data"), fiscal_year=incomes["year"]
        )
    assert done.incomes == 8


@pytest.mark.parametrize(
    ("raw", "on"), [("", False), ("0", False), ("off", False), ("1", True), ("TRUE", True)]
)
def test_four_eyes_is_a_setting_off_by_default(monkeypatch, raw, on):
    monkeypatch.setenv("TLO_FOUR_EYES", raw)
    assert get_settings().four_eyes is on


def test_a_four_eyes_setting_that_is_neither_on_nor_off_is_refused(monkeypatch):
    monkeypatch.setenv("TLO_FOUR_EYES", "maybe")
    with pytest.raises(SettingsError, match="TLO_FOUR_EYES must be on or off"):
        get_settings()
