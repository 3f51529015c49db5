"""Twin runs against MNE-Python on a real recording: MNE's Vectorview test averages.

``datasets.load_recording()``: the auditory/left average (nave 3) of MNE's "sample" subject,
306 MEG + 60 EEG channels with two bad channels, three active SSP projectors and the average
EEG reference, the recording's own noise covariance (no bads listed) and an empty-room one,
and a forward model of the course cortex coregistered to the recording (patch statistics, so
MNE's default use_cps=True applies). Every fourth source location (1281 of 5124) for speed.

Grid: {MEG, EEG, MEG+EEG} x {fixed, loose 0.2, free} x depth {None, 0.8} x {MNE, dSPM,
sLORETA, eLORETA} x pick_ori (None; "normal" and "vector" for loose and free): source
estimates at 1e-10 relative (max |ours - MNE| / max |MNE|), and for pick_ori None the
residual (1e-10 relative) and the explained variance (1e-10 absolute, in %). MNE's side is
prepared once per operator and method (``prepare_inverse_operator``, then ``prepared=True``);
ours computes each kernel once too (see ``_kernel_cache``). Then what real data brings:
ranks after projection, bads only in the covariance, projectors only in the covariance,
channel order, the empty-room covariance without projectors, a forward read from its file
(float32), and MxNE / TF-MxNE at the tolerances of tests/test_sparse_mne.py.
"""

import functools
import itertools

import mne
import numpy as np
import pytest
from mne.inverse_sparse import mixed_norm as mne_mixed_norm
from mne.inverse_sparse import tf_mixed_norm as mne_tf_mixed_norm
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import inverse as mne_inverse_module
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator
from mne.minimum_norm import prepare_inverse_operator

import minnorm_teach as mt
from minnorm_teach import apply as mt_apply
from minnorm_teach.check import relative_error
from minnorm_teach.datasets._recording import FILES, recording_folder

RTOL = 1e-10
LAMBDA2 = 1.0 / 9.0
CHANNELS = {"MEG": ["meg"], "EEG": ["eeg"], "MEG+EEG": ["meg", "eeg"]}
ORIENTATIONS = {"fixed": dict(loose=0.0, fixed=True), "loose": dict(loose=0.2, fixed="auto"),
                "free": dict(loose=1.0, fixed="auto")}
METHODS = ("MNE", "dSPM", "sLORETA", "eLORETA")
WORST = {}

pytestmark = pytest.mark.usefixtures("one_blas_thread")


@functools.lru_cache(maxsize=1)
def _recording():
    mne.set_log_level("WARNING")
    return mt.datasets.load_recording(verbose=False)


def _every_fourth_source(fwd):
    vertices = [s["vertno"][::4] for s in fwd["src"]]
    stc = mne.SourceEstimate(np.zeros((sum(map(len, vertices)), 1)), vertices, 0, 1)
    return mne.forward.restrict_forward_to_stc(fwd, stc, on_missing="raise")


@functools.lru_cache(maxsize=1)
def _fwd():
    return _every_fourth_source(_recording().fwd)


@functools.lru_cache(maxsize=3)
def _evoked(channels):
    return _recording().evoked.copy().pick(CHANNELS[channels])


@functools.lru_cache(maxsize=1)
def _operators(channels, orientation, depth):
    kwargs = dict(ORIENTATIONS[orientation], depth=depth)
    info, noise_cov = _evoked(channels).info, _recording().noise_cov
    return (mt.make_inverse_operator(info, _fwd(), noise_cov, **kwargs),
            mne_make_inverse_operator(info, _fwd(), noise_cov, **kwargs))


@functools.lru_cache(maxsize=1)
def _mne_prepared(channels, orientation, depth, method):
    _, theirs = _operators(channels, orientation, depth)
    return prepare_inverse_operator(theirs, _evoked(channels).nave, LAMBDA2, method)


_KERNELS = {"inv": None, "kernels": {}}


@pytest.fixture
def _kernel_cache(monkeypatch):
    """Our apply_inverse, with each kernel computed once per operator (eLORETA is slow)."""
    def cached(inv, lambda2, method, nave, method_params=None):
        if _KERNELS["inv"] is not inv:
            _KERNELS.update(inv=inv, kernels={})
        key = (lambda2, method, nave)
        if key not in _KERNELS["kernels"]:
            _KERNELS["kernels"][key] = mt.noise_norm.prepare_kernel(inv, lambda2, method,
                                                                     nave, method_params)
        return _KERNELS["kernels"][key]

    monkeypatch.setattr(mt_apply, "prepare_kernel", cached)


def _mne_apply(monkeypatch, *args, **kwargs):
    """MNE's apply_inverse, and the explained variance it computes (captured exactly)."""
    captured = []
    original = mne_inverse_module._log_exp_var

    def spy(data, est, prefix="    "):
        captured.append(original(data, est, prefix))
        return captured[-1]

    monkeypatch.setattr(mne_inverse_module, "_log_exp_var", spy)
    return mne_apply_inverse(*args, **kwargs), captured[-1]


def _pick_oris(orientation):
    return [None] if orientation == "fixed" else [None, "normal", "vector"]


GRID = [(c, o, d, m, p) for c, o, d in itertools.product(CHANNELS, ORIENTATIONS, [None, 0.8])
        for m in METHODS for p in _pick_oris(o)]          # operator and method vary slowest


@pytest.mark.usefixtures("_kernel_cache")
@pytest.mark.parametrize(("channels", "orientation", "depth", "method", "pick_ori"), GRID)
def test_recording_grid_against_mne(channels, orientation, depth, method, pick_ori,
                                    monkeypatch):
    ours, _ = _operators(channels, orientation, depth)
    prepared = _mne_prepared(channels, orientation, depth, method)
    evoked = _evoked(channels)
    key = (channels, orientation, depth, method, pick_ori)
    (stc_mne, residual_mne), explained_mne = _mne_apply(
        monkeypatch, evoked, prepared, LAMBDA2, method, pick_ori=pick_ori, prepared=True,
        return_residual=True)
    stc, residual = mt.apply_inverse(evoked, ours, LAMBDA2, method, pick_ori=pick_ori,
                                     return_residual=True)
    assert type(stc) is type(stc_mne)
    for v_ours, v_mne in zip(stc.vertices, stc_mne.vertices, strict=True):
        np.testing.assert_array_equal(v_ours, v_mne)
    WORST[key] = error = relative_error(stc.data, stc_mne.data)
    assert error <= RTOL, f"{key}: stc max rel. error {error:.2e}"
    if pick_ori is None:
        rows = [evoked.ch_names.index(c) for c in ours.ch_names]
        kernel = _KERNELS["kernels"][(LAMBDA2, method, evoked.nave)]
        explained = mt.kernel.sensor_fit(evoked.data[rows], kernel).explained_variance
        assert abs(explained - explained_mne) <= 1e-10, (key, explained, explained_mne)
        assert residual.ch_names == residual_mne.ch_names
        assert relative_error(residual.data, residual_mne.data) <= RTOL, key


def test_report_worst_error():
    """Print the grid's worst relative error per method (run after the grid, in file order)."""
    for method in METHODS:
        cases = {k: v for k, v in WORST.items() if k[3] == method}
        if cases:
            key = max(cases, key=cases.get)
            print(f"\nrecording grid, {method}: {len(cases)} cases, worst {cases[key]:.2e} "
                  f"at {key}")


# ------------------------------------------------------------- what real data brings --

@pytest.mark.parametrize("channels", list(CHANNELS))
def test_ranks_after_bads_and_projectors(channels):
    """MEG: 306 - 1 bad - 3 SSP = 302; EEG: 60 - 1 bad - 1 average reference = 58."""
    ours, theirs = _operators(channels, "loose", 0.8)
    expected = {"MEG": {"meg": 302}, "EEG": {"eeg": 58},
                "MEG+EEG": {"meg": 302, "eeg": 58}}[channels]
    assert ours.rank_by_group == expected
    assert ours.rank == int(np.sum(theirs["noise_cov"]["eig"] > 0))
    assert "MEG 2443" not in ours.ch_names and "EEG 053" not in ours.ch_names
    assert list(ours.ch_names) == theirs["eigen_fields"]["col_names"]


def _compare(evoked, fwd, noise_cov, method="dSPM", **kwargs):
    ours = mt.make_inverse_operator(evoked.info, fwd, noise_cov, **kwargs)
    theirs = mne_make_inverse_operator(evoked.info, fwd, noise_cov, **kwargs)
    stc = mt.apply_inverse(evoked, ours, LAMBDA2, method)
    stc_mne = mne_apply_inverse(evoked, theirs, LAMBDA2, method)
    assert list(ours.ch_names) == theirs["eigen_fields"]["col_names"]
    assert relative_error(stc.data, stc_mne.data) <= RTOL
    return ours, theirs


def test_bads_only_in_the_covariance():
    """Bad channels listed by the covariance and not by the data are left out, as by MNE."""
    evoked = _evoked("MEG+EEG").copy()
    noise_cov = _recording().noise_cov.copy()
    noise_cov["bads"], evoked.info["bads"] = list(evoked.info["bads"]), []
    ours, _ = _compare(evoked, _fwd(), noise_cov)
    assert not {"MEG 2443", "EEG 053"} & set(ours.ch_names)


def test_projectors_only_in_the_covariance():
    """Extra SSP vectors in the covariance (test-proj.fif, planar and axial PCA-01): they whiten
    (C <- P C P^T with data + covariance projectors, two more dimensions gone), but the
    kernel's P is the data's, as in MNE."""
    evoked = _evoked("MEG").copy()
    noise_cov = _recording().noise_cov.copy()
    noise_cov["projs"] = noise_cov["projs"] + mne.read_proj(
        mt.datasets.recording_file("test-proj.fif"), verbose=False)
    ours, theirs = _compare(evoked, _fwd(), noise_cov, loose=0.2, depth=0.8)
    assert ours.rank == 300 == int(np.sum(theirs["noise_cov"]["eig"] > 0))
    P_data, _ = mt.whitening.projector(evoked.info["projs"], list(ours.ch_names))
    assert relative_error(ours.P, P_data) == 0


def test_channel_order_of_data_forward_and_covariance_does_not_matter():
    """Inverse channels follow the data's info; apply picks the data's rows by name."""
    recording = _recording()
    evoked = _evoked("MEG+EEG")
    shuffled = evoked.copy().reorder_channels(evoked.ch_names[::-1])
    cov = recording.noise_cov
    cov_shuffled = mne.pick_channels_cov(cov, cov.ch_names[::-1], ordered=True)
    ours, theirs = _compare(shuffled, _fwd(), cov_shuffled)
    assert list(ours.ch_names) == [c for c in shuffled.ch_names if c not in shuffled.info["bads"]]
    ours_ordered, _ = _operators("MEG+EEG", "loose", 0.8)
    stc = mt.apply_inverse(shuffled, ours_ordered, LAMBDA2, "dSPM")
    stc_ordered = mt.apply_inverse(evoked, ours_ordered, LAMBDA2, "dSPM")
    assert relative_error(stc.data, stc_ordered.data) <= 1e-12


@pytest.mark.parametrize("channels", ["MEG", "MEG+EEG"])
def test_empty_room_covariance_without_projectors(channels):
    """The empty-room covariance has no projectors: the data's SSP projects it (rank 302
    on MEG), as in MNE."""
    erm = _recording().empty_room_cov
    assert erm["projs"] == []
    ours, _ = _compare(_evoked(channels), _fwd(), erm, loose=0.2, depth=0.8)
    assert ours.rank_by_group["meg"] == 302


def test_a_covariance_without_the_eeg_channels_is_refused_not_ignored():
    """MNE silently leaves out the good channels a covariance lacks (here all EEG, with an
    MEG-only empty-room covariance); ours names them, so no channel type vanishes unseen."""
    erm = _recording().empty_room_cov
    meg_only = mne.pick_channels_cov(erm, [c for c in erm.ch_names if c.startswith("MEG")])
    evoked = _evoked("MEG+EEG")
    theirs = mne_make_inverse_operator(evoked.info, _fwd(), meg_only)
    assert not any(c.startswith("EEG") for c in theirs["eigen_fields"]["col_names"])
    with pytest.raises(ValueError, match=r"noise_cov lacks 59 of the 364 channels .* 59 EEG "
                                         r"\(EEG 001, EEG 002, \.\.\., EEG 060\); mark them bad"):
        mt.make_inverse_operator(evoked.info, _fwd(), meg_only)


def test_float32_forward_from_its_file():
    """A forward read from its -fwd.fif is float32; MNE computes a fixed (and free) depth
    prior in that precision and so do we: the prior is MNE's bit for bit, the estimates agree
    to 1e-10 (a float64 prior moved them by ~1e-7)."""
    fwd = mne.read_forward_solution(recording_folder() / FILES["fwd"], verbose=False)
    fwd = _every_fourth_source(fwd)
    assert fwd["sol"]["data"].dtype == np.float32
    evoked, noise_cov = _evoked("MEG+EEG"), _recording().noise_cov
    for orientation in ("fixed", "free"):
        kwargs = dict(ORIENTATIONS[orientation], depth=0.8)
        ours = mt.make_inverse_operator(evoked.info, fwd, noise_cov, **kwargs)
        theirs = mne_make_inverse_operator(evoked.info, fwd, noise_cov, **kwargs)
        np.testing.assert_array_equal(ours.depth_prior, theirs["depth_prior"]["data"])
        for method in METHODS:
            stc = mt.apply_inverse(evoked, ours, LAMBDA2, method)
            stc_mne = mne_apply_inverse(evoked, theirs, LAMBDA2, method)
            assert relative_error(stc.data, stc_mne.data) <= RTOL, (orientation, method)


# ----------------------------------------------------------------------------- sparse --

@functools.lru_cache(maxsize=1)
def _sparse_evoked():
    return _recording().evoked.copy().crop(0.0, 0.2)


@pytest.mark.parametrize("orientation", ["fixed", "loose"])
def test_mixed_norm_on_the_recording(orientation):
    """Same active set, amplitudes and residual within 1e-6 (tol 1e-10), as on the course."""
    evoked, noise_cov = _sparse_evoked(), _recording().noise_cov
    kw = dict(loose=ORIENTATIONS[orientation]["loose"], depth=0.8, debias=False, tol=1e-10,
              return_residual=True)
    ours, res_ours = mt.mixed_norm(evoked, _fwd(), noise_cov, 30, **kw)
    theirs, res_theirs = mne_mixed_norm(evoked, _fwd(), noise_cov, 30, **kw)
    assert sum(len(v) for v in ours.vertices) >= 1
    for v_ours, v_theirs in zip(ours.vertices, theirs.vertices, strict=True):
        np.testing.assert_array_equal(v_ours, v_theirs)
    assert relative_error(ours.data, theirs.data) < 1e-6
    assert res_ours.ch_names == res_theirs.ch_names
    assert relative_error(res_ours.data, res_theirs.data) < 1e-6


@pytest.mark.parametrize("orientation", ["fixed", "loose"])
def test_tf_mixed_norm_on_the_recording(orientation):
    """Same active set and amplitudes within 1e-6 (tol 1e-11), as on the course. alpha 50 %
    (21 active locations, loose): at 30 % (76) each side takes a minute."""
    evoked = _recording().evoked.copy().crop(-0.05, 0.2)
    kw = dict(loose=ORIENTATIONS[orientation]["loose"], depth=0.8, debias=False, tol=1e-11,
              wsize=16, tstep=4, alpha=50.0, l1_ratio=0.1)
    ours = mt.tf_mixed_norm(evoked, _fwd(), _recording().noise_cov, **kw)
    theirs = mne_tf_mixed_norm(evoked, _fwd(), _recording().noise_cov, **kw)
    assert sum(len(v) for v in ours.vertices) >= 1
    for v_ours, v_theirs in zip(ours.vertices, theirs.vertices, strict=True):
        np.testing.assert_array_equal(v_ours, v_theirs)
    assert relative_error(ours.data, theirs.data) < 1e-6
