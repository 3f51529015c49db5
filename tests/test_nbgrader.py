"""nbgrader for instructors: generate the student version, autograde filled and empty copies.

On the notebooks of ``GRADED`` (the worked example and chapters 02 and 03),
in a fresh nbgrader course folder made by ``minnorm_teach.tooling.grading.make_course``:

- ``nbgrader generate_assignment`` writes a release without solutions or outputs;
- ``nbgrader autograde`` gives a filled-in copy (the course notebook) full marks and an
  empty copy (the release, as handed out) zero: the check cells are the autograder tests,
  and under nbgrader an exercise not attempted fails (``NBGRADER_EXECUTION``).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from minnorm_teach import exercises as ex
from minnorm_teach.tooling import grading
from minnorm_teach.tooling.student import BEGIN

ROOT = Path(__file__).resolve().parent.parent
GRADED = [ROOT / "tests" / "fixtures" / "course" / "99_worked_example.ipynb",
          ROOT / "course" / "02_generalized_inverse.ipynb", ROOT / "course" / "03_tikhonov.ipynb"]
ASSIGNMENT = "minnorm"

pytest.importorskip("nbgrader")


def _nbgrader(root, *args):
    """Run the nbgrader command as an instructor would (it calls `alembic` from PATH)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    env.update(MPLBACKEND="Agg", PATH=os.pathsep.join([bin_dir, env.get("PATH", "")]))
    run = subprocess.run([str(Path(bin_dir) / "nbgrader"), *args, "--force"], cwd=root,
                         capture_output=True, text=True, timeout=1800, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = grading.make_course(tmp_path_factory.mktemp("nbgrader"), GRADED, ASSIGNMENT)
    _nbgrader(root, "generate_assignment", ASSIGNMENT)
    for student, folder in (("filled", "source"), ("empty", "release")):
        submitted = root / "submitted" / student / ASSIGNMENT
        submitted.mkdir(parents=True)
        for path in GRADED:
            shutil.copy(root / folder / ASSIGNMENT / path.name, submitted / path.name)
    _nbgrader(root, "autograde", ASSIGNMENT)
    return root


def _score(root, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return submission.score, submission.max_score


def test_every_exercise_is_graded_with_its_points():
    for path in GRADED:
        nb = nbformat.read(path, as_version=4)
        tests = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
                 for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
                 and c.cell_type == "code"}
        labels = [e.label for e in ex.chapter(path.name[:2])]
        assert tests == {f"{label}-check": ex.get(label)[0].points for label in labels}


@pytest.mark.parametrize("path", GRADED, ids=lambda p: p.name)
def test_the_release_has_no_solution_and_no_output(course, path):
    nb = nbformat.read(course / "release" / ASSIGNMENT / path.name, as_version=4)
    text = json.dumps([c.source for c in nb.cells])
    assert BEGIN not in text and "{solution}" not in text
    assert "YOUR ANSWER HERE" in text                 # the written solution, to be written
    source = nbformat.read(path, as_version=4)
    for cell, original in zip(nb.cells, source.cells, strict=True):
        if cell.cell_type == "code":
            assert cell.outputs == []
            if BEGIN in original.source:
                solution = original.source.split(BEGIN)[1].split("# END SOLUTION")[0]
                assert solution.strip() not in cell.source


def test_a_filled_copy_scores_full_marks(course):
    score, max_score = _score(course, "filled")
    assert max_score == sum(e.points for p in GRADED for e in ex.chapter(p.name[:2]))
    assert score == max_score


def test_an_empty_copy_scores_zero(course):
    score, max_score = _score(course, "empty")
    assert (score, max_score > 0) == (0, True)


def test_an_empty_check_fails_in_one_line_under_autograde(course):
    path = course / "autograded" / "empty" / ASSIGNMENT / GRADED[0].name
    nb = nbformat.read(path, as_version=4)
    errors = [o for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and all(o.ename == "NotAttempted" for o in errors)
    assert errors[0].traceback == ["✘ Exercise 99.1 (Tikhonov by hand): not attempted yet"]
