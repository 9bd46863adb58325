"""The shared browser-test harness: a test database, `workbench serve` on it, Chromium.

Every app's browser tests reuse these fixtures (one server per test module):

    wb_db_url      (module) a fresh SQLite database at the migration head holding a small
                   demo county (build_demo, 60 case files, 40 reports, today's anchor); a
                   module may set ``wb_demo = {"cases": N, "reports": M}`` (or None: the
                   departments only) and define ``def wb_seed(url): ...`` to add its own
                   records before the server starts
    wb_server      (module) ``workbench serve`` on a free port with a random token,
                   started as the README starts it, ready when yielded;
                   ``wb_server.url("triage.ipynb")`` is the app's URL with the token
    wb_browser     (session) Debian's Chromium via Playwright (no browser download)
    page           (function) a fresh page (own context); console errors in ``page.wb_console_errors``
    wb             (function) the helpers, so modules need not import this conftest:
      wb.open_app(page, wb_server, "triage.ipynb")  go there and wait for the app (``.wb-app``)
      wb.shot(page, "step-name")                    screenshot to artifacts/browser/<test>/<n>-step-name.png
      wb.assert_no_error_text(page)                 no traceback, no Voila error output, no wb-error status

A module may set ``wb_pool_size = 1`` to serve with preheated kernels (the
default is 0: kernels start on demand, lighter on a shared machine), and
``wb_server_args = [...]`` for more `workbench serve` options, and
``wb_no_token = True`` to serve with ``--no-token`` (127.0.0.1 only).

Tests under tests/browser/ get the ``browser`` marker automatically.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from workbench.serve import BackgroundServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 90  # seconds
APP_RENDER_TIMEOUT = 90_000  # ms: a kernel start plus the first cell on a busy 2-core machine


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- database


DEFAULT_DEMO = {"cases": 60, "reports": 40}


def build_test_database(url: str, demo: dict | None = DEFAULT_DEMO, seed=None) -> None:
    """Schema at head; a small demo county (``demo``: build_demo sizes) or only the departments; then ``seed(url)``."""
    from workbench.store import dispose_engines, session_scope
    from workbench.store.migrate import upgrade

    upgrade(url)
    if demo is not None:
        from workbench.demo import build_demo

        build_demo(url, **demo)
    else:
        from workbench.engine import get_engine
        from workbench.store.models import Department

        with session_scope(url) as s:
            for code, d in get_engine().rulebook.departments.items():
                s.add(Department(code=code, name_zh=d.name_zh, name_en=d.name_en, kind=d.kind))
    if seed is not None:
        seed(url)
    dispose_engines()


@pytest.fixture(scope="module")
def wb_db_url(request, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("wb-db") / "test.db"
    url = f"sqlite:///{path}"
    build_test_database(url, getattr(request.module, "wb_demo", DEFAULT_DEMO), getattr(request.module, "wb_seed", None))
    return url


# --------------------------------------------------------------------------- server


def start_server(
    db_url: str, workdir: Path, pool_size: int = 0, extra: list[str] | None = None, no_token: bool = False
):
    """Start `workbench serve` (the real command) and wait until it answers: a ``BackgroundServer``.

    Attributes: base_url, token, db_url, log_path, process; ``url(path)``, ``log()``, ``stop()``.
    """
    from workbench.serve import BackgroundServer

    try:
        return BackgroundServer(
            db_url, workdir, pool_size=pool_size, extra=extra, no_token=no_token, start_timeout=SERVER_START_TIMEOUT
        )
    except Exception as exc:  # the server's log is in the message
        raise RuntimeError(str(exc)) from None


def stop_server(server) -> None:
    server.stop()


@pytest.fixture(scope="module")
def wb_server(request, wb_db_url, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("wb-serve")
    server = start_server(
        wb_db_url,
        workdir,
        pool_size=getattr(request.module, "wb_pool_size", 0),
        extra=getattr(request.module, "wb_server_args", None),
        no_token=getattr(request.module, "wb_no_token", False),
    )
    yield server
    stop_server(server)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def wb_browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium); "
            "never a browser download"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(wb_browser, request):
    context = wb_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.wb_console_errors = []
    page.on("console", lambda msg: page.wb_console_errors.append(msg.text) if msg.type == "error" else None)
    page.wb_test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    page.wb_shots = 0
    yield page
    context.close()


def open_app(page, server: BackgroundServer, notebook: str, timeout: int = APP_RENDER_TIMEOUT):
    """Open an app and wait until its widgets are on the page (``.wb-app``)."""
    page.goto(server.url(notebook), wait_until="domcontentloaded", timeout=timeout)
    page.wait_for_selector(".wb-app", state="visible", timeout=timeout)
    return page


def shot(page, step: str) -> Path:
    """Save a full-page screenshot as a test artifact (artifacts/ is gitignored)."""
    page.wb_shots += 1
    folder = ARTIFACTS / page.wb_test_name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{page.wb_shots:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', step)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


ERROR_PATTERNS = ("Traceback (most recent call last)", "Error at server", "There was an error when executing cell")


def assert_no_error_text(page) -> None:
    """No traceback or Voila error output on the page, and no error status shown."""
    text = page.inner_text("body")
    for pattern in ERROR_PATTERNS:
        assert pattern not in text, f"page shows {pattern!r}:\n{text[:2000]}"
    stderr_outputs = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr_outputs.count() == 0, f"page shows stderr output: {stderr_outputs.first.inner_text()[:1000]}"
    errors = page.locator(".wb-error:visible")
    assert errors.count() == 0, f"page shows an error message: {errors.first.inner_text()}"


class _Helpers:
    """The helpers as a fixture, so test modules need not import this conftest."""

    open_app = staticmethod(open_app)
    shot = staticmethod(shot)
    assert_no_error_text = staticmethod(assert_no_error_text)
    start_server = staticmethod(start_server)
    stop_server = staticmethod(stop_server)


@pytest.fixture
def wb():
    """``wb.open_app(page, wb_server, "x.ipynb")``, ``wb.shot(page, "step")``, ``wb.assert_no_error_text(page)``."""
    return _Helpers
