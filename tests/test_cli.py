"""The command line never destroys what it did not make, and every expected failure is one
line on stderr that says what to do, with exit status 1 (never a traceback).

Each case runs ``python -m minnorm_teach`` in a subprocess, as a user would.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from minnorm_teach.tooling import book

REPO = Path(__file__).resolve().parent.parent


def _run(*args, env=None, root=None, prelude=""):
    """Run the CLI; return (exit status, stdout, stderr)."""
    argv = ["--root", str(root)] if root else []
    code = (f"import sys\n{prelude}\nfrom minnorm_teach.tooling.cli import main\n"
            f"sys.exit(main({[*argv, *args]!r}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def _assert_one_line_error(status, stderr, *needles):
    assert status == 1, f"exit status {status}, stderr: {stderr}"
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.strip().splitlines()
             if not line.startswith("[IPKernelApp]")]        # the kernel's own notice
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"


# --------------------------------------------------------------------------------- student

def _copy_student(tmp_path, count=2):
    (tmp_path / "student").mkdir()
    copies = [shutil.copy(p, tmp_path / "student" / p.name)
              for p in sorted((REPO / "student").glob("[0-9][0-9]_*.ipynb"))[:count]]
    return {Path(p): Path(p).read_bytes() for p in copies}


def test_student_refuses_to_run_without_chapters(tmp_path):
    before = _copy_student(tmp_path)
    status, _, err = _run("student", root=tmp_path)
    _assert_one_line_error(status, err, "no chapter notebooks", str(tmp_path / "course"))
    assert {p: p.read_bytes() for p in before} == before, "student notebooks were touched"


def test_student_never_overwrites_or_deletes_what_it_did_not_generate(tmp_path):
    (tmp_path / "course").mkdir()
    shutil.copy(REPO / "course" / "00_how_to_use.ipynb", tmp_path / "course")
    before = _copy_student(tmp_path)
    mine = tmp_path / "student" / "00_how_to_use.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("my own work")]), mine)
    stale = tmp_path / "student" / "07_mine.ipynb"          # no chapter of that name
    nbformat.write(new_notebook(), stale)
    before = {p: p.read_bytes() for p in [*before, stale]}
    status, _, err = _run("student", root=tmp_path)
    _assert_one_line_error(status, err, "did not generate", "00_how_to_use.ipynb",
                           "07_mine.ipynb")
    assert {p: p.read_bytes() for p in before} == before


def test_student_regenerates_its_own_notebooks(tmp_path):
    pytest.importorskip("minnorm_teach.tooling.student",
                        reason="the generator moves to tooling/student.py (exercises branch)")
    (tmp_path / "course").mkdir()
    shutil.copy(REPO / "course" / "00_how_to_use.ipynb", tmp_path / "course")
    _copy_student(tmp_path, count=1)
    status, out, err = _run("student", root=tmp_path)
    assert status == 0, err
    assert (tmp_path / "student" / "00_how_to_use.ipynb").is_file()


# ------------------------------------------------------------------------ dataset cache

def _cache_folder(root):
    from minnorm_teach.datasets import DATASET_VERSION

    folder = root / f"course-v{DATASET_VERSION}-ico4-seed0"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize("manifest", ["{}", "[]", '{"files": []}', "not json"])
def test_build_names_a_damaged_manifest(tmp_path, manifest):
    (_cache_folder(tmp_path) / "manifest.json").write_text(manifest)
    status, _, err = _run("build", "--no-book", env={"MINNORM_DATA": str(tmp_path)})
    _assert_one_line_error(status, err, "build --rebuild")


def test_build_names_a_damaged_cache_file(tmp_path):
    folder = _cache_folder(tmp_path)
    (folder / "raw.fif").write_bytes(b"edited")
    (folder / "manifest.json").write_text(json.dumps({"files": {"raw.fif": "0" * 64}}))
    status, _, err = _run("build", "--no-book", env={"MINNORM_DATA": str(tmp_path)})
    _assert_one_line_error(status, err, "raw.fif", "build --rebuild")


def test_build_refuses_a_cache_path_that_is_a_file(tmp_path):
    path = tmp_path / "cache"
    path.write_text("a file")
    status, _, err = _run("build", "--no-book", env={"MINNORM_DATA": str(path)})
    _assert_one_line_error(status, err, "MINNORM_DATA must be a writable directory",
                           "which is a file")
    assert path.read_text() == "a file"


def test_build_names_an_unwritable_cache(tmp_path):
    """A folder below a file cannot be created, by root either (os.access would say yes)."""
    (tmp_path / "file").write_text("a file")
    path = tmp_path / "file" / "cache"
    status, _, err = _run("build", "--no-book", env={"MINNORM_DATA": str(path)})
    _assert_one_line_error(status, err, "MINNORM_DATA must be a writable directory",
                           "below", "which is a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_build_names_a_read_only_cache(tmp_path):
    path = tmp_path / "locked"
    path.mkdir(mode=0o500)
    status, _, err = _run("build", "--no-book", env={"MINNORM_DATA": str(path / "cache")})
    _assert_one_line_error(status, err, "MINNORM_DATA must be a writable directory")


# ----------------------------------------------------------------------------- notebooks

@pytest.mark.parametrize("command", ["execute", "normalise"])
def test_missing_notebook_is_one_line(command, tmp_path):
    status, _, err = _run(command, str(tmp_path / "missing.ipynb"))
    _assert_one_line_error(status, err, "missing.ipynb", "course/03_tikhonov.ipynb")


def test_execute_leaves_a_failing_notebook_unwritten(tmp_path):
    path = tmp_path / "01_bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("1 / 0")]), path)
    before = path.read_bytes()
    status, _, err = _run("execute", str(path))
    _assert_one_line_error(status, err, "ZeroDivisionError", "not written")
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------------- book

def test_build_without_book_yml_is_one_line(tmp_path):
    status, _, err = _run("build", "--no-data", root=tmp_path)
    _assert_one_line_error(status, err, "no book.yml", "--no-book")


def test_build_without_jupyter_book_is_one_line(tmp_path):
    shutil.copy(REPO / "book.yml", tmp_path)
    status, _, err = _run("build", "--no-data", root=tmp_path,
                          prelude="sys.modules['jupyter_book'] = None")
    _assert_one_line_error(status, err, "Jupyter Book", "pip install -e '.[book]'")


def test_missing_mathjax_package_says_how_to_install_it(monkeypatch, tmp_path):
    import importlib.metadata

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(book.BookError, match=r"django-static-mathjax.*pip install -e '\.\[book\]'"):
        book.install_mathjax(tmp_path)


def test_help_lists_every_command():
    proc = subprocess.run([sys.executable, "-m", "minnorm_teach", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    for command in ("build", "execute", "normalise", "student", "sync"):
        assert command in proc.stdout
