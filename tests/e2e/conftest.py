"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server, which
shares the test database (a file on SQLite, the test database on PostgreSQL) with a real Celery worker.

No browser is downloaded: Playwright launches /usr/bin/chromium (``apt-get install chromium``). Without
it the journeys are skipped, except in CI (CI=true), where a missing browser fails the run.
Screenshots go to $E2E_ARTIFACTS_DIR (default artifacts/e2e/, git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# Playwright's waits: generous for a loaded 2-core CI machine, still far below a hang.
TIMEOUT_MS = 20_000


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives a real browser against a live server (tests/e2e)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Browser journeys must run in CI, but {missing}: .ci/run installs chromium with apt")
        pytest.skip(f"browser journeys skipped: {missing}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on this thread, and Django refuses ORM calls from a
    # thread with a loop; the test's own ORM calls (setup and assertions on stored rows) are plain
    # synchronous code, so the guard is lifted while the browser runs (one module), then restored.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS_DIR") or ROOT / "artifacts" / "e2e")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Visit:
    """A browser context (one user's cookies) and what its pages said on the console."""

    context: object
    base_url: str
    problems: list[str] = field(default_factory=list)

    def page(self):
        page = self.context.new_page()
        page.on("console", lambda msg: self._console(msg, page))
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc} ({page.url})"))
        page.on("dialog", lambda dialog: dialog.accept())  # "Circulate this draft…?" confirmations
        page.on(
            "response",
            lambda response: response.status >= 500 and self.problems.append(f"HTTP {response.status}: {response.url}"),
        )
        return page

    def _console(self, msg, page) -> None:
        # Chromium asks for /favicon.ico on its own; the 404 is reported, not counted (see the report on base.html).
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"console: {msg.text} ({msg.location.get('url') or page.url})")


@pytest.fixture
def visit(browser, live_server) -> Iterator:
    """``visit(viewport=PHONE)`` opens a fresh browser context; at the end of the test every context
    must have logged no console error, no uncaught script error and no 5xx response."""
    opened: list[Visit] = []

    def open_context(*, viewport=DESKTOP) -> Visit:
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(Visit(context=context, base_url=live_server.url))
        return opened[-1]

    yield open_context
    problems = [p for v in opened for p in v.problems]
    for v in opened:
        v.context.close()
    assert not problems, "\n".join(problems)


def log_in(page, username: str, password: str = "pw", next_url: str = "/") -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"login as {username} failed"


def log_in_quickly(view: Visit, user) -> None:
    """A session cookie for ``user`` without the login form (for checks that are not about logging in)."""
    from urllib.parse import urlsplit

    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    host = urlsplit(view.base_url).hostname
    view.context.add_cookies([{"name": cookie.key, "value": cookie.value, "domain": host, "path": "/"}])


def screenshot(page, artifacts_dir: Path, name: str) -> Path:
    path = artifacts_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path
