"""Student notebooks: generated from course/, in sync, and their exercises behave.

- The generator (``minnorm_teach.tooling.student``) on small notebooks: no outputs, stubs at
  the right indentation naming the exercise (or, outside a function, the answer names left at
  ``...``), worked solutions removed, format errors named, regeneration byte-identical.
- ``student/`` is exactly what ``python -m minnorm_teach student`` generates from ``course/``
  (and ``tests/fixtures/student`` from ``tests/fixtures/course``).
- A student's "Run all" with every exercise unattempted runs through (the worked example).
- Behaviour, in a live kernel, on real chapters and the worked example: the chapter runs top
  to bottom; after each exercise's self-check has accepted the reference solution, the student
  stub is run instead and the self-check must report it not attempted (an ``ex.check`` cell:
  no error, the chapter continues; an older check: ``NotImplementedError("Exercise <label>:
  ...")``), then a wrong answer (the reference's result perturbed) is run and the self-check
  must reject it; then the reference is restored and the chapter continues.
  By default two chapters run (time budget); ``MINNORM_STUDENT_CHAPTERS=all`` (or a
  comma-separated list of numbers such as ``00,02``) chooses others.
"""

import ast
import os
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from minnorm_teach.tooling import student as _student

ROOT = Path(__file__).resolve().parent.parent
COURSE, STUDENT = ROOT / "course", ROOT / "student"
FIXTURES = ROOT / "tests" / "fixtures"
DEFAULT_CHAPTERS = ("00", "02")


def _exercise(label):
    return new_markdown_cell(f":::{{exercise}} A task\n:label: {label}\n\nDo it.\n:::")


def _course_nb():
    return new_notebook(cells=[
        new_markdown_cell("# 02 · Title"),
        new_code_cell("x = 1", execution_count=1),
        _exercise("ex-02-pinv"),
        new_code_cell("def my_pinv(L):\n    G = L @ L.T\n    # BEGIN SOLUTION\n"
                      "    return L.T @ np.linalg.inv(G)\n    # END SOLUTION",
                      execution_count=2, metadata={"tags": ["solution", "hide-input"],
                                                   "jupyter": {"source_hidden": True}},
                      outputs=[new_output("stream", name="stdout", text="secret\n")]),
        new_code_cell("# NBVAL_CHECK_OUTPUT\ncheck_close('pinv', my_pinv(L), P)",
                      execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="✔ pinv\n")]),
        _exercise("ex-02-derive"),
        new_markdown_cell("::::{solution} ex-02-derive\n:class: dropdown\n\nAnswer.\n::::"),
        new_markdown_cell("Before.\n\n::::{solution} ex-02-derive\n:class: dropdown\n\n"
                          ":::{note}\nnested\n:::\n::::\n\nAfter."),
        new_code_cell("y = ...  # an int\n# BEGIN SOLUTION\ny = 2\n# END SOLUTION\nprint(y)",
                      execution_count=4, metadata={"execution": {"iopub.status.idle": "t"}},
                      outputs=[new_output("stream", name="stdout", text="2\n")]),
    ])


# ------------------------------------------------------------------------- the generator

def test_stub_replaces_the_block_at_its_indentation():
    nb = _student.student_notebook(_course_nb(), "02_x.ipynb")
    assert "**Student version.** This notebook has 2 exercise(s)" in nb.cells[1].source
    stub = nb.cells[4]
    assert stub.source == ("def my_pinv(L):\n    G = L @ L.T\n    raise NotImplementedError("
                           '"Exercise ex-02-pinv: replace this line with your solution")')
    assert stub.outputs == [] and stub.execution_count is None
    # the solution was collapsed in the course; the student's stub is open (JupyterLab, book)
    assert "tags" not in stub.metadata and "jupyter" not in stub.metadata
    assert nb.cells[-1].source == ("y = ...  # an int\n# Exercise ex-02-derive: your answer "
                                   "goes above, in place of the ...\nprint(y)")


def test_self_checks_and_other_cells_are_kept_without_outputs():
    course = _course_nb()
    nb = _student.student_notebook(course, "02_x.ipynb")
    assert nb.cells[5].source == course.cells[4].source          # the self-check
    assert nb.cells[2].source == course.cells[1].source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "execution" not in cell.metadata
    assert course.cells[3].outputs                   # the input notebook is not modified


def test_regeneration_is_byte_identical_and_ignores_outputs(tmp_path):
    course, student = tmp_path / "course", tmp_path / "student"
    course.mkdir()
    nbformat.write(_course_nb(), course / "02_x.ipynb")
    (target,) = _student.write_all(course, student)
    before, stamp = target.read_bytes(), target.stat().st_mtime_ns
    _student.write_all(course, student)
    assert target.read_bytes() == before and target.stat().st_mtime_ns == stamp
    rerun = nbformat.read(course / "02_x.ipynb", as_version=4)   # re-executed: other outputs
    rerun.cells[4].outputs = [new_output("stream", name="stdout", text="✔ other\n")]
    rerun.cells[4].execution_count = 9
    nbformat.write(rerun, course / "02_x.ipynb")
    assert _student.out_of_sync(course, student) == []


def test_a_top_level_block_needs_its_answer_names_set_to_ellipsis():
    with pytest.raises(_student.ExerciseFormatError, match="set to ..."):
        _student.student_source("# BEGIN SOLUTION\ny = 2\n# END SOLUTION", "ex-02-a", "c")
    source = "for i in range(2):\n    # BEGIN SOLUTION\n    y = i\n    # END SOLUTION"
    with pytest.raises(_student.ExerciseFormatError, match="outside a function"):
        _student.student_source(source, "ex-02-a", "c")


def test_worked_solutions_are_removed():
    nb = _student.student_notebook(_course_nb(), "02_x.ipynb")
    text = "\n".join(c.source for c in nb.cells)
    assert "{solution}" not in text and "Answer." not in text and "nested" not in text
    assert "Before.\n\nAfter." in text
    # the solution-only cell is gone, the student note added
    assert len(nb.cells) == len(_course_nb().cells)


def test_stub_raises_not_implemented_error_naming_the_exercise():
    source = _student.student_source("def f(x):\n    # BEGIN SOLUTION\n    return x\n"
                                     "    # END SOLUTION", "ex-05-white")
    namespace = {}
    exec(source, namespace)
    with pytest.raises(NotImplementedError, match="Exercise ex-05-white: replace this line"):
        namespace["f"](1)
    nested = _student.student_source("def f(x):\n    if x:\n        # BEGIN SOLUTION\n"
                                     "        return x\n        # END SOLUTION\n    return 0",
                                     "ex-05-white")
    assert nested.splitlines()[2] == ('        raise NotImplementedError("Exercise ex-05-white: '
                                      'replace this line with your solution")')


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
])
def test_broken_solution_blocks_are_named(source, message):
    with pytest.raises(_student.ExerciseFormatError, match=message):
        _student.student_source(source, "ex-00-x", "00_x.ipynb, cell 3")


def test_format_errors_name_the_cell():
    nb = new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION")])
    with pytest.raises(_student.ExerciseFormatError, match=r"03_x.ipynb, cell 0: .*exercise"):
        _student.student_notebook(nb, "03_x.ipynb")
    nb = new_notebook(cells=[_exercise("ex-03-a"),
                             new_code_cell("x = 1", metadata={"tags": ["solution"]})])
    with pytest.raises(_student.ExerciseFormatError, match="cell 1: tagged 'solution'"):
        _student.student_notebook(nb, "03_x.ipynb")
    nb = new_notebook(cells=[new_markdown_cell(":::{exercise} No label\nText\n:::")])
    with pytest.raises(_student.ExerciseFormatError, match="without a :label:"):
        _student.student_notebook(nb, "03_x.ipynb")


def test_write_all_writes_and_removes_stale(tmp_path):
    course, student = tmp_path / "course", tmp_path / "student"
    course.mkdir()
    nbformat.write(_course_nb(), course / "02_x.ipynb")
    (student).mkdir()
    (student / "07_gone.ipynb").write_text("{}")
    assert _student.out_of_sync(course, student) == [
        "02_x.ipynb: missing", "07_gone.ipynb: no chapter of that name"]
    _student.write_all(course, student)
    assert sorted(p.name for p in student.iterdir()) == ["02_x.ipynb"]
    assert _student.out_of_sync(course, student) == []


# ----------------------------------------------------------------------- the real course

@pytest.mark.parametrize("course, student", [(COURSE, STUDENT),
                                             (FIXTURES / "course", FIXTURES / "student")],
                         ids=["course", "fixtures"])
def test_student_folder_is_in_sync_with_course(course, student):
    problems = _student.out_of_sync(course, student)
    assert not problems, (f"{student} is out of sync with {course} (run `python -m "
                          "minnorm_teach student`, or write_all for the fixtures):\n"
                          + "\n".join(problems))


@pytest.mark.parametrize("path", _student.chapter_paths(STUDENT)
                         + _student.chapter_paths(FIXTURES / "student"), ids=lambda p: p.name)
def test_student_notebooks_hold_no_solution_and_no_output(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        assert _student.BEGIN not in cell.source, f"{path.name} cell {index}"
        assert "{solution}" not in cell.source, f"{path.name} cell {index}"
        if "solution" in cell.metadata.get("tags", []):
            assert ("raise NotImplementedError(\"Exercise ex-" in cell.source
                    or "# Exercise ex-" in cell.source), f"{path.name} cell {index}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {index} keeps its outputs"


def test_student_run_all_goes_through_with_every_exercise_unattempted(tmp_path, monkeypatch):
    """The worked example's student version, run top to bottom as JupyterLab's Run All."""
    from nbclient import NotebookClient

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = nbformat.read(FIXTURES / "student" / "99_worked_example.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert printed.count("not attempted yet; the chapter continues") == 4
    assert "✘" not in printed and "✔ j_hat for a tiny eps" in printed


# --------------------------------------------------------------- behaviour in a live kernel

def _chapters_to_run():
    chosen = os.environ.get("MINNORM_STUDENT_CHAPTERS", ",".join(DEFAULT_CHAPTERS))
    paths = _student.chapter_paths(COURSE)
    if chosen != "all":
        wanted = {c.strip() for c in chosen.split(",")}
        paths = [p for p in paths if p.name[:2] in wanted]
    paths += _student.chapter_paths(FIXTURES / "course")
    return [p for p in paths if _student.BEGIN in p.read_text()]


_WRONG = textwrap.dedent('''
    def _minnorm_wrong(x):
        """A wrong answer of the same kind as x (numbers scaled and shifted)."""
        import numpy as _np
        if isinstance(x, (bool, _np.bool_)):
            return not x
        if isinstance(x, (int, float, complex, _np.number, _np.ndarray)):
            return 1.5 * x + 1.0
        if isinstance(x, str):
            return x + "?"
        if isinstance(x, (tuple, list)):
            return type(x)(_minnorm_wrong(v) for v in x)
        if isinstance(x, dict):
            return {k: _minnorm_wrong(v) for k, v in x.items()}
        raise TypeError(f"no wrong variant for {type(x).__name__}")
''')


def _wrong_source(source):
    """The solution cell with the block's last `return e` / `name = e` made wrong, or None."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == _student.BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == _student.END)
    block = textwrap.dedent("\n".join(lines[begin + 1:end]))
    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
    try:
        last = ast.parse(block).body[-1]
    except (SyntaxError, IndexError):
        return None
    if isinstance(last, ast.Return) and last.value is not None:
        new = f"return _minnorm_wrong(({ast.get_source_segment(block, last.value)}))"
    elif isinstance(last, ast.Assign) and len(last.targets) == 1:
        target = ast.get_source_segment(block, last.targets[0])
        new = f"{target} = _minnorm_wrong(({ast.get_source_segment(block, last.value)}))"
    else:
        return None
    block_lines = block.splitlines()
    kept = block_lines[:last.lineno - 1] + [new] + block_lines[last.end_lineno:]
    return "\n".join(lines[:begin] + [indent + line for line in kept] + lines[end + 1:])


class _Kernel:
    def __init__(self, cwd):
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=str(cwd),
                                            env={**os.environ, "MPLBACKEND": "Agg"})

    def run(self, code):
        """Execute code; return None on success or (ename, evalue) of the error."""
        reply = self.kc.execute_interactive(code, timeout=600, output_hook=lambda msg: None)
        content = reply["content"]
        return None if content["status"] == "ok" else (content["ename"], content["evalue"])

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.mark.parametrize("path", _chapters_to_run(), ids=lambda p: p.name)
def test_exercises_accept_the_solution_reject_stub_and_wrong_answer(path):
    nb = nbformat.read(path, as_version=4)
    code, labels, label = [], [], None
    for cell in nb.cells:                       # each code cell with its exercise label
        if cell.cell_type == "markdown" and _student._EXERCISE.search(cell.source):
            label = _student._LABEL.findall(cell.source)[-1]
        elif cell.cell_type == "code":
            code.append(cell)
            labels.append(label)
    kernel = _Kernel(path.parent)
    report = []
    try:
        assert kernel.run(_WRONG) is None
        for index, cell in enumerate(code):
            error = kernel.run(cell.source)
            assert error is None, f"{path.name} code cell {index} fails: {error}"
            if _student.BEGIN not in cell.source:
                continue
            label = labels[index]
            check = code[index + 1].source
            assert kernel.run(check) is None, f"{label}: the self-check rejects the reference"
            # the student's stub: an ex.check reports "not attempted" and the chapter goes
            # on; an older check stops with the exercise's NotImplementedError
            assert kernel.run(_student.student_source(cell.source, label)) is None
            error = kernel.run(check)
            if "ex.check(" in check:
                assert error is None, f"{label}: the stub stops the chapter ({error})"
            else:
                assert error is not None and error[0] == "NotImplementedError" \
                    and f"Exercise {label}" in error[1], f"{label}: stub gave {error}"
            # a wrong answer: the self-check rejects it
            wrong = _wrong_source(cell.source)
            verdict = "no wrong variant"
            if wrong is not None:
                assert kernel.run(wrong) is None
                error = kernel.run(check)
                if error is None or error[0] != "TypeError" or "no wrong variant" not in error[1]:
                    assert error is not None and error[0] in ("CheckFailed",
                                                              "ExerciseFailed"), \
                        f"{label}: the self-check accepted a wrong answer ({error})"
                    verdict = "wrong answer rejected"
            report.append(f"{label}: stub -> not attempted, {verdict}")
            assert kernel.run(cell.source) is None          # restore the reference
            assert kernel.run(check) is None
    finally:
        kernel.close()
    print("\n".join(report))
    assert report, f"{path.name} has no exercise"
