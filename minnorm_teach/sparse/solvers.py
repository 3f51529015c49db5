"""Solvers of the MxNE problem  min_j 0.5 ||b - L j||_F^2 + alpha ||j||_{2,1}.

- :func:`proximal_gradient`  ISTA / FISTA: j <- prox_{alpha/lip}(j + L^T (b - L j) / lip)
- :func:`bcd`                block coordinate descent, one location at a time (+ Anderson)
- :func:`working_set`        solve on a few candidate locations, certify on all of them
- :func:`mxne`               the working-set strategy around either of them (MNE's active set)

Each returns a :class:`SparseSolution`; all stop when the duality gap of
:func:`.objective.duality_gap` falls below ``tol`` (whitened data units squared), or after
``maxit`` passes in total: the working set's inner solves share that budget, so no setting
makes a solve longer than ``maxit`` <= ``validation.MAX_ITER`` passes (tol > 0 and
1 <= dgap_freq <= maxit are checked at every entry point).
"""

import math
from dataclasses import dataclass
from functools import cache, wraps

import numpy as np
from threadpoolctl import ThreadpoolController

from .. import validation
from ..priors import block_norms
from .checks import BCD_MAX_SOURCES, check_gram_size, check_inner, check_problem, check_settings
from .objective import duality_gap, gap_from_residual, objective
from .penalties import L21, group_norms, location_mask, source_mask

__all__ = ["SparseSolution", "proximal_gradient", "bcd", "mxne", "working_set",
           "block_lipschitz", "anderson_extrapolation", "check_gram_size", "BCD_MAX_SOURCES"]


@dataclass(frozen=True)
class SparseSolution:
    """Sources on the active set, the mask, and the gap recorded every ``dgap_freq`` passes."""

    j: np.ndarray          # (n_active, n_times) the nonzero rows (TF-MxNE: their Z)
    active: np.ndarray     # (n_sources,) bool
    gaps: tuple            # duality gaps, in the order they were computed
    n_iter: int            # passes (BCD) or gradient steps (ISTA/FISTA) in total

    def __repr__(self):
        gap = f"{self.gaps[-1]:.3g}" if self.gaps else "none"
        return (f"SparseSolution(j: {self.j.shape}, active: {int(self.active.sum())} of "
                f"{self.active.size} sources, final gap {gap}, n_iter: {self.n_iter})")

    def full(self):
        """j on every source, zeros off the active set: (n_sources, n_times)."""
        j = np.zeros((self.active.size, self.j.shape[1]), dtype=self.j.dtype)
        j[self.active] = self.j
        return j


def _solution(j, gaps, n_iter, n_orient):
    active = source_mask(group_norms(j, n_orient) > 0, n_orient)
    return SparseSolution(j=j[active], active=active, gaps=tuple(gaps), n_iter=n_iter)


def _gap_full(b, L, j, penalty, best_dual=-np.inf):
    """Primal minus the best dual value seen so far (every dual value is a lower bound on the
    optimum, so this is still an upper bound on P(j) - P*); returns (gap, best_dual)."""
    active = source_mask(group_norms(j, penalty.n_orient) > 0, penalty.n_orient)
    value = duality_gap(b, L, j[active], active, penalty)
    best_dual = max(best_dual, value.dual)
    return value.primal - best_dual, best_dual


@cache
def _blas():
    """The process's BLAS libraries, found once (a scan of the loaded libraries)."""
    return ThreadpoolController()


def single_threaded(solver):
    """Run ``solver`` with one BLAS thread: block updates multiply tiny matrices, for which
    thread start-up costs more than the product, and on a busy machine BLAS threads that wait
    for a core make even eigh and the large products several times slower."""
    @wraps(solver)
    def wrapped(*args, **kwargs):
        with _blas().limit(limits=1, user_api="blas"):
            return solver(*args, **kwargs)

    return wrapped


@single_threaded
def proximal_gradient(b, L, penalty, *, j_init=None, maxit=1000, tol=1e-8, accelerated=True,
                      dgap_freq=10):
    """ISTA (accelerated=False) or FISTA (True, Beck & Teboulle 2009) for MxNE.

    1. lip = ||L||_2^2, the Lipschitz constant of the gradient L^T (L j - b)
    2. j_new = prox_{Omega / lip}(Y + L^T (b - L Y) / lip)
    3. FISTA: t_new = (1 + sqrt(1 + 4 t^2)) / 2, Y = j_new + (t - 1) / t_new (j_new - j);
       ISTA: Y = j_new
    4. every dgap_freq steps: stop when primal - (best dual so far) < tol
    """
    b, L, j_init, maxit, tol, dgap_freq = check_inner(b, L, penalty, j_init, maxit, tol,
                                                       dgap_freq)
    accelerated = validation.check_bool(accelerated, "accelerated")
    n_times = b.shape[1]
    j = np.zeros((L.shape[1], n_times)) if j_init is None else j_init.copy()
    lipschitz = np.linalg.norm(L, ord=2) ** 2                                  # 1.
    Y, t, gaps, best_dual = j.copy(), 1.0, [], -np.inf
    for it in range(1, maxit + 1):
        j_new = penalty.prox(Y + L.T @ (b - L @ Y) / lipschitz, 1.0 / lipschitz)  # 2.
        if accelerated:                                                            # 3.
            t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t**2))
            Y = j_new + (t - 1.0) / t_new * (j_new - j)
            t = t_new
        else:
            Y = j_new
        j = j_new
        if it % dgap_freq == 0:                                                    # 4.
            gap, best_dual = _gap_full(b, L, j, penalty, best_dual)
            gaps.append(gap)
            if gap < tol:
                break
    return _solution(j, gaps, it, penalty.n_orient)


def block_lipschitz(L, n_orient):
    """lip_k = ||L_k^T L_k||_2 = s_max(L_k)^2 for every location k (||l_k||^2 when fixed).

    The squared block norms of the depth prior (:func:`minnorm_teach.priors.block_norms`).
    """
    return block_norms(L, n_orient=n_orient, combine="spectral")


def _bcd_pass(LtL, j, LtR, lipschitz, alpha, n_orient):
    """One sweep over locations, in place on j and on LtR = L^T (b - L j).

    j_k <- prox_{alpha/lip_k}(j_k + LtR_k / lip_k), then LtR <- LtR - LtL[:, k] (j_k_new - j_k).
    A location that stays at zero costs one norm and nothing else.
    """
    nonzero = (group_norms(j, n_orient) > 0).tolist()
    for k, lip_k in enumerate(lipschitz.tolist()):
        rows = slice(k * n_orient, (k + 1) * n_orient)
        j_k = j[rows]                                      # a view on location k's rows
        Z_k = j_k + LtR[rows] / lip_k
        norm = math.sqrt(np.vdot(Z_k, Z_k))                # ||Z_k||_F
        if norm <= alpha / lip_k:                          # prox: the block is set to zero
            if not nonzero[k]:
                continue
            j_k_new = np.zeros_like(Z_k)
        else:                                              # prox: the block shrinks
            j_k_new = Z_k * (1.0 - alpha / (lip_k * norm))
        LtR -= LtL[:, rows] @ (j_k_new - j_k)
        j[rows] = j_k_new


def anderson_extrapolation(iterates):
    """Anderson acceleration (Bertrand & Massias 2021): j_acc = sum_i c_i j^(i) with
    c = argmin ||sum_i c_i (j^(i+1) - j^(i))|| s.t. sum_i c_i = 1, i.e. c = z / sum z with
    (U U^T) z = 1, U the stacked differences. None when U U^T is ill conditioned."""
    U = np.array([(b - a).ravel() for a, b in zip(iterates[:-1], iterates[1:], strict=True)])
    C = U @ U.T
    s = np.linalg.svd(C, compute_uv=False)
    if s[-1] <= 1e-6 * s[0] or not np.all(np.isfinite(s)):
        return None
    z = np.linalg.solve(C, np.ones(len(C)))
    c = z / z.sum()
    return np.tensordot(c, np.array(iterates[:-1]), axes=1)


@single_threaded
def bcd(b, L, penalty, *, j_init=None, maxit=3000, tol=1e-8, dgap_freq=10, anderson=5):
    """Block coordinate descent on locations (Gramfort et al. 2012; MNE's ``_bcd``).

    The sweep never touches the n_channels rows of L. With the Gram matrix LtL = L^T L and the
    correlations LtR = L^T R of the residual R = b - L j, the gradient of location k is
    -LtR_k, and a change d_k of j_k changes LtR by -LtL[:, k] d_k: a block update costs
    n_sources * n_times, the residual lives in the reduced space of L's columns. That pays
    on a working set (a few dozen columns, :func:`working_set`); L may have at most
    ``BCD_MAX_SOURCES`` columns.

    1. LtL = L^T L, LtR = L^T (b - L j), lip_k = ||L_k^T L_k||_2 (block Lipschitz constants)
    2. sweep: j_k <- prox_{alpha/lip_k}(j_k + LtR_k / lip_k), LtR -= LtL[:, k] (j_k_new - j_k)
    3. every anderson+1 sweeps: extrapolate the last iterates, keep it if P decreases
    4. every dgap_freq sweeps: stop when primal - (best dual so far) < tol; else LtR afresh
    """
    b, L, j_init, maxit, tol, dgap_freq = check_inner(b, L, penalty, j_init, maxit, tol,
                                                       dgap_freq)
    anderson = validation.check_int(anderson, "anderson", low=0)
    check_gram_size(L)
    n_orient, alpha = penalty.n_orient, penalty.alpha
    j = np.zeros((L.shape[1], b.shape[1])) if j_init is None else j_init.copy()
    LtL, Ltb = L.T @ L, L.T @ b                                                   # 1.
    LtR = Ltb - LtL @ j
    lipschitz = block_lipschitz(L, n_orient)
    everything = np.ones(L.shape[1], dtype=bool)
    history, gaps, best_dual = [], [], -np.inf
    for it in range(1, maxit + 1):
        _bcd_pass(LtL, j, LtR, lipschitz, alpha, n_orient)                        # 2.
        if anderson:                                                              # 3.
            history.append(j.copy())
            if len(history) == anderson + 1:
                j_acc = anderson_extrapolation(history)
                history = []
                if j_acc is not None and (objective(b, L, j_acc, everything, penalty)
                                          < objective(b, L, j, everything, penalty)):
                    j = j_acc
                    LtR = Ltb - LtL @ j
        if it % dgap_freq == 0:                                                   # 4.
            gap, best_dual = _gap_full(b, L, j, penalty, best_dual)
            gaps.append(gap)
            if gap < tol:
                break
            LtR = Ltb - LtL @ j                            # no drift from the in-place updates
    return _solution(j, gaps, it, n_orient)


def working_set(b, L, penalty, inner, *, active_set_size=10, maxit=3000, tol=1e-8,
                dgap_freq=10):
    """Solve on a growing working set of locations (MNE's active-set strategy).

    1. working set = the active_set_size locations with the largest dual norm of L_k^T b
       (the locations that violate the optimality condition j = 0 the most)
    2. solve the problem restricted to the working set with ``inner`` (warm start) to gap < tol
    3. gap of the full problem (primal - best full dual) < tol: done; otherwise keep the
       active locations, add the active_set_size with the largest dual norm of L_k^T R
       (the product L^T R of the gap, computed once), go to 2.

    Works for any penalty with ``dual_norms`` (per location) and any inner solver with the
    signature of :func:`bcd`. The inner solves share one budget of ``maxit`` passes: the
    outer loop ends when it is spent (at most ``maxit`` outer iterations, each >= 1 pass).
    """
    b, L, n_orient = check_problem(b, L, penalty.n_orient)
    maxit, tol, dgap_freq = check_settings(maxit, tol, dgap_freq)
    active_set_size = validation.check_int(active_set_size, "active_set_size", low=1)
    L = np.asfortranarray(L)                 # columns contiguous: L[:, cols] and L^T R are read
    scores = penalty.dual_norms(L.T @ b)
    working = np.zeros(scores.size, dtype=bool)
    working[np.argsort(scores)[-active_set_size:]] = True                        # 1.
    W, gaps, n_iter, best_dual = None, [], 0, -np.inf
    while n_iter < maxit:                               # every inner solve takes >= 1 pass
        cols = source_mask(working, n_orient)
        W_init = None if W is None else W[cols]
        budget = maxit - n_iter
        sol = inner(b, L[:, cols], penalty, j_init=W_init, maxit=budget, tol=tol,   # 2.
                    dgap_freq=min(dgap_freq, budget))
        n_iter += sol.n_iter
        if W is None:
            W = np.zeros((L.shape[1], sol.j.shape[1]), dtype=sol.j.dtype)
        W[:] = 0
        W[np.flatnonzero(cols)[sol.active]] = sol.j
        active = source_mask(location_mask(np.any(W != 0, axis=1), n_orient), n_orient)
        Lj = L[:, active] @ penalty.synthesis(W[active])                          # 3.
        R = b - Lj
        scores = penalty.dual_norms(L.T @ R)
        gap = gap_from_residual(R, Lj, W[active], penalty, scores.max())
        best_dual = max(best_dual, gap.dual)          # full-problem duals are all feasible
        gaps.append(gap.primal - best_dual)
        if gaps[-1] < tol:
            break
        working = location_mask(active, n_orient)
        working[np.argsort(scores)[-active_set_size:]] = True
    return SparseSolution(j=W[active], active=active, gaps=tuple(gaps), n_iter=n_iter)


def mxne(b, L, alpha, n_orient, *, solver="bcd", active_set_size=10, maxit=3000, tol=1e-8,
         dgap_freq=10):
    """MxNE: min_j 0.5 ||b - L j||_F^2 + alpha ||j||_{2,1}, on a working set.

    ``solver`` is "bcd", "fista" or "ista"; ``active_set_size=None`` solves on all sources
    (with BCD, at most ``BCD_MAX_SOURCES`` of them: its Gram matrix is n_sources^2).
    alpha is in whitened data units (``alpha_max(L, b, n_orient)`` gives the empty solution).
    """
    b, L, n_orient = check_problem(b, L, n_orient)
    alpha = validation.check_alpha(alpha)
    solver = validation.check_option(solver, "solver", ("bcd", "fista", "ista"))
    active_set_size = validation.check_active_set_size(active_set_size)
    maxit, tol, dgap_freq = check_settings(maxit, tol, dgap_freq)
    penalty = L21(alpha=alpha, n_orient=n_orient)
    inner = {"bcd": bcd,
             "fista": lambda *a, **k: proximal_gradient(*a, accelerated=True, **k),
             "ista": lambda *a, **k: proximal_gradient(*a, accelerated=False, **k)}[solver]
    if active_set_size is None:
        return inner(b, L, penalty, maxit=maxit, tol=tol, dgap_freq=dgap_freq)
    return working_set(b, L, penalty, inner, active_set_size=active_set_size, maxit=maxit,
                       tol=tol, dgap_freq=dgap_freq)
