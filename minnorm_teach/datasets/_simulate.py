"""The simulated experiment: left-ear tones, right-visual-field flashes and right-hand touches.

The third condition ("somato/right") is non-stationary on purpose: a brief transient in the left
primary somatosensory cortex and, later, a 20 Hz (beta) burst in the right sensorimotor cortex,
the two kinds of activity that MxNE's one support over the whole window handles badly and TF-MxNE
is built for (chapter 12).

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
EVENT_ID = {"auditory/left": 1, "visual/right": 4, "somato/right": 5}

# Patches: seed (fsaverage MRI coordinates, mm), hemisphere, geodesic radius (mm),
# total dipole moment (A·m) and the (latency s, width s, relative amplitude) of Gaussian
# deflections (P50m, N100m, P200m for the auditory response), optionally modulating a cosine of
# ``frequency`` Hz (a burst). The seed vertex is the one within 10 mm whose normal is closest to
# ``axis`` (vertical by default; anterior-posterior for the banks of the central sulcus).
# Amplitudes are along the outward cortical normal: the N100m current flows *into* the
# supratemporal plane (negative), which makes the EEG N1 negative at the vertex, as in real
# recordings.
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
    "somato/right": (
        dict(name="somatosensory-lh", seed=(-38.0, -30.0, 56.0), hemi=0, radius=10.0,
             moment=20e-9, peaks=((0.045, 0.008, 1.0),), axis=(0.0, 1.0, 0.0)),
        dict(name="motor-rh", seed=(36.0, -18.0, 58.0), hemi=1, radius=10.0,
             moment=15e-9, peaks=((0.300, 0.050, 1.0),), frequency=20.0, axis=(0.0, 1.0, 0.0)),
    ),
}

# Brain noise: independent alpha rhythms (AR(2) resonators at ``frequency`` Hz, pole radius
# ``pole``, bandwidth about (1 - pole) * SFREQ / pi = 1.9 Hz) at random cortical locations.
# Version 5 used AR(1) noise with coefficient 0.95 (correlation time 100 ms): baseline correction
# then inflated the post-stimulus noise variance (whitened GFP 1.55 instead of 1 after 300 ms;
# see ``baseline_correction_inflation``).
BRAIN_NOISE = dict(n_sources=200, frequency=10.0, pole=0.97, rms_mag=150e-15)  # T rms on mags
ENV_NOISE = dict(ar=0.995, std=2e-12, empty_room_s=60.0)      # uniform field per axis, T
SENSOR_NOISE = dict(mag=20e-15, grad=5e-13, eeg=1e-6)  # white; MEG: MNE's ad-hoc values; EEG 1 uV
BAD_CHANNEL = dict(name="MEG 0892", std=2e-11)                 # a noisy gradiometer, T/m


def waveform(times, peaks, frequency=0.0):
    """sum over (t0, w, a) in ``peaks`` of a exp(-(t - t0)^2 / (2 w^2)) cos(2 pi f (t - t0)).

    f = ``frequency`` (Hz): 0 gives Gaussian deflections, f > 0 Gabor bursts; unitless.
    """
    times = np.asarray(times)[None, :]
    t0, width, amp = (np.array(p)[:, None] for p in zip(*peaks, strict=True))
    envelope = amp * np.exp(-0.5 * ((times - t0) / width) ** 2)
    return np.sum(envelope * np.cos(2 * np.pi * frequency * (times - t0)), axis=0)


def _seed_vertex(src, hemi, seed_mm, mri_head, axis=(0.0, 0.0, 1.0)):
    """Source-space vertex within 10 mm of ``seed_mm`` (MRI mm) whose normal best aligns with axis.

    ``src`` may be in MRI or (after ``make_forward_solution``) head coordinates; the seed and
    the axis are moved to the same frame with ``mri_head`` before the search.
    """
    s = src[hemi]
    seed, axis = np.asarray(seed_mm, dtype=float) / 1e3, np.asarray(axis, dtype=float)
    if s["coord_frame"] == mne.io.constants.FIFF.FIFFV_COORD_HEAD:
        seed = mne.transforms.apply_trans(mri_head, seed)
        axis = mne.transforms.apply_trans(mri_head, axis, move=False)
    rr = s["rr"][s["vertno"]] * 1e3
    dist = np.linalg.norm(rr - seed * 1e3, axis=1)
    near = np.where(dist < 10.0)[0]
    if near.size == 0:
        near = np.array([np.argmin(dist)])
    aligned = np.abs(s["nn"][s["vertno"][near]] @ axis)
    return int(s["vertno"][near[np.argmax(aligned)]])


def make_patch(src, subject, subjects_dir, spec, mri_head):
    """A cortical patch grown geodesically around the seed on the white surface.

    Returns the patch on the full surface (the true extent) and its restriction to the source
    space (the vertices that carry the simulated currents).
    """
    vertex = _seed_vertex(src, spec["hemi"], spec["seed"], mri_head,
                          spec.get("axis", (0.0, 0.0, 1.0)))
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


def resonator(frequency, pole, sfreq=SFREQ):
    """AR(2) denominator [1, -2 r cos(w), r^2], w = 2 pi f / sfreq: a rhythm of f Hz."""
    w = 2 * np.pi * frequency / sfreq
    return np.array([1.0, -2 * pole * np.cos(w), pole**2])


def _rhythm(rng, shape, frequency, pole):
    """Unit-variance AR(2) noise along the last axis, peaked at ``frequency`` Hz."""
    a = resonator(frequency, pole)
    a1, a2 = a[1], a[2]
    variance = (1 + a2) / ((1 - a2) * ((1 + a2) ** 2 - a1**2))   # of the AR(2) driven by N(0, 1)
    return lfilter([1.0], a, rng.standard_normal(shape), axis=-1) / np.sqrt(variance)


def autocorrelation(a, n_lags):
    """rho(k), k = 0..n_lags-1, of the AR process with denominator ``a`` (impulse response)."""
    impulse = np.zeros(n_lags + 4096)
    impulse[0] = 1.0
    h = lfilter([1.0], a, impulse)
    rho = np.array([h[: len(h) - k] @ h[k:] for k in range(n_lags)])
    return rho / rho[0]


def baseline_correction_inflation(rho, n_baseline, samples):
    """Variance of x(t) - mean(baseline) at ``samples``, relative to its mean over the baseline.

    For stationary noise with autocorrelation ``rho`` and baseline samples 0..n-1, the variance
    of x(t) - m (m the baseline mean) is 1 + var(m) - 2 cov(x(t), m). Inside the baseline x(t)
    is part of m and the variance is smaller; far after it, larger. A covariance estimated from
    the baseline therefore underestimates the noise after the stimulus by this factor. White
    noise gives (n + 1) / (n - 1).
    """
    base = np.arange(n_baseline)
    var_m = rho[np.abs(base[:, None] - base[None, :])].mean()
    var = [1 + var_m - 2 * rho[np.abs(t - base)].mean() for t in np.asarray(samples)]
    within = [1 + var_m - 2 * rho[np.abs(t - base)].mean() for t in base]
    return float(np.mean(var) / np.mean(within))


def event_schedule(rng, n_trials=N_TRIALS):
    """Interleaved, shuffled onsets (samples) and codes of both conditions."""
    codes = np.repeat(list(EVENT_ID.values()), n_trials)
    rng.shuffle(codes)
    soa = rng.uniform(*SOA, size=codes.size)
    onsets = np.round((2.0 + np.concatenate([[0.0], np.cumsum(soa[:-1])])) * SFREQ).astype(int)
    return np.column_stack([onsets, np.zeros_like(onsets), codes])
