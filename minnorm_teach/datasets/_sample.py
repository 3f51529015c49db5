"""MNE's sample dataset, read the way MNE's tutorial "Source localization with MNE, dSPM,
sLORETA, and eLORETA" reads it, into the course's CourseData structure."""

import os
from pathlib import Path

import mne

from .. import validation
from . import _simulate as sim
from ._build import shrunk_covariance
from ._cache import float64_forward
from ._types import CourseData

EVENT_ID = {"auditory/left": 1, "auditory/right": 2, "visual/left": 3, "visual/right": 4}
FILES = dict(raw="sample_audvis_filt-0-40_raw.fif", fwd="sample_audvis-meg-eeg-oct-6-fwd.fif")
REJECT = dict(grad=4000e-13, mag=4e-12, eog=150e-6)      # the tutorial's peak-to-peak limits


def sample_folder(data_path=None):
    """``MNE-sample-data/MEG/sample`` of a local copy, or FileNotFoundError saying how to get one.

    Found like MNE finds it: ``data_path``, else $MNE_DATASETS_SAMPLE_PATH or MNE's config
    (the folder that contains ``MNE-sample-data``); never downloads, never writes MNE's config.
    """
    if data_path is not None and not isinstance(data_path, str | os.PathLike):
        raise validation.refuse_type("data_path", "None or a path (str or pathlib.Path)",
                                     data_path)
    if data_path is None:
        data_path = mne.datasets.sample.data_path(download=False, update_path=False)
    meg = Path(data_path) / "MEG" / "sample" if data_path else None
    if meg is None or not (meg / FILES["raw"]).is_file():
        where = data_path or mne.get_config("MNE_DATASETS_SAMPLE_PATH", "~/mne_data")
        raise FileNotFoundError(
            f"MNE's sample dataset is not on this machine (looked in {where}). Download it "
            "once, with internet access, by running: python -c \"import mne; "
            "mne.datasets.sample.data_path()\" (about 1.6 GB). The course runs without it on "
            "its own dataset: load_course_data().")
    return meg


def make_sample_epochs(raw):
    """Epochs of the four conditions as in MNE's tutorial: -200..500 ms, baseline before 0,
    projectors applied, epochs rejected on gradiometers, magnetometers and the EOG channel."""
    events = mne.find_events(raw, stim_channel="STI 014")
    return mne.Epochs(raw, events, EVENT_ID, sim.TMIN, sim.TMAX, proj=True,
                      picks=("meg", "eeg", "eog"), baseline=(None, 0.0), reject=REJECT,
                      preload=True)


def load_sample_data(*, data_path=None):
    """The same structure from MNE's sample dataset, when a local copy exists.

    Reads ``sample_audvis_filt-0-40_raw.fif`` with its bad channels (``MEG 2443``, ``EEG 053``)
    and projectors (3 PCA vectors, average EEG reference); epochs keep the ``EOG 061`` channel,
    on which blinks are rejected. The noise covariance is computed as the tutorial computes it:
    shrunk, from the baseline of the epochs (the tutorial's cross-validation between "shrunk"
    and "empirical" selects "shrunk" on this recording; we ask for it directly), so that it
    describes the noise of the very epochs the evokeds average. The forward is
    ``sample_audvis-meg-eeg-oct-6-fwd.fif`` (MEG+EEG, 7498 locations with patch statistics).
    ``truth`` is None: real data have no ground truth.

    Parameters
    ----------
    data_path : path | None
        The ``MNE-sample-data`` folder; None: where MNE looks for it.
    """
    meg = sample_folder(data_path)
    with mne.use_log_level("WARNING"):
        raw = mne.io.read_raw_fif(meg / FILES["raw"], preload=True)
        epochs = make_sample_epochs(raw)
        evokeds = {c: epochs[c].average() for c in EVENT_ID}
        for condition, evoked in evokeds.items():
            evoked.comment = condition
        noise_cov = shrunk_covariance(epochs)
        fwd = float64_forward(mne.read_forward_solution(meg / FILES["fwd"]))
    return CourseData(raw=raw, epochs=epochs, evoked=evokeds["auditory/left"], evokeds=evokeds,
                      noise_cov=noise_cov, fwd=fwd, subject="sample",
                      subjects_dir=meg.parent.parent / "subjects", truth=None, name="sample")
