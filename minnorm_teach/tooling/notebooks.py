"""The chapter notebooks as files: normalise them, execute them, find what only the book renders.

``normalise`` (``python -m minnorm_teach normalise NOTEBOOK...``) is idempotent. It

1. moves nbval's comment markers (``# NBVAL_CHECK_OUTPUT`` ...) to cell tags, which nbval
   honours too (``nbval-check-output``, ``nbval-ignore-output``, ``nbval-skip``,
   ``raises-exception``), so neither the book nor JupyterLab shows them;
2. sets each cell's JupyterLab metadata from its tags: ``solution``/``hide-input`` ->
   source collapsed, ``hide-output`` -> outputs collapsed, ``hide-cell`` -> both;
3. inserts (or updates) the numbering cell, first, for chapters ``NN_name``: MyST front matter
   that makes jupyterlab-myst number exercises and equations "N.k" as the website does
   (tagged ``remove-cell``: the book never shows it);
4. inserts (or updates) the Colab cell, the first code cell: it installs the course package
   on Colab and does nothing anywhere else (tagged ``remove-cell``);
5. collapses progress-bar output (carriage returns) to what a terminal shows last, so no
   stale progress bars are committed.

``execute`` runs a normalised notebook top to bottom in a fresh kernel and writes it back.
"""

import contextlib
import copy
import os
import re
import time
from pathlib import Path

import nbformat

__all__ = ["NotebookError", "read_notebook", "normalise", "normalise_file", "is_normalised",
           "execute_notebook", "collapse_streams", "colab_source", "myst_portability_problems",
           "NBVAL_TAGS"]

NBVAL_TAGS = {"NBVAL_CHECK_OUTPUT": "nbval-check-output",
              "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
              "NBVAL_SKIP": "nbval-skip",
              "NBVAL_RAISES_EXCEPTION": "raises-exception"}
_MARKER_LINE = re.compile(r"^[ \t]*#+[ \t]*(" + "|".join(NBVAL_TAGS) + r")[ \t]*(\n|$)", re.M)
_HIDDEN = {"source_hidden": ("solution", "hide-input", "hide-cell"),
           "outputs_hidden": ("hide-output", "hide-cell")}
_CHAPTER = re.compile(r"^(\d\d)_")
NUMBERING_ID, COLAB_ID = "minnorm-numbering", "minnorm-colab-install"


class NotebookError(RuntimeError):
    """A notebook could not be read, normalised or executed; the message says which and why."""


# ---------------------------------------------------------------------------- cell rules

def _tags(cell):
    return list(cell.metadata.get("tags", []))


def markers_to_tags(cell):
    """Move ``# NBVAL_...`` comment lines of a code cell into its tags (in place)."""
    found = [m.group(1) for m in _MARKER_LINE.finditer(cell.source)]
    if cell.cell_type != "code" or not found:
        return
    cell.source = _MARKER_LINE.sub("", cell.source)
    tags = _tags(cell)
    cell.metadata["tags"] = tags + [NBVAL_TAGS[m] for m in found if NBVAL_TAGS[m] not in tags]


def metadata_from_tags(cell):
    """JupyterLab's ``metadata.jupyter.{source,outputs}_hidden`` follow the cell's tags."""
    if cell.cell_type != "code":
        return
    jupyter = dict(cell.metadata.get("jupyter", {}))
    tags = set(_tags(cell))
    for key, hiding in _HIDDEN.items():
        if tags & set(hiding):
            jupyter[key] = True
        else:
            jupyter.pop(key, None)
    if jupyter:
        cell.metadata["jupyter"] = jupyter
    else:
        cell.metadata.pop("jupyter", None)


def collapse_streams(outputs):
    """Merge consecutive stream outputs of one stream, keep on each line what follows its
    last carriage return (what a terminal or JupyterLab shows), drop what ends up blank."""
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(copy.deepcopy(out))
    kept = []
    for out in merged:
        if out.get("output_type") == "stream" and "\r" in out["text"]:
            out["text"] = "\n".join(line.rsplit("\r", 1)[-1]
                                    for line in out["text"].split("\n"))
            if not out["text"].strip():
                continue
        kept.append(out)
    return kept


# ------------------------------------------------------------------------ inserted cells

def colab_source(install_url):
    """The Colab cell: installs the course package on Colab only."""
    return ("# On Colab, install the course package first (this cell does nothing elsewhere).\n"
            "import sys\n\n"
            'if "google.colab" in sys.modules:\n'
            f'    %pip install --quiet "minnorm-teach @ git+{install_url}"')


def _numbering_source(chapter):
    return ("---\n# jupyterlab-myst: number exercises and equations as the website does\n"
            f'numbering:\n  enumerator: "{chapter}.%s"\n---')


def _generated(source, key, cell_type):
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(source, metadata={"tags": ["remove-cell"], "minnorm": key})
    cell.id = {"numbering": NUMBERING_ID, "colab-install": COLAB_ID}[key]
    return cell


def _place(cells, cell, index):
    """Remove any earlier copy of the generated cell, then insert it at ``index``."""
    kept = [c for c in cells if c.metadata.get("minnorm") != cell.metadata["minnorm"]]
    kept.insert(min(index, len(kept)), cell)
    return kept


def normalise(nb, name, install_url):
    """The normalised copy of notebook ``nb`` (file name ``name``); ``nb`` is not modified."""
    nb = copy.deepcopy(nb)
    cells = list(nb.cells)
    for cell in cells:
        markers_to_tags(cell)
        metadata_from_tags(cell)
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(o) for o in collapse_streams(cell.outputs)]
    chapter = _CHAPTER.match(Path(name).name)
    if chapter:
        cells = _place(cells, _generated(_numbering_source(int(chapter.group(1))),
                                         "numbering", "markdown"), 0)
    colab = _generated(colab_source(install_url), "colab-install", "code")
    old = next((c for c in cells if c.metadata.get("minnorm") == "colab-install"), None)
    if old is not None:
        colab.execution_count, colab.outputs = old.execution_count, old.outputs
    others = [c for c in cells if c.metadata.get("minnorm") != "colab-install"]
    first_code = next((i for i, c in enumerate(others) if c.cell_type == "code"), len(others))
    nb.cells = _place(cells, colab, first_code)
    return nb


# ------------------------------------------------------------------------------- files

def read_notebook(path):
    """The notebook at ``path``; NotebookError (one line) if it is missing or unreadable."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"no notebook {path}: give the path of a chapter, "
                            "e.g. course/03_tikhonov.ipynb")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as err:        # nbformat raises several kinds for a damaged file
        raise NotebookError(f"{path} is not a readable notebook ({type(err).__name__}: "
                            f"{err}): restore it with git checkout") from None


def _text(nb):
    return nbformat.writes(nb) + "\n"


def normalise_file(path, install_url):
    """Normalise the notebook file in place; return True if it changed."""
    path = Path(path)
    text = _text(normalise(read_notebook(path), path.name, install_url))
    if path.read_text() == text:
        return False
    path.write_text(text)
    return True


def is_normalised(path, install_url):
    """True if ``normalise`` would leave the file unchanged."""
    path = Path(path)
    return path.read_text() == _text(normalise(read_notebook(path), path.name, install_url))


@contextlib.contextmanager
def _inline_figures():
    """The kernel draws inline (PNG outputs for the book) even when the shell that runs
    ``execute`` sets MPLBACKEND (e.g. Agg for headless tests), which would drop every figure."""
    saved = os.environ.pop("MPLBACKEND", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["MPLBACKEND"] = saved


def execute_notebook(path, install_url, timeout=600):
    """Normalise, then run the notebook top to bottom in a fresh kernel; write it back.

    Nothing is written when a cell fails: NotebookError names the cell and the error.
    Figures are drawn inline whatever MPLBACKEND says (:func:`_inline_figures`).
    Returns the run time in seconds.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = normalise(read_notebook(path), path.name, install_url)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False)
    start = time.perf_counter()
    try:
        with _inline_figures():
            client.execute()
    except CellExecutionError as err:
        failed = next((c.source.strip().splitlines()[0] for c in nb.cells
                       if c.cell_type == "code" and c.source.strip() and any(
                           o.get("output_type") == "error" for o in c.get("outputs", ()))), "")
        raise NotebookError(f"{path}: the cell `{failed[:60]}` failed ({err.ename}: "
                            f"{err.evalue}); the notebook was not written") from None
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path.write_text(_text(normalise(nb, path.name, install_url)))
    return seconds


# ------------------------------------------------------------ MyST that JupyterLab lacks

_DISPLAY_MATH = re.compile(r"(?ms)^\$\$[ \t]*\n(.*?)\n\$\$[ \t]*(\([\w:.-]+\))?[ \t]*$")


def myst_portability_problems(nb):
    """Markdown that the website renders but jupyterlab-myst does not render the same way.

    - ``{cite}`` roles: jupyterlab-myst has no bibliography (it shows the bare key);
    - display equations without a label: jupyterlab-myst numbers them, the book does not,
      so every later equation number would differ.
    Returns ``["cell N: ...", ...]``.
    """
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for match in re.finditer(r"\{cite(?::\w+)?\}`([^`]+)`", cell.source):
            problems.append(f"cell {index}: citation {match.group(0)} (write "
                            f"[Author (year)](https://doi.org/...) instead)")
        for match in _DISPLAY_MATH.finditer(cell.source):
            if not match.group(2):
                problems.append(f"cell {index}: display equation without a label "
                                f"({match.group(1).strip()[:40]}...)")
    return problems
