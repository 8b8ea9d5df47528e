"""Use cases of accounts: sign in, single sign-on mapping, creating accounts and their roles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, delete, func, select

from tlo import audit
from tlo.auth import sessions, throttle
from tlo.auth.models import Account, AccountRole, LicenseeAccount, Role
from tlo.auth.passwords import (
    DEMO_PASSWORD_REFUSED,
    check_password_strength,
    hash_password,
    is_demo_password,
    needs_rehash,
    rehash,
    verify_password,
)
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import get_settings
from tlo.errors import NotFound, ValidationError
from tlo.pagination import Page, paginate
from tlo.people.models import Person
from tlo.text import clean_bool, clean_id

WRONG_CREDENTIALS = "Wrong username or password."

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignInResult:
    actor: Actor | None
    error: str | None = None
    # A success begins a session that outlives the tab: its hand-off goes to the browser.
    started: sessions.Started | None = None


def _roles_of(session: Session, account_ids: list[int]) -> dict[int, frozenset[Role]]:
    rows = session.exec(
        select(AccountRole.account_id, AccountRole.role).where(
            col(AccountRole.account_id).in_(account_ids)
        )
    ).all()
    roles: dict[int, set[Role]] = {account_id: set() for account_id in account_ids}
    for account_id, role in rows:
        roles[account_id].add(Role(role))
    return {account_id: frozenset(found) for account_id, found in roles.items()}


def _actor(session: Session, account: Account, person: Person) -> Actor:
    roles = _roles_of(session, [account.id])[account.id]
    companies = (
        session.exec(
            select(LicenseeAccount.company_id).where(LicenseeAccount.account_id == account.id)
        ).all()
        if Role.LICENSEE in roles
        else []
    )
    return Actor(
        account_id=account.id,
        person_id=person.id,
        name=person.full_name,
        username=account.username,
        roles=roles,
        company_ids=frozenset(companies),
    )


def load_actor(session: Session, account_id: int) -> Actor | None:
    """The actor for a signed-in account, or None if the account or person is no longer active.

    The app calls this on every page view, so a deactivation or a change of roles takes
    effect at once, not at the next sign-in.
    """
    row = session.exec(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Account.id == account_id, Account.active, Person.active)
    ).first()
    return _actor(session, *row) if row else None


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    client: str | None,
    now: datetime | None = None,
) -> SignInResult:
    """Check a username and password from `client` (`st.context.ip_address`; None: loopback).

    Three counts, each taken in the database before the password is checked, by one atomic
    statement committed at once (so concurrent guesses can't overwrite each other's count and
    every app process sees it), guard against guessing without letting anyone lock others out:

    - the client: at most `signin_client_max_failures` failures per window from one address,
      over every name, known or unknown; past it the address is told to wait, whatever name
      it tries, so the answer says nothing about which names exist;
    - the account from that client: `signin_max_failures` within `signin_lockout_minutes`
      lock the account for that long, for that address only, so an attacker elsewhere does
      not lock the real user out;
    - the account from every client: `signin_account_max_failures` in a row (far more) lock it
      for everyone, against a guesser spread over many addresses.

    A locked account, an unknown name and a wrong password get the same answer, and in
    production the published demo password is refused like a wrong one. Returns a result
    instead of raising, so the caller's transaction commits what the attempt recorded.

    A success also starts a session (tlo/auth/sessions.py) that keeps the browser signed in
    across reloads and tabs; the result carries its hand-off for the page to pass on.
    """
    settings = get_settings()
    now = now or utcnow()
    client = throttle.client_key(client)
    counted = throttle.count_attempt(
        session,
        key=throttle.client_row(client),
        limit=settings.signin_client_max_failures,
        minutes=settings.signin_client_window_minutes,
        now=now,
    )
    session.commit()  # other attempts see this one at once (and no lock is held meanwhile)
    if counted.refused:  # the same answer for every name: no need to spend a hash on it
        return SignInResult(None, throttled_message(counted.minutes_left(now)))
    row = session.exec(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Account.username == username.strip().lower())
    ).first()
    if row is None:
        verify_password(None, password)  # the same cost as a real check: see passwords.py
        _record_client_failure(session, client, counted, settings)
        return SignInResult(None, WRONG_CREDENTIALS)
    account, person = row
    pair = throttle.count_attempt(
        session,
        key=throttle.pair_row(account.id, client),
        account_id=account.id,
        limit=settings.signin_max_failures,
        minutes=settings.signin_lockout_minutes,
        now=now,
    )
    session.commit()
    everywhere = None
    if not pair.refused:
        everywhere = _count_attempt(
            session,
            account.id,
            now,
            settings.signin_account_max_failures,
            timedelta(minutes=settings.signin_lockout_minutes),
        )
        session.commit()
    if everywhere is None:  # locked: the password is not even checked
        verify_password(None, password)
        _record_client_failure(session, client, counted, settings)
        return SignInResult(None, WRONG_CREDENTIALS)
    if settings.production and is_demo_password(password):
        verify_password(None, password)
        right = False
        log.warning(
            "Refused the demo password for %r from %s (TLO_ENV=production).",
            account.username,
            client,
        )
        audit.record(
            session,
            actor=None,
            action="account.demo_password_refused",
            object_type="account",
            object_id=account.id,
            after={"client": client},
        )
    else:
        right = verify_password(account.password_hash, password)
    if not right:
        _record_client_failure(session, client, counted, settings)
        if pair.failures >= settings.signin_max_failures:
            audit.record(
                session,
                actor=None,
                action="account.locked_for_client",
                object_type="account",
                object_id=account.id,
                after={"client": client, "until": pair.window_ends_at, "failures": pair.failures},
            )
        if everywhere >= settings.signin_account_max_failures:
            audit.record(
                session,
                actor=None,
                action="account.locked",
                object_type="account",
                object_id=account.id,
                after={
                    "locked_until": now + timedelta(minutes=settings.signin_lockout_minutes),
                    "failures": everywhere,
                },
            )
        return SignInResult(None, WRONG_CREDENTIALS)
    # The right password: not a failure of this client, and the end of this pair's run.
    throttle.refund(session, key=throttle.client_row(client))
    throttle.forget(session, key=throttle.pair_row(account.id, client))
    if not (account.active and person.active):
        return SignInResult(None, "This account is deactivated. Ask the office's administrator.")
    throttle.purge_ended(session, now=now)
    session.refresh(account)
    if needs_rehash(account.password_hash):
        account.password_hash = rehash(password)
    account.failed_signins = 0
    account.locked_until = None
    account.last_signin_at = now
    session.add(account)
    actor = _actor(session, account, person)
    audit.record(
        session,
        actor=actor,
        action="account.signed_in",
        object_type="account",
        object_id=account.id,
        after={"client": client},
    )
    started = sessions.start(session, account_id=account.id, client=client, now=now)
    return SignInResult(actor, started=started)


def throttled_message(minutes: int) -> str:
    return (
        "Too many failed sign-ins from your network address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def _record_client_failure(session: Session, client: str, counted: throttle.Count, settings):
    """Audit the failure that reached the client's limit (once a window)."""
    if counted.failures == settings.signin_client_max_failures:
        audit.record(
            session,
            actor=None,
            action="signin.client_throttled",
            object_type="client",
            object_id=client,
            after={"until": counted.window_ends_at, "failures": counted.failures},
        )


def _count_attempt(
    session: Session, account_id: int, now: datetime, limit: int, lockout: timedelta
) -> int | None:
    """Count one attempt on the account from any client, atomically; the attempt's number,
    or None while the account is locked. The attempt that reaches `limit` locks the account
    at once (a right password then lifts the lock), so no later attempt slips in while it is
    being checked; a lock that has run out starts the count again."""
    table = Account.__table__
    expired = sa.and_(table.c.locked_until.is_not(None), table.c.locked_until <= now)
    open_ = sa.and_(table.c.locked_until.is_(None), table.c.failed_signins < limit)
    failures = sa.case((expired, 1), else_=table.c.failed_signins + 1)
    counted = session.execute(
        sa.update(table)
        .where(table.c.id == account_id, sa.or_(open_, expired))
        .values(
            failed_signins=failures,
            locked_until=sa.case((failures >= limit, now + lockout), else_=sa.null()),
        )
        .returning(table.c.failed_signins)
    ).first()
    return None if counted is None else counted[0]


def demo_accounts_present(session: Session) -> bool:
    """Whether a demo account (tlo/demo.py) may still sign in: an active demo username whose
    person has the demo's e-mail address. The demo's addresses are in a domain reserved for
    examples (RFC 2606), so no real person has one; a single indexed query, no hashing."""
    from tlo import demo  # tlo.demo builds on these services

    demo_pairs = [
        sa.and_(Account.username == username, Person.email == f"{local}@{demo.EMAIL_DOMAIN}")
        for username, (local, _roles) in demo.ACCOUNTS.items()
    ]
    found = session.exec(
        select(Account.id)
        .join(Person, Person.id == Account.person_id)
        .where(Account.active, Person.active, sa.or_(*demo_pairs))
        .limit(1)
    ).first()
    return found is not None


def actor_for_email(session: Session, email: str) -> Actor | None:
    """Map an e-mail confirmed by single sign-on to the active account of that person."""
    row = session.exec(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Person.email == email.strip().lower(), Account.active, Person.active)
    ).first()
    return _actor(session, *row) if row else None


def _validate_roles(roles: set[Role] | frozenset[Role]) -> frozenset[Role]:
    roles = frozenset(Role(role) for role in roles)
    if not roles:
        raise ValidationError("Give the account at least one role.")
    if Role.LICENSEE in roles and len(roles) > 1:
        # A licensee is outside the office: no account both reads a company's own records and
        # the office's confidential ones.
        raise ValidationError("A licensee's account holds the licensee role only.")
    return roles


def active_admin_count(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(Account)
        .join(AccountRole, AccountRole.account_id == Account.id)
        .join(Person, Person.id == Account.person_id)
        .where(Account.active, Person.active, AccountRole.role == Role.ADMIN.value)
    ).one()


def _get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"There is no account {account_id}.")
    return account


def create_account(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    username: str,
    roles: set[Role] | frozenset[Role],
    password: str | None,
) -> Account:
    """An account for an existing person. No password: single sign-on only."""
    require(actor, "account.manage")
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValidationError(
            "A username uses letters, digits, dots, hyphens and underscores only."
        )
    roles = _validate_roles(roles)
    person = session.get(Person, person_id)
    if person is None or not person.active:
        raise NotFound("Choose an active person for the account.")
    if session.exec(select(Account).where(Account.username == username)).first():
        raise ValidationError(f"The username {username!r} is taken.")
    if session.exec(select(Account).where(Account.person_id == person_id)).first():
        raise ValidationError(f"{person.full_name} already has an account.")
    account = Account(
        person_id=person_id,
        username=username,
        password_hash=hash_password(password) if password else None,
    )
    session.add(account)
    session.flush()
    session.add_all(AccountRole(account_id=account.id, role=role.value) for role in roles)
    audit.record(
        session,
        actor=actor,
        action="account.created",
        object_type="account",
        object_id=account.id,
        after={"username": username, "person_id": person_id, "roles": roles},
    )
    return account


def create_administrator(
    session: Session,
    *,
    actor: Actor,
    username: str,
    email: str,
    full_name: str,
    password: str,
) -> Account:
    """A real office's first start: a person and their account with the admin role, together
    (one transaction: the caller's). The demo password is refused here in every environment:
    it is published, and this account is meant to be real."""
    from tlo.people import services as people  # the people services build on auth

    require(actor, "account.manage")
    check_password_strength(password)
    if is_demo_password(password):
        raise ValidationError(DEMO_PASSWORD_REFUSED)
    person = people.create_person(session, actor=actor, full_name=full_name, email=email)
    return create_account(
        session,
        actor=actor,
        person_id=person.id,
        username=username,
        roles={Role.ADMIN},
        password=password,
    )


def set_roles(
    session: Session, *, actor: Actor, account_id: int, roles: set[Role] | frozenset[Role]
) -> None:
    require(actor, "account.manage")
    roles = _validate_roles(roles)
    account = _get_account(session, account_id)
    before = _roles_of(session, [account_id])[account_id]
    if before == roles:
        return
    session.exec(delete(AccountRole).where(AccountRole.account_id == account_id))
    session.add_all(AccountRole(account_id=account_id, role=role.value) for role in roles)
    session.flush()
    if account.active and active_admin_count(session) == 0:
        raise ValidationError("At least one active account must keep the admin role.")
    audit.record(
        session,
        actor=actor,
        action="account.roles_changed",
        object_type="account",
        object_id=account_id,
        before={"roles": before},
        after={"roles": roles},
    )


def set_licensee_company(
    session: Session, *, actor: Actor, account_id: int, company_id: int | None
) -> None:
    """The company a licensee's account belongs to (None: none, it then sees nothing)."""
    from tlo.licensing.models import Company  # licensing builds on auth

    require(actor, "account.manage")
    account = _get_account(session, clean_id(account_id, what="account"))
    if company_id is not None:
        company_id = clean_id(company_id, what="company")
        if session.get(Company, company_id) is None:
            raise NotFound(f"There is no company {company_id}.")
        if Role.LICENSEE not in _roles_of(session, [account.id])[account.id]:
            raise ValidationError("Only a licensee's account belongs to a company.")
    link = session.get(LicenseeAccount, account.id)
    before = link.company_id if link else None
    if before == company_id:
        return
    if link is not None:
        session.delete(link)
        session.flush()
    if company_id is not None:
        session.add(LicenseeAccount(account_id=account.id, company_id=company_id))
    audit.record(
        session,
        actor=actor,
        action="account.licensee_company_changed",
        object_type="account",
        object_id=account.id,
        before={"company_id": before},
        after={"company_id": company_id},
    )


def licensee_company(session: Session, *, actor: Actor, account_id: int):
    """The company a licensee's account belongs to (None: none yet)."""
    from tlo.licensing.models import Company  # licensing builds on auth

    require(actor, "account.manage")
    link = session.get(LicenseeAccount, clean_id(account_id, what="account"))
    return session.get(Company, link.company_id) if link else None


def set_account_active(session: Session, *, actor: Actor, account_id: int, active: bool) -> None:
    """Deactivate or reactivate an account. The Accounts page deactivates through
    `tlo.auth.handover.deactivate`, which first shows and hands over what the person holds."""
    require(actor, "account.manage")
    active = clean_bool(active, what="whether the account is active")
    account = _get_account(session, clean_id(account_id, what="account"))
    if account.active == active:
        return
    if account_id == actor.account_id and not active:
        raise ValidationError("You cannot deactivate your own account.")
    account.active = active
    session.add(account)
    session.flush()
    if active_admin_count(session) == 0:
        raise ValidationError("At least one active account must keep the admin role.")
    if not active:  # signed out at once in every browser, not only on its next page view
        sessions.end_all_for(session, account_id=account_id, reason=sessions.Ended.DEACTIVATED)
    audit.record(
        session,
        actor=actor,
        action="account.activated" if active else "account.deactivated",
        object_type="account",
        object_id=account_id,
        before={"active": not active},
        after={"active": active},
    )


def reset_password(session: Session, *, actor: Actor, account_id: int, new_password: str) -> None:
    """An administrator sets a new password; this also lifts a lockout, and signs the
    account out of every browser (whoever knew the old password may be signed in)."""
    require(actor, "account.manage")
    account = _get_account(session, account_id)
    account.password_hash = hash_password(new_password)
    account.failed_signins = 0
    account.locked_until = None
    session.add(account)
    throttle.forget_account(session, account_id=account_id)
    sessions.end_all_for(session, account_id=account_id, reason=sessions.Ended.PASSWORD_RESET)
    audit.record(
        session,
        actor=actor,
        action="account.password_reset",
        object_type="account",
        object_id=account_id,
    )


def change_own_password(
    session: Session,
    *,
    actor: Actor,
    current_password: str,
    new_password: str,
    keep_session_id: int | None = None,
) -> None:
    """Every browser signed in with the old password is signed out; `keep_session_id` (the
    session of the tab the user changed it in) stays signed in."""
    require(actor, "account.change_own_password")
    account = _get_account(session, actor.account_id)
    if not verify_password(account.password_hash, current_password):
        raise ValidationError("The current password is wrong.")
    if current_password == new_password:
        raise ValidationError("Choose a new password that differs from the current one.")
    account.password_hash = hash_password(new_password)
    session.add(account)
    sessions.end_all_for(
        session,
        account_id=account.id,
        reason=sessions.Ended.PASSWORD_CHANGED,
        keep_session_id=keep_session_id,
    )
    audit.record(
        session,
        actor=actor,
        action="account.password_changed",
        object_type="account",
        object_id=account.id,
    )


@dataclass(frozen=True)
class AccountRow:
    account_id: int
    username: str
    person_id: int
    full_name: str
    email: str
    roles: frozenset[Role]
    active: bool
    locked_until: datetime | None
    last_signin_at: datetime | None

    @property
    def role_labels(self) -> str:
        return ", ".join(role.label for role in Role if role in self.roles)


def list_accounts(
    session: Session, *, actor: Actor, search: str = "", offset: int = 0, limit: int = 50
) -> Page[AccountRow]:
    require(actor, "account.manage")
    query = select(Account, Person).join(Person, Person.id == Account.person_id)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Person.full_name).like(pattern) | col(Account.username).like(pattern)
        )
    page = paginate(session, query.order_by(Account.username), offset=offset, limit=limit)
    roles = _roles_of(session, [account.id for account, _ in page.items])
    rows = [
        AccountRow(
            account_id=account.id,
            username=account.username,
            person_id=person.id,
            full_name=person.full_name,
            email=person.email,
            roles=roles[account.id],
            active=account.active,
            locked_until=account.locked_until,
            last_signin_at=account.last_signin_at,
        )
        for account, person in page.items
    ]
    return Page(items=rows, total=page.total, offset=page.offset, limit=page.limit)
