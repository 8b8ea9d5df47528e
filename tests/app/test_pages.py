"""Every page opens for every role that may see it, and is absent for every role that may not."""

import pytest

from tests.app.conftest import navigation_paths
from tlo.auth.models import Role
from tlo.auth.permissions import GRANTS
from tlo.navigation import PAGES

DEMO_USER = {
    Role.INVENTOR: "inventor",
    Role.OFFICER: "officer",
    Role.FINANCE: "finance",
    Role.DIRECTOR: "director",
    Role.ADMIN: "admin",
}

ALLOWED = [
    pytest.param(role, page.path, id=f"{role}-{page.path}")
    for role in Role
    for page in PAGES
    if role in GRANTS[page.permission]
]
FORBIDDEN = [
    pytest.param(role, page.path, id=f"{role}-{page.path}")
    for role in Role
    for page in PAGES
    if role not in GRANTS[page.permission]
]


@pytest.mark.parametrize(("role", "path"), ALLOWED)
def test_every_page_opens_for_every_role_that_may_see_it(open_app, role, path):
    app = open_app(DEMO_USER[role])
    assert path in navigation_paths(app)
    app.switch_page(path).run()
    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    assert app.title, "every page has a title"


@pytest.mark.parametrize(("role", "path"), FORBIDDEN)
def test_a_page_is_absent_for_a_role_that_may_not_see_it(open_app, role, path):
    app = open_app(DEMO_USER[role])
    assert path not in navigation_paths(app)
    with pytest.raises(ValueError):
        app.switch_page(path)


def test_the_home_page_welcomes_by_role(open_app):
    app = open_app("director")
    assert app.title[0].value == "Welcome, Diane Whitfield"
    assert [header.value for header in app.subheader] == ["As the director"]
