"""The dataset cache: atomic builds and a manifest of SHA-256 checksums.

The cache lives in ``$MINNORM_DATA`` (default ``~/.cache/minnorm_teach``). A build is written to
a temporary folder and renamed into place only when complete, with a manifest of checksums; an
interrupted build is never mistaken for a good one, and a damaged file is reported by name.
"""

import hashlib
import json
import os
import shutil
import time
import warnings
from pathlib import Path

import mne

from .. import validation

# Version 6: patch statistics in the source space (MNE's use_cps default applies), brain noise as
# 10 Hz alpha rhythms, a third, non-stationary condition, the real recording's forward.
DATASET_VERSION = 6


class CorruptCacheError(RuntimeError):
    """A cached dataset file is missing or does not match its recorded checksum."""


_CACHE = "the dataset cache; point MINNORM_DATA at a writable folder, or unset it"


def cache_dir():
    """Root folder of the dataset cache: $MINNORM_DATA or ~/.cache/minnorm_teach.

    A path that is a file, or lies below one, is refused (InputValueError naming
    MINNORM_DATA); whether it is writable is found out when a build writes to it.
    """
    root = os.environ.get("MINNORM_DATA")
    path = Path(root).expanduser() if root else Path.home() / ".cache" / "minnorm_teach"
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        validation.check_writable_dir(path, "MINNORM_DATA", purpose=_CACHE)
    return path


def sha256(path):
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(folder, build_info):
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    checksums = {str(p.relative_to(folder)): sha256(p) for p in files}
    manifest = dict(version=DATASET_VERSION, mne=mne.__version__, files=checksums,
                    **build_info)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


def verify(folder, rebuild_hint):
    """The manifest of ``folder``; CorruptCacheError naming the first missing or altered file."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as err:
        raise CorruptCacheError(f"The cached dataset in {folder} has an unreadable manifest "
                                f"({err}). Rebuild it with {rebuild_hint}.") from err
    _check_manifest(manifest, folder, rebuild_hint)
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise CorruptCacheError(f"The cached dataset is missing {path}. Rebuild it with "
                                    f"{rebuild_hint}.")
        if sha256(path) != checksum:
            raise CorruptCacheError(f"The cached file {path} does not match its checksum "
                                    f"(damaged or edited). Rebuild the dataset with "
                                    f"{rebuild_hint}.")
    return manifest


def _check_manifest(manifest, folder, rebuild_hint):
    """A manifest is an object whose "files" maps each file's name to its SHA-256 (a string)."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in files.items()):
        got = validation.describe(manifest if not isinstance(manifest, dict) else files)
        raise CorruptCacheError(f"The cached dataset in {folder} has a damaged manifest (its "
                                f"'files' must map each file to its checksum, got {got}). "
                                f"Rebuild it with {rebuild_hint}.")


def _writable(path):
    """Create ``path`` (and its parents); an OSError becomes one sentence naming MINNORM_DATA
    (found by writing, not by os.access: root passes os.access everywhere)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise validation.refuse(
            "MINNORM_DATA", f"a writable directory ({_CACHE})",
            validation.errors.shown(f"{str(path)!r} ({err.strerror or err})")) from None


def build_into_cache(target, build, *, verbose=True, what="the course dataset", seconds=30):
    """Run ``build(folder)`` (returns build metadata) in a temporary folder, then move it to target.

    The folder appears under its final name only when the build and its manifest are complete.
    """
    validation.check_writable_dir(target.parent, "MINNORM_DATA", purpose=_CACHE)
    _writable(target.parent)
    tmp = target.parent / f".building-{target.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    start = time.perf_counter()
    if verbose:
        print(f"Building {what} in {target} (about {seconds} s, once) ...")
    try:
        with warnings.catch_warnings(), mne.use_log_level("WARNING"):
            warnings.filterwarnings("ignore", message="No average EEG reference")
            build_info = build(tmp)
        build_info["build_seconds"] = round(time.perf_counter() - start, 1)
        _write_manifest(tmp, build_info)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def float64_forward(fwd):
    """FIF files store the gain in float32; hand it out in float64, as MNE computes it.

    Comparisons at 1e-10 relative need float64 linear algebra; a float32 gain would cap every
    result at about 1e-7. The values are those of the file (rounded once to float32 precision).
    """
    fwd["sol"]["data"] = fwd["sol"]["data"].astype("float64")
    fwd["_orig_sol"] = fwd["_orig_sol"].astype("float64")
    return fwd
