"""An outside co-inventor, from the e-mail to the signature (issue #18): the inventor submits
with a co-inventor from another university and signs; `python -m tlo send-mail` sends the
outbox to a local SMTP server; the co-inventor opens the link read from that mail, signs and
confirms their share without an account; the link then works no more; the officer sees both
signatures on the case."""

import re
import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, _at_test_clock
from tests.browser.test_disclosure_journey import fill_what_every_disclosure_needs, settle, sign_out
from tests.browser.test_sign_in_journey import sign_in
from tlo.demo import DEMO_PASSWORD

TITLE = "Tear-film glucose sensor on a contact lens"
OUTSIDE = ("Dr. Henrike Vogel", "h.vogel@tu-example.de", "TU Example Berlin")


def send_mail(database_url: str, port: int) -> None:
    """The outbox, sent as cron would send it: the real command, in its own process."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TLO_DATABASE_URL": database_url,
        # the app's data folder, as cron's would be: an invoice's Word file is kept there
        "TLO_DATA_DIR": str(Path(database_url.removeprefix("sqlite:///")).parent),
        "TLO_SMTP_HOST": "127.0.0.1",
        "TLO_SMTP_PORT": str(port),
        "TLO_MAIL_FROM": "otl@university.example",
    }
    subprocess.run(
        [*_at_test_clock(), "tlo", "send-mail"], env=env, cwd=ROOT, check=True, timeout=120
    )


def submit_with_an_outside_co_inventor(page: Page) -> str:
    fill_what_every_disclosure_needs(
        page,
        TITLE,
        "A lens reads glucose from tears and reports it to a phone.",
        "A boronic-acid hydrogel swells with glucose ...",
        "Finger pricks hurt; this needs none.",
    )
    page.get_by_text("Co-inventor from outside the university").click()
    name, email, organisation = OUTSIDE
    outside = page.get_by_test_id("stExpander").filter(has_text="Co-inventor from outside")
    for label, value in (("Full name", name), ("E-mail", email), ("Organisation", organisation)):
        box = outside.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Tab")
        settle(page)
    page.get_by_role("button", name="Add outside co-inventor").click()
    settle(page)
    expect(page.get_by_text(re.compile(f"^{re.escape(name)} ·"))).to_be_visible()
    shares = page.get_by_label("Share %")
    shares.nth(0).fill("60")
    shares.nth(0).press("Tab")
    settle(page)
    shares.nth(1).fill("40")
    shares.nth(1).press("Tab")
    settle(page)
    page.get_by_role("button", name="Submit to the licensing office").click()
    thanks = page.get_by_text(re.compile(r"Your disclosure was received as S\d\d-\d{4}"))
    expect(thanks).to_be_visible()
    return re.search(r"S\d\d-\d{4}", thanks.inner_text()).group(0)


def test_an_outside_co_inventor_signs_through_the_emailed_link_and_the_officer_sees_it(
    page, app_url, app_database_url, screenshot, smtp_server
):
    sign_in(page, app_url, "inventor", DEMO_PASSWORD)
    docket = submit_with_an_outside_co_inventor(page)
    # My disclosures opens on the new case: the inventor signs it there.
    page.get_by_role("combobox", name="Open a case").click()
    page.get_by_role("option", name=re.compile(docket)).click()
    settle(page)
    expect(page.get_by_text("Please sign the disclosure.")).to_be_visible()
    page.get_by_role("textbox", name="Type your full name to sign").fill("Alice Chen")
    page.get_by_role("button", name="Sign", exact=True).click()
    settle(page)
    expect(page.get_by_text(re.compile("What happens next:"))).to_be_visible()
    sign_out(page)

    inbox, port = smtp_server
    send_mail(app_database_url, port)
    to_her = {m["Subject"]: m.get_content() for rcpt, m in inbox.messages if OUTSIDE[1] in rcpt}
    assert set(to_her) == {
        f"Disclosure received: {docket}",
        f"Please confirm your share of {docket}",
    }, to_her
    assert "A boronic-acid hydrogel" not in "".join(to_her.values())  # nothing confidential
    body = to_her[f"Please confirm your share of {docket}"]
    link = re.search(r"(http://127\.0\.0\.1:\d+/share/\S+)", body).group(1)
    assert link.startswith(app_url)

    page.goto(link)
    expect(page.get_by_text("40")).not_to_have_count(0)
    screenshot("share-link-page")
    page.get_by_label("Type your full name to sign and confirm").fill(OUTSIDE[0])
    page.get_by_role("button", name=re.compile(r"Sign and confirm my share of 40")).click()
    expect(page.get_by_text(re.compile("confirmed", re.IGNORECASE)).first).to_be_visible()
    page.goto(link)  # once only
    expect(page.get_by_role("button", name=re.compile("Sign and confirm"))).to_have_count(0)

    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Olivia Ortega")).to_be_visible()
    settle(page)  # the session cookie is set by then
    page.goto(f"{app_url}/?case={docket}")
    expect(page.get_by_role("heading", name=re.compile(docket))).to_be_visible()
    settle(page)
    page.get_by_role("tab", name="Inventors & funding").click()
    settle(page)
    # The signers' table (the one with where each stands), not the signatures' below it:
    # while the grids draw, the first with "Signer" in it may be either.
    signers = page.get_by_test_id("stDataFrame").filter(has_text="Current version")
    expect(signers).to_contain_text("Alice Chen")
    expect(signers).to_contain_text(OUTSIDE[0])
    screenshot("case-both-signatures")
    cells = signers.text_content()  # the grid's cells, as a screen reader reads them
    assert cells.count("Signed") >= 3, cells  # the column "Signed", and each of the two
    assert "Not signed yet" not in cells
