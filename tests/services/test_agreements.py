from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import case_approved_for_filing, submitted_case
from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import agreements, outreach
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.agreements import AgreementForm, MilestoneEntry
from tlo.licensing.models import Outreach, Stage
from tlo.licensing.outreach import CompanyForm
from tlo.licensing.terms import Tier
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm


def filed_technology(engine, office, title="Solid-state battery"):
    case_id = case_approved_for_filing(engine, office, title=title)
    with unit_of_work(engine) as session:
        application = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "provisional", TODAY - timedelta(days=90), "63/1"),
        )
    return case_id, application.id


def licensee(engine, office, name="VoltCell & Sons Inc."):
    with unit_of_work(engine) as session:
        return outreach.save_company(
            session, actor=office.officer, form=CompanyForm(name=name, size="startup")
        ).id


def exclusive_form(company_id, technologies, **extra):
    fields = dict(
        agreement_type="exclusive_license",
        company_id=company_id,
        title="Exclusive license: solid-state battery",
        technologies=technologies,
        field_of_use="Electric vehicles",
        effective_date=TODAY,
        term_months=60,
        upfront_fee="50,000.00",
        annual_fees=["10000", "15000"],
        royalty_rates=[("Net sales of licensed products", "3")],
        milestones=[
            MilestoneEntry("First commercial sale", "250000", TODAY + timedelta(days=700)),
            MilestoneEntry("Raise a Series A", "0", TODAY + timedelta(days=365)),
        ],
        sublicense_share="25",
        past_patent_costs="12345.67",
    )
    return AgreementForm(**(fields | extra))


def save(engine, actor, form, agreement_id=None):
    with unit_of_work(engine) as session:
        return agreements.save_agreement(
            session, actor=actor, form=form, agreement_id=agreement_id
        ).id


def test_an_officer_drafts_an_exclusive_license_with_exact_terms(engine, office):
    case_id, application_id = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(
        engine, office.officer, exclusive_form(company_id, [case_id], patent_ids=[application_id])
    )
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.finance, agreement_id=agreement_id)
    assert view.agreement.upfront_fee_cents == 5_000_000
    assert view.agreement.past_patent_costs_cents == 1_234_567
    assert view.agreement.sublicense_share_bp == 2500
    assert [(r.applies_to, r.tiers) for r in view.royalty_rates] == [
        ("Net sales of licensed products", (Tier(None, Decimal(3)),))
    ]
    assert [f.amount_cents for f in view.annual_fees] == [1_000_000, 1_500_000]
    assert [(d.id, share) for d, share in view.technologies] == [(case_id, Decimal("100"))]
    assert [p.id for p in view.patents] == [application_id]
    assert view.company.name == "VoltCell & Sons Inc."
    assert view.agreement.number == f"AGR-{agreement_id:05d}"


LARGEST = "999,999,999,999.99"  # tlo.money.MAX_AMOUNT less a cent: 64-bit cents hold it


def test_the_largest_amounts_tlo_accepts_are_saved_exactly_on_both_databases(engine, office):
    """On PostgreSQL an INTEGER column held at most $21,474,836.47 (migration 0013)."""
    case_id, application_id = filed_technology(engine, office)
    form = exclusive_form(
        licensee(engine, office),
        [case_id],
        upfront_fee=LARGEST,
        annual_fees=[LARGEST],
        milestones=[MilestoneEntry("Approval", LARGEST, TODAY + timedelta(days=30))],
        past_patent_costs=LARGEST,
        equity_shares=10**15 - 1,
    )
    agreement_id = save(engine, office.officer, form)
    with unit_of_work(engine) as session:
        patents.add_cost(
            session,
            actor=office.finance,
            application_id=application_id,
            invoice_date=TODAY,
            amount=LARGEST,
            description="A very large invoice",
        )
    cents = 99_999_999_999_999
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.finance, agreement_id=agreement_id)
        totals = patents.cost_totals(session, actor=office.finance, disclosure_id=case_id)
    assert view.agreement.upfront_fee_cents == cents
    assert view.agreement.past_patent_costs_cents == cents
    assert [f.amount_cents for f in view.annual_fees] == [cents]
    assert [m.amount_cents for m in view.milestones] == [cents]
    assert view.agreement.equity_shares == 10**15 - 1
    with pytest.raises(ValidationError, match="at most 999,999,999,999,999 shares"):
        save(
            engine,
            office.officer,
            exclusive_form(licensee(engine, office, "Big Co"), [case_id], equity_shares=10**15),
        )
    assert totals.total == Decimal("999999999999.99")


def test_income_allocation_is_equal_unless_stated_and_must_make_100_percent(engine, office):
    first, _ = filed_technology(engine, office, "Anode")
    second, _ = filed_technology(engine, office, "Cathode")
    third, _ = filed_technology(engine, office, "Separator")
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [first, second, third]))
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.officer, agreement_id=agreement_id)
    assert [share for _, share in sorted(view.technologies, key=lambda t: t[0].id)] == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    with pytest.raises(ValidationError, match="adds up to 90 %"):
        save(
            engine,
            office.officer,
            exclusive_form(company_id, [first, second], allocations=["60", "30"]),
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"upfront_fee": "10.001"}, "two decimals"),
        ({"royalty_rates": [("All", "120")]}, "between 0 % and 100 %"),
        ({"milestones": [MilestoneEntry("", "1", date(2027, 1, 1))]}, "event and due date"),
        ({"technologies": []}, "at least one technology"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_terms_are_refused_with_a_reason(engine, office, change, message):
    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    form = exclusive_form(company_id, [case_id])
    for name, value in change.items():
        setattr(form, name, value)
    with pytest.raises(ValidationError, match=message):
        save(engine, office.officer, form)


def test_executing_licenses_the_technology_and_the_outreach(engine, office):
    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    with unit_of_work(engine) as session:
        lead = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=company_id
        )
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="signed"):
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
        )
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, case_id).status == DisclosureStatus.LICENSED
        assert session.get(Outreach, lead.id).stage == Stage.LICENSED
        with pytest.raises(ValidationError, match="terms are final"):
            agreements.save_agreement(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                form=exclusive_form(company_id, [case_id]),
            )
        with pytest.raises(ValidationError, match="can move to"):
            agreements.change_agreement_status(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                status=AgreementStatus.DRAFT,
            )


def test_an_executed_agreement_creates_its_obligations_which_can_be_marked(engine, office):
    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with unit_of_work(engine) as session:
        assert (
            agreements.obligations(session, actor=office.officer, agreement_id=agreement_id) == []
        )  # still a draft
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
    with unit_of_work(engine) as session:
        entries = agreements.obligations(session, actor=office.officer, agreement_id=agreement_id)
        kinds = {e.obligation.key.split(":")[0] for e in entries}
        assert {
            "upfront_fee",
            "past_patent_costs",
            "annual_fee",
            "royalty_report",
            "milestone",
        } <= kinds
        upfront = next(e for e in entries if e.obligation.key == "upfront_fee")
        assert upfront.obligation.amount == Decimal("50000.00")
        agreements.mark_obligation(
            session, actor=office.officer, agreement_id=agreement_id, key=upfront.key, state="done"
        )
    with unit_of_work(engine) as session:
        states = {
            e.obligation.key: e.state
            for e in agreements.obligations(
                session, actor=office.officer, agreement_id=agreement_id
            )
        }
    assert states["upfront_fee"] == "done" and states["annual_fee:1"] == "open"


def test_only_the_agreements_officer_or_the_director_changes_it(engine, office):
    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with pytest.raises(PermissionDenied):
        save(engine, office.other_officer, exclusive_form(company_id, [case_id]), agreement_id)
    with pytest.raises(PermissionDenied):
        save(engine, office.finance, exclusive_form(company_id, [case_id]))
    save(
        engine,
        office.director,
        exclusive_form(company_id, [case_id], title="Revised"),
        agreement_id,
    )
    with unit_of_work(engine) as session:
        page = agreements.list_agreements(session, actor=office.finance)
    assert [(a.title, company) for a, company in page.items] == [
        ("Revised", "VoltCell & Sons Inc.")
    ]


def test_a_technology_not_yet_filed_or_marketed_cannot_be_licensed(engine, office):
    case_id = submitted_case(engine, office.inventor)
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with (
        pytest.raises(ValidationError, match="licensed once it is filed"),
        unit_of_work(engine) as session,
    ):
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
    with unit_of_work(engine) as session:
        assert session.exec(select(Disclosure.status)).all() == ["submitted"]


def test_license_obligations_sit_on_the_docket_and_are_marked_there(engine, office):
    from tlo.patents.services import DocketFilters

    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
    # The fees fall due 30 days after signing; the first royalty report at least 45 days
    # after it (on the last day of a quarter, 45 days exactly): look 40 days ahead.
    with unit_of_work(engine) as session:
        view = patents.docket(
            session, actor=office.officer, filters=DocketFilters(kind="license", within_days=40)
        )
        by_label = {e.item.label: e.item for e in view.entries}
        assert set(by_label) == {"Upfront (issue) fee", "Reimbursement of past patent costs"}
        assert {item.subject for item in by_label.values()} == {"VoltCell & Sons Inc."}
        patents.mark_docket_item(
            session, actor=office.officer, key=by_label["Upfront (issue) fee"].key, state="done"
        )
        with pytest.raises(PermissionDenied):
            patents.mark_docket_item(
                session,
                actor=office.other_officer,
                key=by_label["Reimbursement of past patent costs"].key,
                state="done",
            )
    with unit_of_work(engine) as session:
        left = patents.docket(
            session, actor=office.officer, filters=DocketFilters(kind="license", within_days=40)
        )
    assert [e.item.label for e in left.entries] == ["Reimbursement of past patent costs"]


def test_a_word_draft_is_generated_with_the_terms_and_kept_as_versions(
    engine, office, tmp_path, monkeypatch
):
    from io import BytesIO

    from docx import Document

    from tlo.licensing import drafts

    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    case_id, application_id = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(
            company_id, [case_id], patent_ids=[application_id], effective_date=date(2027, 1, 1)
        ),
    )
    with unit_of_work(engine) as session:
        first = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
        second = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
    with unit_of_work(engine) as session:
        versions = [
            (d.version, d.generated_by_name)
            for d in drafts.list_drafts(session, actor=office.finance, agreement_id=agreement_id)
        ]
        content = drafts.read_draft(session, actor=office.finance, draft_id=second.id)
    assert versions == [(2, "Olivia Ortega"), (1, "Olivia Ortega")]
    assert first.sha256 != second.sha256  # the version number is printed in the draft
    text = word_text(content)
    assert "VoltCell & Sons Inc." in text and "1 January 2027" in text
    assert "$50,000.00" in text and "3 % of Net Sales" in text and "25 %" in text
    assert "{{" not in text and "{%" not in text
    patents, rows = (
        [[c.text for c in row.cells] for row in table.rows]
        for table in Document(BytesIO(content)).tables
    )
    assert patents[1][:2] == ["US", "Provisional"] and patents[1][2].startswith("63/1")
    assert rows[0] == ["Milestone", "Payment", "Due date"]
    assert sorted(rows[1:]) == [
        ["First commercial sale", "$250,000.00", drafts.written_date(TODAY + timedelta(days=700))],
        ["Raise a Series A", "none (diligence)", drafts.written_date(TODAY + timedelta(days=365))],
    ]


def test_a_type_without_a_template_says_so(engine, office):
    from tlo.licensing import drafts

    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(
        engine, office.officer, exclusive_form(company_id, [case_id], agreement_type="mta")
    )
    with pytest.raises(ValidationError, match="no Word template"), unit_of_work(engine) as session:
        drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)


def word_text(content: bytes) -> str:
    from io import BytesIO

    from docx import Document

    document = Document(BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize(
    ("agreement_type", "terms", "expected"),
    [
        (
            "nonexclusive_license",
            {},
            ["NON-EXCLUSIVE LICENSE AGREEMENT", "License issue fee: $50,000.00", "63/1"],
        ),
        (
            "option",
            {"term_months": 6, "upfront_fee": "15,000"},
            ["Option fee: $15,000.00", '"Option Period" means 6 months', "63/1"],
        ),
        (
            "startup_license",
            {"equity_shares": 250_000, "equity_percent": "5"},
            [
                "Upfront license issue fee: $50,000.00",
                "Equity: 250,000 shares (5 % of the fully diluted capital).",
            ],
        ),
        (
            "cda",
            {"term_months": 24, "upfront_fee": "0", "milestones": []},
            [
                '"Disclosure Period" means 24 months',
                "seek a license to it, in the field of Electric vehicles",
                "Solid-state battery",
            ],
        ),
    ],
)
def test_a_word_draft_is_generated_for_each_kind_of_agreement_with_its_terms(
    engine, office, tmp_path, monkeypatch, agreement_type, terms, expected
):
    from tlo.licensing import drafts

    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    case_id, application_id = filed_technology(engine, office)
    company_id = licensee(engine, office)
    form = exclusive_form(
        company_id,
        [case_id],
        patent_ids=[application_id] if agreement_type != "cda" else [],
        agreement_type=agreement_type,
        **terms,
    )
    agreement_id = save(engine, office.officer, form)
    with unit_of_work(engine) as session:
        draft = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
    with unit_of_work(engine) as session:
        text = word_text(drafts.read_draft(session, actor=office.finance, draft_id=draft.id))
    assert draft.template_name == drafts.TEMPLATES[agreement_type]
    assert text.count("VoltCell & Sons Inc.") >= 2  # the parties and the signature block
    for phrase in expected:
        assert phrase in text
    assert "{{" not in text and "{%" not in text


def test_the_draft_context_fills_every_placeholder_of_every_agreement_template(engine, office):
    from tlo import documents
    from tlo.licensing import drafts

    case_id, application_id = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(
        engine, office.officer, exclusive_form(company_id, [case_id], patent_ids=[application_id])
    )
    with unit_of_work(engine) as session:
        context = drafts.draft_context(
            session, actor=office.officer, agreement_id=agreement_id, version=1
        )
    for name in drafts.TEMPLATES.values():
        assert documents.placeholders(name) <= set(context), name
    # Uploaded templates are checked against the samples: they must offer what the renderer does.
    assert set(drafts.sample_context()) == set(context)


def test_an_option_or_cda_without_a_term_or_field_gets_a_proposal_marked_to_be_agreed(
    engine, office
):
    from tlo.licensing import drafts

    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(
            company_id, [case_id], agreement_type="cda", term_months=None, field_of_use=""
        ),
    )
    with unit_of_work(engine) as session:
        context = drafts.draft_context(
            session, actor=office.officer, agreement_id=agreement_id, version=1
        )
    assert context["option_period"] == "[12] months"
    assert context["disclosure_period"] == "[24] months"
    assert context["purpose"] == (
        "evaluating the Technology to decide whether to seek a license to it"
    )
    assert [t["title"] for t in context["technologies"]] == ["Solid-state battery"]


# --- licensed patents ---------------------------------------------------------------------------


def a_family(engine, office, title="Solid-state battery"):
    """A technology with a family: US provisional -> PCT -> EP regional phase and a JP
    national phase (abandoned), and the US non-provisional. Ids by name."""
    case_id = case_approved_for_filing(engine, office, title=title)
    ids: dict[str, int] = {}
    with unit_of_work(engine) as session:
        for name, office_code, kind, days_ago, number, parent in [
            ("provisional", "US", "provisional", 900, "63/111,111", None),
            ("pct", "WO", "pct", 540, "PCT/US2025/011111", "provisional"),
            ("us", "US", "nonprovisional", 540, "18/111,111", "provisional"),
            ("ep", "EP", "regional_phase", 40, "EP25111111", "pct"),
            ("jp", "JP", "national_phase", 35, "2025-111111", "pct"),
        ]:
            ids[name] = grow(
                session, office, case_id, office_code, kind, days_ago, number, ids.get(parent)
            )
        patents.update_application(
            session,
            actor=office.officer,
            application_id=ids["jp"],
            status="abandoned",
            abandoned_on=TODAY - timedelta(days=5),
        )
    return case_id, ids


def grow(session, office, case_id, office_code, kind, days_ago, number, parent_id) -> int:
    """The family grows by one application (filed `days_ago`)."""
    return patents.add_application(
        session,
        actor=office.officer,
        disclosure_id=case_id,
        form=ApplicationForm(
            office_code, kind, TODAY - timedelta(days=days_ago), number, parent_id=parent_id
        ),
    ).id


def licensed(engine, actor, agreement_id) -> dict[str, str]:
    """The agreement's family as its page shows it: label -> why it is (or is not) licensed."""
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=actor, agreement_id=agreement_id)
    return {m.label: m.basis for m in view.family if m.licensed}


def draft_patents(engine, actor, agreement_id) -> list[tuple[str, str, str]]:
    from tlo.licensing import drafts

    with unit_of_work(engine) as session:
        context = drafts.draft_context(session, actor=actor, agreement_id=agreement_id, version=1)
    return [(p["jurisdiction"], p["number"], p["title"]) for p in context["patents"]]


LIVING_FAMILY = ["US 63/111,111", "WO PCT/US2025/011111", "US 18/111,111", "EP EP25111111"]


def test_an_agreement_is_offered_its_families_applications_the_living_ones_preselected(
    engine, office
):
    case_id, _ids = a_family(engine, office)
    _other_case, other_application = filed_technology(engine, office, "Cathode")
    with unit_of_work(engine) as session:
        offered = agreements.offered_patents(
            session, actor=office.officer, disclosure_ids=[case_id]
        )
    assert [(m.label, m.licensed) for m in offered] == [
        ("US 63/111,111", True),
        ("WO PCT/US2025/011111", True),
        ("US 18/111,111", True),
        ("EP EP25111111", True),
        ("JP 2025-111111", False),  # abandoned: offered, not preselected
    ]
    assert {m.docket for m in offered} != {""} and {m.technology_title for m in offered} == {
        "Solid-state battery"
    }
    assert other_application not in {m.application.id for m in offered}


def test_a_new_license_licenses_the_whole_family_and_its_draft_lists_it(engine, office):
    case_id, _ids = a_family(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(licensee(engine, office), [case_id]))
    assert list(licensed(engine, office.finance, agreement_id)) == LIVING_FAMILY
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.finance, agreement_id=agreement_id)
    assert view.agreement.licenses_whole_family is True
    assert all(
        m.link.added_by_name == "Olivia Ortega" and m.link.added_at
        for m in view.family
        if m.licensed
    )
    assert draft_patents(engine, office.officer, agreement_id) == [
        ("US", "63/111,111", "Solid-state battery"),
        ("WO", "PCT/US2025/011111", "Solid-state battery"),
        ("US", "18/111,111", "Solid-state battery"),
        ("EP", "EP25111111", "Solid-state battery"),
    ]


def test_an_officer_leaves_an_application_out_of_a_territory_license(engine, office):
    case_id, ids = a_family(engine, office)
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with unit_of_work(engine) as session:
        agreements.set_licensed_patents(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            application_ids=[ids["provisional"], ids["pct"], ids["us"]],
            licenses_whole_family=False,
        )
    assert list(licensed(engine, office.officer, agreement_id)) == LIVING_FAMILY[:3]
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.officer, agreement_id=agreement_id)
    assert {m.label: m.basis for m in view.family if not m.licensed} == {
        "EP EP25111111": "Left out",
        "JP 2025-111111": "Not licensed",
    }
    assert view.not_licensed_yet == []  # left out on purpose: nothing to decide
    assert ("EP", "EP25111111", "Solid-state battery") not in draft_patents(
        engine, office.officer, agreement_id
    )
    # Choosing from the start works the same way.
    chosen = save(
        engine,
        office.officer,
        exclusive_form(company_id, [case_id], patent_ids=[ids["us"]], licenses_whole_family=False),
    )
    assert list(licensed(engine, office.officer, chosen)) == ["US 18/111,111"]


def test_leaving_an_application_out_of_a_whole_family_license_is_refused(engine, office):
    case_id, ids = a_family(engine, office)
    form = exclusive_form(licensee(engine, office), [case_id], patent_ids=[ids["us"]])
    with pytest.raises(ValidationError, match="licenses the whole family, yet US 63/111,111"):
        save(engine, office.officer, form)
    with unit_of_work(engine) as session:
        assert agreements.list_agreements(session, actor=office.director).total == 0


def test_a_whole_family_license_takes_in_applications_filed_later(engine, office):
    case_id, ids = a_family(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(licensee(engine, office), [case_id]))
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
    with unit_of_work(engine) as session:  # the family grows after signing
        grow(session, office, case_id, "US", "continuation", 0, "18/222,222", ids["us"])
        grow(session, office, case_id, "CN", "national_phase", 0, "2025111111.1", ids["pct"])
    assert licensed(engine, office.officer, agreement_id) == dict.fromkeys(
        LIVING_FAMILY, "Chosen"
    ) | {"US 18/222,222": "Whole family", "CN 2025111111.1": "Whole family"}
    assert [number for _, number, _ in draft_patents(engine, office.officer, agreement_id)][
        -2:
    ] == [
        "18/222,222",
        "2025111111.1",
    ]


def test_a_chosen_list_takes_in_continuations_and_shows_other_newcomers_as_not_licensed_yet(
    engine, office
):
    case_id, ids = a_family(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(
            licensee(engine, office),
            [case_id],
            patent_ids=[ids["provisional"], ids["pct"], ids["us"]],
            licenses_whole_family=False,
        ),
    )
    with unit_of_work(engine) as session:
        continuation = grow(
            session, office, case_id, "US", "continuation", 0, "18/222,222", ids["us"]
        )
        grow(session, office, case_id, "US", "divisional", 0, "18/333,333", continuation)
        grow(session, office, case_id, "CN", "national_phase", 0, "2025111111.1", ids["pct"])
    assert licensed(engine, office.officer, agreement_id) == dict.fromkeys(
        LIVING_FAMILY[:3], "Chosen"
    ) | {
        "US 18/222,222": "Continuation of US 18/111,111",
        "US 18/333,333": "Divisional of US 18/222,222",
    }
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.officer, agreement_id=agreement_id)
    assert [m.label for m in view.not_licensed_yet] == ["CN 2025111111.1"]  # not the EP
    assert "18/333,333" in {
        number for _, number, _ in draft_patents(engine, office.officer, agreement_id)
    }


def executed_territory_license(engine, office):
    """An executed license of the US and PCT applications only; a CN national phase entered
    after signing."""
    case_id, ids = a_family(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(
            licensee(engine, office),
            [case_id],
            patent_ids=[ids["provisional"], ids["pct"], ids["us"]],
            licenses_whole_family=False,
        ),
    )
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
        ids["cn"] = grow(
            session, office, case_id, "CN", "national_phase", 0, "2025111111.1", ids["pct"]
        )
    return agreement_id, ids


def test_an_executed_license_adds_a_newcomer_with_a_note_but_never_a_left_out_one(engine, office):
    agreement_id, ids = executed_territory_license(engine, office)
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="say in the note how the licensee was told"):
            agreements.add_licensed_patents(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                application_ids=[ids["cn"]],
            )
        with pytest.raises(ValidationError, match="left out when the licensed patents were chosen"):
            agreements.add_licensed_patents(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                application_ids=[ids["ep"]],
                note="Letter of 1 December 2026",
            )
        with pytest.raises(ValidationError, match="licensed patents are final"):
            agreements.set_licensed_patents(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                application_ids=[ids["us"]],
                licenses_whole_family=False,
            )
    with unit_of_work(engine) as session:
        agreements.add_licensed_patents(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            application_ids=[ids["cn"]],
            note="Schedule A updated by letter of 1 December 2026",
        )
    assert licensed(engine, office.officer, agreement_id)["CN 2025111111.1"] == (
        "Chosen (Schedule A updated by letter of 1 December 2026)"
    )
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.officer, agreement_id=agreement_id)
        assert view.not_licensed_yet == []
        with pytest.raises(ValidationError, match=r"licenses CN 2025111111\.1 already"):
            agreements.add_licensed_patents(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                application_ids=[ids["cn"]],
                note="Again",
            )
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.TERMINATED,
        )
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="licenses nothing"):
        agreements.add_licensed_patents(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            application_ids=[ids["ep"]],
            note="Too late",
        )


def test_changes_to_the_licensed_patents_are_audited(engine, office):
    from tlo import audit

    agreement_id, ids = executed_territory_license(engine, office)
    with unit_of_work(engine) as session:
        agreements.add_licensed_patents(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            application_ids=[ids["cn"]],
            note="Schedule A updated",
        )
    with unit_of_work(engine) as session:
        entries = {
            e.action: e
            for e in audit.entries_for(session, object_type="agreement", object_id=agreement_id)
        }
    assert entries["agreement.saved"].after["licensed_patents"] == {
        str(ids["provisional"]): "US 63/111,111",
        str(ids["pct"]): "WO PCT/US2025/011111",
        str(ids["us"]): "US 18/111,111",
    }
    assert entries["agreement.saved"].after["licenses_whole_family"] is False
    added = entries["agreement.patents_added"]
    assert added.actor_name == "Olivia Ortega"
    assert added.after == {
        "licensed_patents": {str(ids["cn"]): "CN 2025111111.1"},
        "note": "Schedule A updated",
        "status": "executed",
    }
    # Choosing them again while a license is negotiated: before and after.
    case_id, ids = a_family(engine, office, "Cathode")
    company_id = licensee(engine, office, "Anode Works LLC")
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    with unit_of_work(engine) as session:
        agreements.set_licensed_patents(
            session,
            actor=office.director,
            agreement_id=agreement_id,
            application_ids=[ids["us"]],
            licenses_whole_family=False,
        )
    with unit_of_work(engine) as session:
        [entry] = [
            e
            for e in audit.entries_for(session, object_type="agreement", object_id=agreement_id)
            if e.action == "agreement.patents_chosen"
        ]
    assert entry.actor_name == "Diane Whitfield"
    assert entry.before["licenses_whole_family"] is True
    assert sorted(entry.before["licensed_patents"].values()) == sorted(LIVING_FAMILY)
    assert entry.after == {
        "licensed_patents": {str(ids["us"]): "US 18/111,111"},
        "licenses_whole_family": False,
    }


def test_only_who_may_edit_the_agreement_changes_its_licensed_patents(engine, office):
    case_id, ids = a_family(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(licensee(engine, office), [case_id]))
    for actor in (office.other_officer, office.finance, office.inventor):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            agreements.set_licensed_patents(
                session,
                actor=actor,
                agreement_id=agreement_id,
                application_ids=[ids["us"]],
                licenses_whole_family=False,
            )
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            agreements.add_licensed_patents(
                session, actor=actor, agreement_id=agreement_id, application_ids=[ids["jp"]]
            )
    assert list(licensed(engine, office.officer, agreement_id)) == LIVING_FAMILY


def test_bad_licensed_patent_ids_are_refused_with_a_domain_error_and_change_nothing(engine, office):
    case_id, ids = a_family(engine, office)
    _other, other_application = filed_technology(engine, office, "Cathode")
    company_id = licensee(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    for bad, error, message in [
        ("US 18/111,111", ValidationError, "Give the licensed patents as a list"),
        (["7"], NotFound, "There is no patent application '7'"),
        ([2**40], NotFound, "There is no patent application 1099511627776"),
        ([other_application], ValidationError, "is not in the families of the covered"),
        ([ids["us"], ids["us"]], ValidationError, "listed twice"),
    ]:
        form = exclusive_form(company_id, [case_id], patent_ids=bad, licenses_whole_family=False)
        with pytest.raises(error, match=message):
            save(engine, office.officer, form)
        with unit_of_work(engine) as session, pytest.raises(error, match=message):
            agreements.set_licensed_patents(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                application_ids=bad,
                licenses_whole_family=False,
            )
    with unit_of_work(engine) as session:
        assert agreements.list_agreements(session, actor=office.director).total == 1
    assert list(licensed(engine, office.officer, agreement_id)) == LIVING_FAMILY


def test_a_cda_licenses_no_patents(engine, office):
    case_id, ids = a_family(engine, office)
    company_id = licensee(engine, office)
    with pytest.raises(ValidationError, match="grants no right under patents"):
        save(
            engine,
            office.officer,
            exclusive_form(company_id, [case_id], agreement_type="cda", patent_ids=[ids["us"]]),
        )
    cda = save(engine, office.officer, exclusive_form(company_id, [case_id], agreement_type="cda"))
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.officer, agreement_id=cda)
    assert view.patents == [] and view.not_licensed_yet == []
    assert view.agreement.licenses_whole_family is False


def test_editing_the_terms_keeps_the_choice_and_offers_a_newly_covered_technology(engine, office):
    case_id, ids = a_family(engine, office)
    second, _second_application = filed_technology(engine, office, "Cathode")
    company_id = licensee(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(company_id, [case_id], patent_ids=[ids["us"]], licenses_whole_family=False),
    )
    save(engine, office.officer, exclusive_form(company_id, [case_id, second]), agreement_id)
    assert list(licensed(engine, office.officer, agreement_id)) == ["US 18/111,111", "US 63/1"]
    assert draft_patents(engine, office.officer, agreement_id)[1] == ("US", "63/1", "Cathode")
    save(engine, office.officer, exclusive_form(company_id, [second]), agreement_id)
    assert list(licensed(engine, office.officer, agreement_id)) == ["US 63/1"]


def test_a_generated_draft_lists_the_chosen_patents_and_says_whether_later_ones_join(
    engine, office, tmp_path, monkeypatch
):
    from io import BytesIO

    from docx import Document

    from tlo.licensing import drafts

    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    case_id, ids = a_family(engine, office)
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.officer,
            application_id=ids["us"],
            status="granted",
            grant_number="11,111,111",
            grant_date=TODAY - timedelta(days=10),
        )
    company_id = licensee(engine, office)
    chosen = save(
        engine,
        office.officer,
        exclusive_form(
            company_id, [case_id], patent_ids=[ids["us"], ids["ep"]], licenses_whole_family=False
        ),
    )
    whole = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    documents = {}
    with unit_of_work(engine) as session:
        for agreement_id in (chosen, whole):
            draft = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
            documents[agreement_id] = Document(
                BytesIO(drafts.read_draft(session, actor=office.officer, draft_id=draft.id))
            )
    rows = [[cell.text for cell in row.cells] for row in documents[chosen].tables[0].rows]
    assert rows == [
        ["Jurisdiction", "Type", "Number", "Filed", "Title"],
        [
            "US",
            "Non-provisional",
            "11,111,111 (application 18/111,111)",
            drafts.written_date(TODAY - timedelta(540)),
            "Solid-state battery",
        ],
        [
            "EP",
            "Regional phase",
            "EP25111111",
            drafts.written_date(TODAY - timedelta(40)),
            "Solid-state battery",
        ],
    ]
    assert len(documents[whole].tables[0].rows) == 1 + 4
    definition = {
        agreement_id: next(p.text for p in document.paragraphs if p.text.startswith("1.1"))
        for agreement_id, document in documents.items()
    }
    assert "every other application of their families" in definition[whole]
    assert "every other application of their families" not in definition[chosen]
    assert definition[chosen].endswith(
        "every foreign counterpart of any of them, that is every patent or application outside "
        "the United States that claims priority from, or shares a priority claim with, any of them:"
    )
