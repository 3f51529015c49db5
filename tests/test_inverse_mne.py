"""Twin runs against MNE-Python on the course data: the fidelity grid of issue 4.

{MEG, EEG, MEG+EEG} x {fixed, loose 0.2, free} x {depth None, 0.8} x {lambda2 1/9, 1}
x {nave 1, evoked's nave}, method "MNE": source estimates agree to 1e-10 relative
(max|ours - MNE| / max|MNE|) and the explained variance to 1e-10 absolute (in %).
MNE's explained variance is the exact number its ``_log_exp_var`` computes (captured, not
parsed from the one-decimal log line). Coarse dataset (ico3, every sixth of its 1284
sources) for speed.
"""

import functools
import itertools

import mne
import numpy as np
import pytest
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import apply_inverse_epochs as mne_apply_inverse_epochs
from mne.minimum_norm import apply_inverse_raw as mne_apply_inverse_raw
from mne.minimum_norm import inverse as mne_inverse_module
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator

import minnorm_teach as mt
from minnorm_teach.check import relative_error

RTOL = 1e-10
CHANNELS = {"MEG": ["meg"], "EEG": ["eeg"], "MEG+EEG": ["meg", "eeg"]}
ORIENTATIONS = {"fixed": dict(loose=0.0, fixed=True), "loose": dict(loose=0.2, fixed="auto"),
                "free": dict(loose=1.0, fixed="auto")}
WORST = {}
WORST_EXPLAINED = {}


@functools.lru_cache(maxsize=1)
def _data():
    mne.set_log_level("WARNING")
    return mt.datasets.load_course_data(spacing="ico3")


@functools.lru_cache(maxsize=1)
def _fwd():
    """Every sixth source of the ico3 forward (214 locations): same math, a 6x cheaper SVD."""
    fwd = _data().fwd
    vertices = [s["vertno"][::6] for s in fwd["src"]]
    stc = mne.SourceEstimate(np.zeros((sum(map(len, vertices)), 1)), vertices, 0, 1)
    return mne.forward.restrict_forward_to_stc(fwd, stc, on_missing="raise")


@functools.lru_cache(maxsize=3)
def _evoked(channels):
    return _data().evoked.copy().pick(CHANNELS[channels])


@functools.lru_cache(maxsize=1)
def _operators(channels, orientation, depth):
    data, evoked = _data(), _evoked(channels)
    kwargs = dict(ORIENTATIONS[orientation], depth=depth)
    ours = mt.make_inverse_operator(evoked.info, _fwd(), data.noise_cov, **kwargs)
    theirs = mne_make_inverse_operator(evoked.info, _fwd(), data.noise_cov, **kwargs)
    return ours, theirs


def _mne_explained_variance(monkeypatch, *args, **kwargs):
    """Run MNE's apply_inverse and capture the explained variance it computes."""
    captured = []
    original = mne_inverse_module._log_exp_var

    def spy(data, est, prefix="    "):
        captured.append(original(data, est, prefix))
        return captured[-1]

    monkeypatch.setattr(mne_inverse_module, "_log_exp_var", spy)
    stc = mne_apply_inverse(*args, **kwargs)
    return stc, captured[-1]


GRID = list(itertools.product(CHANNELS, ORIENTATIONS, [None, 0.8], [1.0 / 9.0, 1.0],
                              ["1", "evoked"]))       # operator parameters vary slowest


@pytest.mark.parametrize(("channels", "orientation", "depth", "lambda2", "nave"), GRID)
def test_grid_against_mne(channels, orientation, depth, lambda2, nave, monkeypatch):
    ours, theirs = _operators(channels, orientation, depth)
    evoked = _evoked(channels).copy()
    if nave == "1":
        evoked.nave = 1
    stc_mne, ev_mne = _mne_explained_variance(monkeypatch, evoked, theirs, lambda2, "MNE")
    kernel = mt.noise_norm.prepare_kernel(ours, lambda2, "MNE", evoked.nave)
    rows = [evoked.ch_names.index(c) for c in ours.ch_names]
    ev_ours = mt.kernel.sensor_fit(evoked.data[rows], kernel).explained_variance
    stc = mt.apply_inverse(evoked, ours, lambda2, "MNE")
    assert type(stc) is type(stc_mne)
    for ours_v, mne_v in zip(stc.vertices, stc_mne.vertices, strict=True):
        np.testing.assert_array_equal(ours_v, mne_v)
    error = relative_error(stc.data, stc_mne.data)
    key = (channels, orientation, depth, lambda2, nave)
    WORST[key] = error
    WORST_EXPLAINED[key] = abs(ev_ours - ev_mne)
    assert error <= RTOL, f"{key}: stc max rel. error {error:.2e}"
    assert abs(ev_ours - ev_mne) <= 1e-10, f"{key}: explained variance {ev_ours} vs {ev_mne}"


@pytest.mark.parametrize(("orientation", "pick_ori"), [("free", "normal"), ("free", "vector"),
                                                       ("loose", "normal"), ("loose", "vector")])
def test_pick_ori_against_mne(orientation, pick_ori):
    ours, theirs = _operators("MEG+EEG", orientation, 0.8)
    evoked = _evoked("MEG+EEG")
    stc = mt.apply_inverse(evoked, ours, 1.0 / 9.0, "MNE", pick_ori=pick_ori)
    stc_mne = mne_apply_inverse(evoked, theirs, 1.0 / 9.0, "MNE", pick_ori=pick_ori)
    assert type(stc) is type(stc_mne)
    assert relative_error(stc.data, stc_mne.data) <= RTOL


def test_residual_against_mne():
    ours, theirs = _operators("MEG+EEG", "loose", 0.8)
    evoked = _evoked("MEG+EEG")
    _, residual = mt.apply_inverse(evoked, ours, 1.0 / 9.0, "MNE", return_residual=True)
    _, residual_mne = mne_apply_inverse(evoked, theirs, 1.0 / 9.0, "MNE",
                                        return_residual=True)
    assert residual.ch_names == residual_mne.ch_names
    assert relative_error(residual.data, residual_mne.data) <= RTOL


def test_operator_fields_against_mne():
    """Rotation-invariant fields: s, R, priors, C^+ = W^T W, and the whitened gain U s V^T.

    Our SVD keeps rank(C) components; MNE's has min(n_channels, n_dipoles), the last ones
    round-off that it never inverts: they must be zero to the same tolerance.
    """
    ours, theirs = _operators("MEG+EEG", "loose", 0.8)
    assert list(ours.ch_names) == theirs["eigen_fields"]["col_names"]
    assert ours.rank == int(np.sum(theirs["noise_cov"]["eig"] > 0))
    k = ours.s.size
    assert relative_error(ours.s, theirs["sing"][:k]) <= RTOL
    assert np.max(theirs["sing"][k:]) <= RTOL * np.max(theirs["sing"])
    assert relative_error(ours.R, theirs["source_cov"]["data"]) <= RTOL
    assert relative_error(ours.depth_prior, theirs["depth_prior"]["data"]) <= RTOL
    assert relative_error(ours.orient_prior, theirs["orient_prior"]["data"]) <= RTOL
    assert relative_error(ours.C, theirs["noise_cov"]["data"]) <= RTOL
    assert relative_error(ours.source_nn, theirs["source_nn"]) <= RTOL
    invp = mne.minimum_norm.prepare_inverse_operator(theirs, 1, 1.0 / 9.0, "MNE")
    assert relative_error(ours.W.T @ ours.W, invp["whitener"].T @ invp["whitener"]) <= RTOL
    assert relative_error(ours.P, invp["proj"]) <= RTOL
    # W's rows are eigenvectors (signs arbitrary), so compare L_tilde^T L_tilde = V s^2 V^T
    sV = (ours.V[:500] * ours.s).T
    sV_mne = theirs["eigen_leads"]["data"][:500].T * theirs["sing"][:, None]
    assert relative_error(sV.T @ sV, sV_mne.T @ sV_mne) <= RTOL


def test_epochs_and_raw_against_mne():
    data = _data()
    ours, theirs = _operators("MEG+EEG", "loose", 0.8)
    epochs = data.epochs[:3]
    stcs = mt.apply_inverse_epochs(epochs, ours, 1.0, "MNE")
    stcs_mne = mne_apply_inverse_epochs(epochs, theirs, 1.0, "MNE")
    assert len(stcs) == len(stcs_mne) == 3
    for a, b in zip(stcs, stcs_mne, strict=True):
        assert relative_error(a.data, b.data) <= RTOL
    stc = mt.apply_inverse_raw(data.raw, ours, 1.0, "MNE", start=100, stop=400)
    stc_mne = mne_apply_inverse_raw(data.raw, theirs, 1.0, "MNE", start=100, stop=400)
    assert relative_error(stc.data, stc_mne.data) <= RTOL
    assert stc.tmin == pytest.approx(stc_mne.tmin)


@pytest.mark.parametrize("channels", ["MEG+EEG", "EEG"])
@pytest.mark.parametrize("nave", ["evoked", 1])
def test_estimate_snr_against_mne(channels, nave):
    """snr (whitened GFP amplitude) to 1e-10; snr_est exactly: both search MNE's grid."""
    ours, theirs = _operators(channels, "loose", 0.8)
    evoked = _evoked(channels).copy()
    if nave == 1:                                # a single-trial-like SNR: many samples <= 1
        evoked.nave = 1
    snr, snr_est = mt.apply.estimate_snr(evoked, ours)
    snr_mne, snr_est_mne = mne.minimum_norm.estimate_snr(evoked, theirs)
    assert relative_error(snr, snr_mne) <= RTOL
    np.testing.assert_array_equal(snr_est, snr_est_mne)
    assert np.array_equal(snr_est == 0, snr_mne <= 1)
    if nave == "evoked":                         # the search ran (not only its first value)
        assert np.any((snr_est > 0) & ~np.isclose(snr_est, 1 / np.sqrt(10)))


def test_report_worst_error():
    """Print the grid's worst relative error (run after the grid, in file order)."""
    if WORST:
        key = max(WORST, key=WORST.get)
        print(f"\ngrid: {len(WORST)} cases, worst stc rel. error {WORST[key]:.2e} at {key}")
        key = max(WORST_EXPLAINED, key=WORST_EXPLAINED.get)
        print(f"grid: worst explained-variance difference {WORST_EXPLAINED[key]:.2e} "
              f"(percentage points) at {key}")
