"""nbgrader for instructors: the cell metadata of the exercises, and a course folder.

A chapter's exercises follow ``course/CONTRIBUTING.md``; :func:`nbgrader_metadata` derives
nbgrader's cell metadata from that structure, so no one writes it by hand:

- the ``{exercise}`` task (Markdown)         read-only,          ``grade_id`` ``<label>-task``
- the solution cell (``# BEGIN SOLUTION``)   autograded answer,  ``grade_id`` ``<label>``
- the check cell (``ex.check("<label>", ...)``) autograder test,  ``grade_id`` ``<label>-check``,
  locked, with the exercise's ``points``
- a written solution (a ``{solution}`` cell) manually graded answer with 0 points (nbgrader
  replaces it by "YOUR ANSWER HERE"; give it points in the formgrader if you grade it).

``python -m minnorm_teach.tooling.grading course/NN_name.ipynb`` writes it into the notebook
(only the ``nbgrader`` key of each cell changes); :func:`stale_metadata` lists cells whose
metadata differs (the tests call it). :func:`make_course` lays out an nbgrader course folder
for ``nbgrader generate_assignment`` and ``nbgrader autograde``.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

from minnorm_teach.tooling.student import _SOLUTION_OPEN, BEGIN, exercise_labels

__all__ = ["nbgrader_metadata", "apply_metadata", "stale_metadata", "audit", "make_course",
           "NBGRADER_CONFIG"]

SCHEMA = 3
_CHECK = re.compile(r"""\bex\.check\(\s*["'](ex-\d\d-[a-z0-9-]+)["']""")
_ASSIGNED_CHECK = re.compile(r"""^[A-Za-z_]\w*\s*=\s*ex\.check\(""", re.M)
_TITLE = re.compile(r"^(?::{3,}|`{3,})\{exercise(?:-start)?\}[ \t]*(.*)$", re.M)
NBGRADER_CONFIG = '''\
# nbgrader configuration of a minnorm-course assignment (made by
# minnorm_teach.tooling.grading.make_course).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "minnorm-course"
c.CourseDirectory.root = {root!r}
# A chapter's cell (e.g. building the dataset the first time) may take minutes.
c.Execute.timeout = {timeout}
'''


def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None, task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA, "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return meta


def _points(label):
    from minnorm_teach import exercises

    return exercises.get(label)[0].points


def nbgrader_metadata(nb, name="notebook"):
    """For each cell, the nbgrader metadata it should carry (None: none)."""
    metas = []
    for cell, label in zip(nb.cells, exercise_labels(nb, name), strict=True):
        meta = None
        if cell.cell_type == "markdown" and label is not None:
            if (opened := _SOLUTION_OPEN.search(cell.source)) is not None:
                target = opened.group(0).split("}", 1)[1].split() or [label]
                meta = _meta(f"{target[0]}-written", solution=True, grade=True, points=0)
            elif f":label: {label}" in cell.source:
                meta = _meta(f"{label}-task", locked=True)
        elif cell.cell_type == "code" and BEGIN in cell.source:
            meta = _meta(label, solution=True)
        elif cell.cell_type == "code" and (match := _CHECK.search(cell.source)):
            checked = match.group(1)
            meta = _meta(f"{checked}-check", grade=True, locked=True,
                         points=_points(checked))
        metas.append(meta)
    return metas


def stale_metadata(nb, name="notebook"):
    """Cells whose ``nbgrader`` metadata differs from :func:`nbgrader_metadata`."""
    return [f"{name}, cell {index}: nbgrader metadata {cell.metadata.get('nbgrader')} "
            f"should be {meta}"
            for index, (cell, meta) in enumerate(zip(nb.cells, nbgrader_metadata(nb, name),
                                                     strict=True))
            if cell.metadata.get("nbgrader") != meta]


def apply_metadata(path):
    """Write the derived nbgrader metadata into a notebook file; return the cells changed."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    changed = stale_metadata(nb, path.name)
    for cell, meta in zip(nb.cells, nbgrader_metadata(nb, path.name), strict=True):
        if meta is None:
            cell.metadata.pop("nbgrader", None)
        else:
            cell.metadata["nbgrader"] = meta
    if changed:
        nbformat.write(nb, path)
    return changed


def _pages_exercises(nb):
    """(label, title, index of the task cell) of each ``{exercise}``, in page order."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (title := _TITLE.search(cell.source)):
            label = re.search(r"^:label:\s*(\S+)", cell.source[title.end():], re.M)
            found.append((label.group(1) if label else None, title.group(1).strip(), index))
    return found


def audit(nb, name):
    """What breaks the exercise format of course/CONTRIBUTING.md in a converted chapter.

    Its exercises are those of ``minnorm_teach/exercises/chNN.py`` in page order (so the
    numbers agree with the website), with the same titles; each has one solution cell and
    then one check cell ``name = ex.check("<label>", ...)``; a written solution sits alone in
    its Markdown cell; the nbgrader metadata is up to date. Returns the problems found.
    """
    from minnorm_teach import exercises

    problems = []
    registered = exercises.chapter(name[:2])
    pages = _pages_exercises(nb)
    if [label for label, _, _ in pages] != [e.label for e in registered]:
        problems.append(f"{name}: exercises in page order {[p[0] for p in pages]} but "
                        f"exercises/ch{name[:2]}.py lists {[e.label for e in registered]}")
    for (label, title, _), exercise in zip(pages, registered, strict=False):
        if label == exercise.label and title != exercise.title:
            problems.append(f"{name}: {label} is titled {title!r} on the page but "
                            f"{exercise.title!r} in the exercise module")
    labels = exercise_labels(nb, name)
    for label, _, start in pages:
        cells = [(i, c) for i, c in enumerate(nb.cells) if labels[i] == label and i > start]
        solution = [i for i, c in cells if c.cell_type == "code" and BEGIN in c.source]
        checks = [i for i, c in cells if c.cell_type == "code" and _CHECK.search(c.source)]
        if len(solution) != 1 or len(checks) != 1 or checks[0] < solution[0]:
            problems.append(f"{name}: {label} needs one solution cell, then one check cell "
                            f"(found solution cells {solution}, check cells {checks})")
        elif not _ASSIGNED_CHECK.search(nb.cells[checks[0]].source):
            problems.append(f"{name}, cell {checks[0]}: assign what the check returns "
                            f"(`answer = ex.check(\"{label}\", answer)`): the chapter "
                            "continues with it, and a bare value would be shown")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (opened := _SOLUTION_OPEN.search(cell.source)):
            if opened.start() > 0 or not cell.source.rstrip().endswith(opened.group(1)):
                problems.append(f"{name}, cell {index}: a written solution sits alone in "
                                "its Markdown cell (nbgrader replaces the whole cell)")
    return problems + stale_metadata(nb, name)


def make_course(root, notebooks, assignment, *, timeout=600):
    """An nbgrader course folder: ``nbgrader_config.py`` and ``source/<assignment>/``.

    Then, in ``root``: ``nbgrader generate_assignment <assignment>`` writes the student
    version to ``release/``; submissions go to ``submitted/<student>/<assignment>/``;
    ``nbgrader autograde <assignment>`` grades them into ``gradebook.db``.
    """
    root = Path(root).resolve()
    source = root / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    for path in map(Path, notebooks):
        nb = nbformat.read(path, as_version=4)
        stale = stale_metadata(nb, path.name)
        if stale:
            raise ValueError(f"{path.name} lacks its nbgrader metadata (run `python -m "
                             f"minnorm_teach.tooling.grading {path}`): {stale[0]}")
        shutil.copy(path, source / path.name)
    (root / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(root),
                                                                    timeout=timeout))
    return root


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minnorm_teach.tooling.grading",
                                     description="Write nbgrader's cell metadata into "
                                                 "course notebooks.")
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        changed = apply_metadata(path)
        print(f"{path}: {len(changed)} cell(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
