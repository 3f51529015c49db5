"""A small notebook with an interactive 3-D cortex view, executed as a chapter would be.

Used by the browser tests (website and JupyterLab): they render what the current code of
``minnorm_teach.viz.view_source_map`` stores in a notebook.
"""

from pathlib import Path

import nbformat

SOURCE = '''import numpy as np
import minnorm_teach as mt

data = mt.datasets.load_data()
src = data.fwd["src"]
vertices = [s["vertno"] for s in src]
values = data.truth.amplitude_map(src, time=0.09) * 1e9       # nAm per location
k = int(np.argmax(values))'''

VIEW = '''mt.viz.view_source_map(values, vertices, data.subjects_dir, data.subject, threshold=0.01,
                       label="|moment| (nAm)", title="True sources at 90 ms",
                       markers={"true source": k})'''


def write_view_notebook(path, *, timeout=300):
    """Execute the two cells in a fresh kernel and write the notebook to ``path``."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# An interactive cortex view"),
                nbformat.v4.new_code_cell(SOURCE), nbformat.v4.new_code_cell(VIEW)]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    return path
