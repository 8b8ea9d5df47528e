"""The shipped nginx site (deploy/nginx/) is valid as Debian's nginx reads it, and agrees with
Streamlit's settings. tests/deploy/test_two_servers.py runs its parts with real traffic."""

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "deploy" / "nginx"


@pytest.fixture
def nginx() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        pytest.fail("Debian's nginx is missing: `make test` installs it (apt-get install nginx).")
    return found


def test_the_site_as_installed_on_debian_passes_nginx_t(nginx, tmp_path):
    # Debian's layout: conf.d/ and snippets/ beside nginx.conf, the site under sites-enabled/.
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "sites-enabled").mkdir()
    shutil.copy(NGINX_DIR / "tlo-http.conf", tmp_path / "conf.d")
    shutil.copy(NGINX_DIR / "tlo-proxy.conf", tmp_path / "snippets")
    certificate, key = tmp_path / "tlo.pem", tmp_path / "tlo.key"
    subject = ["-subj", "/CN=tlo.university.example", "-keyout", key, "-out", certificate]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject],
        check=True,
        capture_output=True,
    )
    site = (NGINX_DIR / "tlo.conf").read_text()
    site = site.replace("/etc/ssl/certs/tlo.university.example.pem", str(certificate))
    site = site.replace("/etc/ssl/private/tlo.university.example.key", str(key))
    (tmp_path / "sites-enabled" / "tlo").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        "events { }\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n"
    )
    paths = ["-p", tmp_path, "-e", tmp_path / "error.log", "-c", tmp_path / "nginx.conf"]
    checked = subprocess.run(
        [nginx, "-t", *paths, "-g", f"pid {tmp_path / 'nginx.pid'};"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_nginx_takes_the_uploads_streamlit_takes():
    """Streamlit accepts server.maxUploadSize MB plus 1 MB of multipart envelope; nginx must
    let exactly that through, or a large attachment fails with nginx's 413 instead."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit_mb = config["server"]["maxUploadSize"]
    proxy = (NGINX_DIR / "tlo-proxy.conf").read_text()
    assert re.search(r"^client_max_body_size (\d+)m;", proxy, re.M).group(1) == str(limit_mb + 1)


def test_the_site_lists_the_processes_that_start_sh_starts_by_default():
    start = (ROOT / "deploy" / "start.sh").read_text()
    processes = int(re.search(r"PROCESSES=\$\{TLO_PROCESSES:-(\d+)\}", start).group(1))
    port = int(re.search(r"PORT=\$\{TLO_PORT:-(\d+)\}", start).group(1))
    upstream = re.search(r"upstream tlo \{.*?\n\}", (NGINX_DIR / "tlo.conf").read_text(), re.S)
    servers = re.findall(r"^\s*server 127\.0\.0\.1:(\d+)", upstream.group(0), re.M)
    assert [int(p) for p in servers] == list(range(port, port + processes))
