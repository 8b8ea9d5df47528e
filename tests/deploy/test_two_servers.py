"""The scale-out path, for real: deploy/start.sh migrates a fresh PostgreSQL schema once and
starts two app processes; Debian's nginx balances them with the shipped configuration
(deploy/nginx/); two browsers work through it at the same time, each on its own process, and
every change of both reaches the database and the other browser."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import col, select

from tests.browser.conftest import (
    CHROMIUM,
    ROOT,
    SCREENSHOTS,
    _at_test_clock,
    _free_port,
    _wait_until_healthy,
)
from tests.browser.test_disclosure_journey import choose, go_to, open_tab, settle, type_into
from tests.browser.test_sign_in_journey import sign_in
from tests.conftest import POSTGRES_URL, create_postgres_schema, drop_postgres_schema
from tlo import db
from tlo.audit import AuditEntry
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import CaseNote, Disclosure
from tlo.people.models import Person

pytestmark = pytest.mark.browser

NGINX_DIR = ROOT / "deploy" / "nginx"
HOST = "tlo.test"  # a name that is not localhost: Streamlit's origin checks really run
AUDITED = ["disclosure.officer_assigned", "disclosure.note_added"]
ROUTES_FORMAT = "$cookie_tlo_node $upstream_addr $status $request_method $uri"


@pytest.fixture
def stack(tmp_path):
    """deploy/start.sh (two app processes) on a fresh, seeded PostgreSQL schema behind nginx.
    Yields the nginx URL, the database URL, the two app ports and the log files."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("Debian's nginx is missing: `make test` installs it (apt-get install nginx).")
    if not POSTGRES_URL:
        pytest.skip("TLO_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    schema, database_url = create_postgres_schema()
    data_dir = tmp_path / "data"
    app_log, nginx_dir = tmp_path / "start.log", tmp_path / "nginx"
    ports = _two_free_ports()
    env = {
        **os.environ,
        "TLO_DATABASE_URL": database_url,
        "TLO_DATA_DIR": str(data_dir),
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
        "STREAMLIT_SERVER_ALLOWED_HOSTS": HOST,
        "TLO_PROCESSES": "2",
        "TLO_PORT": str(ports[0]),
        "TLO_PYTHON": str(_python_on_test_clock(tmp_path)),
        # start.sh defaults to production, which refuses the demo accounts' published password.
        "TLO_ENV": "development",
    }
    processes: list[subprocess.Popen] = []
    try:
        with app_log.open("w") as log:
            started = subprocess.Popen(
                [str(ROOT / "deploy" / "start.sh")],
                env=env,
                cwd=tmp_path,  # start.sh finds the project itself
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.append(started)
        # The demo office, loaded while the app processes start up (its migrate is a no-op).
        _wait_for_line(app_log, "Database at revision", started)
        subprocess.run(
            [*_at_test_clock(), "tlo", "seed-demo"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        for port in ports:
            _wait_until_healthy(f"http://127.0.0.1:{port}", started)
        nginx_port = _free_port()
        config = _nginx_config(nginx_dir, nginx_port, ports)
        foreground = ["-g", "daemon off;"]  # as this user, with its own prefix and logs
        proxy = subprocess.Popen(
            [nginx, "-p", nginx_dir, "-e", nginx_dir / "error.log", "-c", config, *foreground],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        processes.append(proxy)
        _wait_until_healthy(f"http://127.0.0.1:{nginx_port}", proxy)
        yield {
            "url": f"http://{HOST}:{nginx_port}",
            "nginx_port": nginx_port,
            "database_url": database_url,
            "ports": ports,
            "app_log": app_log,
            "access_log": nginx_dir / "access.log",
            "error_log": nginx_dir / "error.log",
        }
    finally:
        for process in reversed(processes):
            _stop(process)
        drop_postgres_schema(schema, database_url)


def test_two_browsers_work_at_once_on_two_app_processes_and_no_update_is_lost(stack, playwright):
    began = time.monotonic()
    url, ports = stack["url"], stack["ports"]
    _check_new_browsers_get_a_process_and_keep_it(stack)
    _check_foreign_hosts_and_origins_are_refused(stack)
    _check_the_catalogue_is_public_and_sets_no_cookie(stack)
    node_of = _affinity_values_for_each_process(stack["nginx_port"], ports)
    assert _migrations_run(stack["app_log"]) == 1  # by start.sh, before the processes

    waiting = _queue_oldest_first(stack["database_url"])
    audited_before = _last_audit_id(stack["database_url"])
    assert len(waiting) >= 4, waiting
    q1, q2, q3, q4 = waiting[:4]
    note_a = "Officer: the inventors sent the bench data; novelty looks strong."
    note_b = "Director: hold the budget review until the bench data is in."

    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
        ],
    )
    try:
        pages = {}
        for who, port in (("officer", ports[0]), ("director", ports[1])):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_cookies([{"name": "tlo_node", "value": node_of[port], "url": url}])
            pages[who] = context.new_page()
            pages[who].set_default_timeout(30_000)
        officer, director = pages["officer"], pages["director"]
        both = (officer, director)
        expect.set_options(timeout=20_000)

        sign_in(officer, url, "officer", DEMO_PASSWORD)
        sign_in(director, url, "director", DEMO_PASSWORD)
        expect(officer.get_by_role("heading", name="Welcome, Olivia Ortega")).to_be_visible()
        expect(director.get_by_role("heading", name="Welcome, Diane Whitfield")).to_be_visible()
        for page in both:
            go_to(page, "Intake queue")

        # Two rounds: each takes a case from the one intake queue, both clicks in flight
        # together. The officer takes hers; the director gives his to Marcus Lee.
        for mine, his in ((q1, q2), (q3, q4)):
            choose(officer, "Case", mine)
            choose(director, "Case", his)
            choose(director, "Licensing officer", "Marcus Lee")
            officer.get_by_role("button", name="Assign", exact=True).click()
            director.get_by_role("button", name="Assign", exact=True).click()
            expect(officer.get_by_text(f"{mine} assigned to Olivia Ortega.")).to_be_visible()
            expect(director.get_by_text(f"{his} assigned to Marcus Lee.")).to_be_visible()
            for page in both:
                settle(page)

        # Both write a note on the same case at the same moment.
        for page in both:
            go_to(page, "Case file")
            type_into(page, "Find a case by docket, title, keyword or inventor", q1)
            choose(page, "Matching cases", q1)
            expect(page.get_by_role("heading", name=re.compile(q1))).to_be_visible()
            open_tab(page, "Notes")
        forms = {page: page.get_by_test_id("stForm").filter(has_text="Add note") for page in both}
        forms[officer].get_by_label("Note").fill(note_a)
        forms[director].get_by_label("Note").fill(note_b)
        for page in both:
            forms[page].get_by_role("button", name="Add note").click()
        for page in both:
            expect(page.get_by_text("Note added.")).to_be_visible()
            settle(page)

        # Each process reads what the other wrote: both notes on the case, the queue without
        # the four cases.
        for page, name in ((officer, "officer"), (director, "director")):
            go_to(page, "Home", "Welcome")
            go_to(page, "Case file", q1)
            open_tab(page, "Notes")
            for note in (note_a, note_b):
                expect(page.get_by_text(note)).to_be_visible()
            page.screenshot(path=_screenshot(f"two-servers-{name}-notes"))
            go_to(page, "Intake queue")
            page.get_by_role("combobox", name="Case").click()
            listed = " ".join(page.get_by_role("option").all_inner_texts())
            page.keyboard.press("Escape")
            assert not [docket for docket in (q1, q2, q3, q4) if docket in listed], listed
            assert waiting[4] in listed
            page.screenshot(path=_screenshot(f"two-servers-{name}-queue"))
            expect(page.get_by_test_id("stException")).to_have_count(0)
            expect(page.get_by_text("Something went wrong")).to_have_count(0)
        for page in both:
            page.context.close()  # nginx logs a websocket when it closes
    finally:
        browser.close()

    # No lost update: every change of both browsers is in the database, once.
    officers = _officers_of(stack["database_url"], [q1, q2, q3, q4])
    assert officers == {
        q1: "Olivia Ortega",
        q2: "Marcus Lee",
        q3: "Olivia Ortega",
        q4: "Marcus Lee",
    }
    notes, audit = _notes_and_audit(stack["database_url"], q1, after=audited_before)
    assert sorted(notes) == sorted([("Olivia Ortega", note_a), ("Diane Whitfield", note_b)])
    assert audit["disclosure.officer_assigned"] == ["Diane Whitfield"] * 2 + ["Olivia Ortega"] * 2
    assert audit["disclosure.note_added"] == ["Diane Whitfield", "Olivia Ortega"]

    # Each browser was served, websocket included, by its own process, and only by it.
    routes = _routes(stack["access_log"], expected=set(node_of.values()))
    for port, node in node_of.items():
        assert routes[node]["upstreams"] == {f"127.0.0.1:{port}"}, routes[node]
        assert routes[node]["websockets"] >= 1, routes[node]
        assert routes[node]["errors"] == [], routes[node]
    problems = [
        line
        for line in stack["error_log"].read_text().splitlines()
        if re.search(r"\[(error|crit|alert|emerg)\]", line)
    ]
    assert problems == []
    app_log = stack["app_log"].read_text()
    assert "Traceback" not in app_log and "Unexpected error" not in app_log
    served = ", ".join(
        f"{who} by :{port} ({routes[node_of[port]]['requests']} requests)"
        for who, port in (("officer", ports[0]), ("director", ports[1]))
    )
    print(f"\ntwo servers: {time.monotonic() - began:.1f} s; {served}")


def _check_new_browsers_get_a_process_and_keep_it(stack) -> None:
    """A browser without the affinity cookie gets one, and the cookie takes its next requests
    to the process that served its first; new browsers spread over both processes."""
    seen = set()
    for _ in range(24):
        first = _get(stack["nginx_port"], "/_stcore/health")
        issued = _affinity_cookies(first)
        assert len(issued) == 1, first.headers.get_all("Set-Cookie")
        cookie = re.fullmatch(r"tlo_node=([0-9a-f]{32}); Path=/; HttpOnly; SameSite=Lax", issued[0])
        assert cookie, issued
        for _ in range(2):
            again = _get(stack["nginx_port"], "/_stcore/health", node=cookie.group(1))
            assert again.headers["X-Tlo-Upstream"] == first.headers["X-Tlo-Upstream"]
            assert _affinity_cookies(again) == []  # it has one: none is sent again
        seen.add(first.headers["X-Tlo-Upstream"])
    assert seen == {f"127.0.0.1:{port}" for port in stack["ports"]}


def _check_foreign_hosts_and_origins_are_refused(stack) -> None:
    """Host and Origin reach the app unchanged, so CORS and DNS-rebinding protection stay on."""
    port, ours = stack["nginx_port"], f"http://{HOST}:{stack['nginx_port']}"
    assert _websocket_status(port, host=f"{HOST}:{port}", origin=ours) == 101
    assert _websocket_status(port, host=f"{HOST}:{port}", origin="http://evil.example") == 403
    # A rebound name: same-origin, so only server.allowedHosts (STREAMLIT_SERVER_ALLOWED_HOSTS,
    # which start.sh hands on) refuses it.
    rebound = f"evil.example:{port}"
    assert _websocket_status(port, host=rebound, origin=f"http://{rebound}") == 403


def _check_the_catalogue_is_public_and_sets_no_cookie(stack) -> None:
    """nginx routes /catalogue/ to the app processes, which serve it without signing in, and
    sends no affinity cookie with it (the catalogue promises its visitors none)."""
    for path in ("/catalogue/", "/catalogue/sitemap.xml", "/catalogue/feed.xml"):
        url = f"http://127.0.0.1:{stack['nginx_port']}{path}"
        with urllib.request.urlopen(url, timeout=10) as answer:
            body = answer.read()
            assert answer.status == 200, path
            assert not answer.headers.get_all("Set-Cookie"), (path, answer.headers)
    assert b"Technologies available for licensing" not in body  # the feed: its own words
    with urllib.request.urlopen(f"http://127.0.0.1:{stack['nginx_port']}/catalogue/") as page:
        assert b"Technologies available for licensing" in page.read()


# -- helpers -------------------------------------------------------------------------------


def _two_free_ports() -> tuple[int, int]:
    """Two neighbouring free ports: start.sh runs its processes on PORT and PORT+1."""
    for _ in range(50):
        first = _free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
        return first, first + 1
    raise RuntimeError("No two neighbouring free ports.")


def _python_on_test_clock(tmp_path: Path) -> Path:
    """TLO_PYTHON for start.sh: `python -m MODULE ...` on the pinned test clock."""
    wrapper = tmp_path / "python-at-test-clock"
    clocked = " ".join(_at_test_clock())
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = -m ] && shift\ncd {ROOT}\nexec {clocked} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def _wait_for_line(path: Path, text: str, process: subprocess.Popen, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        if process.poll() is not None:
            raise RuntimeError(f"start.sh exited ({process.returncode}):\n{path.read_text()}")
        time.sleep(0.2)
    raise TimeoutError(f"{text!r} not in {path} within {timeout} s:\n{path.read_text()}")


def _nginx_config(directory: Path, port: int, app_ports) -> Path:
    """nginx.conf for an unprivileged nginx in `directory`: the shipped snippets as they are,
    the shipped upstream with this test's ports, and the upstream in each response."""
    directory.mkdir()
    shipped = (NGINX_DIR / "tlo.conf").read_text()
    upstream = re.search(r"upstream tlo \{.*?\n\}", shipped, re.S).group(0)
    ours = iter(app_ports)  # one `server` line per app process, as shipped
    upstream = re.sub(r"(?<=server 127\.0\.0\.1:)\d+", lambda _: str(next(ours)), upstream)
    temp = {kind: directory / kind for kind in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    config = directory / "nginx.conf"
    config.write_text(
        f"""
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format routes '{ROUTES_FORMAT}';
    access_log {directory}/access.log routes;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {NGINX_DIR / "tlo-http.conf"};
{upstream}
    server {{
        listen 127.0.0.1:{port};
        server_name {HOST};
        add_header X-Tlo-Upstream $upstream_addr always;
        include {NGINX_DIR / "tlo-proxy.conf"};
    }}
}}
"""
    )
    return config


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # start.sh stops its app processes on TERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Response:
    def __init__(self, headers):
        self.headers = headers


def _get(port: int, path: str, *, node: str | None = None) -> _Response:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if node is not None:
        request.add_header("Cookie", f"tlo_node={node}")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return _Response(response.headers)


def _affinity_cookies(response: _Response) -> list[str]:
    return [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("tlo_node=")]


def _affinity_values_for_each_process(nginx_port: int, app_ports) -> dict[int, str]:
    """An affinity cookie value that nginx routes to each app process (asked of nginx)."""
    found: dict[int, str] = {}
    for index in range(200):
        value = f"browser{index:03d}"
        upstream = _get(nginx_port, "/_stcore/health", node=value).headers["X-Tlo-Upstream"]
        found.setdefault(int(upstream.rsplit(":", 1)[1]), value)
        if len(found) == len(app_ports):
            return found
    raise AssertionError(f"nginx sent 200 browsers to {sorted(found)} only")


def _websocket_status(port: int, *, host: str, origin: str) -> int:
    """The status nginx answers a websocket handshake for the app's stream with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {host}\r\nOrigin: {origin}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n"
            ).encode()
        )
        status_line = connection.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def _migrations_run(app_log: Path) -> int:
    return app_log.read_text().count("Database at revision")


def _queue_oldest_first(database_url: str) -> list[str]:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return list(
            session.exec(
                select(Disclosure.docket)
                .where(Disclosure.status == "submitted")
                .where(col(Disclosure.officer_person_id).is_(None))
                .order_by(Disclosure.submitted_at, Disclosure.id)
            ).all()
        )


def _officers_of(database_url: str, dockets: list[str]) -> dict[str, str]:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return dict(
            session.exec(
                select(Disclosure.docket, Person.full_name)
                .join(Person, Person.id == Disclosure.officer_person_id)
                .where(col(Disclosure.docket).in_(dockets))
            ).all()
        )


def _last_audit_id(database_url: str) -> int:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return session.exec(select(sa.func.max(AuditEntry.id))).one() or 0


def _notes_and_audit(database_url: str, docket: str, *, after: int):
    """The notes on `docket`, and who made the audited changes since audit entry `after`."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        notes = session.exec(
            select(CaseNote.written_by_name, CaseNote.text)
            .join(Disclosure, Disclosure.id == CaseNote.disclosure_id)
            .where(Disclosure.docket == docket)
        ).all()
        entries = session.exec(
            select(AuditEntry.action, AuditEntry.actor_name)
            .where(col(AuditEntry.id) > after, col(AuditEntry.action).in_(AUDITED))
            .order_by(AuditEntry.action, AuditEntry.actor_name)
        ).all()
    audit = defaultdict(list)
    for action, actor_name in entries:
        audit[action].append(actor_name)
    return list(notes), audit


def _routes(access_log: Path, *, expected: set[str], timeout: float = 10) -> dict[str, dict]:
    """What nginx logged per affinity cookie: upstreams used, requests, websockets, errors.
    A websocket is logged when it closes, so wait until each browser's is there."""
    deadline = time.monotonic() + timeout
    while True:
        routes: dict[str, dict] = defaultdict(
            lambda: {"upstreams": set(), "requests": 0, "websockets": 0, "errors": []}
        )
        for line in access_log.read_text().splitlines():
            node, upstream, status, _method, uri = line.split(" ", 4)
            if node not in expected:
                continue
            route = routes[node]
            route["upstreams"].add(upstream)
            route["requests"] += 1
            route["websockets"] += uri == "/_stcore/stream" and status == "101"
            if int(status) >= 400:
                route["errors"].append(line)
        if all(routes[node]["websockets"] for node in expected) or time.monotonic() > deadline:
            return routes
        time.sleep(0.3)


def _screenshot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
