"""Executable math for minnorm_teach.sparse: prox operators, the dual norms, the one duality
gap, and the solvers' limiting cases, on small random problems (no MNE objects)."""

import numpy as np
import pytest
from mne.inverse_sparse.mxne_debiasing import compute_bias
from mne.inverse_sparse.mxne_optim import _Phi, dgap_l21, norm_epsilon
from mne.time_frequency import istft as mne_istft
from mne.time_frequency import stft as mne_stft
from scipy.optimize import brentq

from minnorm_teach import sparse as sp
from minnorm_teach.check import relative_error
from minnorm_teach.sparse import tf as T
from minnorm_teach.sparse.stft import frequency_counts


def problem(n_orient, n_channels=30, n_locations=60, n_times=12, seed=0, n_true=3):
    """A small MxNE problem with a few true locations and a little noise."""
    rng = np.random.default_rng(seed)
    L = rng.standard_normal((n_channels, n_locations * n_orient))
    j = np.zeros((n_locations * n_orient, n_times))
    for k in rng.choice(n_locations, n_true, replace=False):
        j[k * n_orient:(k + 1) * n_orient] = rng.standard_normal((n_orient, n_times))
    b = L @ j + 0.1 * rng.standard_normal((n_channels, n_times))
    return b, L


# ---------------------------------------------------------------- prox operators

@pytest.mark.parametrize("n_orient", [1, 3])
def test_prox_l21_moreau_identity(n_orient):
    """prox_{tau ||.||_21}(z) + tau * proj_{B_2,inf}(z / tau) = z (Moreau decomposition)."""
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((10 * n_orient, 7))
    tau = 2.0
    norms = np.repeat(sp.group_norms(Z / tau, n_orient), n_orient)[:, None]
    projection = (Z / tau) / np.maximum(norms, 1.0)
    assert relative_error(sp.prox_l21(Z, tau, n_orient) + tau * projection, Z) < 1e-14


def test_prox_l21_fixed_is_soft_threshold_of_rows():
    z = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])           # row norms 5, 0.5, 0
    out = sp.prox_l21(z, 1.0, 1)
    assert np.allclose(out, [[2.4, 3.2], [0, 0], [0, 0]], rtol=0, atol=1e-15)


def test_prox_l21_l1_is_a_minimiser():
    """The composite prox is optimal: no perturbation lowers the prox objective."""
    rng = np.random.default_rng(2)
    counts = np.array([1.0, 2.0, 2.0, 1.0, 1.0, 2.0])
    Z = rng.standard_normal((3, 6)) + 1j * rng.standard_normal((3, 6))

    def f(Y):
        diff = (np.abs(Y - Z) ** 2) @ counts
        l21 = np.sqrt(((np.abs(Y) ** 2) @ counts).sum())
        l1 = np.sqrt((np.abs(Y) ** 2).sum(axis=0)) @ counts
        return 0.5 * diff.sum() + 0.7 * l21 + 0.4 * l1

    Y = T.prox_l21_l1(Z, 0.7, 0.4, 3, counts)
    best = f(Y)
    for _ in range(300):
        step = 1e-3 * (rng.standard_normal(Z.shape) + 1j * rng.standard_normal(Z.shape))
        assert f(Y + step) >= best - 1e-12


# ---------------------------------------------------------------- dual norms

def _epsilon_root(y, l1_ratio, counts):
    """nu solving ||S_{rho nu}(y)||_c = (1 - rho) nu, by bisection (brentq)."""
    def h(nu):
        return np.sqrt(np.sum(counts * np.maximum(y - l1_ratio * nu, 0) ** 2)) \
            - (1 - l1_ratio) * nu
    return brentq(h, 1e-12, y.max() / l1_ratio + 1.0, xtol=1e-15, rtol=1e-15)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.05, 0.3, 0.6, 1.0])
def test_epsilon_norm_solves_its_equation_and_matches_mne(l1_ratio):
    rng = np.random.default_rng(3)
    wsize, n_step = 16, 5
    counts = frequency_counts(wsize, n_step)
    y = np.abs(rng.standard_normal(counts.size))
    ours = float(T.epsilon_norm(y, l1_ratio, counts)[0])
    phi = _Phi(np.array([wsize]), np.array([4]), np.array([counts.size]), 20)
    assert abs(ours - norm_epsilon(y, l1_ratio, phi)) <= 1e-12 * ours
    if 0 < l1_ratio < 1:
        root = _epsilon_root(y, l1_ratio, counts)
        assert abs(ours - root) <= 1e-12 * root


def test_epsilon_norm_single_dominant_coefficient_differs_from_mne():
    """MNE 1.13's ``norm_epsilon`` returns max(y) when a single entry exceeds rho * max(y),
    ignoring that this entry may be counted twice (a non-DC frequency); the exact dual norm
    is then y sqrt(2) / ((1 - rho) + rho sqrt(2)) > max(y). Ours is the root of the equation."""
    rng = np.random.default_rng(3)
    counts = frequency_counts(16, 5)
    y = np.abs(rng.standard_normal(counts.size))
    l1_ratio = 0.9
    assert np.sum(y > l1_ratio * y.max()) == 1 and counts[np.argmax(y)] == 2
    ours = float(T.epsilon_norm(y, l1_ratio, counts)[0])
    assert abs(ours - _epsilon_root(y, l1_ratio, counts)) <= 1e-12 * ours
    exact = y.max() * np.sqrt(2) / ((1 - l1_ratio) + l1_ratio * np.sqrt(2))
    assert abs(ours - exact) <= 1e-12 * ours
    phi = _Phi(np.array([16]), np.array([4]), np.array([counts.size]), 20)
    assert norm_epsilon(y, l1_ratio, phi) == y.max() < ours


def _weighted_epsilon_root(y, l1_ratio, counts, w_time):
    """nu solving ||S_{rho nu w_time}(y)||_c = (1 - rho) nu: the dual norm of
    (1 - rho) ||z||_2 + rho sum_i w_time_i |z_i| (w_space = 1), by bisection."""
    def h(nu):
        return np.sqrt(np.sum(counts * np.maximum(y - l1_ratio * nu * w_time, 0) ** 2)) \
            - (1 - l1_ratio) * nu
    return brentq(h, 1e-14, 2 * np.max(y / (l1_ratio * w_time)) + 1.0, xtol=1e-15, rtol=1e-14)


@pytest.mark.parametrize("l1_ratio, min_wrong, min_index_errors",
                         [(0.3, 0.5, 0), (0.9, 0.0, 0.5)])
def test_mnes_weighted_epsilon_norm_is_often_wrong(l1_ratio, min_wrong, min_index_errors):
    """MNE 1.13's ``norm_epsilon`` with ``w_time`` (used by irTF-MxNE, not implemented here)
    is not the weighted dual norm: on 100 random (y, w_time ~ U(0.2, 2)) of a 16-sample
    window, its value is off by more than 1e-8 (relative) in 76 % of the cases at rho = 0.3,
    and at rho = 0.9 it raises IndexError in 91 % (the thresholded set is empty). Measured
    here with margins (the fractions depend on the weights' distribution)."""
    rng = np.random.default_rng(0)
    counts = frequency_counts(16, 5)
    phi = _Phi(np.array([16]), np.array([4]), np.array([counts.size]), 20)
    wrong = index_errors = 0
    for _ in range(100):
        y, w_time = np.abs(rng.standard_normal(counts.size)), rng.uniform(0.2, 2.0, counts.size)
        try:
            theirs = norm_epsilon(y, l1_ratio, phi, w_space=1.0, w_time=w_time)
        except IndexError:
            index_errors += 1
            continue
        exact = _weighted_epsilon_root(y, l1_ratio, counts, w_time)
        wrong += abs(theirs - exact) > 1e-8 * exact
    assert wrong / 100 >= min_wrong and index_errors / 100 >= min_index_errors


def test_alpha_max_gives_the_empty_solution():
    b, L = problem(3)
    a_max = sp.alpha_max(L, b, 3)
    assert not sp.mxne(b, L, 1.0001 * a_max, 3).active.any()
    assert sp.mxne(b, L, 0.99 * a_max, 3).active.any()
    # j = 0 has zero gap for alpha >= alpha_max
    empty = np.zeros(L.shape[1], dtype=bool)
    assert sp.duality_gap(b, L, np.zeros((0, b.shape[1])), empty, sp.L21(a_max, 3)).gap == 0


@pytest.mark.parametrize("n_orient", [1, 3])
def test_duality_gap_is_mnes_and_nonnegative(n_orient):
    b, L = problem(n_orient)
    rng = np.random.default_rng(4)
    alpha = 0.3 * sp.alpha_max(L, b, n_orient)
    active = np.repeat(rng.random(L.shape[1] // n_orient) < 0.2, n_orient)
    j = rng.standard_normal((active.sum(), b.shape[1]))
    ours = sp.duality_gap(b, L, j, active, sp.L21(alpha, n_orient))
    gap, p_obj, d_obj, _ = dgap_l21(b, L, j, active, alpha, n_orient)
    assert ours.gap > 0
    assert abs(ours.gap - gap) <= 1e-12 * abs(p_obj)
    assert abs(ours.primal - p_obj) <= 1e-12 * p_obj


# ---------------------------------------------------------------- solvers

@pytest.mark.parametrize("n_orient", [1, 3])
def test_all_solvers_reach_the_same_objective(n_orient):
    b, L = problem(n_orient)
    alpha = 0.2 * sp.alpha_max(L, b, n_orient)
    tol = 1e-10 * np.sum(b**2)
    penalty = sp.L21(alpha, n_orient)
    values, supports = {}, {}
    for name, kw in {"bcd": dict(solver="bcd", active_set_size=None),
                     "bcd+working set": dict(solver="bcd", active_set_size=5),
                     "fista": dict(solver="fista", active_set_size=None),
                     "ista": dict(solver="ista", active_set_size=None)}.items():
        sol = sp.mxne(b, L, alpha, n_orient, tol=tol, maxit=100000, **kw)
        gap = sp.duality_gap(b, L, sol.j, sol.active, penalty)
        assert gap.gap < tol, name
        values[name], supports[name] = gap.primal, sol.active
    p = values["bcd"]
    for name, value in values.items():
        assert abs(value - p) <= 2 * tol, name
        assert np.array_equal(supports[name], supports["bcd"]), name


def test_irmxne_with_one_iteration_is_mxne():
    b, L = problem(3)
    alpha = 0.3 * sp.alpha_max(L, b, 3)
    tol = 1e-12 * np.sum(b**2)
    a = sp.mxne(b, L, alpha, 3, tol=tol)
    one = sp.irmxne(b, L, alpha, 3, n_mxne_iter=1, tol=tol)
    assert np.array_equal(a.active, one.active)
    assert relative_error(one.j, a.j) < 1e-10


def test_irmxne_decreases_the_l05_objective_and_is_sparser():
    b, L = problem(1, n_true=4, seed=5)
    alpha = 0.1 * sp.alpha_max(L, b, 1)
    sol = sp.irmxne(b, L, alpha, 1, n_mxne_iter=8, tol=1e-10 * np.sum(b**2))
    assert np.all(np.diff(sol.objectives) <= 1e-9 * sol.objectives[0])
    assert sol.active.sum() <= sp.mxne(b, L, alpha, 1, tol=1e-10 * np.sum(b**2)).active.sum()


@pytest.mark.parametrize("n_orient", [1, 3])
def test_tf_mxne_without_time_penalty_is_mxne(n_orient):
    b, L = problem(n_orient, n_times=24)
    alpha = 0.3 * sp.alpha_max(L, b, n_orient)
    tol = 1e-12 * np.sum(b**2)
    a = sp.mxne(b, L, alpha, n_orient, tol=tol)
    frame = sp.make_frame(8, 4, b.shape[1])
    # with l1_ratio = 0 the epsilon-norm is the L2 norm: same alpha_max (tight frame)
    assert abs(sp.alpha_max_tf(L, b, frame, 0.0, n_orient) - sp.alpha_max(L, b, n_orient)) \
        <= 1e-12 * alpha
    sol, frame = sp.tf_mxne(b, L, alpha, 0.0, n_orient, wsize=8, tstep=4, tol=tol)
    assert np.array_equal(sol.active, a.active)
    assert relative_error(frame.synthesis(sol.j), a.j) < 1e-6


def test_debias_is_the_exact_constrained_least_squares():
    b, L = problem(3)
    sol = sp.mxne(b, L, 0.4 * sp.alpha_max(L, b, 3), 3, tol=1e-12 * np.sum(b**2))
    L_a = L[:, sol.active]
    d = sp.debias_scaling(b, L_a, sol.j, 3)
    assert np.all(d >= 1) and np.any(d > 1)             # L21 shrinks: the refit scales up
    mne_d = compute_bias(b, L_a, sol.j, max_iter=100000, tol=1e-13, n_orient=3)
    assert relative_error(d, mne_d) < 1e-8
    # KKT: the gradient of the fit vanishes on every scale that is > 1
    R = b - L_a @ (sol.j * d[:, None])
    grad = np.sum((L_a.T @ R) * sol.j, axis=1).reshape(-1, 3).sum(axis=1)
    free = d[::3] > 1
    assert np.max(np.abs(grad[free])) < 1e-8 * np.sum(b**2)


# ---------------------------------------------------------------- STFT

@pytest.mark.parametrize("wsize,tstep,n_times", [(64, 4, 141), (16, 4, 71), (32, 16, 50)])
def test_stft_matches_mne_and_is_a_tight_frame(wsize, tstep, n_times):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, n_times))
    Z = sp.stft(x, wsize, tstep)
    assert relative_error(Z, mne_stft(x, wsize, tstep, verbose=False)) < 1e-12
    assert relative_error(sp.istft(Z, tstep, n_times), x) < 1e-12                   # inverse exact
    assert relative_error(sp.istft(Z, tstep, n_times), mne_istft(Z, tstep, n_times)) < 1e-12
    frame = sp.make_frame(wsize, tstep, n_times)
    Zf = frame.analysis(x)
    assert relative_error(frame.norms2(Zf), np.sum(x**2, axis=1)) < 1e-12         # energy preserved
    W = rng.standard_normal(Zf.shape) + 1j * rng.standard_normal(Zf.shape)
    lhs = np.sum(frame.counts * (Zf * W.conj()).real)                     # <Phi x, W>
    rhs = np.sum(x * frame.synthesis(W))                                  # <x, Phi^H W>
    assert abs(lhs - rhs) < 1e-12 * abs(rhs)


# ---------------------------------------------------------------- bad inputs

def test_bad_inputs_have_clear_messages():
    b, L = problem(1)
    with pytest.raises(ValueError, match="L has 30 rows but b has 29 channels"):
        sp.mxne(b[:29], L, 1.0, 1)
    with pytest.raises(ValueError, match=r"n_orient must be 1 \(fixed\) or 3 .* 59 columns"):
        sp.mxne(b, L[:, :59], 1.0, 3)
    with pytest.raises(ValueError, match="solver must be one of 'bcd', 'fista' or 'ista'"):
        sp.mxne(b, L, 1.0, 1, solver="cd")
    with pytest.raises(ValueError, match="wsize must be a multiple of 4, got 10"):
        sp.stft(b, 10, 2)
    with pytest.raises(ValueError, match="tstep must be an even divisor of wsize=16"):
        sp.make_frame(16, 3, 20)


# ---------------------------------------------------------------- BCD in the reduced space

@pytest.mark.parametrize("n_orient", [1, 3])
def test_bcd_sweep_keeps_the_correlations_of_the_residual(n_orient):
    """The sweep updates LtR = L^T (b - L j) through the Gram matrix only (never R): after
    a few sweeps it still equals L^T (b - L j) computed afresh, to rounding."""
    from minnorm_teach.sparse.solvers import _bcd_pass

    b, L = problem(n_orient)
    alpha = 0.2 * sp.alpha_max(L, b, n_orient)
    j = np.zeros((L.shape[1], b.shape[1]))
    LtL, LtR = L.T @ L, L.T @ b
    lipschitz = sp.solvers.block_lipschitz(L, n_orient)
    for _ in range(5):
        _bcd_pass(LtL, j, LtR, lipschitz, alpha, n_orient)
    assert np.any(j)
    assert relative_error(LtR, L.T @ (b - L @ j)) < 1e-12


@pytest.mark.parametrize("n_orient", [1, 3])
def test_block_lipschitz_is_the_largest_eigenvalue_of_each_block(n_orient):
    _, L = problem(n_orient)
    blocks = [L[:, k * n_orient:(k + 1) * n_orient] for k in range(L.shape[1] // n_orient)]
    expected = [np.linalg.eigvalsh(B.T @ B)[-1] for B in blocks]
    assert relative_error(sp.solvers.block_lipschitz(L, n_orient), expected) < 1e-13


def test_shrink_factors_are_the_group_soft_threshold_scalars():
    norms = np.array([0.0, 0.5, 1.0, 4.0])
    assert np.array_equal(sp.penalties.shrink_factors(norms, 1.0), [0.0, 0.0, 0.0, 0.75])
    assert np.array_equal(sp.penalties.shrink_factors(norms, 0.0), [0.0, 1.0, 1.0, 1.0])


def test_bcd_refuses_a_gain_too_large_for_its_gram_matrix():
    rng = np.random.default_rng(7)
    b = rng.standard_normal((5, 3))
    L = rng.standard_normal((5, sp.solvers.BCD_MAX_SOURCES + 1))
    with pytest.raises(ValueError, match="at most 4096 of them, got 4097: solve on a working set"):
        sp.mxne(b, L, 1.0, 1, active_set_size=None)
    assert sp.mxne(b, L, 0.5 * sp.alpha_max(L, b, 1), 1).active.any()      # working set: fine
