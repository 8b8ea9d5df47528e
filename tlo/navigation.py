"""Which screens exist, where they sit in the menu, and who may see them.

The router (tlo_app.py) builds `st.navigation` from this table; tests use it to open every
page as every role. A page is listed for a role when the role holds the page's permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from tlo.auth.models import Role
from tlo.auth.permissions import Actor, can


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root
    title: str
    icon: str
    section: str
    permission: str
    default: bool = False


PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "Home", ":material/home:", "Overview", "home.view", default=True),
    PageSpec(
        "pages/my_account.py",
        "My account",
        ":material/person:",
        "Overview",
        "account.change_own_password",
    ),
    PageSpec(
        "pages/notifications.py",
        "Notifications",
        ":material/notifications:",
        "Overview",
        "notification.own",
    ),
    PageSpec(
        "pages/disclosure_form.py",
        "New disclosure",
        ":material/note_add:",
        "Disclosures",
        "disclosure.create",
    ),
    PageSpec(
        "pages/my_disclosures.py",
        "My disclosures",
        ":material/folder_shared:",
        "Disclosures",
        "disclosure.mine",
    ),
    PageSpec(
        "pages/intake.py",
        "Intake queue",
        ":material/inbox:",
        "Cases",
        "disclosure.triage",
    ),
    PageSpec(
        "pages/disclosures.py",
        "All disclosures",
        ":material/search:",
        "Cases",
        "disclosure.internal",
    ),
    PageSpec(
        "pages/case.py", "Case file", ":material/folder_open:", "Cases", "disclosure.internal"
    ),
    PageSpec("pages/docket.py", "Docket", ":material/event_upcoming:", "Patents", "docket.read"),
    PageSpec(
        "pages/deadline_calculator.py",
        "Deadline calculator",
        ":material/calendar_clock:",
        "Patents",
        "docket.calculate",
    ),
    PageSpec(
        "pages/deadline_rules.py",
        "Deadline rules",
        ":material/gavel:",
        "Patents",
        "docket.rules",
    ),
    PageSpec(
        "pages/cost_review.py",
        "Decisions before costs",
        ":material/request_quote:",
        "Patents",
        "docket.forecast",
    ),
    PageSpec("pages/companies.py", "Companies", ":material/business:", "Licensing", "company.read"),
    PageSpec(
        "pages/pipeline.py", "Pipeline", ":material/view_kanban:", "Licensing", "outreach.read"
    ),
    PageSpec(
        "pages/agreements.py", "Agreements", ":material/handshake:", "Licensing", "agreement.read"
    ),
    PageSpec(
        "pages/licensee.py", "My licenses", ":material/handshake:", "Licensee", "licensee.portal"
    ),
    PageSpec("pages/income.py", "Income", ":material/payments:", "Revenue", "income.read"),
    PageSpec("pages/equity.py", "Equity", ":material/pie_chart:", "Revenue", "equity.read"),
    PageSpec(
        "pages/statements.py",
        "Royalty statements",
        ":material/receipt_long:",
        "Revenue",
        "statement.read",
    ),
    PageSpec(
        "pages/royalty_reports.py",
        "Royalty reports",
        ":material/fact_check:",
        "Revenue",
        "royalty_report.review",
    ),
    PageSpec(
        "pages/receivables.py",
        "Receivables",
        ":material/account_balance_wallet:",
        "Revenue",
        "invoice.issue",
    ),
    PageSpec(
        "pages/policies.py", "Sharing policies", ":material/policy:", "Revenue", "policy.manage"
    ),
    PageSpec(
        "pages/dashboard.py", "Dashboard", ":material/monitoring:", "Reports", "report.dashboard"
    ),
    PageSpec("pages/autm.py", "AUTM metrics", ":material/summarize:", "Reports", "report.autm"),
    PageSpec("pages/people.py", "People", ":material/group:", "Administration", "person.manage"),
    PageSpec(
        "pages/organisation.py",
        "Schools & departments",
        ":material/account_balance:",
        "Administration",
        "org.manage",
    ),
    PageSpec(
        "pages/accounts.py",
        "Accounts & roles",
        ":material/key:",
        "Administration",
        "account.manage",
    ),
    PageSpec(
        "pages/templates.py",
        "Word templates",
        ":material/description:",
        "Administration",
        "template.manage",
    ),
    PageSpec(
        "pages/clauses.py",
        "Clause library",
        ":material/gavel:",
        "Administration",
        "template.manage",
    ),
    PageSpec(
        "pages/office_settings.py",
        "Office settings",
        ":material/apartment:",
        "Administration",
        "settings.manage",
    ),
    PageSpec(
        "pages/data_import.py",
        "Import legacy records",
        ":material/upload_file:",
        "Administration",
        "data.import",
    ),
    PageSpec(
        "pages/audit_log.py", "Audit log", ":material/history:", "Administration", "audit.read"
    ),
]


# Every record has an address: `?case=S26-0142`, `?agreement=AGR-00022`, `?company=Acme`
# open that record's page (after signing in, if need be), so that it can be bookmarked,
# shared in an e-mail and linked from exports and reminders. The router (tlo_app.py) sends
# an address naming a record to its page; the page opens it (`tlo.ui.record_from_url`) and
# keeps the address naming what it shows, so a reload shows it again.
RECORD_PAGES = {
    "case": "pages/case.py",
    "agreement": "pages/agreements.py",
    "company": "pages/companies.py",
}


def link_to(kind: str, key: str, *, base: str = "") -> str:
    """The address of one record: `?case=S26-0142`, relative to the app's address, or under
    `base` (the app's public address, e.g. https://tlo.example.edu) for e-mails and files."""
    if kind not in RECORD_PAGES:
        raise ValueError(f"No page shows a {kind!r}.")
    query = urlencode({kind: key})
    return f"{base.rstrip('/')}/?{query}" if base else f"?{query}"


def link_to_case(docket: str, *, base: str = "") -> str:
    return link_to("case", docket, base=base)


def link_to_agreement(number: str, *, base: str = "") -> str:
    return link_to("agreement", number, base=base)


def link_to_company(name: str, *, base: str = "") -> str:
    return link_to("company", name, base=base)


def link_to_page(path: str, *, base: str = "") -> str:
    """The address of a page (`pages/my_disclosures.py` -> `/my_disclosures`), as
    st.navigation derives it from the file's name, under `base` for e-mails."""
    if path not in {page.path for page in PAGES}:
        raise ValueError(f"No page {path!r}.")
    name = path.rsplit("/", 1)[-1].removesuffix(".py")
    return f"{base.rstrip('/')}/{name}"


def pages_for(actor: Actor) -> dict[str, list[PageSpec]]:
    """The pages `actor` may open, grouped by menu section in the order of PAGES."""
    sections: dict[str, list[PageSpec]] = {}
    for page in PAGES:
        if can(actor, page.permission):
            sections.setdefault(page.section, []).append(page)
    return sections


# What each role finds in tlo: the home page shows the parts for the roles a user holds.
# Later features extend these lists as they land.
ROLE_WELCOME: dict[Role, tuple[str, list[str]]] = {
    Role.INVENTOR: (
        "As an inventor",
        [
            "Disclose an invention to the office and follow it from evaluation to license.",
            "Confirm your contribution share on disclosures you are a co-inventor of.",
            "Read your royalty statements.",
        ],
    ),
    Role.OFFICER: (
        "As a licensing officer",
        [
            "Triage new disclosures, evaluate them and record filing decisions.",
            "Run the patent docket: statutory and Bayh-Dole deadlines are computed for you.",
            "Market technologies, log outreach and draft license agreements from templates.",
        ],
    ),
    Role.FINANCE: (
        "As finance staff",
        [
            "Record license income and patent invoices.",
            "Compute, review and post revenue distributions, exact to the cent.",
            "Issue statements to inventors, departments and schools.",
        ],
    ),
    Role.DIRECTOR: (
        "As the director",
        [
            "Everything a licensing officer can do, and reassign cases between officers.",
            "Set revenue-sharing policies, manage people and accounts.",
            "Dashboards and the AUTM annual metrics report.",
        ],
    ),
    Role.ADMIN: (
        "As an administrator",
        [
            "Manage schools, departments, people and accounts, and give roles.",
            "Read the audit log of every change.",
            "Maintain the Word templates and settings.",
        ],
    ),
    Role.LICENSEE: (
        "As a licensee",
        [
            "See your company's agreements with the office and what they ask of you.",
            "File your royalty reports: upload the report workbook, or a zero report.",
            "Read your invoices and what is still open.",
        ],
    ),
}


def welcome_for(actor: Actor) -> list[tuple[str, list[str]]]:
    return [ROLE_WELCOME[role] for role in Role if role in actor.roles]
