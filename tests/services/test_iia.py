"""Inter-institutional agreements on a real database, SQLite and PostgreSQL (#19, item 1):
recorded, changed and removed (audited, nothing half-saved), who may, the patent costs each
owner bears, the IIA as a Word file, and their effect on revenue sharing, for one income and in
the annual run: as the lead we pay the co-owner its share of the net consideration before our
policy shares only our part; when the co-owner leads, what it pays us is shared as received."""

from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import func, select

from tests.services.test_revenue import distribute, receive, signed_license, technology
from tests.services.test_revenue_annual_run import posted_both_ways
from tlo import case_summary, office_settings
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.iia import services as iia
from tlo.iia.models import Iia, IiaParty
from tlo.iia.services import CoOwnerForm, IiaForm
from tlo.revenue import services as revenue
from tlo.revenue import statements

NORTHBRIDGE = "Northbridge University"


def sixty_forty(*, lead: int = 0, fee: str = "15", **owner) -> IiaForm:
    """We own 60 %, Northbridge 40 % (and bears 40 % of the costs unless told otherwise)."""
    values = {"name": NORTHBRIDGE, "ownership_percent": "40"} | owner
    return IiaForm(
        co_owners=[CoOwnerForm(**values), CoOwnerForm()],  # a blank row, as the page sends
        lead=lead,
        prosecution=lead,
        lead_fee_percent=fee,
        reference="IIA-2026-07",
    )


def record(engine, actor, case_id, form) -> None:
    with unit_of_work(engine) as session:
        iia.save_iia(session, actor=actor, disclosure_id=case_id, form=form)


def posted_lines(engine, distribution_id) -> list[tuple[str, str, Decimal]]:
    with unit_of_work(engine) as session:
        return [
            (line.recipient, line.recipient_class, Decimal(line.amount_cents) / 100)
            for line in revenue.lines_of(session, distribution_id)
        ]


def by_class(lines) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for _, klass, amount in lines:
        totals[klass] = totals.get(klass, Decimal(0)) + amount
    return totals


def test_as_the_lead_we_pay_the_co_owner_before_our_policy_shares_only_our_part(engine, office):
    case_id = technology(engine, office, costs="20000")
    record(engine, office.officer, case_id, sixty_forty())
    agreement_id = signed_license(engine, office, [case_id])
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "100000"))
    lines = posted_lines(engine, distribution_id)
    # By hand: 100,000 less the lead's 15 % fee (15,000) and the patent costs (20,000) is the
    # net consideration, 65,000; Northbridge's 40 % of it is 26,000; our part is 39,000.
    assert lines[:3] == [
        ("lead fee", "pool", Decimal("15000.00")),
        ("patent costs", "costs", Decimal("20000.00")),
        (NORTHBRIDGE, "co_owner", Decimal("26000.00")),
    ]
    ours = lines[3:]
    assert sum(amount for *_, amount in ours) == Decimal("39000.00")
    assert sum(amount for *_, amount in lines) == Decimal("100000.00")
    assert NORTHBRIDGE not in {to for to, klass, _ in ours}
    assert "co_owner" not in {klass for _, klass, _ in ours}
    # Our part is shared exactly as an income of 39,000 of a technology ours alone (and with
    # no costs left: the IIA recovered them) would be.
    alone = technology(engine, office, costs="0", title="Ours alone")
    alone_agreement = signed_license(engine, office, [alone], company="Ohm Works")
    [alone_id] = distribute(engine, office, receive(engine, office, alone_agreement, "39000"))
    assert by_class(ours) == by_class(posted_lines(engine, alone_id))
    inventors = [amount for _, klass, amount in ours if klass == "inventor"]
    assert len(inventors) == 2 and abs(inventors[0] * 2 - inventors[1] * 3) <= Decimal("0.03")
    with unit_of_work(engine) as session:
        view = iia.get_iia(session, actor=office.finance, disclosure_id=case_id)
        units = statements.unit_totals(session, actor=office.finance)
        workbook = load_workbook(
            BytesIO(statements.units_statement_xlsx(session, actor=office.finance))
        )
    assert view.costs_invoiced == Decimal("20000") and view.costs_outstanding == 0
    # What we owe Northbridge is its own statement, apart from our departments and schools.
    assert [(t.recipient, t.amount) for t in units["co_owner"]] == [
        (NORTHBRIDGE, Decimal("26000.00"))
    ]
    assert NORTHBRIDGE not in {t.recipient for t in units["institution"]}
    rows = list(workbook["Co-owners totals"].iter_rows(values_only=True))
    assert any(NORTHBRIDGE in row and 26000 in row for row in rows), rows


def test_when_the_co_owner_leads_what_it_pays_us_is_shared_as_received(engine, office):
    case_id = technology(engine, office, costs="0")
    record(engine, office.officer, case_id, sixty_forty(lead=1))
    agreement_id = signed_license(engine, office, [case_id])
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "26000"))
    lines = posted_lines(engine, distribution_id)
    assert {klass for _, klass, _ in lines}.isdisjoint({"co_owner"})
    assert "lead fee" not in {to for to, *_ in lines}  # the lead took it before paying us
    alone = technology(engine, office, costs="0", title="Ours alone")
    alone_agreement = signed_license(engine, office, [alone], company="Ohm Works")
    [alone_id] = distribute(engine, office, receive(engine, office, alone_agreement, "26000"))
    assert by_class(lines) == by_class(posted_lines(engine, alone_id))
    with unit_of_work(engine) as session:
        view = iia.get_iia(session, actor=office.officer, disclosure_id=case_id)
    assert (view.we_lead, view.lead_name, view.prosecution_name) == (
        False,
        NORTHBRIDGE,
        NORTHBRIDGE,
    )


def test_the_annual_run_pays_the_co_owner_as_one_income_at_a_time_does(engine, office):
    case_id = technology(engine, office, costs="5000")
    record(engine, office.officer, case_id, sixty_forty(fee="10"))
    agreement_id = signed_license(engine, office, [case_id])
    first = receive(engine, office, agreement_id, "9000.01")
    receive(engine, office, agreement_id, "12345.67")
    posted = posted_both_ways(engine, office, first)
    co_owner = [line for *_, lines in posted for line in lines if line[2] == "co_owner"]
    assert len(co_owner) == 2  # each income paid Northbridge its share


def test_the_iia_shows_each_owners_share_of_the_patent_costs(engine, office):
    case_id = technology(engine, office, costs="20000.01")
    record(engine, office.officer, case_id, sixty_forty(cost_share_percent="33.33"))
    with unit_of_work(engine) as session:
        view = iia.get_iia(session, actor=office.director, disclosure_id=case_id)
        ours = office_settings.parties(session).university_name
    assert [(p.name, p.ownership_percent, p.cost_share_percent) for p in view.parties] == [
        (ours, Decimal("60.00"), Decimal("66.67")),
        (NORTHBRIDGE, Decimal("40.00"), Decimal("33.33")),
    ]
    assert [p.costs_invoiced for p in view.parties] == [Decimal("13334.01"), Decimal("6666.00")]
    assert sum(p.costs_outstanding for p in view.parties) == Decimal("20000.01")
    assert [p.lead for p in view.parties] == [True, False]
    assert view.form().co_owners[0].cost_share_percent == "33.33"


def test_changing_and_removing_an_iia_are_audited_and_apply_from_then_on(engine, office):
    case_id = technology(engine, office, costs="0")
    record(engine, office.officer, case_id, sixty_forty())
    agreement_id = signed_license(engine, office, [case_id])
    [before] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    record(engine, office.director, case_id, sixty_forty(ownership_percent="25", fee="0"))
    [after] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    assert (NORTHBRIDGE, "co_owner", Decimal("340.00")) in posted_lines(
        engine, before
    )  # 40 % of 850
    assert (NORTHBRIDGE, "co_owner", Decimal("250.00")) in posted_lines(engine, after)
    with (
        unit_of_work(engine) as session,
        pytest.raises(ValidationError, match="Give the reason"),
    ):
        iia.remove_iia(session, actor=office.officer, disclosure_id=case_id, reason=" ")
    with unit_of_work(engine) as session:
        iia.remove_iia(session, actor=office.officer, disclosure_id=case_id, reason="Entered twice")
    [alone] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    assert "co_owner" not in by_class(posted_lines(engine, alone))
    with unit_of_work(engine) as session:
        assert iia.get_iia(session, actor=office.officer, disclosure_id=case_id) is None
        assert session.exec(select(func.count()).select_from(IiaParty)).one() == 0
        entries = session.exec(
            select(AuditEntry.action, AuditEntry.after)
            .where(AuditEntry.action.startswith("iia."))
            .order_by(AuditEntry.id)
        ).all()
        with pytest.raises(NotFound):
            iia.remove_iia(session, actor=office.officer, disclosure_id=case_id, reason="Again")
    assert [action for action, _ in entries] == ["iia.recorded", "iia.changed", "iia.removed"]
    assert entries[1][1]["co_owners"] == f"{NORTHBRIDGE} 25.00 % (costs 25.00 %)"
    assert entries[2][1] == {"reason": "Entered twice"}


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (IiaForm(), "Name at least one co-owner"),
        (sixty_forty(ownership_percent="100"), "below 100 %"),
        (sixty_forty(ownership_percent="0"), "above 0 %"),
        (sixty_forty(ownership_percent="forty"), "not a percentage"),
        (sixty_forty(ownership_percent=""), "Give Northbridge University's ownership"),
        (sixty_forty(ownership_percent="40.125"), "two decimals"),
        (sixty_forty(cost_share_percent="101"), "between 0 % and 100 %"),
        (sixty_forty(name=""), "Give the name of co-owner 1"),
        (sixty_forty(name="North\x00bridge"), "control character"),
        (sixty_forty(name="N" * 201), "at most 200"),
        (sixty_forty(contact_email="not an address"), "e-mail"),
        (sixty_forty(fee="-1"), "between 0 % and 100 %"),
        (sixty_forty(lead=2), "lead institution must be between 0 and 1"),
        (sixty_forty(lead="1"), "whole number"),
        ("not a form", "not one tlo made"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(engine, office, form, error):
    case_id = technology(engine, office, costs="0")
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=error):
        iia.save_iia(session, actor=office.officer, disclosure_id=case_id, form=form)
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(Iia)).one() == 0


def test_co_owners_must_be_distinct_and_leave_us_a_part(engine, office):
    case_id = technology(engine, office, costs="0")
    with unit_of_work(engine) as session:
        ours = office_settings.parties(session).university_name
    twice = IiaForm(
        co_owners=[CoOwnerForm(NORTHBRIDGE, "20"), CoOwnerForm(" northbridge university", "20")]
    )
    ourselves = IiaForm(co_owners=[CoOwnerForm(ours, "20")])
    everything = IiaForm(co_owners=[CoOwnerForm(NORTHBRIDGE, "60"), CoOwnerForm("Eastlake", "40")])
    costs = IiaForm(
        co_owners=[CoOwnerForm(NORTHBRIDGE, "30", "60"), CoOwnerForm("Eastlake", "30", "50")]
    )
    for form, error in [
        (twice, "listed twice"),
        (ourselves, "listed twice"),
        (everything, "must leave us a part"),
        (costs, "shares of the patent costs add up to more than 100 %"),
    ]:
        with unit_of_work(engine) as session, pytest.raises(ValidationError, match=error):
            iia.save_iia(session, actor=office.officer, disclosure_id=case_id, form=form)


def test_the_cases_officer_and_the_director_record_an_iia_finance_reads_it(engine, office):
    case_id = technology(engine, office, costs="0")
    for actor in (office.inventor, office.other_officer, office.finance):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            iia.save_iia(session, actor=actor, disclosure_id=case_id, form=sixty_forty())
    record(engine, office.officer, case_id, sixty_forty())
    with unit_of_work(engine) as session:
        with pytest.raises(PermissionDenied):
            iia.get_iia(session, actor=office.inventor, disclosure_id=case_id)
        with pytest.raises(PermissionDenied):
            iia.remove_iia(session, actor=office.finance, disclosure_id=case_id, reason="No")
        with pytest.raises(PermissionDenied):
            iia.iia_docx(session, actor=office.inventor, disclosure_id=case_id)
        assert iia.get_iia(session, actor=office.finance, disclosure_id=case_id).we_lead
        with pytest.raises(NotFound):
            iia.get_iia(session, actor=office.finance, disclosure_id=10**6)


def test_the_iia_as_a_word_file_names_the_owners_shares_lead_fee_and_patents(engine, office):
    case_id = technology(engine, office, costs="12480")
    record(engine, office.officer, case_id, sixty_forty(contact_email="otl@northbridge.example"))
    with unit_of_work(engine) as session:
        content = iia.iia_docx(session, actor=office.officer, disclosure_id=case_id)
        ours = office_settings.parties(session).university_name
    document = Document(BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    owners = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    patents = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert owners == [
        ["Party", "Ownership (%)", "Share of Patent Costs (%)", "Contact"],
        [ours, "60", "60", ""],
        [NORTHBRIDGE, "40", "40", "otl@northbridge.example"],
    ]
    assert patents[1][:2] == ["US", "63/1"]
    assert "administrative fee of 15 % of that income" in text
    assert "Patent Costs to the date this draft was prepared are $12,480.00" in text
    assert f"For {NORTHBRIDGE}:" in text and "{{" not in text
    other = technology(engine, office, costs="0", title="No IIA")
    with (
        unit_of_work(engine) as session,
        pytest.raises(NotFound, match="no inter-institutional agreement"),
    ):
        iia.iia_docx(session, actor=office.officer, disclosure_id=other)


def test_the_case_summary_names_the_owners_and_their_shares(engine, office):
    case_id = technology(engine, office, costs="1000")
    record(engine, office.officer, case_id, sixty_forty())
    with unit_of_work(engine) as session:
        content = case_summary.case_summary_docx(
            session, actor=office.director, disclosure_id=case_id
        )
        ours = office_settings.parties(session).university_name
    document = Document(BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Ownership" in text
    assert f"Inter-institutional agreement IIA-2026-07: {ours} leads (fee 15 %)" in text
    owners = next(
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in document.tables
        if table.rows[0].cells[0].text == "Owner"
    )
    assert owners[1:] == [
        [ours, "60 %", "60 %", "$600.00"],
        [NORTHBRIDGE, "40 %", "40 %", "$400.00"],
    ]


def test_a_draft_computed_before_the_iia_is_recorded_is_not_posted(engine, office):
    case_id = technology(engine, office, costs="20000")
    agreement_id = signed_license(engine, office, [case_id])
    income_id = receive(engine, office, agreement_id, "100000")
    distribute(engine, office, income_id, post=False)  # the draft: ours alone
    record(engine, office.officer, case_id, sixty_forty())
    with (
        unit_of_work(engine) as session,
        pytest.raises(ValidationError, match="no longer shares this income"),
    ):
        revenue.post_income(session, actor=office.director, income_id=income_id)
    [distribution_id] = distribute(engine, office, income_id)  # computed again, then posted
    assert (NORTHBRIDGE, "co_owner", Decimal("26000.00")) in posted_lines(engine, distribution_id)
