from dataclasses import dataclass

import pytest

from tlo.auth.models import Role
from tlo.auth.permissions import (
    GRANTS,
    Actor,
    Scope,
    can,
    require,
    scopes_of,
    sees_all,
    system_actor,
)
from tlo.errors import PermissionDenied
from tlo.navigation import PAGES, pages_for


def actor_with(*roles: Role, person_id: int = 7) -> Actor:
    return Actor(
        account_id=1,
        person_id=person_id,
        name="Pat Example",
        username="pat",
        roles=frozenset(roles),
    )


@dataclass
class OwnedThing:
    owners: set[int]

    def owner_person_ids(self) -> set[int]:
        return self.owners


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.INVENTOR, "home.view", True),
        (Role.INVENTOR, "person.manage", False),
        (Role.INVENTOR, "account.manage", False),
        (Role.INVENTOR, "audit.read", False),
        (Role.OFFICER, "person.read", True),
        (Role.OFFICER, "person.manage", False),
        (Role.FINANCE, "account.manage", False),
        (Role.DIRECTOR, "person.manage", True),
        (Role.DIRECTOR, "audit.read", True),
        (Role.ADMIN, "account.manage", True),
        (Role.ADMIN, "org.manage", True),
        (Role.ADMIN, "docket.rules", True),
        (Role.INVENTOR, "docket.rules", False),
        (Role.ADMIN, "docket.read", False),
        (Role.FINANCE, "docket.forecast", True),
        (Role.DIRECTOR, "docket.forecast", True),
        (Role.OFFICER, "docket.forecast", True),
        (Role.INVENTOR, "docket.forecast", False),
        (Role.ADMIN, "docket.forecast", False),
        (Role.INVENTOR, "notification.own", True),
        (Role.FINANCE, "notification.own", True),
        (Role.ADMIN, "notification.failures", True),
        (Role.DIRECTOR, "notification.failures", False),
        (Role.OFFICER, "notification.failures", False),
        # Signing a disclosure: inventors (and PIs) for themselves; staff read who signed.
        (Role.INVENTOR, "disclosure.sign", True),
        (Role.OFFICER, "disclosure.sign", False),
        (Role.DIRECTOR, "disclosure.sign", False),
        (Role.ADMIN, "disclosure.sign", False),
        (Role.INVENTOR, "disclosure.read_signatures", True),
        (Role.OFFICER, "disclosure.read_signatures", True),
        (Role.FINANCE, "disclosure.read_signatures", True),
        (Role.DIRECTOR, "disclosure.read_signatures", True),
        (Role.ADMIN, "disclosure.read_signatures", False),
        # The equity ledger: officers and finance record holdings and rounds; a sale becomes
        # income, so only those who record income sell.
        (Role.OFFICER, "equity.read", True),
        (Role.OFFICER, "equity.record", True),
        (Role.OFFICER, "equity.sell", False),
        (Role.FINANCE, "equity.record", True),
        (Role.FINANCE, "equity.sell", True),
        (Role.DIRECTOR, "equity.sell", True),
        (Role.INVENTOR, "equity.read", False),
        (Role.ADMIN, "equity.read", False),
        (Role.ADMIN, "equity.record", False),
        # Designating the department of one's departmental share: inventors, for their own.
        (Role.INVENTOR, "disclosure.designate_department", True),
        (Role.OFFICER, "disclosure.designate_department", True),
        (Role.FINANCE, "disclosure.designate_department", False),
        (Role.ADMIN, "disclosure.designate_department", False),
        # Inter-institutional agreements: the case's officer records one; finance reads it.
        (Role.OFFICER, "iia.read", True),
        (Role.OFFICER, "iia.manage", True),
        (Role.DIRECTOR, "iia.manage", True),
        (Role.FINANCE, "iia.read", True),
        (Role.FINANCE, "iia.manage", False),
        (Role.INVENTOR, "iia.read", False),
        (Role.ADMIN, "iia.read", False),
        # A licensee: its own company's reports and invoices, nothing of the office's.
        (Role.LICENSEE, "licensee.portal", True),
        (Role.LICENSEE, "royalty_report.read", True),
        (Role.LICENSEE, "royalty_report.submit", True),
        (Role.LICENSEE, "invoice.read", True),
        (Role.LICENSEE, "royalty_report.review", False),
        (Role.LICENSEE, "invoice.issue", False),
        (Role.LICENSEE, "agreement.read", False),
        (Role.LICENSEE, "company.read", False),
        (Role.LICENSEE, "disclosure.read", False),
        (Role.LICENSEE, "person.read", False),
        (Role.LICENSEE, "person.lookup", False),
        (Role.LICENSEE, "income.read", False),
        (Role.LICENSEE, "statement.read", False),
        (Role.LICENSEE, "search.records", False),
        (Role.LICENSEE, "settings.read", False),
        (Role.LICENSEE, "home.view", True),
        (Role.FINANCE, "royalty_report.review", True),
        (Role.FINANCE, "invoice.issue", True),
        (Role.OFFICER, "royalty_report.read", True),
        (Role.OFFICER, "royalty_report.review", False),
        (Role.OFFICER, "invoice.issue", False),
        (Role.FINANCE, "licensee.portal", False),
        (Role.INVENTOR, "royalty_report.read", False),
        (Role.ADMIN, "invoice.read", False),
    ],
)
def test_each_role_holds_exactly_the_permissions_granted_to_it(role, permission, allowed):
    assert can(actor_with(role), permission) is allowed


def test_an_own_grant_covers_the_actors_own_objects_only():
    inventor = actor_with(Role.INVENTOR, person_id=7)
    assert scopes_of(inventor, "person.read") == {Scope.OWN}
    assert not sees_all(inventor, "person.read")
    assert can(inventor, "person.read", OwnedThing({7, 8}))
    assert not can(inventor, "person.read", OwnedThing({8}))
    assert not can(inventor, "person.read", object())  # an object that names no owners


@dataclass
class LicensedThing:
    companies: set[int]

    def licensee_company_ids(self) -> set[int]:
        return self.companies


def test_a_licensee_acts_on_its_own_companys_objects_only():
    licensee = Actor(1, 7, "Lena", "lena", frozenset({Role.LICENSEE}), company_ids=frozenset({3}))
    for permission in ("royalty_report.read", "royalty_report.submit", "invoice.read"):
        assert scopes_of(licensee, permission) == {Scope.COMPANY}
        assert not sees_all(licensee, permission)
        assert can(licensee, permission, LicensedThing({3}))
        assert not can(licensee, permission, LicensedThing({4}))
        assert not can(licensee, permission, OwnedThing({7}))  # its person owns nothing here
    assert not can(actor_with(Role.LICENSEE), "invoice.read", LicensedThing({3}))  # no company
    # Staff reach every company's.
    assert can(actor_with(Role.FINANCE), "invoice.read", LicensedThing({4}))


def test_no_grant_to_a_licensee_reaches_beyond_its_company():
    for permission, grants in GRANTS.items():
        if Role.LICENSEE in grants and grants[Role.LICENSEE] is not Scope.COMPANY:
            assert permission in {
                "home.view",
                "account.change_own_password",
                "org.read",
                "notification.own",
            }, permission


def test_an_inventor_signs_and_reads_signatures_of_their_own_cases_only():
    inventor = actor_with(Role.INVENTOR, person_id=7)
    for permission in ("disclosure.sign", "disclosure.read_signatures"):
        assert scopes_of(inventor, permission) == {Scope.OWN}
        assert can(inventor, permission, OwnedThing({7}))
        assert not can(inventor, permission, OwnedThing({8}))
    # An officer who is also an inventor still signs only their own cases.
    assert not can(actor_with(Role.INVENTOR, Role.OFFICER), "disclosure.sign", OwnedThing({8}))


def test_the_widest_scope_of_several_roles_wins():
    officer_and_inventor = actor_with(Role.INVENTOR, Role.OFFICER)
    assert sees_all(officer_and_inventor, "person.read")
    assert can(officer_and_inventor, "person.read", OwnedThing({99}))


def test_require_names_who_was_refused_what():
    with pytest.raises(PermissionDenied, match=r"Pat Example may not do this \(audit.read\)"):
        require(actor_with(Role.INVENTOR), "audit.read")


def test_nobody_signed_in_may_do_anything():
    assert not can(None, "home.view")
    with pytest.raises(PermissionDenied, match="not signed in"):
        require(None, "home.view")


def test_an_unknown_permission_is_a_programming_error_not_a_silent_no():
    with pytest.raises(KeyError, match="Unknown permission"):
        can(actor_with(Role.ADMIN), "disclosure.raed")


def test_the_system_actor_manages_but_is_nobody():
    system = system_actor("tests")
    assert can(system, "person.manage")
    assert system.person_id is None and system.account_id is None


def test_an_actor_without_a_person_owns_nothing():
    assert not can(actor_with(Role.INVENTOR, person_id=None), "person.read", OwnedThing({7}))


def test_every_page_needs_a_known_permission():
    for page in PAGES:
        assert page.permission in GRANTS, page.path


@pytest.mark.parametrize("role", list(Role))
def test_navigation_lists_a_page_only_for_roles_holding_its_permission(role):
    listed = {page.path for pages in pages_for(actor_with(role)).values() for page in pages}
    expected = {page.path for page in PAGES if role in GRANTS[page.permission]}
    assert listed == expected
    assert "pages/home.py" in listed


def test_an_inventor_sees_no_administration_section():
    assert "Administration" not in pages_for(actor_with(Role.INVENTOR))
    assert "Administration" in pages_for(actor_with(Role.ADMIN))
