"""Open every page of the built book in headless Chromium, offline, and audit it.

Each page is opened at desktop width, checked, then narrowed to phone width
and checked again.  At each width a page fails if an equation is left as raw
TeX or MathJax reports an error, an image does not load or is wider than the
page, the page logs a JavaScript error, or it asks for anything outside the
book.  axe-core audits each page at both widths: any violation fails unless
``ALLOWED`` names it with the reason it is left, and a serious or critical one
always fails.  A screenshot of each page at each width (its first screen; the
whole page with ``BOOK_SCREENSHOTS=page``) lands in ``_build/screenshots/``, so
that anyone can look at the pages as a reader does, and every finding of the
audit in ``_build/screenshots/accessibility.json``.

Every page is found in ``_build/html``, a translation in a subfolder too.  The
pages are opened in one browser, ``TABS`` at a time; most of the time goes to
MathJax, the screenshots and axe, all of it in the browser, so two tabs keep
two cores busy.  Each tab opens page after page: the same renderer then keeps
the book's scripts compiled (a new tab for every page made the browser test
about 5 % slower).  Narrowing a page instead of loading it again runs the theme's
resize handlers as a phone would not, but every check is made again after them.

Needs Debian's ``chromium-headless-shell`` (``apt-get install
chromium-headless-shell``: the same Chromium without the desktop browser around
it: chapter 5 loads with 1.9 core-seconds instead of 3.2) or else ``chromium``; the
environment variable ``BOOK_CHROMIUM`` names another executable.  Without one
the test is skipped, unless the environment variable ``CI`` is set: then a
missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import http.server
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
# The headless shell first: same engine, same pages, less work per page.
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium-headless-shell",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
)
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
    # No host name resolves but the book's: a page cannot reach anything outside it.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
# Tabs open at once: one per core, and never fewer than two.
TABS = int(os.environ.get("BOOK_BROWSER_TABS", "0")) or max(2, os.cpu_count() or 2)
# What the screenshots show: the first screen of each page at each width (cheap),
# or, with BOOK_SCREENSHOTS=page, the whole page (about a minute more for the book).
WHOLE_PAGE = os.environ.get("BOOK_SCREENSHOTS", "screen") == "page"

HERE = Path(__file__).parent
# Run in the page once it has loaded: waits for MathJax, then reports what is wrong.
INSPECT = (HERE / "inspect_page.js").read_text(encoding="utf-8")
# Run in the page after axe-core: runs the audit and returns its violations.
AUDIT = (HERE / "audit_page.js").read_text(encoding="utf-8")

# Accessibility findings left as they are, each with the reason:
# (axe rule, a piece of the element's CSS selector or HTML) -> why it stays.
# Only minor and moderate findings may be listed here; serious and critical ones
# always fail.  An entry that no page needs any more fails too.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass
class PageReport:
    """What went wrong on one page: problems a reader sees, and axe's violations."""

    problems: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)


def _pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    skip = {"genindex.html"}
    return sorted(
        p
        for p in HTML.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(HTML).parts)
        and p.name not in skip
        and not _is_redirect(p)
    )


def _is_redirect(page: Path) -> bool:
    head = page.read_text(encoding="utf-8", errors="replace")[:600]
    return 'http-equiv="Refresh"' in head or 'http-equiv="refresh"' in head


def _chromium() -> str | None:
    if os.environ.get("BOOK_CHROMIUM"):
        return os.environ["BOOK_CHROMIUM"]
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium-headless-shell") or shutil.which("chromium")


def _shot_path(relative: str, label: str) -> Path:
    return SHOTS / f"{relative.replace('/', '__').removesuffix('.html')}.{label}.png"


@pytest.fixture(scope="module")
def server():
    """Serve the built book on localhost: the only host a page may reach."""
    if not (HTML / "intro.html").exists():
        pytest.fail("the book is not built: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a tab closed while a file was on its way to it


@pytest.fixture(scope="module")
def chromium() -> str:
    executable = _chromium()
    if executable and not Path(executable).is_file():
        pytest.fail(f"BOOK_CHROMIUM names {executable}, which is not a file")
    if executable is None:
        message = (
            "Chromium not found: install it with `apt-get install chromium-headless-shell` "
            "(Debian) to run the browser test"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so a missing browser is a failure)")
        pytest.skip(message)
    return executable


@pytest.fixture(scope="module")
def reports(server: str, chromium: str) -> dict[str, PageReport]:
    """Every page opened at both widths, and the search page used: what is wrong, by page."""
    pages = [p.relative_to(HTML).as_posix() for p in _pages()]
    SHOTS.mkdir(parents=True, exist_ok=True)
    reports = asyncio.run(_open_all(pages, server, chromium))
    found = {page: report.violations for page, report in reports.items() if report.violations}
    (SHOTS / "accessibility.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    return reports


async def _open_all(pages: list[str], origin: str, executable: str) -> dict[str, PageReport]:
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.async_api import async_playwright

    reports = {page: PageReport() for page in pages}
    reports[SEARCH] = PageReport()
    # The longest pages first, so that no tab is left with a long page at the end.
    order = sorted(pages, key=lambda page: -(HTML / page).stat().st_size)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        # One tab in each of TABS browser contexts (windows): two tabs of one window
        # now and then take each other's width when one is narrowed.  Each tab opens
        # its pages one after another: a new tab for every page would start a new
        # renderer and compile the book's scripts (MathJax, the theme's) again.
        width, height = VIEWPORTS["desktop"]
        windows: asyncio.Queue = asyncio.Queue()
        for _ in range(TABS):
            context = await browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            windows.put_nowait(_Tab(await context.new_page(), origin))
        looks: set[str] = set()  # looks of text whose contrast axe has checked

        async def one(check, *args) -> None:
            tab = await windows.get()
            try:
                await check(tab, *args)
            finally:
                windows.put_nowait(tab)

        jobs = [one(_open_page, page, reports[page], AXE_SCRIPT, looks) for page in order]
        jobs.append(one(_search, reports[SEARCH]))
        await asyncio.gather(*jobs)
        await browser.close()
    return reports


class _Tab:
    """A browser tab that opens the book's pages in turn and notes what goes wrong."""

    def __init__(self, page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.report: PageReport | None = None  # of the page open now
        self.width = "desktop"
        self.auditing = False  # axe's own requests (it fetches the style sheets) are not the page's
        page.on("pageerror", lambda error: self.note(f"JavaScript error: {error}"))
        page.on("console", self._on_console)
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_failed)

    def note(self, problem: str) -> None:
        if self.report is not None:
            self.report.problems.append(f"[{self.width}] {problem}")

    def _on_console(self, message) -> None:
        if message.type != "error" or self.auditing:
            return
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # the browser asks for one; the book has none
        self.note(f"console error: {message.text}")

    def _on_failed(self, request) -> None:
        if request.url.startswith(self.origin) and not self.auditing:
            self.note(f"request failed: {request.url}")

    def _on_request(self, request) -> None:
        # Asked for, so a failure even though it cannot get out (CHROMIUM_ARGS).
        if not request.url.startswith((self.origin, "data:", "blob:", "about:")):
            self.note(f"request outside the book: {request.url}")

    async def go(self, relative: str, report: PageReport) -> None:
        """Open a page of the book at desktop width; what goes wrong goes to ``report``."""
        self.report, self.width, self.auditing = None, "desktop", False
        if self.page.url != "about:blank":
            # The page before is left at phone width: widen an empty page, not a long one.
            await self.page.evaluate("() => { document.documentElement.style.display = 'none'; }")
        await _set_width(self.page, *VIEWPORTS["desktop"])
        self.report = report
        await self.page.goto(f"{self.origin}/{relative}", wait_until="load")


async def _open_page(
    tab: _Tab, relative: str, report: PageReport, axe: str, looks: set[str]
) -> None:
    """Open one page at desktop width, check it, narrow it to phone width, check it again."""
    await tab.go(relative, report)
    page = tab.page
    for label, (width, height) in VIEWPORTS.items():
        tab.width = label
        await _set_width(page, width, height)
        found = await page.evaluate(INSPECT)
        for problem in found["problems"]:
            tab.note(problem)
        await _settle(page)
        await _screenshot(page, _shot_path(relative, label))
        tab.auditing = True
        if not await page.evaluate("() => typeof axe === 'object'"):
            await page.evaluate(axe)
        found = await page.evaluate(AUDIT, {"width": label, "looks": sorted(looks)})
        report.violations += found["violations"]
        looks.update(found["looks"])
        tab.auditing = False
    tab.report = None


async def _set_width(tab, width: int, height: int) -> None:
    """Give the tab this size, and wait until the page has it.

    Each check is made only once the page has the width it is checked at.
    """
    await tab.set_viewport_size({"width": width, "height": height})
    await tab.wait_for_function("(w) => window.innerWidth === w", arg=width, timeout=5000)


# The theme makes a code block or output that scrolls reachable by keyboard
# (tabindex 0) and one that does not unreachable (-1), once after the page loads
# and again 300 ms after the content or the width last changed (MathJax changes
# the content as it typesets).  Audited before that, a block that scrolls can
# still be -1 and axe rightly reports it; so the audit waits until the theme has
# caught up, or for at most SETTLE_LIMIT_MS, after which axe reports what is left.
SCROLLING = (
    "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, "
    ".pst-scrollable-table-container"
)
SETTLED = f"""() => [...document.querySelectorAll({json.dumps(SCROLLING)})].every((e) =>
  (e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight) === (e.tabIndex === 0))"""
SETTLE_LIMIT_MS = 3000


async def _settle(tab) -> None:
    try:
        await tab.wait_for_function(SETTLED, timeout=SETTLE_LIMIT_MS, polling=100)
    except Exception:  # noqa: BLE001 - not settled: the audit reports the blocks left
        pass


async def _screenshot(tab, path: Path) -> None:
    """The first screen (or the whole page), made as Playwright would, with a faster PNG encoder."""
    cdp = await tab.context.new_cdp_session(tab)
    metrics = await cdp.send("Page.getLayoutMetrics")
    size = metrics["cssContentSize" if WHOLE_PAGE else "cssLayoutViewport"]
    width = size.get("width", size.get("clientWidth"))
    height = size.get("height", size.get("clientHeight"))
    shot = await cdp.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "optimizeForSpeed": True,
            "captureBeyondViewport": WHOLE_PAGE,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    await cdp.detach()
    path.write_bytes(base64.b64decode(shot["data"]))


SEARCH = "search for 'sigmoid'"


async def _search(tab: _Tab, report: PageReport) -> None:
    """Sphinx's search runs in the page from the bundled index: no server needed."""
    await tab.go("search.html?q=sigmoid", report)
    hits = "#search-results li, ul.search li"
    try:
        await tab.page.wait_for_selector(hits, timeout=15000)
    except Exception:  # noqa: BLE001 - no hit within the time is reported below
        pass
    if await tab.page.locator(hits).count() < 1:
        report.problems.append("searching the book for 'sigmoid' found nothing")
    tab.report = None


def _allowed(rule: str, node: dict) -> str | None:
    for (allowed_rule, piece), reason in ALLOWED.items():
        if allowed_rule == rule and (piece in node["target"] or piece in node["html"]):
            return reason
    return None


def test_book_has_pages():
    pages = _pages()
    assert pages, "no pages found in _build/html: run `make book` first"
    assert any(p.parent.name == "chapters" for p in pages), "no chapter pages were built"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(HTML)))
def test_page_renders_offline(page: Path, reports) -> None:
    relative = page.relative_to(HTML).as_posix()
    problems = reports[relative].problems
    assert not problems, f"{relative}:\n  " + "\n  ".join(dict.fromkeys(problems))


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(HTML)))
def test_page_passes_the_accessibility_audit(page: Path, reports) -> None:
    relative = page.relative_to(HTML).as_posix()
    failures = []
    for violation in reports[relative].violations:
        severe = violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]:
            if severe or not _allowed(violation["id"], node):
                failures.append(
                    f"[{violation['width']}] {violation['id']} ({violation['impact']}: "
                    f"{violation['help']}) at {node['target']}: {node['html']}"
                )
    assert not failures, (
        f"{relative}: axe-core found {len(failures)} accessibility violation(s) "
        "(color-contrast names one element per look of text):\n  " + "\n  ".join(failures)
    )


def test_every_allowed_finding_is_still_found(reports) -> None:
    """An entry of ALLOWED that no page needs any more is to be removed."""
    used = {
        key
        for report in reports.values()
        for violation in report.violations
        for node in violation["nodes"]
        for key in ALLOWED
        if key[0] == violation["id"] and (key[1] in node["target"] or key[1] in node["html"])
    }
    assert not set(ALLOWED) - used, f"no longer found, remove: {sorted(set(ALLOWED) - used)}"


def test_search_works_offline(reports) -> None:
    problems = reports[SEARCH].problems
    assert not problems, problems[0] if problems else ""
