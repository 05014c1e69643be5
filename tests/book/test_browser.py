"""Open every page of the built book in headless Chromium, offline.

Fails if an equation is left as raw TeX or MathJax reports an error, an image
does not load, the page logs a JavaScript error, or it asks for anything outside
the book.  Saves a screenshot of each page, at desktop and at phone width, in
``_build/screenshots/`` so that anyone can look at the pages as a reader does.

Needs Debian's ``chromium`` (``apt-get install chromium``).  Without it the
test is skipped, unless the environment variable ``CI`` is set: then a missing
browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
]

# Run in the page once it has loaded: waits for MathJax, then reports what is wrong.
INSPECT = (Path(__file__).parent / "inspect_page.js").read_text(encoding="utf-8")


def _pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    skip = {"genindex.html"}
    return sorted(
        p
        for p in HTML.rglob("*.html")
        if "_static" not in p.parts
        and "_sources" not in p.parts
        and p.name not in skip
        and not _is_redirect(p)
    )


def _is_redirect(page: Path) -> bool:
    head = page.read_text(encoding="utf-8", errors="replace")[:600]
    return 'http-equiv="Refresh"' in head or 'http-equiv="refresh"' in head


def _chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def server():
    """Serve the built book on localhost: the only host a page may reach."""
    if not (HTML / "intro.html").exists():
        pytest.fail("the book is not built: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        message = (
            "Chromium not found: install it with `apt-get install chromium` "
            "(Debian) to run the browser test"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so a missing browser is a failure)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def test_book_has_pages():
    pages = _pages()
    assert pages, "no pages found in _build/html: run `make book` first"
    assert any(p.parent.name == "chapters" for p in pages), "no chapter pages were built"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(HTML)))
def test_page_renders_offline(page: Path, server: str, browser) -> None:
    relative = page.relative_to(HTML).as_posix()
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    for label, (width, height) in VIEWPORTS.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1
        )
        outside: list[str] = []

        def route(request_route, request, origin=server, outside=outside):
            url = request.url
            if url.startswith(origin) or url.startswith(("data:", "blob:")):
                request_route.continue_()
            else:
                outside.append(url)
                request_route.abort("internetdisconnected")

        context.route("**/*", route)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc, errors=errors: errors.append(f"JavaScript error: {exc}"))
        tab.on(
            "console",
            lambda msg, errors=errors: (
                errors.append(f"console error: {msg.text}") if msg.type == "error" else None
            ),
        )
        tab.on(
            "requestfailed",
            lambda req, errors=errors, origin=server: (
                errors.append(f"request failed: {req.url}") if req.url.startswith(origin) else None
            ),
        )
        tab.goto(f"{server}/{relative}", wait_until="load")
        report = tab.evaluate(INSPECT)
        tab.wait_for_timeout(150)
        shot = SHOTS / f"{relative.replace('/', '__').removesuffix('.html')}.{label}.png"
        tab.screenshot(path=str(shot), full_page=True)
        context.close()
        failures += [f"[{label}] {p}" for p in report["problems"] + errors]
        failures += [f"[{label}] request outside the book: {url}" for url in outside]
    assert not failures, f"{relative}:\n  " + "\n  ".join(dict.fromkeys(failures))


def test_search_works_offline(server: str, browser) -> None:
    """Sphinx's search runs in the page from the bundled index: no server needed."""
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_()
            if request.url.startswith(server)
            else route.abort("internetdisconnected")
        ),
    )
    tab = context.new_page()
    tab.goto(f"{server}/search.html?q=sigmoid", wait_until="load")
    tab.wait_for_selector("#search-results li, ul.search li", timeout=15000)
    hits = tab.locator("#search-results li, ul.search li").count()
    context.close()
    assert hits >= 1, "searching the book for 'sigmoid' found nothing"
