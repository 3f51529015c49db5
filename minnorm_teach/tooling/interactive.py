"""Sphinx hook of the website: interactive plotly figures (the 3-D cortex views), offline.

A notebook stores an interactive view as plotly's JSON output only
(``application/vnd.plotly.v1+json``, see ``minnorm_teach.viz.cortex3d``): JupyterLab draws it
with its plotly extension, and no JavaScript is committed with the notebook. For the website,
this hook

1. (``source-read``) replaces, in the page being read (never in the file), each such output by
   its ``text/html`` twin: an empty ``<div class="minnorm-plotly">`` followed by the figure's
   JSON in a ``<script type="application/json">``, which myst-nb renders as it is;
2. (``html-page-context``) adds, on the pages that have one, plotly.js and
   ``cortex-view.js`` (in ``course/_static``), which draws every such div;
3. (``build-finished``) copies plotly.js (``plotly.min.js`` and its MIT licence, from the
   installed Python package ``plotly``) into the site's ``_static/plotly/``: served by the
   site itself, once, never from a CDN.
"""

import importlib.metadata
import json
import shutil
from pathlib import Path

__all__ = ["MIME_TYPE", "plotly_html", "html_twins", "plotly_js", "setup"]

MIME_TYPE = "application/vnd.plotly.v1+json"
CSS_CLASS = "minnorm-plotly"
STATIC_JS = ("plotly/plotly.min.js", "cortex-view.js")


def plotly_html(figure):
    """The HTML twin of a plotly figure: an empty div and the figure as JSON data."""
    height = int((figure.get("layout") or {}).get("height") or 460)
    payload = json.dumps(figure, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="{CSS_CLASS}" style="width:100%;height:{height}px"></div>\n'
            f'<script type="application/json" class="{CSS_CLASS}-data">{payload}</script>\n')


def html_twins(notebook):
    """Replace every plotly output of ``notebook`` (a dict, changed in place) by its HTML
    twin (:func:`plotly_html`); returns how many were replaced."""
    replaced = 0
    for cell in notebook.get("cells", ()):
        for output in cell.get("outputs", ()) if cell.get("cell_type") == "code" else ():
            data = output.get("data") or {}
            if MIME_TYPE in data:
                data["text/html"] = plotly_html(data.pop(MIME_TYPE))
                replaced += 1
    return replaced


def plotly_js():
    """(plotly.min.js, licence file) of the installed Python package ``plotly``."""
    try:
        dist = importlib.metadata.distribution("plotly")
    except importlib.metadata.PackageNotFoundError:
        raise RuntimeError("the website's 3-D views need the Python package plotly, which "
                           "is not installed: pip install -e '.[book]'") from None
    files = [Path(dist.locate_file(f)) for f in dist.files or ()]
    script = next((f for f in files if f.as_posix().endswith("package_data/plotly.min.js")),
                  None)
    licence = next((f for f in files if "dist-info" in f.as_posix()
                    and f.name.upper().startswith("LICENSE")), None)
    if script is None or not script.is_file():
        raise RuntimeError(f"plotly {dist.version} ships no package_data/plotly.min.js: "
                           f"pip install --force-reinstall plotly")
    return script, licence


def _source_read(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    try:
        notebook = json.loads(source[0])
    except ValueError:
        return                      # not JSON: myst-nb reports it
    if html_twins(notebook):
        source[0] = json.dumps(notebook)


def _page_scripts(app, pagename, templatename, context, doctree):
    if f'class="{CSS_CLASS}"' in (context.get("body") or ""):
        for name in STATIC_JS:
            app.add_js_file(name, defer="defer")


def _copy_plotly(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    script, licence = plotly_js()
    target = Path(app.outdir) / "_static" / "plotly"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(script, target / "plotly.min.js")
    if licence is not None and licence.is_file():
        shutil.copyfile(licence, target / "LICENSE.txt")


def setup(app):
    """Register the hooks (``book.yml``: ``sphinx.extra_extensions``)."""
    app.connect("source-read", _source_read)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _copy_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
