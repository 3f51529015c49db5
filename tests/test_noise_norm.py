"""dSPM, sLORETA and eLORETA as executable math on small random problems (no MNE)."""

import numpy as np
import pytest

from minnorm_teach import eloreta
from minnorm_teach import noise_norm as nn
from minnorm_teach import resolution as res
from minnorm_teach.check import relative_error


def toy(n_channels=40, n_sources=150, n_orient=1, seed=0, lambda2=1 / 9):
    """Whitened problem (W P = I): L_w, prior R, its SVD, gamma and the kernel K."""
    rng = np.random.default_rng(seed)
    L_w = rng.normal(size=(n_channels, n_sources * n_orient))
    R = rng.uniform(0.5, 2.0, size=n_sources * n_orient)
    U, s, Vt = np.linalg.svd(L_w * np.sqrt(R), full_matrices=False)
    V = Vt.T
    gamma = s / (s ** 2 + lambda2)
    K = np.sqrt(R)[:, None] * (V * gamma) @ U.T
    return dict(L_w=L_w, R=R, U=U, s=s, V=V, gamma=gamma, K=K, lambda2=lambda2)


def test_dspm_variance_is_diag_K_C_Kt():
    p = toy()
    C = np.eye(p["L_w"].shape[0])                       # whitened noise covariance
    expected = np.einsum("ij,jk,ik->i", p["K"], C, p["K"])
    assert relative_error(nn.noise_variance_dspm(p["V"], p["gamma"], p["R"]), expected) < 1e-12


def test_sloreta_variance_is_diag_K_data_cov_Kt():
    p = toy()
    C_b = np.eye(p["L_w"].shape[0]) + (p["L_w"] * p["R"]) @ p["L_w"].T / p["lambda2"]
    expected = np.einsum("ij,jk,ik->i", p["K"], C_b, p["K"])
    got = nn.noise_variance_sloreta(p["V"], p["s"], p["gamma"], p["R"], p["lambda2"])
    assert relative_error(got, expected) < 1e-12


def test_sloreta_is_lambda_times_resolution_diagonal():
    """lambda2 var_k / R_k = [V diag(s^2/(s^2+lambda2)) V^T]_kk."""
    p = toy()
    f = p["s"] ** 2 / (p["s"] ** 2 + p["lambda2"])
    diag_res = np.sum(p["V"] ** 2 * f, axis=1)
    var = nn.noise_variance_sloreta(p["V"], p["s"], p["gamma"], p["R"], p["lambda2"])
    assert relative_error(p["lambda2"] * var / p["R"], diag_res) < 1e-12


def test_free_orientation_sums_three_variances():
    p = toy(n_orient=3)
    var = nn.noise_variance_dspm(p["V"], p["gamma"], p["R"])
    norm = nn.noise_norm(var, 3)
    assert norm.shape == (150,)
    assert relative_error(norm, 1 / np.sqrt(var[0::3] + var[1::3] + var[2::3])) < 1e-14


@pytest.mark.parametrize("nave", [4, 60])
def test_dspm_and_sloreta_scale_with_sqrt_nave(nave):
    """R -> R/nave (prepare_inverse_operator) multiplies the noise norm by sqrt(nave)."""
    p = toy()
    for var in (lambda R: nn.noise_variance_dspm(p["V"], p["gamma"], R),
                lambda R: nn.noise_variance_sloreta(p["V"], p["s"], p["gamma"], R, 1 / 9)):
        ratio = nn.noise_norm(var(p["R"] / nave), 1) / nn.noise_norm(var(p["R"]), 1)
        assert np.allclose(ratio, np.sqrt(nave), rtol=1e-13)


def test_sloreta_zero_peak_localisation_error():
    """|Res_ik| <= sqrt(Res_ii Res_kk), so each sLORETA PSF peaks at its own source."""
    p = toy(n_channels=30, n_sources=300)
    var = nn.noise_variance_sloreta(p["V"], p["s"], p["gamma"], p["R"], p["lambda2"])
    resmat = res.resolution_matrix(nn.noise_norm(var, 1)[:, None] * p["K"], p["L_w"])
    assert np.array_equal(np.argmax(np.abs(resmat), axis=0), np.arange(300))
    mne_like = res.resolution_matrix(p["K"], p["L_w"])         # plain MNE does not
    assert not np.array_equal(np.argmax(np.abs(mne_like), axis=0), np.arange(300))


@pytest.mark.parametrize("n_orient", [1, 3])
def test_eloreta_weights_are_a_fixed_point(n_orient):
    """At convergence R_k = c (L_k^T N L_k)^{-1/2}, N = (L R L^T + lambda2 I)^{-1}."""
    p = toy(n_channels=30, n_sources=60, n_orient=n_orient)
    L_w, lambda2 = p["L_w"], p["lambda2"]
    w = eloreta.eloreta_weights(L_w, n_orient=n_orient, rank=30, lambda2=lambda2, eps=1e-12,
                           max_iter=500)
    assert w.converged and w.delta < 1e-12
    R = w.R
    if n_orient == 1:
        LRLt = (L_w * R) @ L_w.T
    else:
        Lk = L_w.reshape(30, -1, 3).transpose(1, 0, 2)              # (n_src, ch, 3)
        LRLt = sum(Lk[k] @ R[k] @ Lk[k].T for k in range(60))
    N = np.linalg.inv(LRLt + lambda2 * np.eye(30))
    if n_orient == 1:
        update = 1 / np.sqrt(np.sum((N @ L_w) * L_w, axis=0))
        c = update / R
        assert np.ptp(c) / c.mean() < 1e-9
    else:
        e, Q = np.linalg.eigh(np.einsum("kca,cd,kdb->kab", Lk, N, Lk))
        update = np.einsum("kab,kb,kcb->kac", Q, 1 / np.sqrt(e), Q)
        c = update[:, 0, 0] / R[:, 0, 0]
        assert relative_error(update, R * c.mean()) < 1e-9
    assert np.isclose(np.trace(LRLt), 30)


def test_eloreta_kernel_from_weights_and_zero_peak_error():
    """K = R^{1/2} V diag(gamma) U^T from the SVD of L R^{1/2}; its PSFs peak in place."""
    p = toy(n_channels=30, n_sources=300)
    w = eloreta.eloreta_weights(p["L_w"], n_orient=1, rank=30, lambda2=1 / 9)
    assert w.converged
    gamma = w.s / (w.s ** 2 + 1 / 9)
    K = w.V_weighted @ (gamma[:, None] * w.U.T)
    K_closed = (w.R[:, None] * p["L_w"].T) @ np.linalg.inv(
        (p["L_w"] * w.R) @ p["L_w"].T + np.eye(30) / 9)
    assert relative_error(K, K_closed) < 1e-10
    resmat = res.resolution_matrix(K, p["L_w"])
    assert np.array_equal(np.argmax(np.abs(resmat), axis=0), np.arange(300))


def test_eloreta_max_iter_zero_keeps_the_prior():
    p = toy(n_channels=20, n_sources=50)
    w = eloreta.eloreta_weights(p["L_w"], n_orient=1, rank=20, lambda2=1 / 9, max_iter=0)
    assert w.n_iter == 0 and not w.converged
    assert np.ptp(w.R) == 0                                       # uniform, rescaled


def test_eloreta_not_converged_is_reported():
    p = toy(n_channels=20, n_sources=50)
    w = eloreta.eloreta_weights(p["L_w"], n_orient=1, rank=20, lambda2=1 / 9, max_iter=2)
    assert w.n_iter == 2 and not w.converged and w.delta > 1e-6
    assert "n_iter=2" in repr(w)


def test_bad_inputs_name_expected_and_received():
    p = toy()
    with pytest.raises(ValueError, match="gamma has shape"):
        nn.noise_variance_dspm(p["V"], p["gamma"][:-1], p["R"])
    with pytest.raises(ValueError, match="R has shape"):
        nn.noise_variance_dspm(p["V"], p["gamma"], p["R"][:-1])
    with pytest.raises(ValueError, match="lambda2 must be a finite number > 0, got 0.0"):
        nn.noise_variance_sloreta(p["V"], p["s"], p["gamma"], p["R"], 0.0)
    with pytest.raises(ValueError, match="n_orient=3"):
        nn.sum_orientations(np.ones(10), 3)
    with pytest.raises(ValueError, match=r"n_orient must be 1 \(fixed\) or 3 .* of L_w"):
        eloreta.eloreta_weights(np.ones((5, 10)), n_orient=3, rank=5, lambda2=1.0)
    with pytest.raises(ValueError, match=r"orient_prior must be .* \(9\), got shape \(3,\)"):
        eloreta.eloreta_weights(np.ones((5, 9)), n_orient=3, rank=5, lambda2=1.0,
                           orient_prior=np.ones(3))
    with pytest.raises(TypeError, match="inv must be a minnorm_teach InverseOperator"):
        nn.prepare_kernel(None, 1 / 9, "LORETA", 1)


# ----------------------------------------- sLORETA with a unit prior; dSPM's null law

def test_unit_prior_sloreta_is_mne_sloreta_with_a_flat_prior_up_to_one_factor():
    """R = c I: MNE's sLORETA kernel = Pascual-Marqui's times one factor; otherwise not."""
    for R_scale, one_factor in ((lambda n: np.full(n, 2.5), True),
                                (lambda n: np.random.default_rng(1).uniform(0.2, 3, n), False)):
        rng = np.random.default_rng(0)
        L_w = rng.normal(size=(25, 80))
        R = R_scale(80)
        U, s, Vt = np.linalg.svd(L_w * np.sqrt(R), full_matrices=False)
        gamma = s / (s ** 2 + 1 / 9)
        K = np.sqrt(R)[:, None] * (Vt.T * gamma) @ U.T
        var = nn.noise_variance_sloreta(Vt.T, s, gamma, R, 1 / 9)
        K_mne = K / np.sqrt(var)[:, None]
        K_pm = nn.sloreta_unit_prior(L_w, (1 / 9) / np.median(R))
        ratio = np.linalg.norm(K_mne, axis=1) / np.linalg.norm(K_pm, axis=1)
        if one_factor:
            assert relative_error(K_mne, np.median(ratio) * K_pm) < 1e-12
        else:
            assert ratio.max() > 1.1 * ratio.min()


def test_unit_prior_sloreta_peaks_in_place():
    L_w = np.random.default_rng(3).normal(size=(20, 120))
    resmat = nn.sloreta_unit_prior(L_w, 0.5) @ L_w
    assert np.array_equal(np.argmax(np.abs(resmat), axis=0), np.arange(120))
    with pytest.raises(ValueError, match="alpha must be > 0"):
        nn.sloreta_unit_prior(L_w, 0.0)


def test_location_noise_covariance_blocks_of_K_C_Kt():
    p = toy(n_orient=3)
    Sigma = nn.location_noise_covariance(p["V"], p["gamma"], p["R"], 3)
    full = p["K"] @ p["K"].T                                   # K C K^T with C = I (whitened)
    blocks = np.stack([full[3 * k:3 * k + 3, 3 * k:3 * k + 3] for k in range(150)])
    assert Sigma.shape == (150, 3, 3)
    assert relative_error(Sigma, blocks) < 1e-12
    var = nn.noise_variance_dspm(p["V"], p["gamma"], p["R"])
    assert relative_error(np.trace(Sigma, axis1=1, axis2=2), nn.sum_orientations(var, 3)) < 1e-12


def test_null_exceedance_in_its_two_limits():
    """One share of 1: P(|z| > 3) = 0.27 %; three equal shares: P(chi2_3 > 27) = 5.9e-6."""
    from scipy import stats

    rng = np.random.default_rng(0)
    n = 400_000
    p = nn.null_exceedance(np.array([[1.0, 0, 0], [1 / 3, 1 / 3, 1 / 3]]), 3.0, rng=rng,
                           n_draws=n)
    one = 2 * stats.norm.sf(3)
    assert abs(p[0] - one) < 4 * np.sqrt(one / n)             # four binomial standard errors
    assert p[1] < 10 / n
