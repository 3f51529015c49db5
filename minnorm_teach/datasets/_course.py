"""Load the simulated course dataset from the cache (building it on first use)."""

import json

import mne
import numpy as np

from .. import validation
from . import _build
from . import _simulate as sim
from ._anatomy import SUBJECT
from ._cache import DATASET_VERSION, build_into_cache, cache_dir, float64_forward, verify
from ._types import CourseData, GroundTruth, SourcePatch

SPACINGS = ("ico4", "ico3")      # default (5124 sources) and coarse (1284)


def _read_truth(folder, times):
    arrays = np.load(folder / _build.FILES["truth"])
    meta = json.loads((folder / _build.FILES["truth_meta"]).read_text())
    patches = {}
    for condition, specs in meta["conditions"].items():
        patches[condition] = tuple(
            SourcePatch(name=spec["name"], hemi=spec["hemi"], area_cm2=spec["area_cm2"],
                        vertices=arrays[f"{condition}|{k}|vertices"],
                        positions=arrays[f"{condition}|{k}|positions"],
                        orientations=arrays[f"{condition}|{k}|orientations"],
                        time_course=arrays[f"{condition}|{k}|time_course"])
            for k, spec in enumerate(specs))
    noise = dict(meta["noise"], seed=meta["seed"],
                 brain_noise_vertices=arrays["brain_noise|vertices"])
    return GroundTruth(patches=patches, times=times, noise=noise)


def course_folder(spacing="ico4", seed=0):
    """Cache folder of the course dataset with this spacing and seed."""
    return cache_dir() / f"course-v{DATASET_VERSION}-{spacing}-seed{seed}"


def load_course_data(*, spacing="ico4", rebuild=False, seed=0, verbose=True):
    """Load (building and caching on first use) the simulated course dataset.

    Parameters
    ----------
    spacing : "ico4" | "ico3"
        Source space: ico4 (2 x 2562 = 5124 locations, the default) or ico3 (2 x 642 = 1284,
        for quick exercises). Both carry patch statistics, like a real source space.
    rebuild : bool
        Build again even if a valid cache exists (e.g. after a CorruptCacheError).
    seed : int
        Seed of the simulation (the default gives the dataset every chapter shows).
    verbose : bool
        Say when the dataset is being built.

    Returns
    -------
    data : CourseData
        ``.raw``, ``.epochs``, ``.evoked`` (auditory/left), ``.evokeds`` (auditory/left,
        visual/right, somato/right), ``.noise_cov``, ``.fwd`` (free orientation), ``.info``,
        ``.subject``, ``.subjects_dir``, ``.truth``; ``.describe()`` for the numbers.
    """
    spacing = validation.check_option(spacing, "spacing", SPACINGS)
    rebuild = validation.check_bool(rebuild, "rebuild")
    seed = validation.check_int(seed, "seed", low=0)
    verbose = validation.check_bool(verbose, "verbose")
    folder = course_folder(spacing, seed)
    if rebuild or not (folder / "manifest.json").is_file():
        build_into_cache(folder, lambda tmp: _build.build(tmp, spacing=spacing, seed=seed),
                         verbose=verbose)
    manifest = verify(folder, "load_course_data(rebuild=True)")
    with mne.use_log_level("WARNING"):
        raw = mne.io.read_raw_fif(folder / _build.FILES["raw"], preload=True)
        epochs = _build.make_epochs(raw)
        evokeds = {c: epochs[c].average() for c in sim.EVENT_ID}
        for condition, evoked in evokeds.items():
            evoked.comment = condition
        fwd = float64_forward(mne.read_forward_solution(folder / _build.FILES["fwd"]))
        noise_cov = mne.read_cov(folder / _build.FILES["cov"])
    build_info = {k: v for k, v in manifest.items() if k != "files"}
    return CourseData(raw=raw, epochs=epochs, evoked=evokeds["auditory/left"], evokeds=evokeds,
                      noise_cov=noise_cov, fwd=fwd, subject=SUBJECT,
                      subjects_dir=folder / "subjects", truth=_read_truth(folder, epochs.times),
                      build_info=build_info)
