"""The course's data: a simulated experiment with known sources, a real recording, MNE's sample.

- ``load_course_data()`` builds the course dataset on first use (about 30 s on 2 cores) from
  files that installed packages ship (nilearn's fsaverage5 cortex, MNE's fsaverage head, helmet,
  coil definitions and the mgh60 EEG cap), caches it, and returns a :class:`CourseData` with its
  ground truth.
- ``load_recording()`` returns the same structure for a real Vectorview recording (averages of
  MNE's "sample" subject, shipped with the package), on the course's cortex coregistered to the
  recording's digitised head.
- ``load_sample_data()`` reads MNE's sample dataset when a local copy exists.
- ``load_data()`` picks the course data or the sample data from ``MINNORM_DATASET`` (``course``,
  the default, or ``sample``), so every notebook runs on either.

``build_all()`` builds (or verifies) everything the course caches. The cache lives in
``$MINNORM_DATA`` (default ``~/.cache/minnorm_teach``), checksummed (see ``_cache``).
``CourseData.describe()`` measures the numbers a chapter quotes (channel counts, lead-field
shape, ranks, nave, peaks) on whichever dataset is loaded.
"""

import os

from .. import validation
from ._cache import DATASET_VERSION, CorruptCacheError, cache_dir
from ._course import SPACINGS, load_course_data
from ._facts import DatasetFacts
from ._patches import has_patch_info, patch_normal_angles, source_normals
from ._recording import build_recording, load_recording, recording_file
from ._sample import load_sample_data
from ._types import CourseData, GroundTruth, SourcePatch

__all__ = ["CourseData", "DatasetFacts", "GroundTruth", "SourcePatch", "load_course_data",
           "load_sample_data", "load_recording", "load_data", "build_all", "cache_dir",
           "CorruptCacheError", "DATASET_VERSION", "SPACINGS", "recording_file",
           "build_recording", "has_patch_info", "source_normals", "patch_normal_angles"]


def load_data(dataset=None, **kwargs):
    """The course dataset, or MNE's sample data if ``dataset`` or $MINNORM_DATASET is 'sample'
    (either case: 'Sample' is 'sample')."""
    name = "dataset" if dataset is not None else "MINNORM_DATASET"
    value = dataset if dataset is not None else os.environ.get("MINNORM_DATASET", "course")
    if isinstance(value, str) and value.lower() in ("course", "sample"):
        value = value.lower()
    choice = validation.check_option(value, name, ("course", "sample"))
    if choice == "course":
        return load_course_data(**kwargs)
    return load_sample_data(**kwargs)


def build_all(*, rebuild=False, verbose=True):
    """Build (or verify) every cached dataset: the course data (ico4) and the recording's forward.

    Returns ``(course, recording)``, two CourseData. This is the dataset part of
    ``python -m minnorm_teach build``.
    """
    rebuild = validation.check_bool(rebuild, "rebuild")
    verbose = validation.check_bool(verbose, "verbose")
    course = load_course_data(rebuild=rebuild, verbose=verbose)
    recording = load_recording(rebuild=rebuild, verbose=verbose)
    return course, recording
