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

# Run in the page once it has loaded: wait for MathJax, then report what is wrong.
INSPECT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    if (MathJax.typesetPromise) { await MathJax.typesetPromise(); }
  }
  const problems = [];
  const mathNodes = document.querySelectorAll('.math');
  for (const node of mathNodes) {
    if (!node.querySelector('mjx-container')) {
      problems.push('raw TeX (not typeset): ' + node.textContent.trim().slice(0, 80));
    }
  }
  for (const node of document.querySelectorAll('mjx-merror, [data-mjx-error]')) {
    const message = node.getAttribute('data-mjx-error') || node.textContent;
    problems.push('MathJax error: ' + message.trim().slice(0, 120));
  }
  // TeX delimiters left in the reading text (code and notebook source excluded).
  const walker = document.createTreeWalker(document.querySelector('main') || document.body,
                                           NodeFilter.SHOW_TEXT);
  const texLike = /(\\$[^$\\s][^$]*\\\\[a-zA-Z]+[^$]*\\$)|(\\\\\\(|\\\\\\)|\\\\\\[|\\\\\\])|(\\\\(frac|partial|mathrm|sigma)\\b)/;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('pre, code, script, style, mjx-container, .highlight, .math, mjx-assistive-mml, textarea')) continue;
    if (texLike.test(node.textContent)) {
      problems.push('raw TeX in text: ' + node.textContent.trim().slice(0, 80));
    }
  }
  const images = [...document.images];
  for (const img of images) {
    if (!img.complete || img.naturalWidth === 0) {
      problems.push('image failed to load: ' + img.getAttribute('src'));
    }
  }
  const wide = images.filter(img => img.naturalWidth > 0 && img.closest('main') &&
      img.getBoundingClientRect().right > document.documentElement.clientWidth + 1);
  for (const img of wide) {
    problems.push('image wider than the page: ' + img.getAttribute('src'));
  }
  return {problems, math: mathNodes.length, images: images.length};
}"""


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
