"""The course website, tested as a reader sees it: offline, in a real browser.

The site is built (``minnorm_teach._book.build``: warnings are errors, no notebook execution)
or reused when it is newer than every source, served on 127.0.0.1, and opened page by page in
Debian's headless Chromium driven by Playwright, with every request to another host aborted.
Per page: no console errors, no failed or external request, math typeset by the bundled
MathJax (no raw TeX left), every image loaded, solutions collapsed until clicked and shown
after the click. The search page must find the dSPM chapter for "dSPM". Screenshots of two
pages go to ``artifacts/``.

``MINNORM_BOOK_ROOT`` points the test at another copy of the repository (used to try the book
with stand-in chapters).
"""

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest

from minnorm_teach import _book

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("MINNORM_BOOK_ROOT", REPO)).resolve()
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
PAGES = tuple(f"{name}.html" for name in _book.toc_files(REPO / "course" / "_toc.yml"))


# ----------------------------------------------------------------- no browser needed

def test_toc_lists_every_chapter_once_in_order():
    chapters = [f.removeprefix("course/") for f in _book.toc_files(REPO / "course" / "_toc.yml")
                if re.match(r"course/\d\d_", f)]
    assert chapters == list(_book.CHAPTERS)
    pages = _book.toc_files(REPO / "course" / "_toc.yml")
    assert len(pages) == len(set(pages))
    for page in ("course/intro", "course/notation", "course/faq", "course/appendix_toolboxes",
                 "course/references"):
        assert page in pages


def test_check_toc_names_missing_pages(tmp_path):
    (tmp_path / "course").mkdir()
    shutil.copy(REPO / "course" / "_toc.yml", tmp_path / "course" / "_toc.yml")
    (tmp_path / "course" / "intro.md").write_text("# intro\n")
    missing = r"with no \.md or \.ipynb file.*course/03_tikhonov"
    with pytest.raises(FileNotFoundError, match=missing):
        _book.check_toc(tmp_path)


def test_notation_page_is_generated_from_the_notation_table():
    page = (REPO / "course" / "notation.md").read_text()
    assert _book.notation_page(page) == page, (
        "course/notation.md is out of sync with minnorm_teach/notation.py: "
        "run `python -m minnorm_teach._book --sync`")


def test_faq_links_every_answer_to_a_chapter():
    faq = (REPO / "course" / "faq.md").read_text()
    answers = re.split(r"\n## ", faq)[1:]
    assert len(answers) >= 15
    for answer in answers:
        linked = re.findall(r"\{doc\}`(?:[^`<]*<)?(\d\d_[a-z_]+)>?`", answer)
        assert linked, f"FAQ answer without a chapter link: {answer.splitlines()[0]}"
        assert set(linked) <= set(_book.CHAPTERS)


@pytest.mark.parametrize("name", _book.CHAPTERS)
def test_chapter_is_committed_run_top_to_bottom(name):
    """The book shows the committed outputs: each chapter must have been run in one fresh
    kernel, top to bottom (execution counts 1, 2, 3, ... on every code cell)."""
    import nbformat

    path = REPO / "course" / f"{name}.ipynb"
    if not path.is_file():
        pytest.fail(f"course/{name}.ipynb is missing (the book lists every chapter)")
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{name}.ipynb was not run top to bottom in a fresh kernel (execution counts "
        f"{counts}): run `python -m minnorm_teach execute course/{name}.ipynb`")


def test_external_resources_finds_remote_loads_but_not_links(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.org/x.js"></script>'
        '<script src="_static/local.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
        '<a href="https://mybinder.org/v2/gh/x">launch</a><img src="_images/p.png">')
    (tmp_path / "b.css").write_text("@font-face{src:url('https://fonts.example.org/a.woff2')}")
    found = _book.external_resources(tmp_path)
    assert found == {"a.html": ["https://cdn.example.org/x.js", "//fonts.example.org/f.css"],
                     "b.css": ["https://fonts.example.org/a.woff2"]}


def test_references_cover_the_papers_the_course_cites():
    bib = (REPO / "course" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for key in ("hamalainen1994", "dale2000", "pascualmarqui2002", "pascualmarqui2007",
                "lin2006a", "gramfort2012", "gramfort2013", "strohmeier2016", "hauk2011",
                "hauk2022"):
        assert key in keys
    cited = set()
    for path in list((REPO / "course").glob("*.md")) + list((REPO / "course").glob("*.ipynb")):
        cited |= set(re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", path.read_text()))
    cited = {k.strip() for group in cited for k in group.split(",")}
    assert cited <= keys, f"cited but not in references.bib: {sorted(cited - keys)}"


# ---------------------------------------------------------------------------- the site

def _sources(root):
    course = root / "course"
    yield root / "book.yml"
    yield from course.glob("*.md")
    yield from course.glob("*.ipynb")
    yield from course.glob("*.yml")
    yield from course.glob("*.bib")
    yield from (course / "_static").rglob("*")


def _site_is_current(root):
    html = root / "_build" / "html"
    if not all((html / page).is_file() for page in PAGES):
        return False
    built = min((html / page).stat().st_mtime for page in PAGES)
    return all(p.stat().st_mtime < built for p in _sources(root) if p.is_file())


@pytest.fixture(scope="module")
def site():
    if not _site_is_current(ROOT):
        _book.build(ROOT)
    html = ROOT / "_build" / "html"
    assert not _book.external_resources(html)
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """One offline browser context (shared HTTP cache) for every page of the site."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        blocked = []

        def route(route):
            if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:                        # the network is "off": nothing leaves this machine
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        context.blocked = blocked
        yield context
        context.close()
        chromium.close()


class _Visit:
    """One page opened offline; collects console errors, failed and blocked requests."""

    def __init__(self, context, url):
        self.errors, self.failed = [], []
        context.blocked.clear()
        self.blocked = context.blocked
        self.page = context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.goto(url, wait_until="load")

    def typeset(self):
        """Wait until MathJax (if the page loads it) has typeset everything."""
        self.page.wait_for_function(
            "() => !document.querySelector('script[src*=\"mathjax\"]') || "
            "(window.MathJax && window.MathJax.startup && window.MathJax.startup.promise)",
            timeout=20000)
        self.page.evaluate("() => window.MathJax && window.MathJax.startup ? "
                           "window.MathJax.startup.promise.then(() => true) : true")

    def close(self):
        self.page.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_offline(page, browser, server):
    visit = _Visit(browser, f"{server}/{page}")
    try:
        p = visit.page
        visit.typeset()
        assert not visit.blocked, f"{page} tried to reach other hosts: {visit.blocked}"
        assert not visit.failed, f"{page}: failed requests {visit.failed}"

        # math: every math element rendered by MathJax, no raw TeX delimiters in the text
        math = p.evaluate("""() => {
            const els = Array.from(document.querySelectorAll('main .math'));
            return {n: els.length,
                    raw: els.filter(e => !e.querySelector('mjx-container'))
                            .map(e => e.textContent.slice(0, 60))};
        }""")
        assert not math["raw"], f"{page}: math left untypeset: {math['raw'][:5]}"
        text = p.evaluate("""() => {      // visible prose: no code, no typeset math
            const skip = 'pre, code, mjx-container, script, style, textarea';
            const walker = document.createTreeWalker(document.querySelector('main'),
                                                     NodeFilter.SHOW_TEXT);
            const parts = [];
            while (walker.nextNode()) {
                const el = walker.currentNode.parentElement;
                if (el && !el.closest(skip) && el.checkVisibility()) {
                    parts.push(walker.currentNode.textContent);
                }
            }
            return parts.join(' ');
        }""")
        raw = re.findall(r"\$\$|\\[\[\(]|\\[a-zA-Z]{2,}", text)
        assert not raw, f"{page}: raw TeX in the text: {raw[:5]}"
        if page == "course/intro.html" or page.startswith("course/0"):
            assert math["n"] > 0, f"{page}: no math found (MathJax not run?)"

        # figures: every image on the page decoded with a size
        p.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        p.wait_for_function("() => Array.from(document.images).every(i => i.complete)",
                            timeout=10000)
        broken = p.evaluate("() => Array.from(document.images)"
                            ".filter(i => !(i.naturalWidth > 0)).map(i => i.src)")
        assert not broken, f"{page}: images not loaded: {broken}"

        if page == "course/intro.html" or page in _dspm_pages(ROOT / "_build" / "html")[:1]:
            ARTIFACTS.mkdir(exist_ok=True)
            p.evaluate("() => window.scrollTo(0, 0)")
            p.screenshot(path=str(ARTIFACTS / f"book_{Path(page).stem}.png"))
        _assert_solutions_toggle(p, page)
        assert not visit.errors, f"{page}: console errors: {visit.errors}"
    finally:
        visit.close()


def _assert_solutions_toggle(p, page):
    """Hidden solution code cells and solution dropdowns: hidden, then shown after a click."""
    cells = p.locator("main details.hide.above-input")
    for i in range(cells.count()):
        cell = cells.nth(i)
        code = cell.locator(".cell_input")
        assert not code.is_visible(), f"{page}: solution code cell {i} shown before the click"
        cell.locator("summary").click()
        code.wait_for(state="visible", timeout=3000)
    dropdowns = p.locator("main .solution.dropdown")
    for i in range(dropdowns.count()):
        box = dropdowns.nth(i)
        body = box.locator("section").first
        assert not body.is_visible(), f"{page}: solution {i} shown before the click"
        box.locator(".toggle-button").first.click()   # the chevron beside the title
        body.wait_for(state="visible", timeout=3000)


def _dspm_pages(html):
    """The dSPM chapter(s), read from the built pages: the chapters whose title names dSPM,
    else the chapter that mentions it most."""
    titled, counts = [], {}
    for page in (p for p in PAGES if re.search(r"/\d\d_", p)):
        text = (html / page).read_text(errors="replace")
        title = re.search(r"<h1>(.*?)<a class=\"headerlink\"", text, re.S)
        if title and "dSPM" in title.group(1):
            titled.append(page)
        counts[page] = text.count("dSPM")
    if titled:
        return titled
    best = max(counts, key=counts.get, default=None)
    return [best] if best and counts[best] else []


@pytest.mark.parametrize("name", _book.CHAPTERS)
def test_chapter_pages_have_launch_buttons(name, site):
    text = (site / "course" / f"{name}.html").read_text()
    repo = "minnorm-course/minnorm-course"
    assert (f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/course/{name}.ipynb"
            in text), f"{name}: no Binder launch button"
    assert (f"https://colab.research.google.com/github/{repo}/blob/main/course/{name}.ipynb"
            in text), f"{name}: no Colab launch button"


def test_search_finds_the_dspm_chapter(site, browser, server):
    expected = _dspm_pages(site)
    assert expected, "no chapter page mentions dSPM"
    visit = _Visit(browser, f"{server}/search.html?q=dSPM")
    try:
        p = visit.page
        p.wait_for_selector("#search-results ul.search li", timeout=20000)
        links = p.eval_on_selector_all("#search-results ul.search li a",
                                       "els => els.map(a => a.getAttribute('href'))")
        found = {urllib.parse.urlsplit(h).path.lstrip("/") for h in links}
        for page in expected:
            assert page in found, f"search for dSPM did not list {page}; got {sorted(found)}"
        assert not visit.blocked and not visit.errors, (visit.blocked, visit.errors)
        ARTIFACTS.mkdir(exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / "book_search_dSPM.png"))
    finally:
        visit.close()
