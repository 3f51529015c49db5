"""Command line of the course: ``python -m minnorm_teach COMMAND``.

- ``build``      build (or verify) the cached course dataset and the benchmark of chapter 14,
                 then the website; this is what
                 the README's first command runs (``--no-book``: dataset only; ``--no-data``:
                 website only).
- ``execute``    normalise, then re-execute notebooks in place (fresh kernel, outputs written
                 back), e.g. after changing package code they use; prints each run time.
- ``normalise``  normalise notebooks (nbval markers -> tags, JupyterLab metadata from tags,
                 the numbering and Colab cells, no stale progress bars); default: every chapter.
- ``student``    generate the student notebooks (solutions removed) into ``student/``; never
                 touches a notebook there that it did not generate.
- ``sync``       rewrite the generated files (environment.yml, .binder/, the notation table).

Expected failures (a damaged or unwritable dataset cache, a missing notebook, no chapters, no
book.yml, missing website tools) print one line saying what to do, and exit with status 1.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from minnorm_teach.tooling import book, notebooks

__all__ = ["main", "CliError"]

_PACKAGE_REPO = Path(__file__).resolve().parents[2]


class CliError(RuntimeError):
    """An expected failure: the message is one line that says what to do."""


def _default_root():
    """The clone the package was installed from (``pip install -e .``), else the current
    directory."""
    if (_PACKAGE_REPO / "book.yml").is_file() or (_PACKAGE_REPO / "course").is_dir():
        return _PACKAGE_REPO
    return Path.cwd()


def _install_url(root):
    url, branch = book.repository(root)
    return f"{url}@{branch}"


# --------------------------------------------------------------------------------- build

def _load_dataset(rebuild):
    from minnorm_teach.datasets import CorruptCacheError, build_all
    from minnorm_teach.validation import InputError

    again = "python -m minnorm_teach build --rebuild"
    try:
        return build_all(rebuild=rebuild)
    except CorruptCacheError as err:
        raise CliError(f"{err} From the command line: {again}") from None
    except InputError as err:                   # MINNORM_DATA a file, or not writable
        raise CliError(str(err)) from None


def _load_benchmark(rebuild):
    """Chapter 14's Monte-Carlo benchmark (and the ico3 course data it simulates on)."""
    from minnorm_teach.benchmark import load_benchmark

    start = time.perf_counter()
    results = load_benchmark(rebuild=rebuild)
    print(f"{results}\nbenchmark ready in {time.perf_counter() - start:.1f} s")
    return results


def _cmd_build(args):
    if not args.no_data:
        start = time.perf_counter()
        course, recording = _load_dataset(args.rebuild)
        print(f"{course}\n{recording}\ndatasets ready in {time.perf_counter() - start:.1f} s "
              f"(course data built in {course.build_info.get('build_seconds')} s, the "
              f"recording's forward in {recording.build_info.get('build_seconds')} s, "
              f"when first made)")
        _load_benchmark(args.rebuild)
    if not args.no_book:
        book.build(args.root)


# ----------------------------------------------------------------------------- notebooks

def _notebooks(args):
    from minnorm_teach.validation import InputError, check_existing_file

    paths = [Path(p) for p in args.notebooks] or sorted(
        (args.root / "course").glob("[0-9][0-9]_*.ipynb"))
    try:
        paths = [check_existing_file(p, "notebook", suffix=".ipynb") for p in paths]
    except InputError as err:
        raise CliError(f"{err}: give the path of a chapter, e.g. "
                       "course/03_tikhonov.ipynb") from None
    if not paths:
        raise CliError(f"no chapter notebooks in {args.root / 'course'}: pass notebooks, or "
                       "run from a clone of the course repository (or pass --root)")
    return paths


def _cmd_execute(args):
    paths, url = _notebooks(args), _install_url(args.root)
    for path in paths:
        seconds = notebooks.execute_notebook(path, url, timeout=args.timeout)
        print(f"executed {path} in {seconds:.1f} s")


def _cmd_normalise(args):
    paths, url = _notebooks(args), _install_url(args.root)
    for path in paths:
        changed = notebooks.normalise_file(path, url)
        print(f"{'normalised' if changed else 'unchanged '} {path}")
        for problem in notebooks.myst_portability_problems(notebooks.read_notebook(path)):
            print(f"  note: {path.name} {problem}")


# ------------------------------------------------------------------------------- student

def _generated_by_student_command(path):
    try:
        return "minnorm_student" in json.loads(path.read_text()).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return False


def _cmd_student(args):
    course, student = args.root / "course", args.root / "student"
    if not sorted(course.glob("[0-9][0-9]_*.ipynb")):
        raise CliError(f"no chapter notebooks (NN_name.ipynb) in {course}: nothing to generate "
                       "from; run from a clone of the course repository (or pass --root)")
    if student.exists() and not student.is_dir():
        raise CliError(f"{student} is a file, not a folder: move it away, then run again")
    foreign = [p.name for p in sorted(student.glob("[0-9][0-9]_*.ipynb"))
               if not _generated_by_student_command(p)]
    if foreign:
        raise CliError(f"{student} holds notebook(s) this command did not generate (no "
                       f"'minnorm_student' metadata): {', '.join(foreign)}; move them "
                       "elsewhere, then run again")
    try:
        from minnorm_teach.tooling import student as generator
    except ImportError as err:
        raise CliError(f"the student-notebook generator is missing ({err}): reinstall the "
                       "course package (pip install -e .)") from None
    generator.write_all(course, student)


def _cmd_sync(args):
    from minnorm_teach.tooling.generated import sync_generated

    changed = sync_generated(args.root)
    for path in changed:
        print(f"rewrote {path.relative_to(args.root)}")
    if not changed:
        print("generated files are up to date")


# ---------------------------------------------------------------------------------- main

def _parser():
    parser = argparse.ArgumentParser(prog="python -m minnorm_teach", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=None,
                        help="the course repository (default: the clone the package is in)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="build the dataset and the website")
    p.add_argument("--rebuild", action="store_true", help="rebuild the dataset cache")
    p.add_argument("--no-book", action="store_true", help="skip the website")
    p.add_argument("--no-data", action="store_true", help="skip the dataset")
    p.set_defaults(func=_cmd_build)
    for name, func, text in (("execute", _cmd_execute, "normalise and re-execute notebooks"),
                             ("normalise", _cmd_normalise, "normalise notebooks")):
        p = sub.add_parser(name, help=text, aliases=["normalize"] if name == "normalise" else [])
        p.add_argument("notebooks", nargs="*", help="default: every chapter of course/")
        p.set_defaults(func=func)
        if name == "execute":
            p.add_argument("--timeout", type=int, default=600, help="per cell, seconds")
    sub.add_parser("student", help="generate student/ from course/").set_defaults(
        func=_cmd_student)
    sub.add_parser("sync", help="rewrite the generated files").set_defaults(func=_cmd_sync)
    return parser


def main(argv=None):
    """Run one command; expected failures print one line to stderr and return 1."""
    args = _parser().parse_args(argv)
    args.root = (args.root or _default_root()).resolve()
    try:
        args.func(args)
    except (CliError, book.BookError, notebooks.NotebookError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0

