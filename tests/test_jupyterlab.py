"""The chapters in a real JupyterLab, as a student opens them: MyST renders as on the website.

The test starts JupyterLab (with jupyterlab-myst) on 127.0.0.1, opens a chapter and a student
notebook in Debian's headless Chromium driven by Playwright (every request to another host is
aborted), waits until every Markdown cell is rendered, and fails on

- raw MyST in rendered Markdown: ``:::{``, ``{eq}``, ``{cite}``, ``(eq-``, ``{solution``...;
- a citation or cross-reference that jupyterlab-myst could not resolve;
- exercises not numbered "N.k" as on the website (the numbering cell of ``normalise``);
- in the chapter: a solution cell (tag ``solution``) whose code is not collapsed, or a worked
  solution dropdown that is open; in the student notebook: an exercise stub that is collapsed.

It also opens a notebook executed with an interactive 3-D cortex view
(``minnorm_teach.viz.view_source_map``, ``tests/view_notebook.py``) and checks that the plotly
extension draws it (a WebGL canvas with the cortex on it), offline.

Screenshots go to ``artifacts/``. ``MINNORM_BOOK_ROOT`` points the test at another copy of the
repository (e.g. one whose chapters were normalised).
"""

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("MINNORM_BOOK_ROOT", REPO)).resolve()
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = ("course/02_generalized_inverse.ipynb", "student/03_tikhonov.ipynb")
RAW_MYST = re.compile(r":::\{|```\{|\{eq\}|\{cite(?::\w+)?\}|\(eq-[\w-]+\)|\{solution|\{exercise|"
                      r"\{doc\}|\{ref\}|\{numref\}|^:label:", re.M)
TOKEN = "minnorm-test"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab serving ROOT on 127.0.0.1 (all notebook cells rendered, no windowing)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    pytest.importorskip("playwright", reason="playwright is not installed")
    pytest.importorskip("jupyterlab_myst", reason="jupyterlab-myst is not installed")
    tmp = tmp_path_factory.mktemp("jupyterlab")
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    notices = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={ROOT}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
               f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    log = open(tmp / "jupyterlab.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(tmp / 'jupyterlab.log').read_text()}")
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        blocked = []

        def route(route):
            if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        context.blocked = blocked
        yield context
        context.close()
        browser.close()


_RENDERED = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({
    markdown: cell.classList.contains('jp-MarkdownCell'),
    myst: !!cell.querySelector('.myst'),
    text: (cell.querySelector('.myst') || {}).innerText || '',
    collapsed: !!cell.querySelector('.jp-InputPlaceholder'),
    unresolved: [...cell.querySelectorAll('[title="Citation Not Found"]')].map(e => e.innerText),
    openDropdowns: cell.querySelectorAll('details.myst-exercise[open]').length,
}))"""


def _open(context, base, notebook):
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={TOKEN}", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
    page.wait_for_function("""() => {
        const md = document.querySelectorAll('.jp-Notebook .jp-MarkdownCell');
        return md.length > 0 && [...md].every(c => c.querySelector('.myst'));
    }""", timeout=90000)
    page.wait_for_timeout(1500)          # references are resolved after the first render
    return page, errors


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_myst_renders_in_jupyterlab(notebook, jupyterlab, lab_browser):
    nb = nbformat.read(ROOT / notebook, as_version=4)
    page, errors = _open(lab_browser, jupyterlab, notebook)
    try:
        cells = page.evaluate(_RENDERED)
        assert len(cells) == len(nb.cells), "JupyterLab did not show every cell"
        problems = []
        for index, (cell, shown) in enumerate(zip(nb.cells, cells, strict=True)):
            where = f"{notebook} cell {index}"
            if cell.cell_type == "markdown":
                raw = RAW_MYST.findall(shown["text"])
                if raw:
                    problems.append(f"{where}: raw MyST {sorted(set(raw))}")
                if shown["unresolved"]:
                    problems.append(f"{where}: unresolved citation {shown['unresolved']}")
                if shown["openDropdowns"]:
                    problems.append(f"{where}: a solution dropdown is open")
            tags = cell.metadata.get("tags", [])
            stub = "NotImplementedError" in cell.source
            if notebook.startswith("course/") and "solution" in tags and not shown["collapsed"]:
                problems.append(f"{where}: solution code not collapsed")
            if notebook.startswith("student/") and stub and shown["collapsed"]:
                problems.append(f"{where}: the exercise stub is collapsed")
        unresolved = [e for e in errors if "No target for" in e]
        problems += [f"{notebook}: {e}" for e in unresolved]
        chapter = int(Path(notebook).name[:2])
        text = "\n".join(c["text"] for c in cells)
        numbers = re.findall(r"^Exercise ([\d.]+)", text, re.M)
        if numbers != [f"{chapter}.{k}" for k in range(1, len(numbers) + 1)]:
            problems.append(f"{notebook}: exercises numbered {numbers}, not {chapter}.1, ...")
        first = page.locator(".jp-MarkdownCell .myst-exercise").first
        if first.count():
            first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"jupyterlab_{notebook.replace('/', '_')}.png"))
        assert not lab_browser.blocked, f"JupyterLab reached other hosts: {lab_browser.blocked}"
        assert not problems, "\n".join(problems)
    finally:
        page.close()


@pytest.fixture(scope="module")
def view_notebook():
    """A notebook executed with a 3-D cortex view (under ROOT/_build, which git ignores)."""
    from view_notebook import write_view_notebook

    return write_view_notebook(ROOT / "_build" / "test_views" / "cortex_view.ipynb")


def painted_fraction(png):
    """Share of the pixels of a screenshot that are neither white nor transparent."""
    import matplotlib.image
    import numpy as np

    rgb = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    return float(np.mean(np.any(rgb < 0.9, axis=-1)))


def test_cortex_view_renders_in_jupyterlab(view_notebook, jupyterlab, lab_browser):
    """The plotly JSON output of view_source_map is drawn by JupyterLab's plotly extension:
    a WebGL canvas with the cortex on it; nothing is loaded from another host."""
    notebook = view_notebook.relative_to(ROOT).as_posix()
    page, errors = _open(lab_browser, jupyterlab, notebook)
    try:
        view = page.locator(".jp-RenderedPlotly").first
        view.wait_for(state="attached", timeout=60000)
        page.wait_for_selector(".jp-RenderedPlotly .plot-container canvas", timeout=60000)
        view.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        shot = view.screenshot()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "jupyterlab_cortex_view.png").write_bytes(shot)
        legend = view.inner_text()
        assert "true source" in legend and "(nAm)" in legend, legend
        assert painted_fraction(shot) > 0.1, "the 3-D view is blank (no cortex drawn)"
        assert not lab_browser.blocked, f"JupyterLab reached other hosts: {lab_browser.blocked}"
        plotly_errors = [e for e in errors if "plotly" in e.lower() or "webgl" in e.lower()]
        assert not plotly_errors, plotly_errors
    finally:
        page.close()
