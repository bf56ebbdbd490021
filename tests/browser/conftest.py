"""Browser tests: Playwright drives Debian's Chromium against a real server that these tests start.

The server is ``kerjasama serve`` (gunicorn, DEBUG off) in a subprocess, up while this package's tests run,
on a database of its own that ``kerjasama setup`` and ``kerjasama demo`` fill first: the synthetic demo
register a new visitor browses. On SQLite that is a file in a temporary folder; when DATABASE_URL names
PostgreSQL, a database ``test_<name>_browser`` on the same server, made for these tests and dropped after
them. pytest-django's ``live_server`` is not used: it serves the test database, which transactional tests
flush after every test.

Every test gets a fresh browser context (no cookies: Indonesian, whatever the browser prefers); a
JavaScript error or a console error fails the test, and a full-page screenshot is saved under
test-output/browser/<database>/ (git-ignored).
"""

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_ROOT = PROJECT_DIR / "test-output" / "browser"
BROWSER_DIR = Path(__file__).resolve().parent
SERVER_SETTINGS = "tests.browser.server_settings"
STARTUP_TIMEOUT = 60  # seconds for gunicorn to answer once the data is loaded
DEMO_TIMEOUT = 600  # seconds for setup and the demo data set; a slow CI machine takes a few times longer


def find_chromium() -> str | None:
    """Debian's Chromium: KERJASAMA_CHROMIUM when set, else ``chromium`` on PATH, else /usr/bin/chromium."""
    named = os.environ.get("KERJASAMA_CHROMIUM")
    candidates = [named] if named else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "browser tests need the playwright package: pip install -e '.[test]'"
    if find_chromium() is None:
        return (
            "browser tests need Debian's Chromium (KERJASAMA_CHROMIUM, chromium on PATH or /usr/bin/chromium): "
            "apt-get install chromium (.ci/run installs it when missing)"
        )
    return None


MISSING = missing_reason()


def pytest_collection_modifyitems(config, items):
    """Skip every browser test, with the reason, when Playwright or Chromium is missing."""
    if MISSING is None:
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    folder = getattr(terminalreporter.config, "_kerjasama_screenshots", None)
    if folder is not None and any(folder.glob("*.png")):
        terminalreporter.write_line(f"browser test screenshots: {folder}")


# The server -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The running server: its base URL and the kind of database behind it."""

    url: str
    vendor: str

    def absolute(self, path: str) -> str:
        return self.url + path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


class PostgresDatabase:
    """A database of the browser tests' own on the PostgreSQL server that DATABASE_URL names."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.name = f"test_{parts.path.lstrip('/') or 'kerjasama'}_browser"
        self.url = parts._replace(path="/" + self.name).geturl()
        self.maintenance_url = parts._replace(path="/postgres").geturl()

    def _execute(self, statement: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.maintenance_url, autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def create(self) -> None:
        self.drop()  # left behind by an interrupted run
        self._execute("CREATE DATABASE {}")

    def drop(self) -> None:
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _run(arguments: list[str], env: dict[str, str], log: Path) -> None:
    """Run ``kerjasama ARGUMENTS`` to completion; fail the session with its output when it fails."""
    command = [sys.executable, "-m", "kerjasama.cli", *arguments]
    with log.open("ab") as output:
        result = subprocess.run(  # noqa: S603  (our own console script, fixed arguments)
            command, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=DEMO_TIMEOUT, check=False
        )
    if result.returncode != 0:
        pytest.fail(f"kerjasama {' '.join(arguments)} failed ({result.returncode}):\n{log.read_text()[-4000:]}")


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/akun/masuk/", timeout=5):  # noqa: S310  (http on localhost)
                return
        except urllib.error.HTTPError:
            return  # it answers: that is enough to start
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"the server did not answer within {STARTUP_TIMEOUT} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    """``kerjasama serve`` on a free port, over a fresh database holding the reference data and the demo."""
    if MISSING is not None:
        pytest.skip(MISSING)
    folder = tmp_path_factory.mktemp("browser-server")
    log = folder / "server.log"
    configured = os.environ.get("DATABASE_URL", "")
    postgres = PostgresDatabase(configured) if _is_postgres(configured) else None
    if postgres is not None:
        postgres.create()
    database_url = postgres.url if postgres else f"sqlite:///{folder / 'kerjasama.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": database_url,
        "KERJASAMA_VAR_DIR": str(folder / "var"),
        "DEBUG": "0",
    }
    process = None
    try:
        _run(["setup", "-v", "0"], env, log)
        _run(["demo", "-v", "0"], env, log)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as output:
            process = subprocess.Popen(  # noqa: S603  (our own console script, fixed arguments)
                [sys.executable, "-m", "kerjasama.cli", "serve", "--port", str(port), "--workers", "2"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(url, process, log)
        yield Server(url=url, vendor="postgresql" if postgres else "sqlite")
    finally:
        if process is not None:
            process.terminate()  # gunicorn's master stops its workers on SIGTERM
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if postgres is not None:
            postgres.drop()


# The browser ----------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium())
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def screenshot_dir(server, pytestconfig) -> Path:
    folder = SCREENSHOT_ROOT / server.vendor
    shutil.rmtree(folder, ignore_errors=True)  # only this run's pictures
    folder.mkdir(parents=True)
    pytestconfig._kerjasama_screenshots = folder
    return folder


@pytest.fixture
def page(browser, server, screenshot_dir, request):
    """A new visitor's tab (an English-preferring browser, no cookies); JS and console errors fail the test."""
    context = browser.new_context(
        base_url=server.url, locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems: list[str] = []

    def on_console(message):
        where = message.location.get("url", "")
        if message.type == "error":
            problems.append(f"console error: {message.text} at {where}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(f"uncaught JavaScript error: {error}"))
    yield tab
    shot = screenshot_dir / (re.sub(r"[^\w.-]+", "_", request.node.name) + ".png")
    try:
        tab.screenshot(path=str(shot), full_page=True)
    finally:
        context.close()
    if problems:
        pytest.fail("the page reported errors:\n" + "\n".join(problems))
