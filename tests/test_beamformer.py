"""The LCMV beamformer as executable math: the constraint, the minimum, the normalisations,
the link to dSPM, signal cancellation, and a clear error for every class of bad input.

The array tests use small random problems (whitened: noise covariance I); the MNE-edge tests
use the ico3 course data. Twin runs against MNE are in tests/test_beamformer_mne.py.
"""

from functools import cache

import mne
import numpy as np
import pytest

import minnorm_teach as mt
from minnorm_teach import beamformer as bf
from minnorm_teach.check import relative_error
from minnorm_teach.validation import InputTypeError, InputValueError

mne.set_log_level("WARNING")


@pytest.fixture(scope="module", autouse=True)
def blas(one_blas_thread):
    yield


def problem(seed=0, n_channels=20, n_sources=7, n_orient=3, n_samples=200):
    """Whitened lead field and a full-rank data covariance of random sources plus noise."""
    rng = np.random.default_rng(seed)
    L = rng.standard_normal((n_channels, n_sources * n_orient))
    j = rng.standard_normal((n_sources * n_orient, n_samples))
    b = L @ j + rng.standard_normal((n_channels, n_samples))
    return L, b @ b.T / n_samples


def blocks(K, n_orient):
    return K.reshape(-1, n_orient, K.shape[1])


# ------------------------------------------------------------------------------------------
# The formula
# ------------------------------------------------------------------------------------------

def test_loaded_inverse_inverts_the_loaded_covariance():
    _, C = problem()
    C_inv, mu = bf.loaded_inverse(C, 0.1, rank=C.shape[0])
    assert mu == pytest.approx(0.1 * np.trace(C) / C.shape[0], rel=1e-15)
    assert relative_error(C_inv @ (C + mu * np.eye(len(C))), np.eye(len(C))) < 1e-12


def test_loaded_inverse_inverts_only_the_rank_largest_eigenvalues():
    _, C = problem()
    q = np.linalg.qr(np.random.default_rng(1).standard_normal((len(C), 2)))[0]
    P = np.eye(len(C)) - q @ q.T                           # two projected-out directions
    C_inv, mu = bf.loaded_inverse(P @ C @ P, 0.05, rank=len(C) - 2)
    assert relative_error(C_inv, np.linalg.pinv(P @ C @ P + mu * P)) < 1e-10
    assert np.abs(C_inv @ q).max() < 1e-10 * np.abs(C_inv).max()


@pytest.mark.parametrize("n_orient", [1, 3])
def test_unit_gain_filters_pass_their_source_unchanged(n_orient):
    L, C = problem(n_orient=n_orient)
    K = bf.lcmv_kernel(L, C, n_orient, reg=0.0, weight_norm=None).K
    gains = blocks(K, n_orient) @ bf.lead_field_blocks(L, n_orient)      # K_k L_k
    assert relative_error(gains, np.broadcast_to(np.eye(n_orient), gains.shape)) < 1e-10


def test_unit_gain_filter_passes_the_least_power():
    """Any other filter with w^T l = 1 passes more power; the minimum is 1 / (l^T C^-1 l)."""
    L, C = problem(n_orient=1)
    w = bf.lcmv_kernel(L, C, 1, reg=0.0, weight_norm=None).K[0]
    l = L[:, 0]
    assert w @ C @ w == pytest.approx(1 / (l @ np.linalg.solve(C, l)), rel=1e-10)
    rng = np.random.default_rng(2)
    for _ in range(20):
        v = rng.standard_normal(len(l))
        v -= (v @ l) / (l @ l) * l                          # keeps the constraint w^T l = 1
        assert (w + 0.1 * v) @ C @ (w + 0.1 * v) > w @ C @ w
    assert bf.source_power(w[None], C, 1)[0] == pytest.approx(w @ C @ w, rel=1e-12)


def test_unit_noise_gain_rows_have_norm_one_and_nai_divides_by_the_noise_level():
    L, C = problem()
    ung = bf.lcmv_kernel(L, C, 3, weight_norm="unit-noise-gain").K
    assert relative_error(np.linalg.norm(ung, axis=1), np.ones(len(ung))) < 1e-12
    nai = bf.lcmv_kernel(L, C, 3, weight_norm="nai").K
    _, mu = bf.loaded_inverse(C, 0.05, len(C))
    assert relative_error(nai, ung / np.sqrt(bf.nai_noise_level(C, len(C), mu))) < 1e-12


def rotated(L, seed=3):
    """Each location's three columns in another orthonormal frame: L_k Q_k."""
    rng = np.random.default_rng(seed)
    L_k = bf.lead_field_blocks(L, 3)
    Q = np.linalg.qr(rng.standard_normal((len(L_k), 3, 3)))[0]
    return (L_k @ Q).transpose(1, 0, 2).reshape(L.shape)


@pytest.mark.parametrize("weight_norm", ["unit-noise-gain-invariant", None])
def test_free_orientation_power_does_not_depend_on_the_frame(weight_norm):
    L, C = problem()
    power = [bf.source_power(bf.lcmv_kernel(G, C, 3, weight_norm=weight_norm).K, C, 3)
             for G in (L, rotated(L))]
    assert relative_error(power[1], power[0]) < 1e-10


def test_unit_noise_gain_depends_on_the_frame():
    """Sekihara's row-by-row normalisation is not rotation invariant (why MNE 0.21 added
    the invariant one)."""
    L, C = problem()
    power = [bf.source_power(bf.lcmv_kernel(G, C, 3, weight_norm="unit-noise-gain").K, C, 3)
             for G in (L, rotated(L))]
    assert relative_error(power[1], power[0]) > 1e-3


def test_one_orientation_invariant_and_row_normalisation_agree():
    L, C = problem(n_orient=1)
    a = bf.lcmv_kernel(L, C, 1, weight_norm="unit-noise-gain-invariant").K
    b = bf.lcmv_kernel(L, C, 1, weight_norm="unit-noise-gain").K
    assert relative_error(a, b) < 1e-12


def test_unit_noise_gain_lcmv_of_the_model_covariance_is_dspm():
    """With C_b = L R L^T + lambda2 I, l_k^T C_b^-1 is row k of R^-1 times the MNE kernel
    K = R L^T (L R L^T + lambda2 I)^-1; both normalisations divide by the row norm."""
    rng = np.random.default_rng(4)
    L = rng.standard_normal((30, 50))
    R, lambda2 = rng.uniform(0.5, 2.0, 50), 1 / 9
    C_b = (L * R) @ L.T + lambda2 * np.eye(30)
    K_mne = (R[:, None] * L.T) @ np.linalg.inv(C_b)
    dspm = K_mne / np.linalg.norm(K_mne, axis=1, keepdims=True)           # whitened noise I
    lcmv = bf.lcmv_kernel(L, C_b, 1, reg=0.0, weight_norm="unit-noise-gain").K
    assert relative_error(lcmv, dspm) < 1e-10


@pytest.mark.parametrize("weight_norm", [None, "unit-noise-gain"])
def test_max_power_orientation_maximises_the_output_power(weight_norm):
    L, C = problem()
    eta = bf.max_power_orientation(bf.lead_field_blocks(L, 3), np.linalg.inv(C), weight_norm)
    assert relative_error(np.linalg.norm(eta, axis=1), np.ones(len(eta))) < 1e-12
    assert np.all(eta[:, 2] >= 0)

    def power(orientations):
        L_eta = np.einsum("kci,ki->ck", bf.lead_field_blocks(L, 3), orientations)
        K = bf.lcmv_kernel(L_eta, C, 1, reg=0.0, weight_norm=weight_norm).K
        return bf.source_power(K, C, 1)

    best = power(eta)
    rng = np.random.default_rng(5)
    for _ in range(10):
        other = rng.standard_normal(eta.shape)
        assert np.all(power(other / np.linalg.norm(other, axis=1, keepdims=True)) <=
                      best * (1 + 1e-10))


def test_single_inversion_is_three_scalar_beamformers():
    L, C = problem()
    single = bf.lcmv_kernel(L, C, 3, reg=0.0, weight_norm=None, inversion="single").K
    scalar = bf.lcmv_kernel(L, C, 1, reg=0.0, weight_norm=None).K
    assert relative_error(single, scalar) < 1e-10


def test_reduce_rank_for_a_direction_the_sensors_cannot_see():
    L, C = problem()
    L_k = bf.lead_field_blocks(L, 3).copy()
    L_k[:, :, 2] = L_k[:, :, 0] + 1e-9 * L_k[:, :, 2]         # rank 2 per location
    L_blind = L_k.transpose(1, 0, 2).reshape(L.shape)
    with pytest.raises(InputValueError, match="reduce_rank must be True for this lead field"):
        bf.lcmv_kernel(L_blind, C, 3, weight_norm=None)
    K = bf.lcmv_kernel(L_blind, C, 3, weight_norm=None, reduce_rank=True).K
    gains = blocks(K, 3) @ bf.reduce_block_rank(L_k)          # a projector of rank 2
    assert relative_error(gains @ gains, gains) < 1e-6
    assert np.allclose(np.trace(gains, axis1=1, axis2=2), 2.0)


def test_correlated_sources_cancel():
    """Two sources with correlation rho: the unit-gain output power at one of them falls
    from its true variance (1) towards 0 as rho -> 1 (Van Veen 1997: signal cancellation)."""
    rng = np.random.default_rng(6)
    L = rng.standard_normal((40, 2))
    powers = []
    for rho in (0.0, 0.5, 0.9, 0.99):
        S = np.array([[1.0, rho], [rho, 1.0]])
        C_b = L @ S @ L.T + 0.01 * np.eye(40)
        w = bf.lcmv_kernel(L[:, :1], C_b, 1, reg=0.0, weight_norm=None).K
        powers.append(bf.source_power(w, C_b, 1)[0])
    assert powers[0] == pytest.approx(1.0, rel=1e-2)
    assert np.all(np.diff(powers) < 0) and powers[-1] < 0.05


# ------------------------------------------------------------------------------------------
# The MNE edge: bad input, one class per test
# ------------------------------------------------------------------------------------------

@cache
def course():
    data = mt.datasets.load_course_data(spacing="ico3", verbose=False)
    data_cov = mne.compute_covariance(data.epochs["auditory/left"], tmin=0.0, tmax=0.3,
                                      method="empirical")
    return data, data_cov


@cache
def filters():
    data, data_cov = course()
    return bf.make_lcmv(data.info, data.fwd, data_cov, noise_cov=data.noise_cov)


def make(**kw):
    data, data_cov = course()
    args = dict(info=data.info, forward=data.fwd, data_cov=data_cov, noise_cov=data.noise_cov)
    args.update(kw)
    return bf.make_lcmv(**args)


def test_filters_repr_and_sensor_kernel():
    lcmv = filters()
    assert repr(lcmv).startswith("LCMV(365 channels, 1284 sources, weight_norm='unit-noise-")
    assert lcmv.K.shape == (3 * 1284, 365) and lcmv.rank_by_group == {"meg": 302, "eeg": 59}


@pytest.mark.parametrize("argument, value, match", [
    ("info", "info", "info must be an mne.Info"),
    ("forward", {}, "forward must be an mne.Forward, got an empty dict"),
    ("data_cov", np.eye(3), "data_cov must be an mne.Covariance"),
])
def test_wrong_types_are_named(argument, value, match):
    with pytest.raises(InputTypeError, match=match):
        make(**{argument: value})


@pytest.mark.parametrize("value, error, match", [
    (-0.1, InputValueError, "reg must be a finite number >= 0, got -0.1"),
    (np.nan, InputValueError, "reg must be a finite number >= 0, got nan"),
    ("5%", InputTypeError, "reg must be a finite number >= 0"),
])
def test_bad_reg(value, error, match):
    with pytest.raises(error, match=match):
        make(reg=value)


@pytest.mark.parametrize("kw, match", [
    (dict(weight_norm="unit-noise-gain-invarient"), "did you mean 'unit-noise-gain-invariant'"),
    (dict(pick_ori="vector"), "pick_ori='vector' is not implemented"),
    (dict(inversion="single", reduce_rank=True), "inversion must be 'matrix' with reduce_rank"),
    (dict(pick_ori="normal"), "convert it first"),
    (dict(rank={"grad": 200}), "MNE ignores rank\\['grad'\\]"),
    (dict(depth={"limit_depth_chs": True}), "depth\\['limit_depth_chs'\\] must be 'whiten'"),
])
def test_bad_options_are_named(kw, match):
    with pytest.raises(InputValueError, match=match):
        make(**kw)


def test_several_channel_types_need_a_noise_covariance():
    with pytest.raises(InputValueError, match="noise_cov must be an mne.Covariance when "
                                              "several channel types"):
        make(noise_cov=None)


def test_covariance_sanity():
    data, data_cov = course()
    broken = data_cov.copy()
    broken["data"] = data_cov.data.copy()
    broken["data"][5, 7] = np.nan
    with pytest.raises(InputValueError, match="data_cov must be finite"):
        make(data_cov=broken)


def test_missing_covariance_channels_are_named():
    data, data_cov = course()
    meg_only = mne.pick_channels_cov(data_cov, [c for c in data_cov.ch_names
                                                if c.startswith("MEG")])
    with pytest.raises(InputValueError, match="data_cov lacks 60 of the 365 channels the "
                                              "beamformer uses: 60 EEG"):
        make(data_cov=meg_only)


def test_singular_meg_lead_field_needs_reduce_rank():
    data, data_cov = course()
    info = mne.pick_info(data.info, mne.pick_types(data.info, meg=True, exclude=[]))
    with pytest.raises(InputValueError, match="reduce_rank must be True for this lead field"):
        make(info=info)


def test_applying_checks_the_data():
    data, _ = course()
    with pytest.raises(InputTypeError, match="evoked must be an mne.Evoked"):
        bf.apply_lcmv(data.epochs, filters())
    with pytest.raises(InputTypeError, match="filters must be a minnorm_teach LCMV"):
        bf.apply_lcmv(data.evoked, {"weights": None})
    with pytest.raises(InputValueError, match="evoked lacks 60 of the 365 channels"):
        bf.apply_lcmv(data.evoked.copy().pick("meg"), filters())
    bad = data.evoked.copy()
    bad.info["bads"] = ["MEG 0113"]
    with pytest.raises(InputValueError, match="evoked marks 1 channel bad"):
        bf.apply_lcmv(bad, filters())
    nan = data.evoked.copy()
    nan.data[3, 10] = np.nan
    with pytest.raises(InputValueError, match="evoked must be finite"):
        bf.apply_lcmv(nan, filters())
    more_ssp = data.evoked.copy()
    more_ssp.add_proj(mne.compute_proj_evoked(more_ssp, n_grad=1, n_mag=0, n_eeg=0))
    with pytest.raises(InputValueError, match="projectors the beamformer was made with"):
        bf.apply_lcmv(more_ssp, filters())
