"""Generate the student notebooks from the course notebooks (the one source of truth).

For every chapter ``course/NN_name.ipynb`` the student version ``student/NN_name.ipynb``:

- has no outputs, execution counts or run metadata (a student runs it; re-executing a
  chapter without changing it leaves its student version byte-identical);
- replaces each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` block of a code cell:
  inside a function, by ``raise NotImplementedError("Exercise <label>: ...")`` at the block's
  indentation (the exercise's check reports "not attempted yet" and the chapter continues
  with the package's function); outside a function, by a comment, leaving the answer names
  that the cell sets to ``...`` before the block (the check sees ``...``: not attempted);
  ``<label>`` is the ``:label:`` of the closest ``{exercise}`` directive above;
- removes the ``{solution}`` directives (the written solutions in dropdowns), and a Markdown
  cell that held nothing else; the self-check cells stay;
- shows each stub cell open (the solution's ``source_hidden`` and hiding tags removed);
- drops the nbgrader cell metadata (nbgrader makes its own release, see
  :mod:`minnorm_teach.tooling.grading`).

``write_all(course_dir, student_dir)`` writes them; ``out_of_sync`` lists differences
(``tests/test_student.py`` fails on any).
"""

import ast
import copy
import re
from pathlib import Path

import nbformat

__all__ = ["student_notebook", "student_source", "write_all", "out_of_sync", "chapter_paths",
           "exercise_labels", "ExerciseFormatError", "STUB_MESSAGE", "STUDENT_NOTE"]

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
STUB_MESSAGE = "replace this line with your solution"
ANSWER_STUB = "# Exercise {label}: your answer goes above, in place of the ..."
STUDENT_NOTE = (
    "> **Student version.** This notebook has {n} exercise(s). Write your answer where a "
    "line raises `NotImplementedError` or a name is set to `...`, then run the check cell "
    "below it.{goes_on} (Generated from the course notebook by "
    "`python -m minnorm_teach student`: do not edit it by hand.)")
GOES_ON = (" Until you do, the check says \"not attempted yet\" and the chapter goes on with "
           "the package's answer.")
_LABEL = re.compile(r"^:label:\s*(\S+)\s*$", re.M)
_EXERCISE = re.compile(r"^(:{3,}|`{3,})\{exercise(?:-start)?\}", re.M)
_SOLUTION_OPEN = re.compile(r"^(:{3,}|`{3,})\{solution\}.*$", re.M)
_DECLARED = re.compile(r"^([A-Za-z_]\w*)\s*=\s*\.\.\.(\s*#.*)?$")
_DROPPED_METADATA = ("execution", "nbgrader", "collapsed", "scrolled")


class ExerciseFormatError(ValueError):
    """A course notebook breaks the exercise format of course/CONTRIBUTING.md."""


def _blocks(lines, where):
    """(begin, end) line indices of each solution block, with format errors named."""
    blocks, begin = [], None
    for index, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise ExerciseFormatError(f"{where}, line {index + 1}: {BEGIN!r} inside "
                                          f"another solution block (missing {END!r}?)")
            begin = index
        elif marker == END:
            if begin is None:
                raise ExerciseFormatError(f"{where}, line {index + 1}: {END!r} without "
                                          f"{BEGIN!r}")
            blocks.append((begin, index))
            begin = None
    if begin is not None:
        raise ExerciseFormatError(f"{where}: {BEGIN!r} is never closed by {END!r}")
    return blocks


def _function_lines(source):
    """Line numbers (1-based) that lie inside a function body of ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(range(node.body[0].lineno, node.end_lineno + 1))
    return inside


def student_source(source, label, where="cell"):
    """The student version of a solution cell's source (see the module docstring)."""
    lines = source.splitlines()
    blocks = _blocks(lines, where)
    in_function = _function_lines(source)
    out, previous = [], 0
    for begin, end in blocks:
        out += lines[previous:begin]
        indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
        if begin + 2 in in_function:           # the block's first line, 1-based
            out.append(f'{indent}raise NotImplementedError("Exercise {label}: '
                       f'{STUB_MESSAGE}")')
        elif any(_DECLARED.match(line) for line in lines[:begin]):
            out.append(indent + ANSWER_STUB.format(label=label))
        else:
            raise ExerciseFormatError(
                f"{where}: a solution block outside a function must follow its answer "
                "names set to ... (e.g. `rank = ...  # an int`), so that a student's "
                "Run All goes on past it")
        previous = end + 1
    return "\n".join(out + lines[previous:])


def _remove_solution_directives(source):
    """Remove every {solution} directive block (its opening fence to the matching close)."""
    while (match := _SOLUTION_OPEN.search(source)) is not None:
        fence = match.group(1)
        close = re.compile(rf"^{re.escape(fence)}\s*$", re.M)
        end = close.search(source, match.end())
        if end is None:
            raise ExerciseFormatError(f"a {{solution}} directive opened with {fence!r} is "
                                      "never closed")
        before, after = source[:match.start()].rstrip("\n"), source[end.end():].lstrip("\n")
        source = f"{before}\n\n{after}" if before and after else before + after
    return source.strip("\n")


def exercise_labels(nb, name="notebook"):
    """For each cell, the label of the closest ``{exercise}`` directive above it (or None)."""
    labels, label = [], None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and _EXERCISE.search(cell.source):
            found = _LABEL.findall(cell.source)
            if not found:
                raise ExerciseFormatError(f"{name}, cell {index}: an {{exercise}} without a "
                                          ":label:")
            label = found[-1]
        labels.append(label)
    return labels


def _student_cell(cell, label, where):
    """The student version of one cell, or None to drop it; and whether it is an exercise."""
    for key in _DROPPED_METADATA:
        cell.metadata.pop(key, None)
    if cell.cell_type == "markdown":
        if _SOLUTION_OPEN.search(cell.source):
            cell.source = _remove_solution_directives(cell.source)
            if not cell.source.strip():
                return None, False
        return cell, False
    if cell.cell_type != "code":
        return cell, False
    cell.outputs, cell.execution_count = [], None
    if BEGIN in cell.source or END in cell.source:
        if label is None:
            raise ExerciseFormatError(f"{where}: a solution block with no {{exercise}} "
                                      "directive (with :label:) above it")
        cell.source = student_source(cell.source, label, where)
        _show(cell)
        return cell, True
    if "solution" in cell.metadata.get("tags", []):
        raise ExerciseFormatError(f"{where}: tagged 'solution' but has no {BEGIN!r} ... "
                                  f"{END!r} block for the student to write")
    return cell, False


_HIDING_TAGS = ("solution", "hide-input", "hide-cell", "remove-input")


def _show(cell):
    """A stub is the student's to write: open (no ``source_hidden``), without the tags that
    collapse a solution on the website."""
    jupyter = cell.metadata.get("jupyter", {})
    jupyter.pop("source_hidden", None)
    if not jupyter:
        cell.metadata.pop("jupyter", None)
    tags = [t for t in cell.metadata.get("tags", []) if t not in _HIDING_TAGS]
    if tags:
        cell.metadata["tags"] = tags
    else:
        cell.metadata.pop("tags", None)


def student_notebook(nb, name="notebook"):
    """Return the student version of a course notebook (the input is not modified)."""
    nb = copy.deepcopy(nb)
    labels = exercise_labels(nb, name)
    cells, n_exercises = [], 0
    for index, (cell, label) in enumerate(zip(nb.cells, labels, strict=True)):
        cell, is_exercise = _student_cell(cell, label, f"{name}, cell {index}")
        if cell is not None:
            cells.append(cell)
            n_exercises += is_exercise
    if n_exercises:
        uses_ex = any(c.cell_type == "code" and "ex.check(" in c.source for c in cells)
        note = nbformat.v4.new_markdown_cell(STUDENT_NOTE.format(
            n=n_exercises, goes_on=GOES_ON if uses_ex else ""))
        if cells and "id" in cells[0]:
            note.id = "minnorm-student-note"         # fixed, so that generation is repeatable
        else:
            note.pop("id", None)
        cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, note)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nb.metadata["minnorm_student"] = {"generated_from": f"course/{name}",
                                      "by": "python -m minnorm_teach student"}
    return nb


def chapter_paths(course_dir):
    """The chapter notebooks ``NN_name.ipynb`` of a course folder, in order."""
    return sorted(p for p in Path(course_dir).glob("*.ipynb") if re.match(r"\d\d_", p.name))


def _student_text(path):
    nb = nbformat.read(path, as_version=4)
    return nbformat.writes(student_notebook(nb, path.name)) + "\n"


def write_all(course_dir, student_dir):
    """Write ``student_dir/NN_name.ipynb`` for every chapter, delete stale ones; return paths.

    A file whose content would not change is not rewritten (its bytes and time stay).
    """
    course_dir, student_dir = Path(course_dir), Path(student_dir)
    student_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapter_paths(course_dir):
        target = student_dir / path.name
        text = _student_text(path)
        if not target.is_file() or target.read_text() != text:
            target.write_text(text)
        written.append(target)
    for stale in set(chapter_paths(student_dir)) - set(written):
        stale.unlink()
    print(f"wrote {len(written)} student notebook(s) to {student_dir}")
    return written


def out_of_sync(course_dir, student_dir):
    """Student notebooks that differ from (or are missing for) their chapter, or are stale."""
    course_dir, student_dir = Path(course_dir), Path(student_dir)
    problems = []
    sources = chapter_paths(course_dir)
    for path in sources:
        target = student_dir / path.name
        if not target.is_file():
            problems.append(f"{target.name}: missing")
        elif target.read_text() != _student_text(path):
            problems.append(f"{target.name}: differs from the one generated from {path.name}")
    names = {p.name for p in sources}
    problems += [f"{p.name}: no chapter of that name" for p in chapter_paths(student_dir)
                 if p.name not in names]
    return problems
