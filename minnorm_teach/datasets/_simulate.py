"""The simulated experiment: left-ear tones and right-visual-field flashes, with ground truth.

Every step uses MNE's own functions (``grow_labels``, ``apply_forward_raw``,
``simulation.add_noise``, ``compute_proj_raw``, ``Epochs``, ``compute_covariance``); the numbers
that define the experiment are the module constants below, and they are returned with the
data as the ground truth's noise model.
"""

import mne
import numpy as np
from scipy.signal import lfilter

SFREQ = 200.0                     # Hz
N_TRIALS = 60                     # per condition
SOA = (0.8, 1.0)                  # s, uniform
TMIN, TMAX = -0.2, 0.5            # s, epochs
EVENT_ID = {"auditory/left": 1, "visual/right": 4}

# Patches: seed (fsaverage MRI coordinates, mm), hemisphere, geodesic radius (mm),
# total dipole moment (A·m) and the (latency s, width s, relative amplitude) of three
# Gaussian deflections (P50m, N100m, P200m for the auditory response). Amplitudes are along the
# outward cortical normal: the N100m current flows *into* the supratemporal plane (negative),
# which makes the EEG N1 negative at the vertex, as in real recordings.
SOURCES = {
    "auditory/left": (
        dict(name="auditory-rh", seed=(48.0, -18.0, 8.0), hemi=1, radius=14.0,
             moment=50e-9, peaks=((0.050, 0.010, 0.25), (0.092, 0.018, -1.0),
                                  (0.180, 0.030, 0.35))),
        dict(name="auditory-lh", seed=(-44.0, -22.0, 8.0), hemi=0, radius=14.0,
             moment=35e-9, peaks=((0.055, 0.010, 0.25), (0.105, 0.020, -1.0),
                                  (0.190, 0.030, 0.35))),
    ),
    "visual/right": (
        dict(name="visual-lh", seed=(-8.0, -90.0, 2.0), hemi=0, radius=12.0,
             moment=40e-9, peaks=((0.085, 0.015, 1.0), (0.140, 0.025, -0.5))),
    ),
}

BRAIN_NOISE = dict(n_sources=200, ar=0.95, rms_mag=150e-15)   # AR(1) time courses; T rms on mags
ENV_NOISE = dict(ar=0.995, std=2e-12, empty_room_s=60.0)      # uniform field per axis, T
SENSOR_NOISE = dict(mag=20e-15, grad=5e-13, eeg=1e-6)  # white; MEG: MNE's ad-hoc values; EEG 1 uV
BAD_CHANNEL = dict(name="MEG 0892", std=2e-11)                 # a noisy gradiometer, T/m


def waveform(times, peaks):
    """Sum of Gaussians a * exp(-(t - t0)^2 / (2 w^2)) over (t0, w, a) in ``peaks``; unitless."""
    times = np.asarray(times)[None, :]
    t0, width, amp = (np.array(p)[:, None] for p in zip(*peaks, strict=True))
    return np.sum(amp * np.exp(-0.5 * ((times - t0) / width) ** 2), axis=0)


def _seed_vertex(src, hemi, seed_mm, mri_head):
    """Source-space vertex near ``seed_mm`` (MRI mm) whose normal is most vertical within 10 mm.

    ``src`` may be in MRI or (after ``make_forward_solution``) head coordinates; the seed is
    moved to the same frame with ``mri_head`` before the search.
    """
    s = src[hemi]
    seed = np.asarray(seed_mm, dtype=float) / 1e3
    if s["coord_frame"] == mne.io.constants.FIFF.FIFFV_COORD_HEAD:
        seed = mne.transforms.apply_trans(mri_head, seed)
    rr = s["rr"][s["vertno"]] * 1e3
    dist = np.linalg.norm(rr - seed * 1e3, axis=1)
    near = np.where(dist < 10.0)[0]
    if near.size == 0:
        near = np.array([np.argmin(dist)])
    vertical = np.abs(s["nn"][s["vertno"][near], 2])
    return int(s["vertno"][near[np.argmax(vertical)]])


def make_patch(src, subject, subjects_dir, spec, mri_head):
    """A cortical patch grown geodesically around the seed on the white surface.

    Returns the patch on the full surface (the true extent) and its restriction to the source
    space (the vertices that carry the simulated currents).
    """
    vertex = _seed_vertex(src, spec["hemi"], spec["seed"], mri_head)
    label = mne.grow_labels(subject, [vertex], [spec["radius"]], [spec["hemi"]],
                            subjects_dir=subjects_dir, names=[spec["name"]])[0]
    return label, label.restrict(src)


def label_area(label, subjects_dir, subject, surface="white"):
    """Area (cm²) of the surface triangles whose three corners lie in ``label``."""
    rr, tris = mne.read_surface(f"{subjects_dir}/{subject}/surf/{label.hemi}.{surface}")
    inside = np.isin(tris, label.vertices).all(axis=1)
    a, b, c = (rr[tris[inside, k]] for k in range(3))
    return float(0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1).sum() / 100.0)


def _ar1(rng, shape, coef):
    """Unit-variance AR(1) noise along the last axis."""
    white = rng.standard_normal(shape) * np.sqrt(1 - coef**2)
    return lfilter([1.0], [1.0, -coef], white, axis=-1)


def event_schedule(rng, n_trials=N_TRIALS):
    """Interleaved, shuffled onsets (samples) and codes of both conditions."""
    codes = np.repeat(list(EVENT_ID.values()), n_trials)
    rng.shuffle(codes)
    soa = rng.uniform(*SOA, size=codes.size)
    onsets = np.round((2.0 + np.concatenate([[0.0], np.cumsum(soa[:-1])])) * SFREQ).astype(int)
    return np.column_stack([onsets, np.zeros_like(onsets), codes])
