"""Unit tests of the linear inverse (operator, kernel, apply): closed forms, limits, nave,
pick_ori, bad inputs."""

import functools

import mne
import numpy as np
import pytest

import minnorm_teach as mt
from minnorm_teach.check import relative_error
from minnorm_teach.kernel import apply_kernel, combine_xyz, sensor_fit
from minnorm_teach.noise_norm import prepare_kernel


@functools.lru_cache(maxsize=1)
def _data():
    mne.set_log_level("WARNING")
    return mt.datasets.load_course_data(spacing="ico3")


@functools.lru_cache(maxsize=1)
def _inv():
    data = _data()
    return mt.make_inverse_operator(data.info, data.fwd, data.noise_cov)


def test_operator_structure():
    inv = _inv()
    assert inv.rank == 361 and inv.rank_by_group == {"meg": 302, "eeg": 59}
    assert inv.n_orient == 3 and inv.loose == 0.2 and inv.n_sources == 1284
    assert np.sum(inv.s ** 2) == pytest.approx(inv.rank, rel=1e-12)     # trace scaling
    np.testing.assert_allclose(inv.R, inv.R[0] / inv.depth_prior[0] / inv.orient_prior[0]
                               * inv.depth_prior * inv.orient_prior, rtol=1e-12)
    assert "InverseOperator(365 channels, 1284 sources, loose 0.2, rank 361" in repr(inv)
    # surface frames are orthonormal and their third row is the cortical normal
    frames = inv.source_nn.reshape(-1, 3, 3)
    np.testing.assert_allclose(frames @ np.swapaxes(frames, 1, 2), np.broadcast_to(np.eye(3),
                               frames.shape), atol=1e-12)


def test_kernel_closed_form():
    """K = R L~^T (L~ R L~^T + lambda2 I)^+ W P with L~ = W L (the sensor-space form).

    W's rows span the range of P, so W P = W and L~ = W P L in exact arithmetic. In floating
    point the rows of W for the smallest kept eigenvalues of P C P^T leak ~2e-11 (relative)
    into the directions the three SSP projectors remove; 1/sqrt(eig) amplifies that, and
    with W P L in place of W L the closed form moves by 3e-10 (while W L agrees to 1e-14).
    The operator whitens the gain as MNE does, W L, and applies P once, to the data.
    """
    inv, lambda2 = _inv(), 1.0 / 9.0
    K = prepare_kernel(inv, lambda2, "MNE", 1).K
    assert relative_error(inv.W @ inv.P, inv.W) < 1e-9          # W P = W up to round-off
    L_white = inv.W @ inv.L
    G = (L_white * inv.R) @ L_white.T
    keep = np.abs(inv.W).sum(axis=1) > 0
    inner = np.zeros_like(G)
    inner[np.ix_(keep, keep)] = np.linalg.inv(G[np.ix_(keep, keep)] + lambda2 * np.eye(keep.sum()))
    K_closed = (inv.R[:, None] * L_white.T) @ inner @ inv.W @ inv.P
    assert relative_error(K, K_closed) < 1e-10


def test_lambda2_zero_is_pseudo_inverse_and_nave_invariance():
    inv = _inv()
    k0 = prepare_kernel(inv, 0.0, "MNE", 1)
    np.testing.assert_allclose(k0.gamma[:inv.rank], 1.0 / inv.s[:inv.rank])
    assert np.all(k0.gamma[inv.rank:] == 0)
    # the MNE amplitude does not depend on nave (R and C both scale by 1/nave)
    K1 = prepare_kernel(inv, 1 / 9, "MNE", 1).K
    K60 = prepare_kernel(inv, 1 / 9, "MNE", 60).K
    assert relative_error(K60, K1) < 1e-12


def test_explained_variance_of_a_perfect_fit():
    """With lambda2 -> 0 every whitened component is fitted: 100 % explained."""
    inv, data = _inv(), _data()
    rows = [data.evoked.ch_names.index(c) for c in inv.ch_names]
    fit = sensor_fit(data.evoked.data[rows], prepare_kernel(inv, 0.0, "MNE", 1))
    assert fit.explained_variance == pytest.approx(100.0, abs=1e-8)
    fit9 = sensor_fit(data.evoked.data[rows], prepare_kernel(inv, 1 / 9, "MNE", 1))
    assert 0 < fit9.explained_variance < 100


def test_pick_ori_relations():
    inv, evoked = _inv(), _data().evoked
    stc = mt.apply_inverse(evoked, inv, 1 / 9, "MNE")
    vec = mt.apply_inverse(evoked, inv, 1 / 9, "MNE", pick_ori="vector")
    normal = mt.apply_inverse(evoked, inv, 1 / 9, "MNE", pick_ori="normal")
    assert isinstance(vec, mne.VectorSourceEstimate) and np.all(stc.data >= 0)
    np.testing.assert_allclose(np.linalg.norm(vec.data, axis=1), stc.data, rtol=1e-10)
    nn = inv.source_nn[2::3]
    np.testing.assert_allclose(np.einsum("kj,kjt->kt", nn, vec.data), normal.data,
                               atol=1e-10 * np.abs(normal.data).max())


def test_combine_xyz():
    j = np.arange(12.0).reshape(6, 2)
    expected = np.sqrt(j[0::3] ** 2 + j[1::3] ** 2 + j[2::3] ** 2)
    np.testing.assert_allclose(combine_xyz(j), expected)
    with pytest.raises(ValueError, match="3 rows per location"):
        combine_xyz(np.ones((4, 2)))


def test_unknown_method_is_named():
    inv, evoked = _inv(), _data().evoked
    with pytest.raises(ValueError, match="method must be one of"):
        mt.apply_inverse(evoked, inv, 1 / 9, "LORETA")


def test_kernel_factors_and_apply_without_forming_K():
    """K = leads @ trans, and apply_kernel(b) = K b for every pick_ori, K never formed."""
    inv, evoked = _inv(), _data().evoked
    b = evoked.data[[evoked.ch_names.index(c) for c in inv.ch_names]]
    for method in ("MNE", "dSPM"):
        kernel = prepare_kernel(inv, 1 / 9, method, 60)
        j = apply_kernel(kernel, b, 3, "vector")
        assert "K" not in vars(kernel)                                  # not formed
        factor = 1.0 if kernel.noise_norm is None else np.repeat(kernel.noise_norm, 3)[:, None]
        expected = (kernel.K @ b) * factor
        assert relative_error(j.reshape(expected.shape), expected) < 1e-12
        assert relative_error(kernel.K, kernel.leads @ kernel.trans) == 0
        assert relative_error(apply_kernel(kernel, b, 3, "normal"), expected[2::3]) < 1e-12
    assert "as leads (3852, 361) @ trans (361, 365)" in repr(kernel)


def test_bad_inputs():
    data, inv = _data(), _inv()
    with pytest.raises(ValueError, match=r"loose must be a number in \[0, 1\], got 1.5"):
        mt.make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=1.5)
    with pytest.raises(ValueError, match="loose must be 0 or 'auto' with fixed=True"):
        mt.make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=0.2, fixed=True)
    volume = data.fwd.copy()
    volume["src"][0]["type"] = "vol"                   # a copy: the course data stay intact
    with pytest.raises(ValueError, match="loose must be 1 on a volume source space"):
        mt.make_inverse_operator(data.info, volume, data.noise_cov, fixed=True)
    with pytest.raises(ValueError, match="loose must be 1 on a volume source space"):
        mt.make_inverse_operator(data.info, volume, data.noise_cov, loose=0.2)
    small_cov = data.noise_cov.copy().pick_channels(data.noise_cov.ch_names[:300])
    with pytest.raises(ValueError, match="noise_cov lacks 65 of the 365 channels"):
        mt.make_inverse_operator(data.info, data.fwd, small_cov)
    evoked = data.evoked.copy().drop_channels(["MEG 0113"])
    with pytest.raises(ValueError, match=r"evoked lacks 1 of the 365 channels the inverse "
                                         r"operator uses: 1 gradiometer \(MEG 0113\)"):
        mt.apply_inverse(evoked, inv, 1 / 9, "MNE")
    with pytest.raises(ValueError, match="lambda2 must be"):
        mt.apply_inverse(data.evoked, inv, -1.0, "MNE")
    with pytest.raises(ValueError, match="pick_ori"):
        mt.apply_inverse(data.evoked, inv, 1 / 9, "MNE", pick_ori="tangential")
    with pytest.raises(TypeError, match="mne.Evoked"):
        mt.apply_inverse(data.evoked.data, inv, 1 / 9, "MNE")


def test_channel_order_of_the_data_does_not_matter():
    inv, evoked = _inv(), _data().evoked
    shuffled = evoked.copy().reorder_channels(evoked.ch_names[::-1])
    a = mt.apply_inverse(evoked, inv, 1 / 9, "MNE").data
    b = mt.apply_inverse(shuffled, inv, 1 / 9, "MNE").data
    assert relative_error(b, a) < 1e-12


def test_eeg_needs_average_reference():
    inv, evoked = _inv(), _data().evoked.copy()
    with evoked.info._unlock():
        evoked.info["projs"] = [p for p in evoked.info["projs"]
                                if p["kind"] != mne.io.constants.FIFF.FIFFV_PROJ_ITEM_EEG_AVREF]
    with pytest.raises(ValueError, match="average-reference projector"):
        mt.apply_inverse(evoked, inv, 1 / 9, "MNE")


def test_fixed_inverse_rejects_pick_ori():
    data = _data()
    inv = mt.make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=0.0, depth=None)
    assert inv.n_orient == 1 and inv.orient_prior is None
    with pytest.raises(ValueError, match="pick_ori must be None with a fixed-orientation"):
        mt.apply_inverse(data.evoked, inv, 1 / 9, "MNE", pick_ori="normal")


def test_eloreta_method_params_reach_the_solver_and_match_mne():
    """apply_inverse(..., method_params=dict(force_equal=True)) is MNE's eLORETA option."""
    data = mt.datasets.load_course_data(spacing="ico3", verbose=False)
    evoked = data.evoked.copy().pick("eeg").crop(0.08, 0.10)
    kwargs = dict(loose=0.2, depth=None)
    ours_inv = mt.make_inverse_operator(evoked.info, data.fwd, data.noise_cov, **kwargs)
    theirs_inv = mne.minimum_norm.make_inverse_operator(evoked.info, data.fwd, data.noise_cov,
                                                        verbose=False, **kwargs)
    params = dict(force_equal=True)
    ours = mt.apply_inverse(evoked, ours_inv, 1 / 9, "eLORETA", method_params=params)
    theirs = mne.minimum_norm.apply_inverse(evoked, theirs_inv, 1 / 9, "eLORETA",
                                            method_params=params, verbose=False)
    default = mt.apply_inverse(evoked, ours_inv, 1 / 9, "eLORETA")
    error = np.abs(ours.data - theirs.data).max() / np.abs(theirs.data).max()
    assert error < 1e-6                      # eLORETA: within MNE's convergence tolerance
    assert np.abs(default.data - ours.data).max() > 1e-3 * np.abs(ours.data).max()
    with pytest.raises(ValueError, match="only used by eLORETA"):
        mt.apply_inverse(evoked, ours_inv, 1 / 9, "dSPM", method_params=params)


def test_old_single_namespace_keeps_working():
    """minnorm_teach.inverse gathers the names that lived there before the split."""
    from minnorm_teach import apply, inverse, kernel, noise_norm, operator

    assert inverse.prepare_kernel is noise_norm.prepare_kernel
    assert inverse.apply_inverse is apply.apply_inverse is mt.apply_inverse
    assert inverse.make_inverse_operator is operator.make_inverse_operator
    assert inverse.sensor_fit is kernel.sensor_fit
    assert set(inverse.__all__) <= set(dir(inverse))
