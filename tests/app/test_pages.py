"""Every page opens for every role that may see it, and is absent for every role that may not."""

import re

import pytest

from tests.app.conftest import navigation_paths
from tlo import ui
from tlo.auth.models import Role
from tlo.auth.permissions import GRANTS
from tlo.navigation import PAGES

DEMO_USER = {
    Role.INVENTOR: "inventor",
    Role.OFFICER: "officer",
    Role.FINANCE: "finance",
    Role.DIRECTOR: "director",
    Role.ADMIN: "admin",
    Role.LICENSEE: "licensee",
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
    _no_raw_none(app)


def _no_raw_none(app) -> None:
    """No table shows a raw "None" where a record has no value, and no sentence says it."""
    for frame in app.dataframe:
        assert frame.proto.placeholder == ui.MISSING, "a table without ui.MISSING for no value"
    for kind in ("markdown", "caption", "text", "info", "warning", "success", "metric"):
        for element in getattr(app, kind):
            shown = f"{getattr(element, 'label', '')} {element.value}"
            # 'None in this fiscal year.' is English; 'Agreement: None' is a missing value
            assert not re.search(r"\bNone\b(?! [a-z])", shown), f"{kind} shows None: {shown!r}"


@pytest.mark.parametrize(("role", "path"), FORBIDDEN)
def test_a_page_is_absent_for_a_role_that_may_not_see_it(open_app, role, path):
    app = open_app(DEMO_USER[role])
    assert path not in navigation_paths(app)
    with pytest.raises(ValueError):
        app.switch_page(path)


def test_the_home_page_welcomes_by_role(open_app):
    app = open_app("director")
    assert app.title[0].value == "Welcome, Diane Whitfield"
    office_late, welcome = [header.value for header in app.subheader]
    assert office_late.startswith("The office's cases past their stage's target (")
    assert welcome == "As the director"
