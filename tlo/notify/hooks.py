"""What each workflow step tells whom: the services call these after their change, in the
same transaction, so a change that rolls back tells no one.

Messages are plain and short and end with a link into the app. They never carry a case's
confidential content (its title counts) to an address outside the university unless the
recipient is an inventor of that case: such a recipient is told only that there is news, with
a link to the app (`_Teller.confidential_to`). The university's addresses are those under
TLO_UNIVERSITY_EMAIL_DOMAINS or, when that is not set, under the office's own e-mail address
(Administration -> Office settings); with neither, every address counts as outside. A person
recorded as external is outside whatever their address.

Staff are not told of what they did themselves (an officer recording their own filing
decision); inventors are always told, the submitting inventor too (the receipt with the
docket number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from tlo import navigation
from tlo.auth.models import Account, AccountRole
from tlo.auth.permissions import GRANTS, Actor
from tlo.config import get_settings
from tlo.disclosures.models import Disclosure, DisclosureInventor
from tlo.money import bp_to_percent
from tlo.notify import outbox
from tlo.notify.kinds import Kind
from tlo.people.models import Person

MY_DISCLOSURES = "pages/my_disclosures.py"
STATEMENTS = "pages/statements.py"

NEWS_SUBJECT = "tlo: there is news for you"
NEWS_BODY = "There is news for you from the technology licensing office. Sign in to tlo to read it."


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    email: str
    is_external: bool


# --- who is inside the university --------------------------------------------------------


def university_domains(session: Session) -> tuple[str, ...]:
    """The university's e-mail domains: the setting, else the office's own address's."""
    configured = get_settings().university_email_domains
    if configured:
        return configured
    from tlo.office_settings import parties

    office = parties(session)
    if office.placeholders or "@" not in office.office_email:
        return ()
    return (office.office_email.rsplit("@", 1)[1].strip().lower(),)


def inside_university(email: str, domains: Sequence[str]) -> bool:
    """Whether `email` is under one of `domains` (subdomains included: cs.stanford.edu)."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)


# --- recipients -----------------------------------------------------------------------------


def _people(session: Session, person_ids: Iterable[int]) -> list[Recipient]:
    ids = sorted({pid for pid in person_ids if pid is not None})
    found: list[Recipient] = []
    for start in range(0, len(ids), outbox.CHUNK):
        chunk = ids[start : start + outbox.CHUNK]
        found += [
            Recipient(p.id, p.full_name, p.email, p.is_external)
            for p in session.exec(
                select(Person).where(col(Person.id).in_(chunk), Person.active).order_by(Person.id)
            )
        ]
    return found


def _inventor_ids(session: Session, disclosure_id: int) -> list[int]:
    return list(
        session.exec(
            select(DisclosureInventor.person_id)
            .where(DisclosureInventor.disclosure_id == disclosure_id)
            .order_by(DisclosureInventor.position, DisclosureInventor.id)
        ).all()
    )


def intake_queue(session: Session) -> list[Recipient]:
    """Everyone whose role triages new disclosures (the permission table's
    `disclosure.triage`), with an active account."""
    roles = [role.value for role in GRANTS["disclosure.triage"]]
    ids = session.exec(
        select(Account.person_id)
        .join(AccountRole, AccountRole.account_id == Account.id)
        .where(Account.active, col(AccountRole.role).in_(roles))
        .distinct()
    ).all()
    return _people(session, ids)


# --- sending --------------------------------------------------------------------------------


class _Teller:
    """Queues one step's messages, applying the confidentiality rule to each."""

    def __init__(self, session: Session, actor: Actor | None) -> None:
        self.session = session
        self.actor_person_id = actor.person_id if actor else None
        self.domains = university_domains(session)
        self.base = get_settings().app_url
        self.pending: list[dict] = []

    def page(self, path: str) -> str:
        return navigation.link_to_page(path, base=self.base)

    def case(self, docket: str) -> str:
        # Without TLO_APP_URL, from the app's root: `/?case=S26-0142`.
        return navigation.link_to_case(docket, base=self.base or "/")

    def confidential_to(self, recipient: Recipient, inventors: set[int]) -> bool:
        """Whether the case's confidential content may go to this recipient's address."""
        if recipient.person_id in inventors:
            return True
        return not recipient.is_external and inside_university(recipient.email, self.domains)

    def tell(
        self,
        recipient: Recipient,
        *,
        kind: Kind,
        inventors: set[int],
        subject: str,
        lines: list[str],
        link: str,
        staff: bool = False,
    ) -> None:
        if staff and recipient.person_id == self.actor_person_id:
            return  # no one is told of what they did themselves
        if self.confidential_to(recipient, inventors):
            body = "\n".join([f"Dear {recipient.name},", "", *lines])
        else:
            subject, link = NEWS_SUBJECT, f"{self.base}/"
            body = "\n".join([f"Dear {recipient.name},", "", NEWS_BODY])
        self.pending.append(
            dict(
                kind=kind,
                recipient_email=recipient.email,
                recipient_name=recipient.name,
                recipient_person_id=recipient.person_id,
                subject=subject,
                body=body,
                link=link,
            )
        )

    def done(self) -> None:
        """Queue what was told, each as its recipient chose (looked up for all at once)."""
        modes = outbox.modes_for(
            self.session, {(m["recipient_person_id"], m["kind"]) for m in self.pending}
        )
        for message in self.pending:
            mode = modes[message["recipient_person_id"], message["kind"]]
            outbox.queue(self.session, **message, mode=mode, flush=False)
        self.pending = []
        self.session.flush()


def _quoted(disclosure: Disclosure) -> str:
    return f"“{disclosure.title}” ({disclosure.docket})"


# --- the steps ------------------------------------------------------------------------------


def disclosure_submitted(session: Session, *, actor: Actor, disclosure: Disclosure) -> None:
    """To each inventor: received, with the docket number; to the intake queue: a new case."""
    teller = _Teller(session, actor)
    inventor_ids = _inventor_ids(session, disclosure.id)
    inventors = set(inventor_ids)
    for person in _people(session, inventor_ids):
        teller.tell(
            person,
            kind=Kind.DISCLOSURE_SUBMITTED,
            inventors=inventors,
            subject=f"Disclosure received: {disclosure.docket}",
            lines=[
                f"The technology licensing office received the disclosure {_quoted(disclosure)}.",
                f"Its docket number is {disclosure.docket}: please give it when you write to us.",
            ],
            link=teller.page(MY_DISCLOSURES),
        )
    for person in intake_queue(session):
        teller.tell(
            person,
            kind=Kind.DISCLOSURE_SUBMITTED,
            inventors=inventors,
            subject=f"New disclosure in the intake queue: {disclosure.docket}",
            lines=[f"{_quoted(disclosure)} was submitted and waits for an officer."],
            link=teller.case(disclosure.docket),
            staff=True,
        )
    teller.done()


@dataclass(frozen=True)
class ShareToConfirm:
    """A co-inventor asked to answer their share: through their e-mailed link (`link`, valid
    until `until`) or, when they sign in to tlo (no link), on My disclosures."""

    person_id: int
    share_bp: int
    link: str | None = None
    until: date | None = None


def share_to_confirm(
    session: Session, *, disclosure: Disclosure, asks: Sequence[ShareToConfirm]
) -> None:
    """To each co-inventor whose share is unanswered: their share, and where to answer."""
    if not asks:
        return
    teller = _Teller(session, None)
    inventors = set(_inventor_ids(session, disclosure.id))
    officer = _people(session, [disclosure.officer_person_id])
    asked = {ask.person_id: ask for ask in asks}
    for person in _people(session, asked):
        ask = asked[person.person_id]
        lines = [
            f"You are named a co-inventor of the invention disclosure {_quoted(disclosure)}, "
            f"with a share of {bp_to_percent(ask.share_bp)} %."
        ]
        if ask.link is None:
            lines.append("Please confirm it, or dispute it and say why, on My disclosures.")
        else:
            lines.append(
                "Please confirm your share, or dispute it and say why, at this link. You need "
                f"no account; the link works once and until {ask.until:%d %B %Y}:"
            )
        if officer:
            lines += ["", f"Questions: {officer[0].name}, {officer[0].email}."]
        teller.tell(
            person,
            kind=Kind.SHARE_TO_CONFIRM,
            inventors=inventors,
            subject=f"Please confirm your share of {disclosure.docket}",
            lines=lines,
            link=ask.link or teller.page(MY_DISCLOSURES),
        )
    teller.done()


def case_assigned(session: Session, *, actor: Actor, disclosure: Disclosure) -> None:
    """To the (new) officer: the case is theirs; to the inventors: who their officer is."""
    teller = _Teller(session, actor)
    officers = _people(session, [disclosure.officer_person_id])
    if not officers:
        return
    (officer,) = officers
    inventor_ids = _inventor_ids(session, disclosure.id)
    inventors = set(inventor_ids)
    teller.tell(
        officer,
        kind=Kind.CASE_ASSIGNED,
        inventors=inventors,
        subject=f"{disclosure.docket} is assigned to you",
        lines=[f"{_quoted(disclosure)} is assigned to you."],
        link=teller.case(disclosure.docket),
        staff=True,
    )
    for person in _people(session, inventor_ids):
        teller.tell(
            person,
            kind=Kind.CASE_ASSIGNED,
            inventors=inventors,
            subject=f"Your licensing officer for {disclosure.docket}",
            lines=[
                f"Your licensing officer for {_quoted(disclosure)} is {officer.name} "
                f"({officer.email}). Write to them with any question about the case."
            ],
            link=teller.page(MY_DISCLOSURES),
        )
    teller.done()


def _to_case_people(
    session: Session,
    actor: Actor,
    disclosure: Disclosure,
    *,
    kind: Kind,
    subject: str,
    lines: list[str],
) -> None:
    """The same news to the case's inventors and to its officer."""
    teller = _Teller(session, actor)
    inventor_ids = _inventor_ids(session, disclosure.id)
    inventors = set(inventor_ids)
    for person in _people(session, inventor_ids):
        teller.tell(
            person,
            kind=kind,
            inventors=inventors,
            subject=subject,
            lines=lines,
            link=teller.page(MY_DISCLOSURES),
        )
    for person in _people(session, [disclosure.officer_person_id]):
        if person.person_id in inventors:
            continue  # told once, as an inventor
        teller.tell(
            person,
            kind=kind,
            inventors=inventors,
            subject=subject,
            lines=lines,
            link=teller.case(disclosure.docket),
            staff=True,
        )
    teller.done()


def filing_decision(
    session: Session, *, actor: Actor, disclosure: Disclosure, decision_label: str
) -> None:
    """The decision itself, not its rationale (the office's own assessment)."""
    _to_case_people(
        session,
        actor,
        disclosure,
        kind=Kind.FILING_DECISION,
        subject=f"Filing decision on {disclosure.docket}: {decision_label}",
        lines=[
            f"The licensing office decided on {_quoted(disclosure)}: {decision_label}.",
            "Your licensing officer can tell you more.",
        ],
    )


def patent_filed(
    session: Session,
    *,
    actor: Actor,
    disclosure: Disclosure,
    application: str,
    filed_on: date,
) -> None:
    """`application`: what was filed, as people call it ("US Provisional")."""
    _to_case_people(
        session,
        actor,
        disclosure,
        kind=Kind.PATENT_FILED,
        subject=f"Patent application filed for {disclosure.docket}",
        lines=[
            f"A patent application was filed for {_quoted(disclosure)} on {filed_on}: "
            f"{application}."
        ],
    )


def patent_granted(
    session: Session,
    *,
    actor: Actor,
    disclosure: Disclosure,
    application: str,
    grant_number: str,
    granted_on: date,
) -> None:
    _to_case_people(
        session,
        actor,
        disclosure,
        kind=Kind.PATENT_FILED,
        subject=f"Patent granted for {disclosure.docket}",
        lines=[
            f"A patent was granted for {_quoted(disclosure)} on {granted_on}: patent "
            f"{grant_number} (application {application})."
        ],
    )


def license_signed(
    session: Session,
    *,
    actor: Actor,
    agreement_number: str,
    agreement_kind: str,
    licensee: str,
    signed_on: date,
    disclosure_ids: Sequence[int],
) -> None:
    """To the inventors of the technologies the license covers: one message each, naming
    their technologies."""
    teller = _Teller(session, actor)
    cases = session.exec(
        select(Disclosure)
        .where(col(Disclosure.id).in_(list(disclosure_ids)))
        .order_by(Disclosure.docket)
    ).all()
    theirs: dict[int, list[Disclosure]] = defaultdict(list)
    for case in cases:
        for person_id in _inventor_ids(session, case.id):
            theirs[person_id].append(case)
    for person in _people(session, theirs):
        technologies = ", ".join(_quoted(case) for case in theirs[person.person_id])
        teller.tell(
            person,
            kind=Kind.LICENSE_SIGNED,
            inventors={person.person_id},
            subject=f"A license was signed for {theirs[person.person_id][0].docket}",
            lines=[
                f"{agreement_number}, a {agreement_kind.lower()} with {licensee}, was signed on "
                f"{signed_on}. It covers your technology {technologies}."
            ],
            link=teller.page(MY_DISCLOSURES),
        )
    teller.done()


DETAIL_CASES = 10  # a message names at most this many cases, then says how many more


def distribution_posted(session: Session, *, actor: Actor, which: Sequence) -> None:
    """To each person paid by the posted distributions `which` selects (conditions on
    Distribution): their amount, for which cases, and a link to their statement (every line
    that reached them). One message per person, however many distributions (an annual run)."""
    import sqlalchemy as sa

    from tlo.money import dollars, from_cents
    from tlo.revenue.engine import LineClass
    from tlo.revenue.models import Distribution, DistributionLine

    teller = _Teller(session, actor)
    chosen = select(Distribution.id).where(*which)
    rows = session.exec(
        select(
            DistributionLine.person_id,
            Distribution.disclosure_id,
            sa.func.sum(DistributionLine.amount_cents),
        )
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .where(
            col(Distribution.id).in_(chosen),
            col(DistributionLine.person_id).is_not(None),
            col(DistributionLine.recipient_class).in_([LineClass.INVENTOR, LineClass.LAB]),
        )
        .group_by(DistributionLine.person_id, Distribution.disclosure_id)
    ).all()
    if not rows:
        return
    cents: dict[int, dict[int, int]] = defaultdict(dict)
    for person_id, disclosure_id, amount in rows:
        cents[person_id][disclosure_id] = int(amount)
    paid_cases = select(Distribution.disclosure_id).where(col(Distribution.id).in_(chosen))
    cases = {
        case.id: case
        for case in session.exec(select(Disclosure).where(col(Disclosure.id).in_(paid_cases)))
    }
    inventors_of: dict[int, set[int]] = defaultdict(set)
    for disclosure_id, person_id in session.exec(
        select(DisclosureInventor.disclosure_id, DisclosureInventor.person_id).where(
            col(DisclosureInventor.disclosure_id).in_(paid_cases)
        )
    ):
        inventors_of[disclosure_id].add(person_id)
    for person in _people(session, cents):
        parts = sorted(cents[person.person_id].items(), key=lambda p: cases[p[0]].docket or "")
        total = from_cents(sum(amount for _, amount in parts))
        detail = "; ".join(
            f"{dollars(from_cents(amount))} for {_quoted(cases[case_id])}"
            for case_id, amount in parts[:DETAIL_CASES]
        )
        if len(parts) > DETAIL_CASES:
            detail += f"; and {len(parts) - DETAIL_CASES} more cases"
        # The cases' titles only to someone who is an inventor of every case named.
        named = [case_id for case_id, _ in parts]
        inventors = (
            {person.person_id}
            if all(person.person_id in inventors_of[case_id] for case_id in named)
            else set()
        )
        teller.tell(
            person,
            kind=Kind.DISTRIBUTION_POSTED,
            inventors=inventors,
            subject=f"A royalty distribution was posted: your part is {dollars(total)}",
            lines=[
                f"A distribution of license income was posted. Your part: {detail}.",
                "Your royalty statement lists every line that reached you.",
            ],
            link=teller.page(STATEMENTS),
        )
    teller.done()
