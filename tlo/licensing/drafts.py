"""Word drafts of agreements, generated from the templates in templates_docx/ with the
agreement's data. Every generation is kept as a new version, stored by its SHA-256.

The parties come from data: the university and its office from the office settings
(tlo.office_settings), the licensee by its legal description (tlo.licensing.outreach:
"HarborBio Inc., a Delaware corporation", never its size) and signed for by the contact the
agreement names as its signatory.

The standard clauses (export control, notices, march-in rights...) come from the clause
library (tlo.licensing.clauses), filled in with the same data: a template prints
`clauses.KEY.heading` and `clauses.KEY.paragraphs`. Each draft keeps the clause versions it
printed and the terms it was made with, so that two drafts can be compared
(tlo.licensing.draft_compare)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tlo import audit, clock, documents, file_store, office_settings, word_templates
from tlo.auth.permissions import Actor, require
from tlo.disclosures.models import DisclosureInventor, FundingSource
from tlo.errors import NotFound, ValidationError
from tlo.licensing import clauses, terms
from tlo.licensing.agreement_models import AgreementDraft, AgreementType, ReportPeriod
from tlo.licensing.agreements import AgreementAccess, AgreementView, get_agreement
from tlo.licensing.models import Company, CompanySize
from tlo.licensing.outreach import legal_description
from tlo.money import dollars, from_cents
from tlo.patents.models import ApplicationType
from tlo.people.models import Person

TEMPLATES = {
    AgreementType.EXCLUSIVE: "exclusive_license",
    AgreementType.NON_EXCLUSIVE: "nonexclusive_license",
    AgreementType.OPTION: "option_agreement",
    AgreementType.STARTUP: "startup_license",
    AgreementType.CDA: "cda",
}
# Keys draft_context still gives for templates uploaded before the parties were settings,
# so that such a version keeps rendering; the shipped templates no longer use them (a
# licensee's size is no legal description: `licensee_party` is).
LEGACY_SAMPLE = {"licensee_size": "start-up"}
# Where no signatory is chosen yet, the draft leaves the lines to be filled in by hand.
BLANK_NAME, BLANK_TITLE = "____________________", "______________"
# The company's record holds no postal address yet: notices name it for the officer to fill in.
ADDRESS_TO_GIVE = "[Licensee's address for notices]"
# What an agreement calls the other party; the standard clauses say `{{ licensee_role }}`.
ROLES = {AgreementType.OPTION: "Optionee", AgreementType.CDA: "Recipient"}
LICENSEE = "Licensee"
# Keys that only the standard clauses print (the notices: the office and the licensee's
# addresses), by example: the templates' samples hold the keys the templates print.
CLAUSE_SAMPLE = {
    "licensee_role": LICENSEE,
    "licensee_email": "legal@voltcell.example",
    "licensee_address": ADDRESS_TO_GIVE,
    "office_name": "Office of Technology Licensing",
    "office_address": "3000 El Camino Real, Building 5, Suite 300, Palo Alto, CA 94306",
    "office_email": "otl@university.example",
    "office_phone": "+1 650 555 0100",
    "officer_name": "Olivia Ortega",
    "late_interest": "12 %",  # the Late Payments clause: "" brackets the prime-rate proposal
}
# Keys of the context that are no term of the agreement: a comparison of drafts skips them.
NOT_TERMS = ("version", "prepared_on", "clauses", "licensee_size")


def role_of(name: str) -> str:
    """What the template `name` calls the licensee (Licensee, Optionee, Recipient)."""
    return next((ROLES[k] for k, n in TEMPLATES.items() if n == name and k in ROLES), LICENSEE)


def sample_context() -> dict:
    """What draft_context provides, by example: the agreement templates' samples together.

    Every agreement template is filled in by draft_context, so an edited template may use any
    of its keys; uploads are checked against this (see tlo.word_templates).
    """
    merged = _sample_terms()
    merged["clauses"] = clauses.clause_context(clauses.shipped_clauses(), merged)
    return merged


def _sample_terms() -> dict:
    merged: dict = dict(LEGACY_SAMPLE) | CLAUSE_SAMPLE
    for name in TEMPLATES.values():
        merged.update(documents.sample_context(name))
    merged.pop("clauses", None)
    return merged


def clause_sample_contexts() -> list[dict]:
    """The data a clause's text is tried with before it is saved: every agreement's party
    name, with and without federal funding, an office telephone, agreed late interest."""
    base = _sample_terms()
    return [
        base
        | {
            "licensee_role": role,
            "federal": federal,
            "office_phone": phone,
            "late_interest": interest,
        }
        for role in (LICENSEE, *ROLES.values())
        for federal in (True, False)
        for phone in (base["office_phone"], "")
        for interest in (base["late_interest"], "")
    ]


def template_sample(name: str, changes: dict | None = None) -> dict:
    """The sample context of the shipped template `name` as it should be: its data (with
    `changes`), its clauses filled in from the shipped library with that data (the tests
    check that NAME.sample.json is this, and render variations of it)."""
    own = documents.sample_context(name) | (changes or {})
    context = _sample_terms() | own | {"licensee_role": role_of(name)}
    keys = clauses.referenced_keys(documents.template_path(name).read_bytes())
    if keys:
        own["clauses"] = clauses.clause_context(clauses.shipped_clauses(), context, keys)
    return own


def written_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "the date of the last signature"


def _months(months: int | None, *, otherwise: str) -> str:
    if months is None:
        return otherwise
    return "1 month" if months == 1 else f"{months} months"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _patent_number(application) -> str:
    """The patent's number once granted, with the application's; else the application's."""
    granted, filed = application.grant_number, application.application_number
    if granted:
        return f"{granted} (application {filed})" if filed else granted
    return filed or "(number pending)"


def annual_fees_in_words(view: AgreementView) -> str:
    """'$10,000.00 on the 1st anniversary; $15,000.00 on the 2nd and each later anniversary'."""
    fees = [from_cents(f.amount_cents) for f in view.annual_fees]
    return (
        "; ".join(
            f"{dollars(amount)} on the {_ordinal(year)}"
            + (" and each later anniversary" if year == len(fees) else " anniversary")
            for year, amount in enumerate(fees, start=1)
        )
        or "none"
    )


def _rate_in_words(rate: terms.Rate) -> str:
    """'3 % of Net Sales (Kits)'; tiered, each tier's percent on the Net Sales between its
    bounds, the bounds being the category's cumulative Net Sales since the Effective Date."""
    if len(rate.tiers) == 1:
        return f"{terms.percent_words(rate.tiers[0].percent)} of Net Sales ({rate.applies_to})"
    parts, floor = [], None
    for tier in rate.tiers:
        percent = terms.percent_words(tier.percent)
        if floor is None:
            parts.append(f"{percent} of Net Sales up to {dollars(tier.up_to)}")
        elif tier.up_to is None:
            parts.append(f"{percent} of Net Sales above {dollars(floor)}")
        else:
            parts.append(
                f"{percent} of Net Sales above {dollars(floor)} up to {dollars(tier.up_to)}"
            )
        floor = tier.up_to
    return (
        f"{', '.join(parts[:-1])} and {parts[-1]} ({rate.applies_to}; the tiers are of "
        "cumulative Net Sales since the Effective Date)"
    )


def royalty_rates_in_words(view: AgreementView) -> str:
    return "; ".join(_rate_in_words(rate) for rate in view.royalty_rates) or "none"


def minimum_royalty_in_words(view: AgreementView) -> str:
    """'$50,000.00 for calendar year 2027; $75,000.00 for calendar year 2028', or 'none'."""
    return (
        "; ".join(f"{dollars(m.amount)} for calendar year {m.year}" for m in view.minimum_royalties)
        or "none"
    )


def late_interest_in_words(view: AgreementView) -> str:
    """'12 %' a year, or '' where none is agreed yet (the clause then brackets a proposal)."""
    bp = view.agreement.late_interest_bp
    return terms.percent_words(Decimal(bp) / 100) if bp else ""


def currencies_in_words(view: AgreementView) -> str:
    """'USD', 'USD or EUR', 'USD, EUR or GBP'."""
    codes = terms.currencies_of(view.agreement) or ["USD"]
    return " or ".join([", ".join(codes[:-1]), codes[-1]]) if len(codes) > 1 else codes[0]


def equity_in_words(view: AgreementView) -> str:
    a = view.agreement
    equity = []
    if a.equity_shares:
        equity.append(f"{a.equity_shares:,} shares")
    if a.equity_percent_bp:
        equity.append(f"{a.equity_percent_bp / 100:g} % of the fully diluted capital")
    return " (".join(equity) + (")" if len(equity) == 2 else "") if equity else "none"


def term_in_words(view: AgreementView) -> str:
    return _months(view.agreement.term_months, otherwise="until the last Licensed Patent expires")


def licensee_party(company: Company) -> str:
    """The licensee as the first sentence names it; what is not known yet is bracketed for
    the officer to fill in (or to give on the company's record and draft again)."""
    described = legal_description(company)
    if not (company.entity_kind or "").strip() and not (company.jurisdiction or "").strip():
        return f"{described}, [kind of entity, organized under the laws of ...]"
    return described


def proposed_terms_in_words(view: AgreementView) -> str:
    """The option's sentence on the license it leads to, with only the terms there are."""
    fees, royalties = annual_fees_in_words(view), royalty_rates_in_words(view)
    terms = [
        *([f"annual license maintenance fees of {fees}"] if fees != "none" else []),
        *([f"running royalties of {royalties}"] if royalties != "none" else []),
    ]
    if not terms:
        return "The fees and royalties of that license are to be agreed in its negotiation."
    return (
        f"The license University proposes would carry {' and '.join(terms)}, with a license "
        "issue fee to be agreed."
    )


def draft_context(session: Session, *, actor: Actor, agreement_id: int, version: int) -> dict:
    """Everything a template may print for this agreement, every library clause filled in."""
    terms = draft_terms(session, actor=actor, agreement_id=agreement_id, version=version)
    return terms | {"clauses": clauses.clause_context(clauses.current_clauses(session), terms)}


def draft_terms(session: Session, *, actor: Actor, agreement_id: int, version: int) -> dict:
    """The agreement's data as the templates print it (the context without the clauses)."""
    view = get_agreement(session, actor=actor, agreement_id=agreement_id)
    a = view.agreement
    signatory = view.licensee_signatory
    ids = [d.id for d, _ in view.technologies]
    inventors = session.exec(
        select(Person.full_name)
        .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
        .where(col(DisclosureInventor.disclosure_id).in_(ids))
        .distinct()
        .order_by(Person.full_name)
    ).all()
    federal = session.exec(
        select(FundingSource).where(
            col(FundingSource.disclosure_id).in_(ids), FundingSource.is_federal
        )
    ).all()
    officer = session.get(Person, a.officer_person_id)
    return {
        "number": a.number,
        "version": version,
        "prepared_on": written_date(clock.today()),
        "effective_date": written_date(a.effective_date),
        **office_settings.parties(session).agreement_context(),
        "licensee": view.company.name,
        "licensee_party": licensee_party(view.company),
        "licensee_signatory_name": signatory.name if signatory else BLANK_NAME,
        "licensee_signatory_title": (signatory.title or BLANK_TITLE) if signatory else BLANK_TITLE,
        "licensee_size": CompanySize(view.company.size).label.lower(),  # LEGACY_SAMPLE
        "licensee_role": ROLES.get(AgreementType(a.agreement_type), LICENSEE),
        "licensee_email": signatory.email if signatory else "",
        "licensee_address": office_settings.Parties.one_line(view.company.notice_address)
        or ADDRESS_TO_GIVE,
        "dockets": ", ".join(d.docket or "" for d, _ in view.technologies),
        "technologies": [
            {"docket": d.docket or "", "title": d.title} for d, _ in view.technologies
        ],
        "inventors": " and ".join([", ".join(inventors[:-1]), inventors[-1]])
        if len(inventors) > 1
        else "".join(inventors),
        "federal": bool(federal),
        "agencies": ", ".join(
            sorted({f"{f.agency} award {f.award_number}".strip() for f in federal})
        ),
        # The licensed patents (tlo.licensing.agreements: those chosen, their continuations
        # and divisionals, or the whole family), numbers in full: this is a license, not a
        # marketing summary.
        "patents": [
            {
                "jurisdiction": m.application.jurisdiction,
                "kind": ApplicationType(m.application.application_type).label,
                "number": _patent_number(m.application),
                "filed": written_date(m.application.filing_date),
                "title": m.technology_title,
            }
            for m in view.family
            if m.licensed
        ],
        "whole_family": a.licenses_whole_family,
        "field_of_use": a.field_of_use or "all fields",
        "territory": a.territory,
        "sublicense_share": f"{a.sublicense_share_bp / 100:g} %",
        "milestones": [
            {
                "event": m.event,
                "amount": dollars(from_cents(m.amount_cents))
                if m.amount_cents
                else "none (diligence)",
                "due": written_date(m.due_date),
            }
            for m in view.milestones
        ],
        "upfront_fee": dollars(from_cents(a.upfront_fee_cents)),
        "annual_fees": annual_fees_in_words(view),
        "royalty_rates": royalty_rates_in_words(view),
        "minimum_annual_royalty": minimum_royalty_in_words(view),
        "late_interest": late_interest_in_words(view),
        "report_due_days": a.report_due_days,
        "report_currencies": currencies_in_words(view),
        "proposed_license_terms": proposed_terms_in_words(view),
        "equity": equity_in_words(view),
        "past_patent_costs": dollars(from_cents(a.past_patent_costs_cents)),
        "ongoing_costs": a.reimburse_ongoing_costs,
        "report_period": ReportPeriod(a.royalty_report_period).value,
        "term": term_in_words(view),
        # An option or CDA without a term gets a bracketed proposal: in a draft, brackets
        # mark a term still to be agreed (and the obligations calendar has no end date yet).
        "option_period": _months(a.term_months, otherwise="[12] months"),
        "disclosure_period": _months(a.term_months, otherwise="[24] months"),
        "purpose": "evaluating the Technology to decide whether to seek a license to it"
        + (f", in the field of {a.field_of_use}" if a.field_of_use else ""),
        "officer_name": officer.full_name if officer else "",
    }


def generate_draft(session: Session, *, actor: Actor, agreement_id: int) -> AgreementDraft:
    view = get_agreement(session, actor=actor, agreement_id=agreement_id)
    require(actor, "agreement.edit", AgreementAccess(view.agreement))
    kind = AgreementType(view.agreement.agreement_type)
    if kind not in TEMPLATES:
        raise ValidationError(f"There is no Word template for a {kind.label.lower()} yet.")
    name = TEMPLATES[kind]
    version = (
        session.exec(
            select(func.max(AgreementDraft.version)).where(
                AgreementDraft.agreement_id == agreement_id
            )
        ).one()
        or 0
    ) + 1
    template = word_templates.current_template(session, name)
    terms = draft_terms(session, actor=actor, agreement_id=agreement_id, version=version)
    library = clauses.current_clauses(session)
    printed = clauses.clause_context(library, terms, clauses.referenced_keys(template.content))
    content = documents.render(name, terms | {"clauses": printed}, template=template.content)
    sha256 = file_store.put("drafts", content)
    draft = AgreementDraft(
        agreement_id=agreement_id,
        version=version,
        template_name=name,
        template_version=template.version,
        template_sha256=template.sha256,
        sha256=sha256,
        size_bytes=len(content),
        generated_by_account_id=actor.account_id,
        generated_by_name=actor.name,
    )
    session.add(draft)
    session.flush()
    clauses.record_draft(
        session,
        draft_id=draft.id,
        library=library,
        printed=printed,
        terms={k: v for k, v in terms.items() if k not in NOT_TERMS},
    )
    audit.record(
        session,
        actor=actor,
        action="agreement.draft_generated",
        object_type="agreement",
        object_id=agreement_id,
        after={
            "version": version,
            "sha256": sha256,
            "template_version": template.version,
            "clauses": {key: library[key].version for key in printed},
        },
    )
    return draft


def list_drafts(session: Session, *, actor: Actor, agreement_id: int) -> list[AgreementDraft]:
    require(actor, "agreement.read")
    return list(
        session.exec(
            select(AgreementDraft)
            .where(AgreementDraft.agreement_id == agreement_id)
            .order_by(AgreementDraft.version.desc())
        ).all()
    )


def read_draft(session: Session, *, actor: Actor, draft_id: int) -> bytes:
    require(actor, "agreement.read")
    draft = session.get(AgreementDraft, draft_id)
    if draft is None:
        raise NotFound(f"There is no draft {draft_id}.")
    return file_store.get("drafts", draft.sha256)
