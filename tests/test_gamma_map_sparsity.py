"""One variance at a time: the cost along gamma_k, its minimiser (0 exactly when q2 <= s),
the leave-one-out terms, the source-space route of the solver, and the link to MxNE.

Small random problems (whitened: noise variance alpha), as in tests/test_gamma_map.py.
"""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import minnorm_teach as mt
from minnorm_teach.check import relative_error
from minnorm_teach.sparse import gamma_map as gm
from minnorm_teach.sparse import gamma_map_sparsity as gs


@pytest.fixture(scope="module", autouse=True)
def blas(one_blas_thread):
    yield


def problem(seed=0, n_channels=30, n_sources=40, n_times=50, alpha=0.05):
    rng = np.random.default_rng(seed)
    L = rng.standard_normal((n_channels, n_sources))
    j = np.zeros((n_sources, n_times))
    for k in (3, 17, 31):
        j[k] = 2.0 * np.sin(2 * np.pi * rng.uniform(1, 4) * np.arange(n_times) / n_times)
    b = L @ j + np.sqrt(alpha) * rng.standard_normal((n_channels, n_times))
    gammas = np.where(rng.uniform(size=n_sources) < 0.3, rng.uniform(0.1, 2, n_sources), 0.0)
    return b, L, gammas, alpha


def test_leave_one_out_terms_match_the_direct_inverse():
    b, L, gammas, alpha = problem()
    s, q2 = gs.leave_one_out(b, L, gammas, alpha)
    for k in (0, 3, 17, 39):
        others = gammas.copy()
        others[k] = 0.0
        Sigma = gm.model_covariance(L, others, alpha)
        assert s[k] == pytest.approx(L[:, k] @ np.linalg.solve(Sigma, L[:, k]), rel=1e-10)
        q = L[:, k] @ np.linalg.solve(Sigma, b)
        assert q2[k] == pytest.approx(np.mean(q ** 2), rel=1e-10)


@pytest.mark.parametrize("k", [3, 17, 22])
def test_variance_cost_is_the_cost_along_one_variance(k):
    b, L, gammas, alpha = problem()
    s, q2 = gs.leave_one_out(b, L, gammas, alpha)
    off = gammas.copy()
    off[k] = 0.0
    for gamma in (0.01, 0.5, 3.0):
        on = off.copy()
        on[k] = gamma
        change = gm.gamma_map_cost(b, L, on, alpha) - gm.gamma_map_cost(b, L, off, alpha)
        assert gs.variance_cost(gamma, s[k], q2[k]) == pytest.approx(change, rel=1e-9)


@pytest.mark.parametrize("s, q2", [(2.0, 7.0), (2.0, 1.5), (0.3, 0.9), (5.0, 5.0)])
def test_best_variance_minimises_the_one_dimensional_cost(s, q2):
    best = gs.best_variance(s, q2)
    numeric = minimize_scalar(lambda g: gs.variance_cost(g, s, q2), bounds=(0, 1e3),
                              method="bounded", options={"xatol": 1e-12}).x
    assert best == pytest.approx(numeric, abs=1e-6)
    if q2 <= s:
        assert best == 0.0


def test_converged_variances_sit_at_their_one_dimensional_optimum():
    b, L, _, alpha = problem()
    sol = gm.gamma_map_solver(b, L, alpha, 1, tol=1e-10, maxit=20000)
    s, q2 = gs.leave_one_out(b, L, sol.gammas, alpha)
    assert relative_error(sol.gammas, gs.best_variance(s, q2)) < 1e-6
    assert np.all(q2[~sol.active] <= s[~sol.active])         # no pruned source comes back


def test_the_posterior_mean_at_a_fixed_point_solves_a_weighted_mxne():
    b, L, _, alpha = problem()
    sol = gm.gamma_map_solver(b, L, alpha, 1, tol=1e-10, maxit=20000)
    s, _ = gs.leave_one_out(b, L, sol.gammas, alpha)
    z = s / (1 + sol.gammas * s)
    L_weighted, Y = gs.reweighted_gain(L, z, sol.full())
    penalty = mt.sparse.L21(alpha * np.sqrt(b.shape[1]), 1)
    gap = mt.sparse.duality_gap(b, L_weighted, Y[sol.active], sol.active, penalty)
    assert gap.gap < 1e-7 * gap.primal


@pytest.mark.parametrize("n_active", [5, 29, 30, 35])
def test_source_and_sensor_routes_agree(n_active):
    b, L, _, alpha = problem(n_sources=40)
    gammas = np.random.default_rng(3).uniform(0.1, 2.0, n_active)
    z, a, cost = gm.posterior_terms(b, L[:, :n_active], gammas, alpha)
    Sigma = gm.model_covariance(L[:, :n_active], gammas, alpha)
    Sigma_inv_L = np.linalg.solve(Sigma, L[:, :n_active])
    assert relative_error(z, np.sum(L[:, :n_active] * Sigma_inv_L, axis=0)) < 1e-10
    assert relative_error(a, Sigma_inv_L.T @ b) < 1e-10
    assert cost == pytest.approx(gm.gamma_map_cost(b, L[:, :n_active], gammas, alpha),
                                 rel=1e-10)
