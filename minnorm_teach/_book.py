"""Build the course website offline, and keep its generated files in sync.

``build(root)`` runs Jupyter Book 1 on the repository::

    jupyter-book build . --config book.yml --toc course/_toc.yml --all -W --keep-going

with warnings as errors and no notebook execution (pages show the committed outputs). Before
that it checks that every page of ``course/_toc.yml`` exists, and puts MathJax 3 (from the npm
registry, checksum-pinned, cached) where the site serves it, so that the site renders its math
with no network at all. After the build it scans every page and stylesheet for resources loaded
from another host and fails if there is one.

Generated files (``environment.yml``, ``.binder/environment.yml``, the notation table of
``course/notation.md``) are written by ``python -m minnorm_teach._book --sync`` and checked by
``tests/test_environment.py`` and ``tests/test_book.py``.
"""

import hashlib
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHAPTERS", "BuildResult", "build", "toc_files", "check_toc", "fetch_mathjax",
           "external_resources", "environment_yml", "binder_environment_yml",
           "notation_page", "sync_generated"]

# The fixed chapter files (the table of contents and the FAQ link to them).
CHAPTERS = ("00_how_to_use", "01_forward_model", "02_generalized_inverse", "03_tikhonov",
            "04_svd_kernel", "05_whitening", "06_source_priors", "07_applying_inverse",
            "08_noise_normalisation", "09_resolution", "10_mxne", "11_irmxne", "12_tf_mxne")

MATHJAX_VERSION = "3.2.2"
MATHJAX_SHA256 = "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09"
# What the site needs from the npm package: the all-extensions TeX -> CommonHTML bundle (no
# lazy loading of extensions) and its web fonts.
_MATHJAX_FILES = ("es5/tex-chtml-full.js", "es5/output/chtml/fonts/woff-v2/", "LICENSE")


@dataclass(frozen=True)
class BuildResult:
    """What a website build produced."""

    html_dir: Path
    pages: tuple        # HTML pages of the TOC documents, relative to html_dir
    seconds: float

    def __repr__(self):
        return (f"BuildResult(html_dir={str(self.html_dir)!r}, pages: {len(self.pages)}, "
                f"seconds={self.seconds:.1f})")


# --------------------------------------------------------------------------- table of contents

def toc_files(toc_path):
    """Documents listed in a jb-book TOC (root first), as paths without suffix."""
    import yaml

    toc = yaml.safe_load(Path(toc_path).read_text())
    if not isinstance(toc, dict) or toc.get("format") != "jb-book" or "root" not in toc:
        raise ValueError(f"{toc_path}: expected a 'format: jb-book' TOC with a 'root' entry")
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or ():
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", ()):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return tuple(files)


def check_toc(root):
    """Raise FileNotFoundError naming every TOC entry that has no .md or .ipynb file."""
    root = Path(root)
    files = toc_files(root / "course" / "_toc.yml")
    missing = [f for f in files
               if not any((root / f"{f}{ext}").is_file() for ext in (".md", ".ipynb"))]
    if missing:
        raise FileNotFoundError(
            f"course/_toc.yml lists {len(missing)} page(s) with no .md or .ipynb file in "
            f"{root}: {', '.join(missing)}")
    return files


# --------------------------------------------------------------------------------- MathJax

def _cache_dir():
    root = os.environ.get("MINNORM_DATA")
    return Path(root) if root else Path.home() / ".cache" / "minnorm_teach"


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _mathjax_tarball():
    """The npm tarball of MathJax (cached; fetched with ``npm pack``; checksum verified)."""
    cache = _cache_dir() / "npm"
    tarball = cache / f"mathjax-{MATHJAX_VERSION}.tgz"
    if tarball.is_file() and _sha256(tarball) == MATHJAX_SHA256:
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "the website bundles MathJax from the npm registry, but `npm` is not installed: "
            f"install Node.js/npm, or put mathjax-{MATHJAX_VERSION}.tgz (npm pack "
            f"mathjax@{MATHJAX_VERSION}) into {cache}")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--silent"], cwd=tmp,
                       check=True, stdout=subprocess.DEVNULL)
        fetched = Path(tmp) / f"mathjax-{MATHJAX_VERSION}.tgz"
        digest = _sha256(fetched)
        if digest != MATHJAX_SHA256:
            raise RuntimeError(f"mathjax@{MATHJAX_VERSION} from npm has sha256 {digest}, "
                               f"expected {MATHJAX_SHA256}")
        shutil.move(fetched, tarball)
    return tarball


def fetch_mathjax(dest):
    """Unpack the MathJax files the site needs into ``dest/mathjax`` (the site's _static)."""
    dest = Path(dest)
    target = dest / "mathjax"
    stamp = target / f".version-{MATHJAX_VERSION}"
    if stamp.is_file():
        return target
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(_mathjax_tarball()) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if not member.isfile() or not name.startswith(_MATHJAX_FILES):
                continue
            out = target / name.removeprefix("es5/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(tar.extractfile(member).read())
    stamp.write_text(f"mathjax {MATHJAX_VERSION} from the npm registry\n")
    return target


# ------------------------------------------------------------------------- offline check

_LOADING = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
            "source": ("src", "srcset"), "video": ("src",), "audio": ("src",),
            "embed": ("src",), "object": ("data",)}
_LINK_LOADS = {"stylesheet", "preload", "modulepreload", "icon", "prefetch", "manifest"}
_REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


class _ResourceParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = _LOADING.get(tag, ())
        if tag == "link" and _LINK_LOADS & set((attrs.get("rel") or "").lower().split()):
            names = ("href",)
        for name in names:
            value = attrs.get(name) or ""
            self.urls.extend(u.split()[0] for u in value.split(",") if _REMOTE.match(u))


def external_resources(html_dir):
    """Resources that pages or stylesheets under ``html_dir`` would load from another host.

    Returns ``{relative file: [url, ...]}`` for scripts, stylesheets, images, fonts, frames
    (links a reader clicks, such as launch buttons, are not loads and are not listed).
    """
    html_dir = Path(html_dir)
    found = {}
    for path in sorted(html_dir.rglob("*.html")):
        parser = _ResourceParser()
        parser.feed(path.read_text(errors="replace"))
        if parser.urls:
            found[str(path.relative_to(html_dir))] = parser.urls
    css_url = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", re.I)
    for path in sorted(html_dir.rglob("*.css")):
        urls = css_url.findall(path.read_text(errors="replace"))
        if urls:
            found[str(path.relative_to(html_dir))] = urls
    return found


# ---------------------------------------------------------------------------------- build

def _jupyter_book_command():
    exe = Path(sys.executable).with_name("jupyter-book")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-m", "jupyter_book.cli.main"]


def build(root, *, quiet=False):
    """Build the website of the repository at ``root`` into ``root/_build/html``.

    Steps: (1) every page of ``course/_toc.yml`` exists; (2) MathJax is in ``_build/_mathjax``;
    (3) ``jupyter-book build . --config book.yml --toc course/_toc.yml --all -W --keep-going``
    (warnings are errors, notebooks are not executed); (4) no page loads anything from another
    host. Raises RuntimeError with the build log's warnings when a step fails.
    """
    root = Path(root).resolve()
    start = time.perf_counter()
    files = check_toc(root)
    fetch_mathjax(root / "_build" / "_mathjax")
    command = [*_jupyter_book_command(), "build", ".", "--config", "book.yml",
               "--toc", "course/_toc.yml", "--all", "-W", "--keep-going"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)      # no colour codes
    if proc.returncode != 0:
        problems = [line for line in log.splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line]
        raise RuntimeError(f"jupyter-book build failed (exit {proc.returncode}); "
                           f"{len(problems)} warning/error line(s):\n"
                           + "\n".join(problems[:40] or log.splitlines()[-40:]))
    html_dir = root / "_build" / "html"
    remote = external_resources(html_dir)
    if remote:
        listing = "\n".join(f"  {page}: {', '.join(urls)}" for page, urls in remote.items())
        raise RuntimeError(f"the site is not self-contained; these pages load from other "
                           f"hosts:\n{listing}")
    pages = tuple(f"{f}.html" for f in files)
    absent = [p for p in pages if not (html_dir / p).is_file()]
    if absent:
        raise RuntimeError(f"the build did not write these TOC pages: {', '.join(absent)}")
    result = BuildResult(html_dir, pages, time.perf_counter() - start)
    if not quiet:
        print(f"website built in {result.seconds:.1f} s: {len(pages)} pages, "
              f"offline (no external resources) -> {html_dir / 'index.html'}")
    return result


# ------------------------------------------------------------------------ generated files

_GENERATED = ("# THIS FILE IS GENERATED from pyproject.toml by "
              "`python -m minnorm_teach._book --sync`; edit pyproject.toml instead.\n")

# pip name -> conda-forge name (only where they differ)
_CONDA_NAMES = {"mne": "mne-base"}


def _requirements(pyproject):
    """Runtime dependencies plus every optional extra (except self-references), in order."""
    project = tomllib.loads(Path(pyproject).read_text())["project"]
    name = project["name"]
    reqs = list(project.get("dependencies", ()))
    for extra in project.get("optional-dependencies", {}).values():
        reqs += [r for r in extra if not r.replace("_", "-").startswith(name)]
    return project["requires-python"], list(dict.fromkeys(reqs))


def _conda_spec(requirement):
    """'mne>=1.13,<1.14' -> 'mne-base>=1.13,<1.14' (conda-forge name, no spaces, no extras)."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r} from pyproject.toml")
    name, _, spec = match.groups()
    name = name.lower().replace("_", "-")
    return _CONDA_NAMES.get(name, name) + spec.replace(" ", "").split(";")[0]


def environment_yml(pyproject, *, name="minnorm"):
    """Text of the conda ``environment.yml`` for humans, generated from ``pyproject.toml``."""
    python, reqs = _requirements(pyproject)
    lines = [_GENERATED.rstrip("\n"),
             "# After `conda env create -f environment.yml && conda activate minnorm`, install",
             "# the course package itself: `pip install --no-deps -e .`",
             f"name: {name}", "channels:", "  - conda-forge", "dependencies:",
             f"  - python{python.replace(' ', '')}", "  - pip"]
    lines += [f"  - {_conda_spec(r)}" for r in reqs]
    return "\n".join(lines) + "\n"


def binder_environment_yml(pyproject):
    """Binder's environment: the same packages with an explicit Python version (3.11)."""
    text = environment_yml(pyproject, name="minnorm-binder")
    python, _ = _requirements(pyproject)
    return text.replace(f"  - python{python.replace(' ', '')}\n", "  - python=3.11\n").replace(
        "# After `conda env create", "# Binder (repo2docker) reads this file; .binder/postBuild "
        "installs the package.\n# After `conda env create", 1)


_NOTATION_BEGIN = "<!-- BEGIN generated notation table: python -m minnorm_teach._book --sync -->"
_NOTATION_END = "<!-- END generated notation table -->"


def notation_page(current_text):
    """``course/notation.md`` with its table regenerated from :mod:`minnorm_teach.notation`."""
    from minnorm_teach.notation import notation_table

    if _NOTATION_BEGIN not in current_text or _NOTATION_END not in current_text:
        raise ValueError("course/notation.md has lost its generated-table markers "
                         f"{_NOTATION_BEGIN!r} ... {_NOTATION_END!r}")
    head, rest = current_text.split(_NOTATION_BEGIN, 1)
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


# ------------------------------------------------------------- Sphinx extension (book.yml)

def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated <script> entries (sphinx-thebe adds its `const` config twice, which is a
    SyntaxError in the browser's console)."""
    seen, kept = set(), []
    for script in context.get("script_files", ()):
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", script) or ""), attributes.get("body"))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def _hide_solution_markers(app, doctree, docname):
    """Drop the ``# BEGIN SOLUTION`` / ``# END SOLUTION`` marker lines from code shown in the
    book (they are for the student-notebook generator, not for the reader)."""
    from docutils import nodes

    markers = re.compile(r"^[ \t]*# (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if "# BEGIN SOLUTION" in text:
            cleaned = markers.sub("", text)
            block.children = [nodes.Text(cleaned)]
            block.rawsource = cleaned


def setup(app):
    """Sphinx hooks of the course website (listed in book.yml's extra_extensions)."""
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("doctree-resolved", _hide_solution_markers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    _root = Path(__file__).resolve().parent.parent
    if sys.argv[1:] == ["--sync"]:
        for _path in sync_generated(_root):
            print(f"rewrote {_path.relative_to(_root)}")
    else:
        build(_root)
