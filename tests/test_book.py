"""The course website, tested as a reader sees it: offline, in a real browser, on a desktop and
on a phone.

The site is built (``minnorm_teach.tooling.book.build``: warnings are errors, no notebook
execution) or reused when it is newer than every source, served on 127.0.0.1, and opened page
by page in Debian's headless Chromium driven by Playwright, with every request to another host
aborted and recorded.

- Per page (desktop, 1280 px): no console errors, no failed or external request, math typeset
  by the bundled MathJax (no raw TeX left), every image loaded, solutions collapsed until
  clicked and shown after the click, exercises numbered "N.k" in page order.
- Per page (phone, 390 px): nothing scrolls sideways (``scrollWidth <= clientWidth``); a
  display equation wider than the column starts at its left edge and scrolls inside its box.
- The chapter menu and the page-contents menu open and close at 390 px and at 1280 px.
- The search page finds the dSPM chapter for "dSPM".
- Interactive 3-D cortex views (plotly JSON outputs of ``viz.view_source_map``): on every page
  that has one, each is drawn (plotly.js served by the site, loaded on those pages only). A
  small book with one executed view (``tests/view_notebook.py``) checks it even before a
  chapter has a view: drawn offline on a desktop and a phone, the JSON stored once.
- Without a browser: the site builds with no ``node``/``npm`` on PATH; the HTML shows no nbval
  marker; launch buttons point at ``book.yml``'s repository.

Screenshots go to ``artifacts/``. ``MINNORM_BOOK_ROOT`` points the test at another copy of the
repository (e.g. one whose chapters were normalised).
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

from minnorm_teach.tooling import book, sphinx_ext
from minnorm_teach.tooling.generated import notation_page

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("MINNORM_BOOK_ROOT", REPO)).resolve()
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
PAGES = tuple(f"{name}.html" for name in book.toc_files(REPO / "course" / "_toc.yml"))
CHAPTER_PAGES = tuple(p for p in PAGES if re.search(r"/\d\d_", p))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# ----------------------------------------------------------------- no browser needed

def test_toc_lists_every_chapter_once_in_order():
    chapters = [f.removeprefix("course/") for f in book.toc_files(REPO / "course" / "_toc.yml")
                if re.match(r"course/\d\d_", f)]
    assert chapters == list(book.CHAPTERS)
    pages = book.toc_files(REPO / "course" / "_toc.yml")
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
        book.check_toc(tmp_path)


def test_notation_page_is_generated_from_the_notation_table():
    page = (REPO / "course" / "notation.md").read_text()
    assert notation_page(page) == page, (
        "course/notation.md is out of sync with minnorm_teach/notation.py: "
        "run `python -m minnorm_teach sync`")


def test_faq_links_every_answer_to_a_chapter():
    faq = (REPO / "course" / "faq.md").read_text()
    answers = re.split(r"\n## ", faq)[1:]
    assert len(answers) >= 15
    for answer in answers:
        linked = re.findall(r"\{doc\}`(?:[^`<]*<)?(\d\d_[a-z_]+)>?`", answer)
        assert linked, f"FAQ answer without a chapter link: {answer.splitlines()[0]}"
        assert set(linked) <= set(book.CHAPTERS)


@pytest.mark.parametrize("name", book.CHAPTERS)
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
    framed = ('&lt;script src=&quot;https://cdn.example.org/plotly.js&quot;&gt;&lt;/script&gt;'
              '&lt;link rel=&quot;icon&quot; href=&quot;https://example.org/f.ico&quot;&gt;')
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.org/x.js"></script>'
        '<script src="_static/local.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
        '<a href="https://mybinder.org/v2/gh/x">launch</a><img src="_images/p.png">'
        f'<iframe srcdoc="{framed}"></iframe>')
    (tmp_path / "b.css").write_text("@font-face{src:url('https://fonts.example.org/a.woff2')}")
    found = book.external_resources(tmp_path)
    assert found == {"a.html": ["https://cdn.example.org/x.js", "//fonts.example.org/f.css",
                                "https://cdn.example.org/plotly.js"],
                     "b.css": ["https://fonts.example.org/a.woff2"]}


def test_references_cover_the_papers_the_course_cites():
    bib = (REPO / "course" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    dois = {d.lower() for d in re.findall(r"doi\s*=\s*[{\"]([^}\"]+)", bib, re.I)}
    urls = set(re.findall(r"url\s*=\s*[{\"]([^}\"]+)", bib, re.I))
    for key in ("hamalainen1994", "dale2000", "pascualmarqui2002", "pascualmarqui2007",
                "lin2006a", "gramfort2012", "gramfort2013", "strohmeier2016", "hauk2011",
                "hauk2022"):
        assert key in keys
    cited, linked = set(), set()
    for path in list((REPO / "course").glob("*.md")) + list((REPO / "course").glob("*.ipynb")):
        text = path.read_text()
        cited |= set(re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", text))
        # a DOI may hold balanced parentheses, 10.1016/S0896-6273(00)81138-1, as Markdown allows
        linked |= set(re.findall(r"\]\(https://doi\.org/((?:[^()\s\"]|\([^()\s\"]*\))+)\)",
                                 text))
    cited = {k.strip() for group in cited for k in group.split(",")}
    assert cited <= keys, f"cited but not in references.bib: {sorted(cited - keys)}"
    unknown = {d for d in linked if d.lower() not in dois and f"https://doi.org/{d}" not in urls}
    assert not unknown, f"DOI links to papers missing from references.bib: {sorted(unknown)}"


def test_repository_url_is_read_from_book_yml(tmp_path):
    url, branch = book.repository(REPO)
    assert url.startswith("https://github.com/") and branch
    (tmp_path / "book.yml").write_text("repository:\n  url: https://example.org/x\n")
    with pytest.raises(book.BookError, match="repository.url must be"):
        book.repository(tmp_path)
    with pytest.raises(book.BookError, match="no book.yml"):
        book.repository(tmp_path / "nowhere")


def test_exercises_and_equations_are_numbered_per_chapter():
    numbers = {"course/03_tikhonov": {"exercise": {"ex-a": (9,), "ex-b": (10,)},
                                      "displaymath": {"eq-a": (21,), "eq-b": (22,)},
                                      "figure": {"f": (4,)}},
               "course/intro": {"displaymath": {"eq-i": (1,)}},
               "course/faq": {"exercise": {"ex-f": (30,), "ex-g": (31,)}}}
    sphinx_ext.renumber_per_chapter(numbers)
    assert numbers["course/03_tikhonov"] == {"exercise": {"ex-a": (3, 1), "ex-b": (3, 2)},
                                             "displaymath": {"eq-a": (3, 1), "eq-b": (3, 2)},
                                             "figure": {"f": (4,)}}
    assert numbers["course/faq"]["exercise"] == {"ex-f": (1,), "ex-g": (2,)}
    assert sphinx_ext.chapter_number("course/12_tf_mxne") == 12
    assert sphinx_ext.chapter_number("course/notation") is None


def test_mathjax_ships_from_a_python_package_with_its_licence(tmp_path):
    target = book.install_mathjax(tmp_path)
    assert (target / "tex-chtml-full.js").stat().st_size > 1_000_000
    assert "Apache License" in (target / "LICENSE").read_text()
    assert list((target / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))


def test_site_builds_without_node_or_npm(tmp_path):
    """README command 1 needs Python only: build a copy of the book with an empty PATH."""
    for name in ("book.yml", "course"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    bare = tmp_path / "bin"
    bare.mkdir()
    assert shutil.which("node", path=str(bare)) is None
    assert shutil.which("npm", path=str(bare)) is None
    env = {**os.environ, "PATH": str(bare), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "minnorm_teach", "--root", str(tmp_path),
                           "build", "--no-data"], env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    html = tmp_path / "_build" / "html"
    assert all((html / page).is_file() for page in PAGES)
    assert (html / "_static" / "mathjax" / "LICENSE").is_file()
    assert not book.external_resources(html)


@pytest.mark.parametrize("name", book.CHAPTERS)
def test_chapter_pages_have_launch_buttons(name, site):
    text = (site / "course" / f"{name}.html").read_text()
    url, branch = book.repository(REPO)
    repo = url.removeprefix("https://github.com/")
    assert (f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/course/{name}.ipynb"
            in text), f"{name}: no Binder launch button"
    assert (f"https://colab.research.google.com/github/{repo}/blob/{branch}/course/"
            f"{name}.ipynb" in text), f"{name}: no Colab launch button"


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_chapter_page_shows_no_test_markers(page, site):
    """nbval markers live in cell tags, solution markers are dropped by the book."""
    text = (site / page).read_text()
    for marker in ("NBVAL_", "# BEGIN SOLUTION", "# END SOLUTION"):
        assert marker not in text, (f"{page} shows {marker!r}: run `python -m minnorm_teach "
                                    f"normalise` on the chapter")


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_chapter_page_numbers_exercises_and_labels_solutions(page, site):
    """Exercises numbered "N.k", k = 1, 2, ... in page order; solution toggles "Solution"."""
    text = (site / page).read_text()
    chapter = sphinx_ext.chapter_number(page.removesuffix(".html"))
    titles = re.findall(r'<span class="caption-number">Exercise ([\d.]+) </span>', text)
    assert titles == [f"{chapter}.{k}" for k in range(1, len(titles) + 1)], titles
    prompts = re.findall(r'<div class="cell ([^"]*)">\s*<details class="admonition hide '
                         r'above-input">\s*<summary[^>]*>\s*<p class="collapsed '
                         r'admonition-title">([^<]*)</p>', text)
    wrong = [label for classes, label in prompts
             if "tag_solution" in classes.split() and label != "Solution"]
    assert not wrong, f"{page}: solution toggles read {wrong}, not 'Solution'"


# ---------------------------------------------------------------------------- the site

def _sources(root):
    course = root / "course"
    yield root / "book.yml"
    yield from course.glob("*.md")
    yield from course.glob("*.ipynb")
    yield from course.glob("*.yml")
    yield from course.glob("*.bib")
    yield from (course / "_static").rglob("*")
    yield from (REPO / "minnorm_teach" / "tooling").glob("*.py")


def _site_is_current(root):
    html = root / "_build" / "html"
    if not all((html / page).is_file() for page in PAGES):
        return False
    built = min((html / page).stat().st_mtime for page in PAGES)
    return all(p.stat().st_mtime < built for p in _sources(root) if p.is_file())


@pytest.fixture(scope="module")
def site():
    if not _site_is_current(ROOT):
        book.build(ROOT)
    html = ROOT / "_build" / "html"
    assert not book.external_resources(html)
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
def chromium():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def _offline_context(chromium, **options):
    """A browser context with the network "off": nothing leaves 127.0.0.1 (recorded)."""
    context = chromium.new_context(**options)
    blocked = []

    def route(route):
        if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.blocked = blocked
    return context


@pytest.fixture(scope="module")
def browser(chromium):
    """One offline desktop context (shared HTTP cache) for every page of the site."""
    context = _offline_context(chromium, viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone(chromium):
    """One offline phone context: 390 px wide, touch, mobile viewport rules."""
    context = _offline_context(chromium, viewport=PHONE, is_mobile=True, has_touch=True,
                               device_scale_factor=2)
    yield context
    context.close()


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


def _screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


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
        _assert_views_drawn(p, page)

        if page == "course/intro.html" or page in _dspm_pages(ROOT / "_build" / "html")[:1]:
            p.evaluate("() => window.scrollTo(0, 0)")
            _screenshot(p, f"book_{Path(page).stem}.png")
        _assert_solutions_toggle(p, page)
        assert not visit.blocked, f"{page} tried to reach other hosts: {visit.blocked}"
        assert not visit.errors, f"{page}: console errors: {visit.errors}"
    finally:
        visit.close()


def _assert_views_drawn(p, page):
    """Every interactive 3-D view of the page is drawn by plotly.js (a WebGL canvas)."""
    views = p.locator("main div.minnorm-plotly")
    if views.count():
        p.wait_for_function("() => Array.from(document.querySelectorAll('main div."
                            "minnorm-plotly')).every(d => d.dataset.rendered === 'true' && "
                            "d.querySelector('canvas'))", timeout=60000)


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


_PHONE_LAYOUT = """() => {
    const doc = document.documentElement;
    const cut = [];
    for (const box of document.querySelectorAll('main div.math mjx-container[display="true"]')) {
        const math = box.querySelector('mjx-math');
        if (!math) continue;
        const b = box.getBoundingClientRect(), m = math.getBoundingClientRect();
        const scrolls = box.scrollWidth > box.clientWidth + 1 &&
                        ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        if (m.left < b.left - 1 || (m.right > b.right + 1 && !scrolls) ||
            b.right > doc.clientWidth + 1) {
            cut.push((box.closest('div.math').id || 'equation') + ' ' + Math.round(m.width));
        }
    }
    return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, cut};
}"""


@pytest.mark.parametrize("page", PAGES)
def test_phone_page_never_scrolls_sideways(page, phone, server):
    """At 390 px nothing widens the page; wide equations scroll inside their own box."""
    visit = _Visit(phone, f"{server}/{page}")
    try:
        visit.typeset()
        layout = visit.page.evaluate(_PHONE_LAYOUT)
        assert layout["scrollWidth"] <= layout["clientWidth"], (
            f"{page} scrolls sideways at 390 px: scrollWidth {layout['scrollWidth']} > "
            f"clientWidth {layout['clientWidth']}")
        assert not layout["cut"], f"{page}: equations cut off at 390 px: {layout['cut']}"
        assert not visit.blocked and not visit.failed, (visit.blocked, visit.failed)
        if page == CHAPTER_PAGES[3]:
            _screenshot(visit.page, f"phone_{Path(page).stem}.png")
    finally:
        visit.close()


_MENUS = """() => {
    const shown = (sel) => {
        const e = document.querySelector(sel);
        if (!e || !e.checkVisibility({visibilityProperty: true})) return false;
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > 0 && r.left < window.innerWidth;
    };
    return {chapters: shown('nav.bd-docs-nav'), contents: shown('nav.page-toc')};
}"""


@pytest.mark.parametrize("width", [PHONE["width"], DESKTOP["width"]])
def test_chapter_menu_and_page_contents_open_and_close(width, chromium, server):
    """The visible header buttons open and close both menus (modal menus on a phone, the
    side columns on a desktop); the state of the other menu does not change."""
    size = PHONE if width == PHONE["width"] else DESKTOP
    context = _offline_context(chromium, viewport=size, has_touch=width < 992)
    try:
        visit = _Visit(context, f"{server}/{CHAPTER_PAGES[3]}")
        p = visit.page
        visit.typeset()
        start = p.evaluate(_MENUS)
        assert start == ({"chapters": False, "contents": False} if width < 992
                         else {"chapters": True, "contents": True}), start
        for kind, menu in (("primary", "chapters"), ("secondary", "contents")):
            button = p.locator(f".bd-header-article button.{kind}-toggle")
            assert button.is_visible(), f"{width} px: no visible {menu} button"
            button.click()
            p.wait_for_timeout(400)                     # the theme animates the sidebars
            opened = p.evaluate(_MENUS)
            assert opened[menu] != start[menu], f"{width} px: the {menu} button does nothing"
            _screenshot(p, f"menu_{menu}_{width}px.png")
            if width < 992:                             # a modal menu: tap beside it
                p.mouse.click(size["width"] - 8 if kind == "primary" else 8,
                              size["height"] // 2)
            else:
                button.click()
            p.wait_for_timeout(400)
            assert p.evaluate(_MENUS) == start, f"{width} px: the {menu} menu did not close"
        assert not visit.errors and not visit.blocked, (visit.errors, visit.blocked)
        visit.close()
    finally:
        context.close()


def _dspm_pages(html):
    """The dSPM chapter(s), read from the built pages: the chapters whose title names dSPM,
    else the chapter that mentions it most."""
    titled, counts = [], {}
    for page in CHAPTER_PAGES:
        text = (html / page).read_text(errors="replace")
        title = re.search(r"<h1>(.*?)<a class=\"headerlink\"", text, re.S)
        if title and "dSPM" in title.group(1):
            titled.append(page)
        counts[page] = text.count("dSPM")
    if titled:
        return titled
    best = max(counts, key=counts.get, default=None)
    return [best] if best and counts[best] else []


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
        _screenshot(p, "book_search_dSPM.png")
    finally:
        visit.close()


# ------------------------------------------------------------ interactive 3-D views

@pytest.fixture(scope="module")
def view_site(tmp_path_factory):
    """A two-page book (the course's book.yml, _static and tooling) whose second page is a
    notebook executed with one 3-D cortex view."""
    from view_notebook import write_view_notebook

    root = tmp_path_factory.mktemp("view_book")
    (root / "course").mkdir()
    shutil.copy(ROOT / "book.yml", root / "book.yml")
    shutil.copytree(ROOT / "course" / "_static", root / "course" / "_static")
    shutil.copy(ROOT / "course" / "references.bib", root / "course" / "references.bib")
    (root / "course" / "_toc.yml").write_text(
        "format: jb-book\nroot: course/intro\nchapters:\n- file: course/07_view\n")
    (root / "course" / "intro.md").write_text("# Views\n\nA page without a view.\n")
    write_view_notebook(root / "course" / "07_view.ipynb")
    return book.build(root, quiet=True).html_dir


def test_view_is_stored_once_and_plotly_served_by_the_site(view_site):
    page = (view_site / "course" / "07_view.html").read_text()
    assert page.count('class="minnorm-plotly"') == 1
    assert page.count('"type":"mesh3d"') == 2, "each hemisphere's mesh once, no second copy"
    assert '_static/plotly/plotly.min.js' in page and "_static/cortex-view.js" in page
    assert "plotly.min.js" not in (view_site / "course" / "intro.html").read_text(), (
        "plotly.js is loaded on pages without a view")
    assert (view_site / "_static" / "plotly" / "plotly.min.js").stat().st_size > 1_000_000
    assert "MIT" in (view_site / "_static" / "plotly" / "LICENSE.txt").read_text()
    assert not book.external_resources(view_site)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_view_is_drawn_offline(size, view_site, chromium):
    """The view is drawn by the site's plotly.js (a WebGL canvas with the cortex on it, the
    colour bar's label and the marker's legend), with no request to another host."""
    from test_jupyterlab import painted_fraction

    handler = functools.partial(_QuietHandler, directory=str(view_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = _offline_context(chromium, viewport=size, is_mobile=size is PHONE)
    try:
        visit = _Visit(context, f"http://127.0.0.1:{httpd.server_address[1]}/course/"
                                "07_view.html")
        _assert_views_drawn(visit.page, "07_view.html")
        view = visit.page.locator("main div.minnorm-plotly")
        view.scroll_into_view_if_needed()
        visit.page.wait_for_timeout(1000)
        shot = view.screenshot()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"book_cortex_view_{size['width']}px.png").write_bytes(shot)
        text = view.inner_text()
        assert "true source" in text and "|moment| (nAm)" in text, text
        assert painted_fraction(shot) > 0.1, "the 3-D view is blank (no cortex drawn)"
        assert view.bounding_box()["width"] <= size["width"], "the view is wider than the page"
        assert not visit.blocked and not visit.failed, (visit.blocked, visit.failed)
        assert not visit.errors, visit.errors
        visit.close()
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()
