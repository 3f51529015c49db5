"""A directory in the exact layout of MNE's sample dataset, written from the course data.

MNE's sample data (1.6 GB) cannot be downloaded in CI. ``write_sample_layout(root, data)``
writes what ``load_sample_data`` reads, under the names MNE's tutorials use::

    root/MNE-sample-data/MEG/sample/sample_audvis_filt-0-40_raw.fif
    root/MNE-sample-data/MEG/sample/sample_audvis-meg-eeg-oct-6-fwd.fif
    root/MNE-sample-data/MEG/sample/sample_audvis_raw-trans.fif
    root/MNE-sample-data/subjects/sample/{surf,bem,label}/...

from the course recording (200 Hz, not low-passed): MEG channels renamed to the Vectorview names
of the real recording (so the course's noisy gradiometer is ``MEG 2443``), ``EEG 053`` made
noisy, both marked bad; an ``EOG 061`` channel with blinks; ``STI 014`` carrying events 1-4
(the course's somato/right trials alternate between codes 2 and 3); the course's SSP vectors and
average reference; the course forward (patch statistics in its source space) under the sample
names. ``MNE_DATASETS_SAMPLE_PATH=root`` then makes ``load_sample_data()`` find it as it finds a
real copy.
"""

import shutil
from pathlib import Path

import mne
import numpy as np

from minnorm_teach.datasets import _build, _sample, recording_file
from minnorm_teach.datasets import _simulate as sim
from minnorm_teach.datasets._anatomy import read_trans

BADS = ["MEG 2443", "EEG 053"]
BLINK = dict(every_s=9.0, amplitude=300e-6, width_s=0.08, noise=10e-6)   # EOG, V


def channel_mapping(course_names, bad_course_channel):
    """Course MEG name -> Vectorview name (by position), the course's bad channel -> MEG 2443."""
    real = [n for n in mne.io.read_info(recording_file("test-ave.fif.gz"), verbose=False)[
        "ch_names"] if n.startswith("MEG")]
    meg = [n for n in course_names if n.startswith("MEG")]
    mapping = dict(zip(meg, real, strict=True))
    holder = next(c for c, r in mapping.items() if r == BADS[0])
    mapping[holder], mapping[bad_course_channel] = mapping[bad_course_channel], BADS[0]
    return mapping


def _eog(n_times, sfreq, rng):
    """Blinks (Gaussian, 300 uV) at random times on 10 uV white noise, (1, n_times) V."""
    t = np.arange(n_times) / sfreq
    onsets = np.sort(rng.uniform(0, t[-1], int(t[-1] / BLINK["every_s"])))
    blinks = np.exp(-0.5 * ((t[None] - onsets[:, None]) / (BLINK["width_s"] / 2)) ** 2)
    return (BLINK["amplitude"] * blinks.sum(axis=0)
            + BLINK["noise"] * rng.standard_normal(n_times))[None]


def _stim(raw):
    """STI 014 with codes 1 and 4 kept and somato/right (5) alternating between 2 and 3."""
    stim = raw.get_data(picks="STI 014")[0]
    somato = np.flatnonzero(stim == sim.EVENT_ID["somato/right"])
    stim[somato[0::2]], stim[somato[1::2]] = 2, 3
    return stim


def sample_raw(data, mapping, rng):
    """The course raw under the sample names, with EOG 061, noisy EEG 053, bads and events 1-4."""
    raw = data.raw.copy()
    raw._data[raw.ch_names.index("STI 014")] = _stim(raw)
    raw.rename_channels(mapping)
    raw._data[raw.ch_names.index(BADS[1])] += 20e-6 * rng.standard_normal(raw.n_times)
    eog_info = mne.create_info(["EOG 061"], raw.info["sfreq"], "eog")
    eog = mne.io.RawArray(_eog(raw.n_times, raw.info["sfreq"], rng), eog_info, verbose=False)
    raw.add_channels([eog], force_update_info=True)
    raw.info["bads"] = list(BADS)
    return raw


def sample_forward(course_fwd_file, mapping):
    """The course forward as stored (float32), channels renamed, source space of 'sample'."""
    fwd = mne.read_forward_solution(course_fwd_file, verbose=False)
    mne.rename_channels(fwd["info"], mapping)
    fwd["sol"]["row_names"] = [mapping.get(n, n) for n in fwd["sol"]["row_names"]]
    with fwd["info"]._unlock():
        fwd["info"]["bads"] = list(BADS)
    for s in fwd["src"]:
        s["subject_his_id"] = "sample"
    return fwd


def _subject(course_subject_dir, target):
    """subjects/sample: the course's surfaces, head surfaces and labels under sample's names."""
    shutil.copytree(course_subject_dir, target)
    for path in target.rglob("*fsaverage5*"):
        path.rename(path.with_name(path.name.replace("fsaverage5", "sample")))


def write_sample_layout(root, data, seed=0):
    """Write ``root/MNE-sample-data`` from ``data`` (the course CourseData); return that folder."""
    rng = np.random.default_rng(seed)
    folder = Path(root) / "MNE-sample-data"
    meg = folder / "MEG" / "sample"
    meg.mkdir(parents=True)
    mapping = channel_mapping(data.raw.ch_names, data.info["bads"][0])
    sample_raw(data, mapping, rng).save(meg / _sample.FILES["raw"], verbose=False)
    course = Path(data.subjects_dir).parent
    mne.write_forward_solution(meg / _sample.FILES["fwd"],
                               sample_forward(course / _build.FILES["fwd"], mapping),
                               verbose=False)
    mne.write_trans(meg / "sample_audvis_raw-trans.fif", read_trans(), verbose=False)
    _subject(Path(data.subjects_dir) / data.subject, folder / "subjects" / "sample")
    return folder
