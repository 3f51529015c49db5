"""Unit tests of minnorm_teach.priors: closed forms, invariances, limits, bad inputs."""

import numpy as np
import pytest

from minnorm_teach import priors

rng = np.random.default_rng(0)


def _random_rotations(n):
    Q, _ = np.linalg.qr(rng.normal(size=(n, 3, 3)))
    return Q


def test_block_norms_closed_forms():
    L = rng.normal(size=(20, 3 * 7))
    d_spec = priors.block_norms(L, n_orient=3, combine="spectral")
    d_fro = priors.block_norms(L, n_orient=3, combine="fro")
    for k in range(7):
        Lk = L[:, 3 * k:3 * k + 3]
        assert np.isclose(d_spec[k], np.linalg.norm(Lk, 2) ** 2, rtol=1e-12)
        assert np.isclose(d_fro[k], np.linalg.norm(Lk, "fro") ** 2, rtol=1e-12)
    np.testing.assert_allclose(priors.block_norms(L, n_orient=1), np.sum(L ** 2, axis=0))


def test_block_norms_rotation_invariant():
    L = rng.normal(size=(15, 3 * 5))
    Q = _random_rotations(5)
    L_rot = np.einsum("ckj,kij->cki", L.reshape(15, 5, 3), Q).reshape(15, -1)
    for combine in ("spectral", "fro"):
        np.testing.assert_allclose(priors.block_norms(L_rot, combine=combine),
                                   priors.block_norms(L, combine=combine), rtol=1e-12)


def test_depth_prior_limit_rule():
    # fixed orientation, d = ||l_k||^2 chosen by hand: w = 1/d = [1, 2, 50, 200, 300]
    d = np.array([1.0, 0.5, 0.02, 0.005, 1 / 300])
    L = np.zeros((3, 5))
    L[0] = np.sqrt(d)
    w = 1 / d
    w_lim, n_limit = priors.depth_limit(w, 10.0)
    assert (w_lim, n_limit) == (pytest.approx(200.0), 3)   # first weight > 100 * 1
    expected = np.minimum(w / 200.0, 1.0) ** 0.8
    np.testing.assert_allclose(priors.depth_prior(L, n_orient=1), expected, rtol=1e-12)
    # no limit reached: w_lim is the largest weight
    assert priors.depth_limit(np.array([1.0, 2.0, 3.0]), 10.0) == (3.0, 3)


def test_depth_prior_no_limit_is_power_law():
    L = rng.normal(size=(10, 12))
    d = priors.block_norms(L, combine="fro")
    prior = priors.depth_prior(L, exp=0.5, limit=None, combine="fro")
    np.testing.assert_allclose(prior, np.repeat(d ** -0.5, 3), rtol=1e-12)
    np.testing.assert_allclose(priors.depth_prior(L, exp=0.0), 1.0)


def test_depth_prior_bad_inputs():
    with pytest.raises(ValueError, match=r"n_orient must be 1 .* the 7 columns of L"):
        priors.block_norms(np.ones((4, 7)), n_orient=3)
    with pytest.raises(ValueError, match="combine must be one of 'spectral' or 'fro', got 'max'"):
        priors.block_norms(np.ones((4, 6)), combine="max")
    with pytest.raises(ValueError, match="exp must be a finite number >= 0, got -1"):
        priors.depth_prior(np.ones((4, 6)), exp=-1)
    with pytest.raises(ValueError, match="grad, mag or eeg"):
        priors.depth_channels(["eog", "stim"])


def test_depth_channels_prefers_gradiometers():
    np.testing.assert_array_equal(priors.depth_channels(["mag", "grad", "eeg", "grad"]), [1, 3])
    np.testing.assert_array_equal(priors.depth_channels(["eeg", "mag"]), [1])
    np.testing.assert_array_equal(priors.depth_channels(["eeg", "eeg"]), [0, 1])


def test_orient_prior():
    np.testing.assert_array_equal(priors.orient_prior(2, 0.2), [0.2, 0.2, 1, 0.2, 0.2, 1])
    np.testing.assert_array_equal(priors.orient_prior(3, 0.0), np.ones(3))
    np.testing.assert_array_equal(priors.orient_prior(2, 1.0), np.ones(6))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"loose must be a number in \[0, 1\]"):
            priors.orient_prior(2, bad)


def test_trace_scale_gives_rank():
    L_tilde = rng.normal(size=(30, 90))
    c = priors.trace_scale(L_tilde, 27)
    s = np.linalg.svd(L_tilde * np.sqrt(c), compute_uv=False)
    assert np.sum(s ** 2) == pytest.approx(27, rel=1e-12)
    assert priors.weighted_trace(L_tilde) == pytest.approx(np.trace(L_tilde @ L_tilde.T))


def test_depth_prior_keeps_the_gain_precision():
    """A float32 gain (a forward read from a file) gives MNE's float32 prior, ~1e-7 away."""
    L = rng.normal(size=(30, 3 * 8)).astype(np.float32)
    for combine in ("spectral", "fro"):
        p32 = priors.depth_prior(L, combine=combine)
        p64 = priors.depth_prior(L.astype(np.float64), combine=combine)
        assert p32.dtype == np.float32 and p64.dtype == np.float64
        assert 0 < np.max(np.abs(p32 - p64) / p64) < 1e-5
