"""Notebook normalisation (``python -m minnorm_teach normalise``), on small notebooks and on
copies of the chapters; and the committed chapters must be normalised.

Normalised means: nbval markers are cell tags (nbval honours them, shown here by running nbval),
solutions are collapsed in JupyterLab (metadata from tags), the numbering cell comes first and
the Colab cell is the first code cell (a no-op outside Colab), and no progress-bar residue is
stored. Running it twice changes nothing.
"""

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from minnorm_teach.tooling import book, notebooks

REPO = Path(__file__).resolve().parent.parent
URL = "https://github.com/owner/course@main"
CHAPTERS = sorted((REPO / "course").glob("[0-9][0-9]_*.ipynb"))


def _stream(text, name="stderr"):
    return new_output("stream", name=name, text=text)


def _nb():
    return new_notebook(cells=[
        new_markdown_cell("# 03 · Title"),
        new_markdown_cell(":::{exercise} Task\n:label: ex-03-a\n\nDo it.\n:::"),
        new_code_cell("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION",
                      metadata={"tags": ["solution", "hide-input"]}),
        new_code_cell("# NBVAL_CHECK_OUTPUT\ncheck(f())"),
        new_code_cell("x = 1\n  ## NBVAL_IGNORE_OUTPUT \nprint(x)"),
        new_code_cell("# NBVAL_SKIP\nslow()", metadata={"jupyter": {"source_hidden": True}}),
        new_code_cell("# NBVAL_RAISES_EXCEPTION\n1 / 0"),
        new_code_cell("run()", outputs=[
            _stream("\rbar:   0%|   | 0/3"), _stream("\rbar:  67%|## | 2/3"),
            _stream("\r              "), _stream("\r"), _stream("done\n", "stdout"),
            _stream("a\rb\nc\n", "stdout")]),
    ])


def test_nbval_markers_become_tags():
    nb = notebooks.normalise(_nb(), "03_x.ipynb", URL)
    by_source = {c.source.splitlines()[-1]: c for c in nb.cells if c.cell_type == "code"}
    assert by_source["check(f())"].metadata["tags"] == ["nbval-check-output"]
    assert by_source["check(f())"].source == "check(f())"
    assert by_source["print(x)"].metadata["tags"] == ["nbval-ignore-output"]
    assert by_source["print(x)"].source == "x = 1\nprint(x)"
    assert by_source["slow()"].metadata["tags"] == ["nbval-skip"]
    assert by_source["1 / 0"].metadata["tags"] == ["raises-exception"]
    assert not any("NBVAL_" in c.source for c in nb.cells)


def test_jupyterlab_metadata_follows_the_tags():
    nb = notebooks.normalise(_nb(), "03_x.ipynb", URL)
    solution = next(c for c in nb.cells if "solution" in c.metadata.get("tags", []))
    assert solution.metadata["jupyter"] == {"source_hidden": True}
    skipped = next(c for c in nb.cells if c.source == "slow()")
    assert "jupyter" not in skipped.metadata            # hidden by hand, no tag: shown again


def test_numbering_cell_first_and_colab_cell_first_code_cell():
    nb = notebooks.normalise(_nb(), "03_x.ipynb", URL)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.metadata["tags"] == ["remove-cell"]
    assert 'enumerator: "3.%s"' in first.source and first.source.startswith("---\n")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata["minnorm"] == "colab-install"
    assert code[0].metadata["tags"] == ["remove-cell"]
    assert f'git+{URL}"' in code[0].source
    assert nb.cells[1].source == "# 03 · Title"
    other = notebooks.normalise(_nb(), "notes.ipynb", URL)          # not a chapter
    assert not any(c.metadata.get("minnorm") == "numbering" for c in other.cells)


def test_progress_bars_leave_nothing_behind():
    nb = notebooks.normalise(_nb(), "03_x.ipynb", URL)
    outputs = nb.cells[-1].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "done\nb\nc\n")]


def test_normalise_is_idempotent_and_does_not_modify_its_input():
    original = _nb()
    before = nbformat.writes(original)
    once = notebooks.normalise(original, "03_x.ipynb", URL)
    assert nbformat.writes(original) == before
    twice = notebooks.normalise(once, "03_x.ipynb", URL)
    assert nbformat.writes(twice) == nbformat.writes(once)
    moved = notebooks.normalise(once, "03_x.ipynb", "https://github.com/o/other@dev")
    assert sum(c.metadata.get("minnorm") == "colab-install" for c in moved.cells) == 1
    assert "o/other@dev" in next(c.source for c in moved.cells
                                 if c.metadata.get("minnorm") == "colab-install")


def test_colab_cell_installs_on_colab_only(monkeypatch):
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(notebooks.colab_source(URL))
    calls = []
    shell = types.SimpleNamespace(run_line_magic=lambda *args: calls.append(args))
    exec(code, {"get_ipython": lambda: shell})                        # not on Colab
    assert calls == []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(code, {"get_ipython": lambda: shell})
    assert calls == [("pip", f'install --quiet "minnorm-teach @ git+{URL}"')]


def test_nbval_honours_the_tags(tmp_path):
    """A checked cell whose stored output is wrong fails nbval; tagged ignore, it passes."""
    nb = new_notebook(cells=[new_code_cell(
        "print(1)", execution_count=1, metadata={"tags": ["nbval-check-output"]},
        outputs=[_stream("2\n", "stdout")])])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "t.ipynb"

    def nbval():
        nbformat.write(nb, path)
        return subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax",
                               "--nbval-current-env", "-p", "no:cacheprovider", "-q",
                               str(path)], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300).returncode

    assert nbval() == 1
    nb.cells[0].metadata["tags"] = ["nbval-ignore-output"]
    assert nbval() == 0


def _as_authored(source, target):
    """A chapter as an author leaves it before normalising: nbval markers as comment lines
    (``# NBVAL_CHECK_OUTPUT``) instead of cell tags."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and "nbval-check-output" in tags:
            tags.remove("nbval-check-output")
            cell.source = "# NBVAL_CHECK_OUTPUT\n" + cell.source
    nbformat.write(nb, target)
    return target


def test_normalise_command_on_copies_of_the_chapters(tmp_path):
    """The command on two chapters as authored (markers as comment lines): changed once, then
    unchanged; only marker lines left the code, and every marker became a tag."""
    copies = [_as_authored(p, tmp_path / p.name) for p in CHAPTERS[2:4]]
    before = [nbformat.read(c, as_version=4) for c in copies]
    command = [sys.executable, "-m", "minnorm_teach", "--root", str(REPO), "normalise",
               *map(str, copies)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("unchanged") == 0, first.stdout
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.stdout.count("unchanged") == len(copies), second.stdout
    for nb, copy in zip(before, copies, strict=True):
        after = nbformat.read(copy, as_version=4)
        markers = sum(c.source.count("NBVAL_CHECK_OUTPUT") for c in nb.cells)
        tagged = sum("nbval-check-output" in c.metadata.get("tags", []) for c in after.cells)
        assert tagged == markers > 0

        def code(cells):
            return [notebooks._MARKER_LINE.sub("", c.source) for c in cells
                    if c.cell_type == "code" and c.metadata.get("minnorm") != "colab-install"]

        assert code(after.cells) == code(nb.cells)


def test_myst_portability_problems_name_the_cell():
    nb = new_notebook(cells=[
        new_markdown_cell("Fine $$x$$ inline, and\n\n$$\na = b\n$$ (eq-01-a)\n\n{eq}`eq-01-a`"),
        new_markdown_cell("See {cite}`hansen1992`.\n\n$$\nc = d\n$$\n"),
    ])
    problems = notebooks.myst_portability_problems(nb)
    assert len(problems) == 2 and all(p.startswith("cell 1:") for p in problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_committed_chapter_is_normalised(path):
    url, branch = book.repository(REPO)
    assert notebooks.is_normalised(path, f"{url}@{branch}"), (
        f"{path.name} is not normalised: run `python -m minnorm_teach execute "
        f"course/{path.name}` (normalises, then re-executes)")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_markdown_renders_alike_in_jupyterlab_and_the_book(path):
    problems = notebooks.myst_portability_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}: " + "; ".join(problems)


_DRAWS = re.compile(r"plt\.show\(\)|\bmt\.viz\.plot_")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_committed_figures_are_in_the_outputs(path):
    """The book shows committed outputs: a cell that draws (``plt.show()``, ``mt.viz.plot_*``)
    holds its PNG. (A chapter executed under MPLBACKEND=Agg once lost all its figures.) Widget
    cells draw on demand and are exempt."""
    nb = nbformat.read(path, as_version=4)
    missing = [index for index, cell in enumerate(nb.cells)
               if cell.cell_type == "code" and _DRAWS.search(cell.source)
               and "ipywidgets" not in cell.source
               and not any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))]
    assert not missing, (f"{path.name}: cells {missing} draw a figure but hold no PNG: run "
                         f"`python -m minnorm_teach execute course/{path.name}`")


def test_execute_draws_inline_whatever_mplbackend_says(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    with notebooks._inline_figures():
        assert "MPLBACKEND" not in os.environ      # the kernel inherits this environment
    assert os.environ["MPLBACKEND"] == "Agg"
