"""The notifications page on the demo office: the unread count in the sidebar and on the page,
marking read, choosing how each kind is received, and the administrator's failed messages."""

import pytest
from sqlmodel import select

from tests.app.conftest import button
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Account
from tlo.notify import inbox, outbox
from tlo.notify.kinds import Kind
from tlo.notify.models import OutboxMessage

PAGE = "pages/notifications.py"


def actor_of(database_url, username):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        account_id = session.exec(select(Account.id).where(Account.username == username)).one()
        return accounts.load_actor(session, account_id)


def unread(database_url, actor) -> int:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return inbox.unread_count(session, actor=actor)


def sidebar_links(app) -> list[str]:
    return [element.proto.label for element in app.sidebar.get("page_link")]


def open_page(open_app, username):
    app = open_app(username)
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("username", ["inventor", "officer", "finance", "director", "admin"])
def test_every_signed_in_role_opens_its_notifications(open_app, username):
    app = open_page(open_app, username)
    assert app.title[0].value == "Notifications"
    tabs = [tab.label for tab in app.tabs]
    assert ("Failed messages" in tabs) is (username == "admin")


def test_the_unread_count_shows_in_the_sidebar_and_marking_read_lowers_it(open_app, database_url):
    inventor = actor_of(database_url, "inventor")
    count = unread(database_url, inventor)
    assert count >= 2  # the demo's cases told her of their steps
    app = open_page(open_app, "inventor")
    assert f"{count} unread notifications" in sidebar_links(app)
    assert app.metric[0].value == str(count)
    newest = next(b for b in app.button if (b.key or "").startswith("read_"))
    newest.click().run()
    assert not app.exception, app.exception
    assert unread(database_url, inventor) == count - 1
    assert f"{count - 1} unread notification{'s' if count - 1 != 1 else ''}" in sidebar_links(app)
    button(app, "Mark all read").click().run()
    assert unread(database_url, inventor) == 0
    assert not any("unread" in label for label in sidebar_links(app))


def test_a_preference_changed_on_the_page_is_kept_and_deadlines_cannot_be_switched_off(
    open_app, database_url
):
    officer = actor_of(database_url, "officer")
    app = open_page(open_app, "officer")
    deadline = app.selectbox(key=f"mode_{Kind.DEADLINE}")
    assert "off" not in deadline.options and "Not at all" not in deadline.options
    assert any("cannot be switched off" in caption.value for caption in app.caption)
    app.selectbox(key=f"mode_{Kind.CASE_ASSIGNED}").set_value("weekly")
    app.selectbox(key=f"mode_{Kind.LICENSE_SIGNED}").set_value("off")
    app.button(key="FormSubmitter:preferences-Save my choices").click().run()
    assert not app.exception, app.exception
    with db.unit_of_work(db.get_engine(database_url)) as session:
        modes = {p.kind: p.mode for p in inbox.my_preferences(session, actor=officer)}
    assert modes[Kind.CASE_ASSIGNED] == "weekly"
    assert modes[Kind.LICENSE_SIGNED] == "off"
    assert modes[Kind.DEADLINE] == "immediately"


def test_the_administrator_sees_a_failed_message_with_its_error_and_retries_it(
    open_app, database_url
):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        message = outbox.queue(
            session,
            kind=Kind.DISCLOSURE_SUBMITTED,
            recipient_email="someone@university.example",
            subject="Disclosure received: S26-0999",
            body="We received it.",
        )
        message.status, message.attempts = "failed", outbox.MAX_ATTEMPTS
        message.last_error = "550 no such user"
        session.add(message)
        message_id = message.id
    app = open_page(open_app, "admin")
    shown = " ".join(m.value for m in app.markdown) + " ".join(c.value for c in app.caption)
    assert "Disclosure received: S26-0999" in shown and "550 no such user" in shown
    app.button(key=f"retry_{message_id}").click().run()
    assert not app.exception, app.exception
    with db.unit_of_work(db.get_engine(database_url)) as session:
        retried = session.get(OutboxMessage, message_id)
        assert (retried.status, retried.attempts) == ("queued", 0)
    assert app.success and "goes out with the next send-mail" in app.success[0].value
