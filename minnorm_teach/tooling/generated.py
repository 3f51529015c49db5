"""Files generated from a single source, and kept in sync by ``python -m minnorm_teach sync``.

- ``environment.yml`` (conda, for humans): every dependency of ``pyproject.toml``, the
  runtime ones and every extra (tests, website);
- ``.binder/environment.yml``: only what running the chapters needs (the runtime
  dependencies: no test or book tools), with an explicit Python version for Binder;
- the notation table of ``course/notation.md``, from :mod:`minnorm_teach.notation`.

``tests/test_environment.py`` and ``tests/test_book.py`` fail when a file is out of sync.
"""

import re
import tomllib
from pathlib import Path

__all__ = ["environment_yml", "binder_environment_yml", "notation_page", "sync_generated"]

SYNC_COMMAND = "python -m minnorm_teach sync"
_GENERATED = (f"# THIS FILE IS GENERATED from pyproject.toml by `{SYNC_COMMAND}`; "
              "edit pyproject.toml instead.\n")

# pip name -> conda-forge name (only where they differ)
_CONDA_NAMES = {"mne": "mne-base"}
# Packages that conda-forge does not carry: installed by pip inside the conda environment.
_PIP_ONLY = {"django-static-mathjax"}


def _project(pyproject):
    return tomllib.loads(Path(pyproject).read_text())["project"]


def _requirements(pyproject, *, extras=True):
    """Runtime dependencies, plus every optional extra (except self-references) if asked."""
    project = _project(pyproject)
    name = project["name"]
    reqs = list(project.get("dependencies", ()))
    if extras:
        for extra in project.get("optional-dependencies", {}).values():
            reqs += [r for r in extra if not r.replace("_", "-").startswith(name)]
    return project["requires-python"], list(dict.fromkeys(reqs))


def _split(requirement):
    """'mne >= 1.13, <1.14' -> ('mne', '>=1.13,<1.14'): normalised name, spec without spaces."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r} from pyproject.toml")
    name, _, spec = match.groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "").split(";")[0]


def _conda_spec(requirement):
    """'mne>=1.13,<1.14' -> 'mne-base>=1.13,<1.14' (conda-forge name, no spaces, no extras)."""
    name, spec = _split(requirement)
    return _CONDA_NAMES.get(name, name) + spec


def _environment_lines(reqs):
    conda = [r for r in reqs if _split(r)[0] not in _PIP_ONLY]
    pip = [r for r in reqs if _split(r)[0] in _PIP_ONLY]
    lines = [f"  - {_conda_spec(r)}" for r in conda]
    if pip:
        lines += ["  - pip:"] + [f"    - {''.join(_split(r))}" for r in pip]
    return lines


def environment_yml(pyproject):
    """Text of the conda ``environment.yml`` for humans: every dependency and extra."""
    python, reqs = _requirements(pyproject)
    lines = [_GENERATED.rstrip("\n"),
             "# After `conda env create -f environment.yml && conda activate minnorm`, install",
             "# the course package itself: `pip install --no-deps -e .`",
             "name: minnorm", "channels:", "  - conda-forge", "dependencies:",
             f"  - python{python.replace(' ', '')}", "  - pip"]
    return "\n".join(lines + _environment_lines(reqs)) + "\n"


def binder_environment_yml(pyproject):
    """Binder's environment: what running the chapters needs (no test or book tools), on
    Python 3.11; ``.binder/postBuild`` installs the package itself."""
    _, reqs = _requirements(pyproject, extras=False)
    lines = [_GENERATED.rstrip("\n"),
             "# Binder (repo2docker) reads this file: what running the chapters needs, nothing",
             "# else (no test or website tools). .binder/postBuild installs the course package.",
             "name: minnorm-binder", "channels:", "  - conda-forge", "dependencies:",
             "  - python=3.11", "  - pip"]
    return "\n".join(lines + _environment_lines(reqs)) + "\n"


_NOTATION_BEGIN = f"<!-- BEGIN generated notation table: {SYNC_COMMAND} -->"
_NOTATION_END = "<!-- END generated notation table -->"
_NOTATION_BEGIN_ANY = re.compile(r"<!-- BEGIN generated notation table: [^>]*-->")


def notation_page(current_text):
    """``course/notation.md`` with its table regenerated from :mod:`minnorm_teach.notation`."""
    from minnorm_teach.notation import notation_table

    begin = _NOTATION_BEGIN_ANY.search(current_text)
    if begin is None or _NOTATION_END not in current_text:
        raise ValueError("course/notation.md has lost its generated-table markers "
                         f"{_NOTATION_BEGIN!r} ... {_NOTATION_END!r}")
    head, rest = current_text[:begin.start()], current_text[begin.end():]
    _, tail = rest.split(_NOTATION_END, 1)
    return f"{head}{_NOTATION_BEGIN}\n\n{notation_table()}\n\n{_NOTATION_END}{tail}"


def sync_generated(root):
    """Rewrite the generated files from their sources; return the paths that changed."""
    root = Path(root)
    pyproject = root / "pyproject.toml"
    targets = {root / "environment.yml": environment_yml(pyproject),
               root / ".binder" / "environment.yml": binder_environment_yml(pyproject)}
    notation = root / "course" / "notation.md"
    targets[notation] = notation_page(notation.read_text())
    changed = []
    for path, text in targets.items():
        if not path.is_file() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            changed.append(path)
    return changed
