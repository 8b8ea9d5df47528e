import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_actor
from tlo.audit import AuditEntry
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.people import services as people


def new_person(engine, admin, email="new.person@test.example"):
    with unit_of_work(engine) as session:
        return people.create_person(session, actor=admin, full_name="New Person", email=email).id


def test_an_admin_creates_an_account_with_roles_and_it_is_audited(engine):
    admin = make_actor(engine, Role.ADMIN)
    person_id = new_person(engine, admin)
    with unit_of_work(engine) as session:
        account = accounts.create_account(
            session,
            actor=admin,
            person_id=person_id,
            username="NPerson",
            roles={Role.FINANCE, Role.INVENTOR},
            password=PASSWORD,
        )
    with unit_of_work(engine) as session:
        assert accounts.load_actor(session, account.id).roles == {Role.FINANCE, Role.INVENTOR}
        entry = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "account.created")
            .where(AuditEntry.object_id == str(account.id))
        ).one()
        assert entry.actor_account_id == admin.account_id
        assert entry.after["username"] == "nperson"
        assert entry.after["roles"] == ["finance", "inventor"]
        assert "password" not in str(entry.after)


@pytest.mark.parametrize("role", [Role.INVENTOR, Role.OFFICER, Role.FINANCE])
def test_only_admins_and_the_director_manage_accounts(engine, role):
    someone = make_actor(engine, role)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        accounts.set_roles(
            session, actor=someone, account_id=someone.account_id, roles={Role.ADMIN}
        )


def test_a_username_is_unique_and_a_person_has_one_account(engine):
    admin = make_actor(engine, Role.ADMIN)
    person_id = new_person(engine, admin)
    with pytest.raises(ValidationError, match="is taken"), unit_of_work(engine) as session:
        accounts.create_account(
            session,
            actor=admin,
            person_id=person_id,
            username=admin.username,
            roles={Role.INVENTOR},
            password=None,
        )
    with (
        pytest.raises(ValidationError, match="already has an account"),
        unit_of_work(engine) as session,
    ):
        accounts.create_account(
            session,
            actor=admin,
            person_id=admin.person_id,
            username="another",
            roles={Role.INVENTOR},
            password=None,
        )


def test_an_account_needs_a_role(engine):
    admin = make_actor(engine, Role.ADMIN)
    person_id = new_person(engine, admin)
    with pytest.raises(ValidationError, match="at least one role"), unit_of_work(engine) as session:
        accounts.create_account(
            session, actor=admin, person_id=person_id, username="norole", roles=set(), password=None
        )


def test_changing_roles_takes_effect_and_keeps_before_and_after(engine):
    admin = make_actor(engine, Role.ADMIN)
    officer = make_actor(engine, Role.OFFICER)
    with unit_of_work(engine) as session:
        accounts.set_roles(
            session, actor=admin, account_id=officer.account_id, roles={Role.OFFICER, Role.DIRECTOR}
        )
    with unit_of_work(engine) as session:
        assert accounts.load_actor(session, officer.account_id).roles == {
            Role.OFFICER,
            Role.DIRECTOR,
        }
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "account.roles_changed")
        ).one()
        assert entry.before == {"roles": ["officer"]}
        assert entry.after == {"roles": ["director", "officer"]}


def test_the_last_admin_cannot_be_removed(engine):
    admin = make_actor(engine, Role.ADMIN)
    with (
        pytest.raises(ValidationError, match="keep the admin role"),
        unit_of_work(engine) as session,
    ):
        accounts.set_roles(session, actor=admin, account_id=admin.account_id, roles={Role.OFFICER})
    with unit_of_work(engine) as session:
        assert Role.ADMIN in accounts.load_actor(session, admin.account_id).roles


def test_nobody_deactivates_their_own_account(engine):
    admin = make_actor(engine, Role.ADMIN)
    with pytest.raises(ValidationError, match="your own account"), unit_of_work(engine) as session:
        accounts.set_account_active(session, actor=admin, account_id=admin.account_id, active=False)


def test_a_password_reset_lifts_a_lockout(engine):
    admin = make_actor(engine, Role.ADMIN)
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    for _ in range(5):
        with unit_of_work(engine) as session:
            accounts.sign_in(
                session, username=officer.username, password="wrong password!", client=None
            )
    with unit_of_work(engine) as session:
        accounts.reset_password(
            session, actor=admin, account_id=officer.account_id, new_password="a brand new secret"
        )
    with unit_of_work(engine) as session:
        result = accounts.sign_in(
            session, username=officer.username, password="a brand new secret", client=None
        )
    assert result.actor is not None


def test_changing_ones_own_password_needs_the_current_one(engine):
    inventor = make_actor(engine, Role.INVENTOR, password=PASSWORD)
    with (
        pytest.raises(ValidationError, match="current password is wrong"),
        unit_of_work(engine) as session,
    ):
        accounts.change_own_password(
            session, actor=inventor, current_password="guess guess", new_password="something longer"
        )
    with unit_of_work(engine) as session:
        accounts.change_own_password(
            session, actor=inventor, current_password=PASSWORD, new_password="something longer"
        )
    with unit_of_work(engine) as session:
        assert (
            accounts.sign_in(
                session, username=inventor.username, password="something longer", client=None
            ).actor
            is not None
        )


def test_the_account_list_pages_and_searches_in_sql(engine):
    admin = make_actor(engine, Role.ADMIN, name="Zed Admin")
    for _ in range(4):
        make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session:
        first = accounts.list_accounts(session, actor=admin, limit=2)
        found = accounts.list_accounts(session, actor=admin, search="zed")
    assert first.total == 5 and len(first.items) == 2 and first.page_count == 3
    assert [row.full_name for row in found.items] == ["Zed Admin"]
    assert found.items[0].roles == {Role.ADMIN}
