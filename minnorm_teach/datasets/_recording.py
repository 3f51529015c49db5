"""A real recording in the course's CourseData structure: MNE's Vectorview test averages.

The averages, noise covariances and projectors ship with the package (``realdata/``, from
MNE-Python's test data, BSD-3-Clause; see ``realdata/SOURCE.md``). The forward model is built
once and cached like the course dataset: the course's fsaverage5 cortex (ico4, with patch
statistics, the same source space as the course data) coregistered to the recording's 146
digitised head points, MEG from a one-layer inner-skull BEM, EEG from a four-shell sphere
(see ``_headmodel``).
"""

from pathlib import Path

import mne
import numpy as np

from .. import validation
from . import _headmodel as head
from ._anatomy import SUBJECT, write_subjects_dir
from ._cache import DATASET_VERSION, build_into_cache, cache_dir, float64_forward, verify
from ._types import CourseData

REALDATA = Path(__file__).parent / "realdata"
CONDITIONS = {"Left Auditory": "auditory/left", "Right Auditory": "auditory/right",
              "Left visual": "visual/left", "Right visual": "visual/right"}
# The files list no bad channels. The original recording's are these two: MEG 2443's noise
# s.d. in test-cov.fif is 31 times the median gradiometer's (26 times in the empty room);
# EEG 053 (1.3 times the median EEG) is kept bad as its recordists and MNE's tutorials mark it.
BADS = ["MEG 2443", "EEG 053"]
FILES = dict(fwd="recording-fwd.fif", trans="recording-trans.fif")


def recording_file(name):
    """Path of a shipped recording file, e.g. ``recording_file("test-proj.fif")``."""
    path = REALDATA / name
    if not path.is_file():
        shipped = sorted(p.name for p in REALDATA.glob("*.fif*"))
        raise FileNotFoundError(f"No recording file {name!r} ships with the course; the "
                                f"files are {shipped} in {REALDATA}.")
    return path


def read_recording_evokeds():
    """The four averages: MEG+EEG channels, baseline -200..0 ms, bads marked, course names."""
    evokeds = {}
    for evoked in mne.read_evokeds(recording_file("test-ave.fif.gz"), baseline=(None, 0.0),
                                   verbose=False):
        evoked.pick(["meg", "eeg"], exclude=())
        evoked.info["bads"] = list(BADS)
        evoked.comment = CONDITIONS[evoked.comment]
        evokeds[evoked.comment] = evoked
    return evokeds


def build_recording(folder, spacing="ico4"):
    """Write the recording's forward and head<->MRI transform into ``folder``; return metadata."""
    folder = Path(folder)
    subjects_dir = folder / "subjects"
    write_subjects_dir(subjects_dir)
    info = read_recording_evokeds()["auditory/left"].info
    src = mne.setup_source_space(SUBJECT, spacing, subjects_dir=subjects_dir, add_dist="patch",
                                 verbose=False)
    trans = head.coregister(info, SUBJECT, subjects_dir)
    distances = head.dig_distances(info, trans, SUBJECT, subjects_dir)
    sphere, fitted_radius = head.eeg_sphere(info, src, trans)
    bem = head.inner_skull_bem(SUBJECT, subjects_dir)
    fwd, meg_sphere_vs_bem = head.combined_forward(info, trans, src, bem, sphere)
    mne.write_trans(folder / FILES["trans"], trans, overwrite=True, verbose=False)
    mne.write_forward_solution(folder / FILES["fwd"], fwd, overwrite=True, verbose=False)
    return dict(n_sources_setup=int(sum(s["nuse"] for s in src)),
                n_sources_forward=int(fwd["nsource"]), n_dig_points=int(len(distances)),
                coreg_median_mm=round(float(np.median(distances)) * 1e3, 2),
                coreg_max_mm=round(float(np.max(distances)) * 1e3, 2),
                sphere_r0=[float(x) for x in sphere["r0"]], sphere_radius=float(sphere.radius),
                sphere_fitted_radius=fitted_radius,
                meg_sphere_vs_bem=round(meg_sphere_vs_bem, 4))


def recording_folder(spacing="ico4"):
    """Cache folder of the recording's forward model."""
    return cache_dir() / f"recording-v{DATASET_VERSION}-{spacing}"


def load_recording(*, rebuild=False, verbose=True):
    """A real Vectorview recording of MNE's "sample" subject, as a CourseData.

    ``evokeds``: auditory/left (nave 3), auditory/right (6), visual/left (6), visual/right (6),
    -200..500 ms at 600.6 Hz, 306 MEG + 60 EEG channels, bads ``MEG 2443`` and ``EEG 053``
    marked, three PCA SSP vectors and the average EEG reference active; ``evoked`` is
    auditory/left. ``noise_cov``: the recording's (as recorded: 366 channels, no bads listed,
    the same four projectors); ``empty_room_cov``: an empty-room one. ``fwd``: the course's
    cortex in this head (built on first use, about a minute, then cached); ``raw``, ``epochs``
    and ``truth`` are None. ``build_info`` holds the coregistration error and the conductor.
    """
    rebuild = validation.check_bool(rebuild, "rebuild")
    verbose = validation.check_bool(verbose, "verbose")
    folder = recording_folder()
    if rebuild or not (folder / "manifest.json").is_file():
        build_into_cache(folder, build_recording, verbose=verbose,
                         what="the recording's forward model", seconds=60)
    manifest = verify(folder, "load_recording(rebuild=True)")
    evokeds = read_recording_evokeds()
    with mne.use_log_level("WARNING"):
        fwd = float64_forward(mne.read_forward_solution(folder / FILES["fwd"]))
        noise_cov = mne.read_cov(recording_file("test-cov.fif"))
        empty_room_cov = mne.read_cov(recording_file("test_erm-cov.fif"))
    return CourseData(raw=None, epochs=None, evoked=evokeds["auditory/left"], evokeds=evokeds,
                      noise_cov=noise_cov, fwd=fwd, subject=SUBJECT,
                      subjects_dir=folder / "subjects", truth=None, name="recording",
                      build_info={k: v for k, v in manifest.items() if k != "files"},
                      empty_room_cov=empty_room_cov)
