"""Generate the student notebooks from the course notebooks (the one source of truth).

For every chapter ``course/NN_name.ipynb`` the student version ``student/NN_name.ipynb``:

- replaces each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` block of a code cell by
  ``raise NotImplementedError("Exercise <label>: ...")`` at the block's indentation, where
  ``<label>`` is the ``:label:`` of the closest ``{exercise}`` directive above the cell;
- clears the outputs and execution counts of those solution cells;
- removes the ``{solution}`` directives (the worked solutions in dropdowns), and a Markdown
  cell that held nothing else.

Everything else (text, self-check cells, figures) is kept, so the self-checks tell a student
when the exercise is solved. ``python -m minnorm_teach student`` runs :func:`write_all`;
``tests/test_student.py`` fails when ``student/`` is out of sync.
"""

import copy
import re
from pathlib import Path

import nbformat

__all__ = ["student_notebook", "student_source", "write_all", "out_of_sync", "chapter_paths",
           "STUB_MESSAGE", "STUDENT_NOTE"]

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
STUB_MESSAGE = "replace this line with your solution"
STUDENT_NOTE = (
    "> **Student version.** This notebook has {n} coding exercise(s). Each one raises "
    "`NotImplementedError` until you replace its `raise` line with your solution; the "
    "self-check cell after it tells you when you are right. (Generated from the course "
    "notebook by `python -m minnorm_teach student`: do not edit it by hand.)")
_LABEL = re.compile(r"^:label:\s*(\S+)\s*$", re.M)
_EXERCISE = re.compile(r"^(:{3,}|`{3,})\{exercise(?:-start)?\}", re.M)
_SOLUTION_OPEN = re.compile(r"^(:{3,}|`{3,})\{solution\}.*$", re.M)


class ExerciseFormatError(ValueError):
    """A course notebook breaks the exercise format of course/CONTRIBUTING.md."""


def student_source(source, label, where="cell"):
    """The student version of a solution cell's source: each BEGIN/END SOLUTION block
    becomes ``raise NotImplementedError("Exercise <label>: ...")`` at its indentation."""
    out, inside = [], False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ExerciseFormatError(f"{where}, line {number}: {BEGIN!r} inside another "
                                          f"solution block (missing {END!r}?)")
            inside = True
            indent = line[:len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("Exercise {label}: {STUB_MESSAGE}")')
        elif marker == END:
            if not inside:
                raise ExerciseFormatError(f"{where}, line {number}: {END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ExerciseFormatError(f"{where}: {BEGIN!r} is never closed by {END!r}")
    return "\n".join(out)


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


def student_notebook(nb, name="notebook"):
    """Return the student version of a course notebook (the input is not modified)."""
    nb = copy.deepcopy(nb)
    cells, label, n_exercises = [], None, 0
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}"
        source = cell.source
        if cell.cell_type == "markdown":
            if _EXERCISE.search(source):
                labels = _LABEL.findall(source)
                if not labels:
                    raise ExerciseFormatError(f"{where}: an {{exercise}} without a :label:")
                label = labels[-1]
            if _SOLUTION_OPEN.search(source):
                source = _remove_solution_directives(source)
                if not source.strip():
                    continue
                cell.source = source
        elif cell.cell_type == "code":
            tagged = "solution" in cell.metadata.get("tags", [])
            if BEGIN in source or END in source:
                if label is None:
                    raise ExerciseFormatError(f"{where}: a solution block with no "
                                              "{exercise} directive (with :label:) above it")
                cell.source = student_source(source, label, where)
                n_exercises += 1
                cell.outputs = []
                cell.execution_count = None
            elif tagged:
                raise ExerciseFormatError(f"{where}: tagged 'solution' but has no {BEGIN!r} "
                                          f"... {END!r} block for the student to write")
        cells.append(cell)
    if n_exercises:
        note = nbformat.v4.new_markdown_cell(STUDENT_NOTE.format(n=n_exercises))
        if cells and "id" in cells[0]:
            note.id = "minnorm-student-note"         # fixed, so that generation is repeatable
        else:
            note.pop("id", None)
        cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, note)
    nb.cells = cells
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
    """Write ``student_dir/NN_name.ipynb`` for every chapter, delete stale ones; return paths."""
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
