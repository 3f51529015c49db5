"""Twin runs: our LCMV beamformer against MNE-Python 1.13's make_lcmv / apply_lcmv.

On the ico3 course data (1284 locations, the auditory evoked response, the data covariance of
0-300 ms), every option is compared at 1e-10 relative: the sensor-space kernel K = K_w W
(MNE: ``weights @ whitener``; the whitened weights alone depend on the eigenvector basis of
each whitener, which is arbitrary where eigenvalues repeat) and the source estimate.

The grid: every weight_norm x pick_ori pair (12 cases), each with one channel set (MEG,
EEG, MEG+EEG) and one reg (0, 0.05, 0.5) chosen so that every pair of values of two factors
occurs (a covering design: the full product would be 108 runs); then no noise covariance
(one channel type), both inversions, depth, rank, a fixed forward, and the epochs, raw and
covariance appliers. MEG alone needs ``reduce_rank=True``: the spherical model gives it no
field of radial dipoles.
"""

from functools import cache

import mne
import numpy as np
import pytest
from mne.beamformer import apply_lcmv as mne_apply_lcmv
from mne.beamformer import apply_lcmv_cov as mne_apply_lcmv_cov
from mne.beamformer import apply_lcmv_epochs as mne_apply_lcmv_epochs
from mne.beamformer import apply_lcmv_raw as mne_apply_lcmv_raw
from mne.beamformer import make_lcmv as mne_make_lcmv

import minnorm_teach as mt
from minnorm_teach import beamformer as bf
from minnorm_teach.check import relative_error

mne.set_log_level("WARNING")
RTOL = 1e-10
CHANNELS = ("meg", "eeg", "meg+eeg")
REGS = (0.0, 0.05, 0.5)


@pytest.fixture(scope="module", autouse=True)
def blas(one_blas_thread):
    yield


@cache
def course():
    data = mt.datasets.load_course_data(spacing="ico3", verbose=False)
    data_cov = mne.compute_covariance(data.epochs["auditory/left"], tmin=0.0, tmax=0.3,
                                      method="empirical")
    return data, data_cov


@cache
def forward(kind):
    fwd = course()[0].fwd
    if kind == "surface":
        return mne.convert_forward_solution(fwd, surf_ori=True)
    if kind == "fixed":
        return mne.convert_forward_solution(fwd, surf_ori=True, force_fixed=True)
    return fwd


def info_of(channels):
    info = course()[0].info
    meg = {"meg": True, "eeg": False, "meg+eeg": True, "grad": "grad"}[channels]
    eeg = channels in ("eeg", "meg+eeg")
    return mne.pick_info(info, mne.pick_types(info, meg=meg, eeg=eeg, exclude=[]))


def twin(channels, *, fwd="xyz", noise=True, **kw):
    """Both beamformers on the same inputs; the errors of K and of the evoked estimate."""
    data, data_cov = course()
    noise_cov = data.noise_cov if noise else None
    kw.setdefault("reduce_rank", channels in ("meg", "grad") and fwd != "fixed")
    if kw.get("pick_ori") == "normal":
        fwd = "surface"
    args = (info_of(channels), forward(fwd), data_cov)
    theirs = mne_make_lcmv(*args, noise_cov=noise_cov, **kw)
    ours = bf.make_lcmv(*args, noise_cov=noise_cov, **kw)
    assert ours.rank == theirs["rank"]
    K_error = relative_error(ours.K, theirs["weights"] @ theirs["whitener"])
    stc_error = relative_error(bf.apply_lcmv(data.evoked, ours).data,
                               mne_apply_lcmv(data.evoked, theirs).data)
    return ours, theirs, K_error, stc_error


GRID = [(weight_norm, pick_ori, CHANNELS[(i + j) % 3], REGS[(i + 2 * j) % 3])
        for i, weight_norm in enumerate(bf.WEIGHT_NORMS)
        for j, pick_ori in enumerate(bf.PICK_ORIS)]


@pytest.mark.parametrize("weight_norm, pick_ori, channels, reg", GRID)
def test_lcmv_grid_matches_mne(weight_norm, pick_ori, channels, reg):
    _, _, K_error, stc_error = twin(channels, weight_norm=weight_norm, pick_ori=pick_ori,
                                    reg=reg)
    assert K_error < RTOL and stc_error < RTOL, (K_error, stc_error)


@pytest.mark.parametrize("weight_norm", bf.WEIGHT_NORMS)
def test_lcmv_without_noise_cov_matches_mne(weight_norm):
    """Unit noise (1 V, 1 T/m) in place of a noise covariance: one channel type only."""
    channels, pick_ori = {"unit-noise-gain-invariant": ("eeg", None),
                          "unit-noise-gain": ("grad", "max-power"),
                          "nai": ("eeg", "max-power"), None: ("grad", "normal")}[weight_norm]
    _, _, K_error, stc_error = twin(channels, noise=False, weight_norm=weight_norm,
                                    pick_ori=pick_ori)
    assert K_error < RTOL and stc_error < RTOL, (K_error, stc_error)


OPTIONS = {
    "single": dict(inversion="single"),
    "single, unit gain, max-power": dict(inversion="single", weight_norm=None,
                                         pick_ori="max-power"),
    "depth 0.8, unit gain": dict(depth=0.8, weight_norm=None),
    "depth dict, single": dict(depth={"exp": 0.5, "limit": 3.0}, weight_norm=None,
                               inversion="single"),
    "rank estimated": dict(rank=None, weight_norm="nai"),
    "rank given": dict(rank={"meg": 300, "eeg": 55}),
    "reduce_rank, max-power": dict(reduce_rank=True, pick_ori="max-power"),
    "fixed forward, depth": dict(fwd="fixed", weight_norm=None, depth=0.8),
}


@pytest.mark.parametrize("case", OPTIONS)
def test_lcmv_options_match_mne(case):
    _, _, K_error, stc_error = twin("meg+eeg", **OPTIONS[case])
    assert K_error < RTOL and stc_error < RTOL, (K_error, stc_error)


def test_max_power_orientations_match_mne():
    ours, theirs, _, _ = twin("meg+eeg", pick_ori="max-power")
    assert relative_error(ours.max_power_ori, theirs["max_power_ori"]) < RTOL


def test_epochs_raw_and_covariance_appliers_match_mne():
    data, data_cov = course()
    ours, theirs, _, _ = twin("meg+eeg")
    epochs = data.epochs["auditory/left"][:2]
    for a, b in zip(bf.apply_lcmv_epochs(epochs, ours), mne_apply_lcmv_epochs(epochs, theirs),
                    strict=True):
        assert relative_error(a.data, b.data) < RTOL and a.tmin == b.tmin
    a = bf.apply_lcmv_raw(data.raw, ours, start=100, stop=300)
    b = mne_apply_lcmv_raw(data.raw, theirs, start=100, stop=300)
    assert relative_error(a.data, b.data) < RTOL and np.isclose(a.tmin, b.tmin)
    a, b = bf.apply_lcmv_cov(data_cov, ours), mne_apply_lcmv_cov(data_cov, theirs)
    assert relative_error(a.data, b.data) < RTOL
    for v_ours, v_theirs in zip(a.vertices, b.vertices, strict=True):
        assert np.array_equal(v_ours, v_theirs)
