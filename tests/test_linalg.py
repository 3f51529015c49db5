"""Unit tests of minnorm_teach.linalg: closed forms, identities, limits and bad inputs."""

import numpy as np
import pytest

from minnorm_teach import linalg as la
from minnorm_teach.check import relative_error

RTOL = 1e-10


@pytest.fixture
def problem():
    """A small underdetermined, moderately conditioned problem (12 channels, 40 sources)."""
    rng = np.random.default_rng(0)
    L = rng.standard_normal((12, 40)) @ np.diag(np.geomspace(1, 1e-2, 40))
    b = rng.standard_normal((12, 7))
    return L, b


def test_svd_reconstructs(problem):
    L, _ = problem
    usv = la.svd(L)
    assert usv.U.shape == (12, 12) and usv.s.shape == (12,) and usv.V.shape == (40, 12)
    assert relative_error((usv.U * usv.s) @ usv.V.T, L) < RTOL
    assert np.all(np.diff(usv.s) <= 0)
    assert "U: (12, 12)" in repr(usv)


def test_pinv_equals_numpy_and_is_minimum_norm(problem):
    L, b = problem
    K = la.minimum_norm_pinv(L)
    assert relative_error(K, np.linalg.pinv(L)) < RTOL
    # L L^+ b = b: zero residual
    assert relative_error(L @ K @ b, b) < RTOL
    # any other solution j + z with L z = 0 has a larger norm
    z = np.linalg.svd(L)[2][-1]                  # a null-space direction of L
    j = K @ b[:, 0]
    assert abs(z @ j) < 1e-10 * np.linalg.norm(j)
    assert np.linalg.norm(j + 0.1 * z) > np.linalg.norm(j)


def test_pinv_rejects_rank_deficient_with_advice(problem):
    L, _ = problem
    n = L.shape[0]
    P = np.eye(n) - np.ones((n, n)) / n          # average reference: rank n - 1
    with pytest.raises(ValueError, match=r"rank 11 < 12 channels.*tikhonov_kernel"):
        la.minimum_norm_pinv(P @ L)
    with pytest.raises(ValueError, match="overdetermined"):
        la.minimum_norm_pinv(L.T)


def test_push_through_identity(problem):
    L, _ = problem
    # the source form solves (L^T L + eps I), whose condition number is ~ s_max^2 / eps:
    # eps >= 1e-3 keeps it below 1e5, so rounding stays far below RTOL
    for eps in (1e-3, 0.3, 10.0):
        K_sensor = la.tikhonov_kernel(L, eps, form="sensor")
        K_source = la.tikhonov_kernel(L, eps, form="source")
        assert relative_error(K_sensor, K_source) < RTOL


def test_tikhonov_minimises_cost(problem):
    L, b = problem
    eps = 0.05
    j = la.tikhonov_kernel(L, eps) @ b[:, 0]
    # gradient of F = ||b - L j||^2 + eps ||j||^2 vanishes
    grad = -2 * L.T @ (b[:, 0] - L @ j) + 2 * eps * j
    assert np.max(np.abs(grad)) < 1e-10 * np.max(np.abs(L.T @ b[:, 0]))


def test_svd_kernel_equals_tikhonov(problem):
    L, _ = problem
    usv = la.svd(L)
    for eps in (1e-4, 0.1, 3.0):
        assert relative_error(la.svd_kernel(usv, eps), la.tikhonov_kernel(L, eps)) < RTOL
        assert relative_error(la.svd_kernel(L, eps), la.tikhonov_kernel(L, eps)) < RTOL


def test_eps_to_zero_limit_is_pinv(problem):
    L, _ = problem
    K0 = np.linalg.pinv(L)
    errors = [relative_error(la.svd_kernel(L, eps), K0) for eps in (1e-6, 1e-8, 1e-10)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-5
    assert relative_error(la.truncated_svd_kernel(L, 12), K0) < RTOL


def test_filter_factors_closed_form_and_range():
    s = np.array([3.0, 1.0, 0.1, 0.0])
    f = la.filter_factors(s, 1.0)
    assert np.allclose(f, [0.9, 0.5, 0.01 / 1.01, 0.0], rtol=1e-14, atol=0)
    grid = np.geomspace(1e-6, 1e6, 13)
    F = la.filter_factors(s, grid)
    assert F.shape == (13, 4)
    assert np.all((F >= 0) & (F <= 1))
    assert np.all(np.diff(F, axis=0) <= 0)       # more eps, more filtering
    assert np.array_equal(la.filter_factors(s, 0.0), [1, 1, 1, 0])
    gamma = la.regularised_inverse(s, grid)
    assert np.allclose(gamma[:, :3] * s[:3], F[:, :3], rtol=1e-14)


def test_truncated_svd(problem):
    L, _ = problem
    usv = la.svd(L)
    K3 = la.truncated_svd_kernel(usv, 3)
    assert relative_error(K3, (usv.V[:, :3] / usv.s[:3]) @ usv.U[:, :3].T) < RTOL
    assert np.array_equal(la.truncated_filter_factors(usv.s, 3), [1, 1, 1] + [0] * 9)
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 12\], got 13"):
        la.truncated_svd_kernel(usv, 13)


def test_brainstorm_kernel_equals_tikhonov_under_mapping(problem):
    L, _ = problem
    for snr in (1.0, 3.0):
        eps = 1 / la.brainstorm_lambda(L, snr)
        assert np.isclose(eps, np.trace(L @ L.T) / (12 * snr ** 2), rtol=1e-14)
        assert relative_error(la.brainstorm_kernel(L, snr), la.tikhonov_kernel(L, eps)) < RTOL


def test_brainstorm_on_trace_normalised_gives_mne_lambda2(problem):
    L, _ = problem
    n = L.shape[0]
    P = np.eye(n) - np.ones((n, n)) / n          # rank n - 1 = n_nzero
    L_tilde = P @ L
    L_tilde = L_tilde * np.sqrt((n - 1) / np.sum(L_tilde ** 2))   # trace(G) = n_nzero
    lambda2 = la.lambda2_from_brainstorm_snr(3.0, n - 1, n)
    assert np.isclose(lambda2, (n - 1) / (n * 9))
    K_bst = la.brainstorm_kernel(L_tilde, 3.0) @ P
    K_mne = la.svd_kernel(L_tilde, lambda2) @ P
    assert relative_error(K_bst, K_mne) < RTOL
    gap = relative_error(la.svd_kernel(L_tilde, 1 / 9) @ P, K_mne)
    assert 1e-3 < gap < 0.1                      # the rank subtlety is small but not zero


def test_tikhonov_norms_match_direct(problem):
    L, b = problem
    grid = np.geomspace(1e-4, 10, 6)
    rho, eta = la.tikhonov_norms(L, b, grid)
    for k, eps in enumerate(grid):
        j = la.tikhonov_kernel(L, eps) @ b
        assert np.isclose(rho[k], np.linalg.norm(b - L @ j), rtol=1e-10)
        assert np.isclose(eta[k], np.linalg.norm(j), rtol=1e-10)
    j = la.svd_solution(L, b, grid[2])
    assert relative_error(j, la.tikhonov_kernel(L, grid[2]) @ b) < RTOL
    # rank-deficient L: the part of b outside the range of L is in the residual
    n = L.shape[0]
    P = np.eye(n) - np.ones((n, n)) / n
    rho, _ = la.tikhonov_norms(P @ L, b, 1e-12)
    assert np.isclose(rho, np.linalg.norm(b.mean(axis=0)) * np.sqrt(n), rtol=1e-6)


def test_l_curve_monotone_and_corner(problem):
    L, b = problem
    grid = np.geomspace(1e-8, 1e2, 81)
    lc = la.l_curve(L, b, grid)
    assert np.all(np.diff(lc.residual_norm) >= 0)
    assert np.all(np.diff(lc.solution_norm) <= 0)
    assert grid[0] < lc.eps_corner < grid[-1]
    assert "corner eps" in repr(lc)
    with pytest.raises(ValueError, match="increasing"):
        la.l_curve(L, b, grid[::-1])


def test_discrepancy_principle_hits_target(problem):
    L, b = problem
    target = 0.5 * np.linalg.norm(b)
    eps = la.discrepancy_principle(L, b, target)
    rho, _ = la.tikhonov_norms(L, b, eps)
    assert np.isclose(rho, target, rtol=1e-8)
    with pytest.raises(ValueError, match="noise_norm must be within the reachable residual norms"):
        la.discrepancy_principle(L, b, 2 * np.linalg.norm(b))


def test_gcv_closed_form(problem):
    L, b = problem
    grid = np.geomspace(1e-6, 1e2, 41)
    res = la.gcv(L, b, grid)
    k = 17
    K = la.tikhonov_kernel(L, grid[k])
    A = L @ K                                    # influence matrix
    direct = np.linalg.norm(b - A @ b) ** 2 / np.trace(np.eye(12) - A) ** 2
    assert np.isclose(res.score[k], direct, rtol=1e-10)
    assert res.eps_best == grid[np.argmin(res.score)]


@pytest.fixture
def picard_problem():
    """L = U diag(s) V^T with s from 1 to 1e-4, a solution satisfying the Picard condition,
    and white noise of known norm."""
    rng = np.random.default_rng(1)
    U, _ = np.linalg.qr(rng.standard_normal((30, 30)))
    V, _ = np.linalg.qr(rng.standard_normal((60, 30)))
    s = np.geomspace(1, 1e-4, 30)
    L = (U * s) @ V.T
    j = V @ (s * rng.standard_normal(30))
    sigma = 1e-3
    b = L @ j + sigma * rng.standard_normal(30)
    return L, b, j, sigma


@pytest.mark.parametrize("rule", ["gcv", "l_curve", "discrepancy"])
def test_parameter_choice_beats_extremes(picard_problem, rule):
    """Each rule picks an eps whose error is within 2x of the best on the grid and far
    below the error of the unregularised (eps -> 0) and over-regularised ends."""
    L, b, j, sigma = picard_problem
    grid = np.geomspace(1e-12, 1e2, 71)
    usv = la.svd(L)
    if rule == "gcv":
        eps = la.gcv(usv, b, grid).eps_best
    elif rule == "l_curve":
        eps = la.l_curve(usv, b, grid).eps_corner
    else:
        eps = la.discrepancy_principle(usv, b, sigma * np.sqrt(len(b)))
    error = np.linalg.norm(la.svd_solution(usv, b, eps) - j)
    errors = [np.linalg.norm(la.svd_solution(usv, b, e) - j) for e in grid]
    assert error < 2 * min(errors)
    assert error < 0.05 * errors[0] and error < 0.5 * errors[-1]


def test_snr_conventions():
    assert la.lambda2_from_snr(3.0) == pytest.approx(1 / 9)
    assert la.lambda2_from_brainstorm_snr(3.0, 59, 60) == pytest.approx(59 / 540)
    assert la.lambda2_from_fieldtrip(3.0) == 3.0
    assert la.lambda2_from_fieldtrip(3.0, prewhiten=False) == 9.0
    with pytest.raises(ValueError, match="snr must be a finite number > 0"):
        la.lambda2_from_snr(0.0)
    with pytest.raises(ValueError, match=r"n_nzero must be an integer in \[1, 60\], got 61"):
        la.lambda2_from_brainstorm_snr(3.0, 61, 60)


@pytest.mark.parametrize("eps", [0.0, -1.0, np.nan, np.inf])
def test_bad_eps_rejected(problem, eps):
    L, _ = problem
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        la.tikhonov_kernel(L, eps)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        la.svd_kernel(L, eps)


def test_bad_inputs_named(problem):
    L, b = problem
    with pytest.raises(ValueError, match=r"L must be a 2-D \(n_channels, n_sources\) array"):
        la.tikhonov_kernel(L[0], 1.0)
    bad = L.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="L must be finite .* NaN at row 0, column 0"):
        la.svd(bad)
    with pytest.raises(ValueError, match="L has 12 rows but b has 11 channels"):
        la.tikhonov_norms(L, b[:11], 1.0)
    with pytest.raises(ValueError, match="form must be one of 'sensor' or 'source', got 'dual'"):
        la.tikhonov_kernel(L, 1.0, form="dual")
    with pytest.raises(ValueError, match="snr must be a finite number > 0"):
        la.brainstorm_kernel(L, -3)
    with pytest.raises(ValueError, match="eps must be a finite number >= 0, got -1.0"):
        la.filter_factors([1.0], -1.0)
    with pytest.raises(TypeError, match=r"L must be a real \(n_channels, n_sources\) array"):
        la.svd(L.astype(complex))


def test_projector():
    n = 8
    P = la.projector(np.ones((1, n)))
    assert relative_error(P, np.eye(n) - np.ones((n, n)) / n) < RTOL
    rng = np.random.default_rng(2)
    vecs = rng.standard_normal((3, n))
    P = la.projector(np.vstack([vecs, vecs[:1] + vecs[1:2]]))   # a dependent 4th vector
    assert relative_error(P @ P, P) < RTOL and relative_error(P, P.T) < RTOL
    assert np.isclose(np.trace(P), n - 3)
    assert np.max(np.abs(P @ vecs.T)) < 1e-12


def test_gcv_n_data_for_projected_data(picard_problem):
    """On average-referenced data the null direction must not count as a residual dimension."""
    L, b, _, _ = picard_problem
    n = L.shape[0]
    P = la.projector(np.ones((1, n)))
    grid = np.geomspace(1e-12, 1e2, 71)
    naive = la.gcv(P @ L, P @ b, grid)
    fixed = la.gcv(P @ L, P @ b, grid, n_data=n - 1)
    assert naive.eps_best == grid[0]             # degenerate: score -> 0 as eps -> 0
    assert fixed.eps_best > grid[0]
    with pytest.raises(ValueError, match=r"n_data must be an integer in \[1, 30\], got 31"):
        la.gcv(L, b, grid, n_data=31)


def test_norms_with_fewer_singular_vectors_than_channels():
    """A tall L (more channels than sources): U is not square, the residual keeps the part of
    b outside the column space of L."""
    rng = np.random.default_rng(3)
    L = rng.standard_normal((9, 4))
    b = rng.standard_normal(9)
    usv = la.svd(L)
    assert usv.U.shape == (9, 4)
    rho, eta = la.tikhonov_norms(usv, b, 0.5)
    j = np.linalg.solve(L.T @ L + 0.5 * np.eye(4), L.T @ b)
    assert np.isclose(rho, np.linalg.norm(b - L @ j), rtol=1e-12)
    assert np.isclose(eta, np.linalg.norm(j), rtol=1e-12)


@pytest.mark.parametrize("shape", [(30, 200), (200, 30)])
def test_svd_from_gram_equals_svd(shape):
    """Wide (eigh of L L^T) and tall (eigh of L^T L): same s, same U s V^T, V diag(s) = L^T U."""
    L = np.random.default_rng(3).normal(size=shape)
    ref, got = la.svd(L), la.svd_from_gram(L)
    assert got.U.shape == ref.U.shape and got.V.shape == ref.V.shape
    assert relative_error(got.s, ref.s) < 1e-13
    assert relative_error((got.U * got.s) @ got.V.T, L) < 1e-13
    assert relative_error(got.V * got.s, L.T @ got.U) < 1e-14
    assert np.all(np.diff(got.s) <= 0)


def test_svd_from_gram_kernel_survives_squared_conditioning():
    """s spans 1e-7 s_1 (cond(G) = 1e14): the small s lose digits, the kernel does not."""
    rng = np.random.default_rng(4)
    U = np.linalg.qr(rng.normal(size=(40, 40)))[0]
    V = np.linalg.qr(rng.normal(size=(300, 40)))[0]
    s = np.geomspace(1.0, 1e-7, 40)
    L = (U * s) @ V.T
    got = la.svd_from_gram(L)
    assert relative_error(got.s, s) < 1e-12                  # absolute error << s_1
    for eps in (1 / 9, 1e-4):
        assert relative_error(la.svd_kernel(got, eps), la.tikhonov_kernel(L, eps)) < 1e-10


def test_svd_from_gram_of_a_rank_deficient_lead_field():
    """Average reference: rank n - 1. The null direction stays finite, kernels unaffected."""
    rng = np.random.default_rng(5)
    L = la.projector(np.ones((1, 30))) @ rng.normal(size=(30, 200))
    got = la.svd_from_gram(L)
    assert np.all(np.isfinite(got.V)) and got.s[-1] < 1e-6 * got.s[0]
    assert relative_error(la.svd_kernel(got, 0.1), la.tikhonov_kernel(L, 0.1)) < 1e-12


def test_regularised_inverse_rank():
    s = np.array([3.0, 2.0, 1.0, 0.5])
    gamma = la.regularised_inverse(s, 0.25, rank=2)
    np.testing.assert_allclose(gamma, [3 / 9.25, 2 / 4.25, 0, 0])


# ------------------------------------------- FieldTrip's unwhitened branch (chapter 04)

def test_fieldtrip_unwhitened_kernel_is_mne_with_the_mapped_lambda2(problem):
    """prewhiten='no': r L^T (r L L^T + lam^2 C)^-1 equals MNE's whitened, trace-normalised
    kernel at lambda2_from_fieldtrip_unwhitened, for a correlated, non-white C."""
    L, _ = problem
    rng = np.random.default_rng(3)
    A = rng.standard_normal((12, 12))
    C = A @ A.T + 0.5 * np.eye(12)
    d, E = np.linalg.eigh(C)
    W = (E / np.sqrt(d)).T                               # W^T W = C^-1
    L_w = W @ L
    r = 12 / np.sum(L_w ** 2)                            # MNE: tr(L_tilde L_tilde^T) = 12
    for lam in (0.2, 1.0, 3.0):
        lambda2 = la.lambda2_from_fieldtrip_unwhitened(lam, L, C)
        K_mne = np.sqrt(r) * la.svd_kernel(L_w * np.sqrt(r), lambda2) @ W
        assert relative_error(la.fieldtrip_kernel(L, C, lam), K_mne) < RTOL


def test_fieldtrip_unwhitened_lambda_is_squared_for_white_noise(problem):
    L, _ = problem
    C = 4e-12 * np.eye(12)
    assert la.lambda2_from_fieldtrip_unwhitened(0.5, L, C) == pytest.approx(0.25, rel=1e-12)
    assert la.lambda2_from_fieldtrip(0.5, prewhiten=False) == 0.25


def test_fieldtrip_kernel_refuses_bad_input(problem):
    L, _ = problem
    with pytest.raises(ValueError, match=r"C must be \(12, 12\)"):
        la.fieldtrip_kernel(L, np.eye(11), 1.0)
    with pytest.raises(ValueError, match="lambda must be finite and > 0"):
        la.fieldtrip_kernel(L, np.eye(12), 0.0)
