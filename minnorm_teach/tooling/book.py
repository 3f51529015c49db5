"""Build the course website offline.

``build(root)`` runs Jupyter Book 1 on the repository::

    jupyter-book build . --config book.yml --toc course/_toc.yml --all -W --keep-going

with warnings as errors and no notebook execution (pages show the committed outputs). Before
that it checks that every page of ``course/_toc.yml`` exists, and copies MathJax 3 from the
Python package ``django-static-mathjax`` (a pip dependency of the ``book`` extra: no Node.js,
no npm, no network) to where the site serves it. After the build it scans every page and
stylesheet for resources loaded from another host and fails if there is one.

The repository URL (launch buttons, the Colab install cell, Binder) is set once, in
``book.yml``'s ``repository.url``; :func:`repository` reads it for everyone else.
"""

import hashlib
import html.parser
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHAPTERS", "BuildResult", "BookError", "build", "toc_files", "check_toc",
           "install_mathjax", "external_resources", "repository"]

# The fixed chapter files (the table of contents and the FAQ link to them).
CHAPTERS = ("00_how_to_use", "01_forward_model", "02_generalized_inverse", "03_tikhonov",
            "04_svd_kernel", "05_whitening", "06_source_priors", "07_applying_inverse",
            "08_noise_normalisation", "09_resolution", "10_mxne", "11_irmxne", "12_tf_mxne",
            "13_real_data", "14_choosing_a_method", "15_lcmv_gamma_map")

# MathJax 3.2.2 as packaged on PyPI (Apache-2.0, its LICENSE is copied beside it).
MATHJAX_DISTRIBUTION = "django-static-mathjax"
MATHJAX_VERSION = "3.2.2.1"
MATHJAX_SHA256 = "d8d977b0c6b2625a43cdf4baa4530ec26a2e18f983beae500300a8e8a2413279"
# What the site needs: the all-extensions TeX -> CommonHTML bundle (no lazy loading of
# extensions), its web fonts, and the licence.
_MATHJAX_FILES = ("es5/tex-chtml-full.js", "es5/output/chtml/fonts/woff-v2/", "LICENSE")


class BookError(RuntimeError):
    """The website cannot be built; the message says why and what to do."""


@dataclass(frozen=True)
class BuildResult:
    """What a website build produced."""

    html_dir: Path
    pages: tuple        # HTML pages of the TOC documents, relative to html_dir
    seconds: float

    def __repr__(self):
        return (f"BuildResult(html_dir={str(self.html_dir)!r}, pages: {len(self.pages)}, "
                f"seconds={self.seconds:.1f})")


# ------------------------------------------------------------------- configuration, TOC

def _yaml(path):
    import yaml

    return yaml.safe_load(Path(path).read_text())


def repository(root):
    """``(url, branch)`` of the course repository, from ``book.yml``'s ``repository``."""
    path = Path(root) / "book.yml"
    if not path.is_file():
        raise BookError(f"no book.yml in {Path(root)}: run from a clone of the course "
                        "repository (or pass --root)")
    config = _yaml(path) or {}
    repo = config.get("repository") or {}
    url = str(repo.get("url") or "").rstrip("/")
    if not re.match(r"^https://github\.com/[\w.-]+/[\w.-]+$", url):
        raise BookError(f"book.yml: repository.url must be https://github.com/OWNER/NAME, "
                        f"got {url!r}")
    return url, str(repo.get("branch") or "main")


def toc_files(toc_path):
    """Documents listed in a jb-book TOC (root first), as paths without suffix."""
    toc = _yaml(toc_path)
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

def _mathjax_source():
    """Folder of MathJax in the installed Python package (checked: version and checksum)."""
    try:
        dist = importlib.metadata.distribution(MATHJAX_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise BookError(f"the website's MathJax comes from the Python package "
                        f"{MATHJAX_DISTRIBUTION}, which is not installed: "
                        f"pip install -e '.[book]'") from None
    if dist.version != MATHJAX_VERSION:
        raise BookError(f"{MATHJAX_DISTRIBUTION} {dist.version} is installed, the website "
                        f"needs {MATHJAX_VERSION}: pip install -e '.[book]'")
    main = next((f for f in dist.files or () if str(f).endswith("/es5/tex-chtml-full.js")),
                None)
    path = Path(dist.locate_file(main)) if main else None
    if path is None or not path.is_file():
        raise BookError(f"{MATHJAX_DISTRIBUTION} is incomplete (no es5/tex-chtml-full.js): "
                        f"pip install --force-reinstall {MATHJAX_DISTRIBUTION}=={MATHJAX_VERSION}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MATHJAX_SHA256:
        raise BookError(f"{path} has sha256 {digest}, expected {MATHJAX_SHA256}: "
                        f"pip install --force-reinstall {MATHJAX_DISTRIBUTION}=={MATHJAX_VERSION}")
    return path.parent.parent            # .../mathjax/static/mathjax


def install_mathjax(dest):
    """Copy the MathJax files the site needs into ``dest/mathjax`` (served from _static)."""
    target = Path(dest) / "mathjax"
    stamp = target / f".version-{MATHJAX_VERSION}"
    if stamp.is_file():
        return target
    source = _mathjax_source()
    shutil.rmtree(target, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        name = path.relative_to(source).as_posix()
        if path.is_file() and name.startswith(_MATHJAX_FILES):
            out = target / name.removeprefix("es5/")
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)
    stamp.write_text(f"MathJax from the Python package {MATHJAX_DISTRIBUTION}=="
                     f"{MATHJAX_VERSION}\n")
    return target


# ------------------------------------------------------------------------- offline check

_LOADING = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
            "source": ("src", "srcset"), "video": ("src",), "audio": ("src",),
            "embed": ("src",), "object": ("data",)}
_LINK_LOADS = {"stylesheet", "preload", "modulepreload", "icon", "prefetch", "manifest"}
_REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


class _ResourceParser(html.parser.HTMLParser):
    def __init__(self, *, framed=False):
        super().__init__()
        self.urls = []
        self.framed = framed        # inside <iframe srcdoc>: browsers load no icon there

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = _LOADING.get(tag, ())
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and _LINK_LOADS & (rels - {"icon"} if self.framed else rels):
            names = ("href",)
        for name in names:
            value = attrs.get(name) or ""
            self.urls.extend(u.split()[0] for u in value.split(",") if _REMOTE.match(u))
        if tag == "iframe" and attrs.get("srcdoc"):     # an embedded page (e.g. a 3-D view)
            inner = _ResourceParser(framed=True)
            inner.feed(attrs["srcdoc"])
            self.urls.extend(inner.urls)


def external_resources(html_dir):
    """Resources that pages or stylesheets under ``html_dir`` would load from another host.

    Returns ``{relative file: [url, ...]}`` for scripts, stylesheets, images, fonts, frames
    and the pages embedded in ``<iframe srcdoc>`` (links a reader clicks, such as launch
    buttons, are not loads and are not listed).
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
    try:
        import jupyter_book  # noqa: F401
    except ImportError:
        raise BookError("the website needs Jupyter Book 1, which is not installed: "
                        "pip install -e '.[book]' (or skip the website: build --no-book)"
                        ) from None
    exe = Path(sys.executable).with_name("jupyter-book")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-m", "jupyter_book.cli.main"]


def _run_jupyter_book(root, jupyter_book):
    command = [*jupyter_book, "build", ".", "--config", "book.yml",
               "--toc", "course/_toc.yml", "--all", "-W", "--keep-going"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)      # no colour codes
    if proc.returncode != 0:
        problems = [line for line in log.splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line]
        raise BookError(f"jupyter-book build failed (exit {proc.returncode}); "
                        f"{len(problems)} warning/error line(s):\n"
                        + "\n".join(problems[:40] or log.splitlines()[-40:]))


def build(root, *, quiet=False):
    """Build the website of the repository at ``root`` into ``root/_build/html``.

    Steps: (1) ``book.yml`` and every page of ``course/_toc.yml`` exist; (2) MathJax is in
    ``_build/_mathjax``; (3) ``jupyter-book build . --config book.yml --toc course/_toc.yml
    --all -W --keep-going`` (warnings are errors, notebooks are not executed); (4) no page
    loads anything from another host. Raises BookError naming what failed.
    """
    root = Path(root).resolve()
    start = time.perf_counter()
    if not (root / "book.yml").is_file():
        raise BookError(f"no book.yml in {root}: run from a clone of the course repository "
                        "(or skip the website: build --no-book)")
    command = _jupyter_book_command()
    try:
        files = check_toc(root)
    except FileNotFoundError as err:
        raise BookError(str(err)) from None
    install_mathjax(root / "_build" / "_mathjax")
    _run_jupyter_book(root, command)
    html_dir = root / "_build" / "html"
    remote = external_resources(html_dir)
    if remote:
        listing = "\n".join(f"  {page}: {', '.join(urls)}" for page, urls in remote.items())
        raise BookError(f"the site is not self-contained; these pages load from other "
                        f"hosts:\n{listing}")
    pages = tuple(f"{f}.html" for f in files)
    absent = [p for p in pages if not (html_dir / p).is_file()]
    if absent:
        raise BookError(f"the build did not write these TOC pages: {', '.join(absent)}")
    result = BuildResult(html_dir, pages, time.perf_counter() - start)
    if not quiet:
        print(f"website built in {result.seconds:.1f} s: {len(pages)} pages, "
              f"offline (no external resources) -> {html_dir / 'index.html'}")
    return result
