"""γ-MAP as executable math: the minimum norm when the variances are fixed, a cost that the
convex-bound update never increases, a gradient that vanishes at the fixed point (and MNE's
grouped rule, which stops elsewhere), sparse support recovery, and bad input by class.

Small random problems (whitened: noise variance alpha); the twin runs against MNE are in
tests/test_gamma_map_mne.py.
"""

import numpy as np
import pytest

import minnorm_teach as mt
from minnorm_teach.check import relative_error
from minnorm_teach.sparse import gamma_map as gm
from minnorm_teach.validation import InputTypeError, InputValueError


@pytest.fixture(scope="module", autouse=True)
def blas(one_blas_thread):
    yield


def problem(seed=0, n_channels=30, n_locations=40, n_orient=1, n_times=50, alpha=0.05,
            sources=(3, 17, 31)):
    """b = L j + noise of variance alpha, with a few active locations (along their first
    component), and the truth."""
    rng = np.random.default_rng(seed)
    L = rng.standard_normal((n_channels, n_locations * n_orient))
    j = np.zeros((n_locations * n_orient, n_times))
    for k in sources:
        j[k * n_orient] = 2.0 * np.sin(2 * np.pi * rng.uniform(1, 4) * np.arange(n_times)
                                       / n_times + rng.uniform(0, np.pi))
    b = L @ j + np.sqrt(alpha) * rng.standard_normal((n_channels, n_times))
    return b, L, j


def test_equal_fixed_variances_give_the_tikhonov_minimum_norm():
    """Gamma = gamma I: j_hat = L^T (L L^T + (alpha / gamma) I)^{-1} b (chapter 03)."""
    b, L, _ = problem()
    gamma, alpha = 0.7, 0.05
    j_hat = gm.posterior_mean(b, L, np.full(L.shape[1], gamma), alpha)
    K = mt.linalg.tikhonov_kernel(L, alpha / gamma)
    assert relative_error(j_hat, K @ b) < 1e-10


def test_model_covariance_and_cost():
    b, L, _ = problem()
    gammas = np.random.default_rng(1).uniform(0, 1, L.shape[1])
    Sigma_b = gm.model_covariance(L, gammas, 0.05)
    assert relative_error(Sigma_b, L @ np.diag(gammas) @ L.T + 0.05 * np.eye(len(L))) < 1e-13
    C_b = b @ b.T / b.shape[1]
    expected = np.trace(np.linalg.solve(Sigma_b, C_b)) + np.linalg.slogdet(Sigma_b)[1]
    assert gm.gamma_map_cost(b, L, gammas, 0.05) == pytest.approx(expected, rel=1e-12)


def test_gradient_is_the_derivative_of_the_cost():
    b, L, _ = problem()
    gammas = np.random.default_rng(2).uniform(0.1, 1, L.shape[1])
    step = 1e-6
    for k in (0, 17):
        plus, minus = gammas.copy(), gammas.copy()
        plus[k] += step
        minus[k] -= step
        numeric = (gm.gamma_map_cost(b, L, plus, 0.05) - gm.gamma_map_cost(b, L, minus, 0.05))
        assert gm.gradient(b, L, gammas, 0.05)[k] == pytest.approx(numeric / (2 * step),
                                                                    rel=1e-6)


@pytest.mark.parametrize("n_orient, xyz_same_gamma", [(1, True), (3, False)])
def test_convex_bound_update_never_increases_the_cost(n_orient, xyz_same_gamma):
    b, L, _ = problem(n_orient=n_orient)
    sol = gm.gamma_map_solver(b, L, 0.05, n_orient, xyz_same_gamma=xyz_same_gamma,
                              update_mode=2, tol=1e-8)
    assert sol.converged and len(sol.cost) > 10
    assert np.all(np.diff(sol.cost) <= 1e-12 * np.abs(sol.cost[:-1]))


def test_mackay_update_decreases_the_cost_here():
    """MacKay's update has no such guarantee; on this problem it decreases the cost too."""
    b, L, _ = problem()
    sol = gm.gamma_map_solver(b, L, 0.05, 1, update_mode=1, tol=1e-8)
    assert np.all(np.diff(sol.cost) <= 1e-12 * np.abs(sol.cost[:-1]))


def data_over_model(b, L, gammas, alpha, group_size):
    """mean_t ||a_g||^2 / tr(L_g^T Sigma_b^-1 L_g) for the groups that keep a variance."""
    kept = np.repeat(gammas[::group_size] > 1e-3 * gammas.max(), group_size)
    Sigma_inv_L = np.linalg.solve(gm.model_covariance(L, gammas, alpha), L[:, kept])
    a2 = np.mean((Sigma_inv_L.T @ b) ** 2, axis=1).reshape(-1, group_size).sum(axis=1)
    z = np.sum(L[:, kept] * Sigma_inv_L, axis=0).reshape(-1, group_size).sum(axis=1)
    return a2 / z


@pytest.mark.parametrize("update_mode", [1, 2])
def test_fixed_point_is_a_stationary_point_of_the_cost(update_mode):
    """mean_t a_k^2 = z_k, the gradient z_k - mean_t a_k^2 = 0, where a variance is kept
    (to within 100 tol: the solver stops on the relative change of the variances)."""
    b, L, _ = problem()
    sol = gm.gamma_map_solver(b, L, 0.05, 1, update_mode=update_mode, tol=1e-10, maxit=20000)
    ratio = data_over_model(b, L, sol.gammas, 0.05, 1)
    assert sol.converged and relative_error(ratio, np.ones_like(ratio)) < 1e-8


def test_mne_group_rule_stops_where_the_data_term_counts_one_third():
    """xyz_same_gamma, MacKay (MNE's rule: sums over the group, divided by the group size):
    the converged locations satisfy mean ||a_g||^2 = 3 tr(L_g^T Sigma_b^-1 L_g), the
    stationary point of tr(Sigma_b^-1 C_b) / 3 + log det Sigma_b."""
    b, L, _ = problem(n_orient=3)
    sol = gm.gamma_map_solver(b, L, 0.05, 3, update_mode=1, tol=1e-10)
    ratio = data_over_model(b, L, sol.gammas, 0.05, 3)
    assert sol.converged and relative_error(ratio, np.full_like(ratio, 3.0)) < 1e-8


def test_mne_group_rule_is_the_marginal_likelihood_with_noise_three_alpha():
    """3 Sigma_b = L (3 Gamma) L^T + 3 alpha I: MNE's grouped fixed point is a stationary point
    of the marginal likelihood with variances 3 gamma and noise 3 alpha, same posterior mean."""
    b, L, _ = problem(n_orient=3)
    sol = gm.gamma_map_solver(b, L, 0.05, 3, update_mode=1, tol=1e-10)
    on = sol.active
    ratio = data_over_model(b, L[:, on], 3 * sol.gammas[on], 3 * 0.05, 3)
    assert relative_error(ratio, np.ones_like(ratio)) < 1e-8
    assert relative_error(gm.posterior_mean(b, L[:, on], 3 * sol.gammas[on], 0.15),
                          gm.posterior_mean(b, L[:, on], sol.gammas[on], 0.05)) < 1e-12


def test_recovers_the_simulated_support():
    """Three true sources keep their variance; every other one falls below 1e-3 of the
    largest (and keeps falling: at tol 1e-6 the solver stops before pruning them all)."""
    b, L, j = problem(alpha=0.01)
    sol = gm.gamma_map_solver(b, L, 0.01, 1)
    assert np.array_equal(np.flatnonzero(sol.gammas > 1e-3 * sol.gammas.max()), [3, 17, 31])
    assert relative_error(sol.full(), j) < 0.05
    assert repr(sol).startswith("GammaMapSolution(j: (37, 50), active: 37 of 40")


def test_gammas_of_mne_scale_give_mne_start():
    b, L, _ = problem()
    scale = gm.gamma_scale(b, L)
    default = gm.gamma_map_solver(b, L, 0.05, 1, maxit=3)
    given = gm.gamma_map_solver(b, L, 0.05, 1, maxit=3, gammas=np.full(L.shape[1], scale))
    assert np.array_equal(default.cost, given.cost)


@pytest.mark.parametrize("kw, error, match", [
    (dict(alpha=0.0), InputValueError, "alpha must be a finite number > 0, got 0.0; alpha is "
                                       "the noise variance"),
    (dict(alpha="0.1"), InputTypeError, "alpha must be a finite number > 0"),
    (dict(update_mode=3), InputValueError, "update_mode must be one of 1 or 2, got 3"),
    (dict(maxit=0), InputValueError, "maxit must be an integer in"),
    (dict(tol=0), InputValueError, "tol must be a finite number > 0"),
    (dict(n_orient=7), InputValueError, "n_orient must be one of 1 or 3"),
    (dict(gammas=np.ones(5)), InputValueError, "L has 40 columns but gammas has 5 values"),
    (dict(gammas=-np.ones(40)), InputValueError, "gammas must be finite variances >= 0"),
])
def test_bad_solver_input_is_named(kw, error, match):
    b, L, _ = problem()
    args = dict(b=b, L=L, alpha=0.05, n_orient=1)
    args.update(kw)
    with pytest.raises(error, match=match):
        gm.gamma_map_solver(**args)


def test_transposed_gain_is_recognised():
    b, L, _ = problem()
    with pytest.raises(InputValueError, match="L looks transposed"):
        gm.gamma_map_solver(b, L.T, 0.05)
