"""Command line of the course: ``python -m minnorm_teach {build,execute,student}``.

- ``build``    build (or verify) the cached course dataset, then the website if the book
               tooling is installed; this is what the README's first command runs.
- ``execute``  re-execute notebooks in place (fresh kernel, outputs written back), e.g. after
               changing package code they use; prints each notebook's run time.
- ``student``  generate the student notebooks (solutions removed) into ``student/``.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def execute_notebook(path, timeout=600):
    """Run a notebook top to bottom in a fresh kernel and write the outputs back."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False)
    start = time.perf_counter()
    client.execute()
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return time.perf_counter() - start


def _cmd_execute(args):
    for name in args.notebooks:
        seconds = execute_notebook(name, timeout=args.timeout)
        print(f"executed {name} in {seconds:.1f} s")


def _cmd_build(args):
    from minnorm_teach.datasets import load_course_data

    start = time.perf_counter()
    data = load_course_data(rebuild=args.rebuild)
    print(f"{data}\ncourse dataset ready in {time.perf_counter() - start:.1f} s "
          f"(build {data.build_info.get('build_seconds')} s when first made)")
    if args.no_book:
        return
    book = ROOT / "book.yml"
    if not book.is_file():
        print("no book.yml: skipping the website")
        return
    try:
        import jupyter_book  # noqa: F401
    except ImportError:
        print("jupyter-book is not installed (pip install -e '.[book]'): skipping the website")
        return
    from minnorm_teach import _book

    _book.build(ROOT)


def _cmd_student(args):
    from minnorm_teach import _student

    _student.write_all(ROOT / "course", ROOT / "student")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minnorm_teach", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="build the dataset (and the website)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the dataset cache")
    p.add_argument("--no-book", action="store_true", help="skip the website")
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("execute", help="re-execute notebooks in place")
    p.add_argument("notebooks", nargs="+")
    p.add_argument("--timeout", type=int, default=600, help="per cell, seconds")
    p.set_defaults(func=_cmd_execute)
    p = sub.add_parser("student", help="generate student notebooks into student/")
    p.set_defaults(func=_cmd_student)
    args = parser.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
