"""Solvers of the MxNE problem  min_X 0.5 ||M - G X||_F^2 + alpha ||X||_{2,1}.

- :func:`proximal_gradient`  ISTA / FISTA: X <- prox_{alpha/L}(X + G^T (M - G X) / L)
- :func:`bcd`                block coordinate descent, one location at a time (+ Anderson)
- :func:`mxne`               working-set strategy around either of them (MNE's active set)

Each returns a :class:`SparseSolution`; all stop when the duality gap of
:func:`.objective.duality_gap` falls below ``tol`` (whitened data units squared).
"""

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .objective import duality_gap, objective
from .penalties import L21, group_norms, location_mask, source_mask

__all__ = ["SparseSolution", "proximal_gradient", "bcd", "mxne", "working_set",
           "block_lipschitz", "anderson_extrapolation"]


@dataclass(frozen=True)
class SparseSolution:
    """Sources on the active set, the mask, and the gap recorded every ``dgap_freq`` passes."""

    X: np.ndarray          # (n_active, n_times) the nonzero rows
    active: np.ndarray     # (n_sources,) bool
    gaps: tuple            # duality gaps, in the order they were computed
    n_iter: int            # passes (BCD) or gradient steps (ISTA/FISTA) in total

    def __repr__(self):
        gap = f"{self.gaps[-1]:.3g}" if self.gaps else "none"
        return (f"SparseSolution(X: {self.X.shape}, active: {int(self.active.sum())} of "
                f"{self.active.size} sources, final gap {gap}, n_iter: {self.n_iter})")

    def full(self):
        """X on every source, zeros off the active set: (n_sources, n_times)."""
        X = np.zeros((self.active.size, self.X.shape[1]), dtype=self.X.dtype)
        X[self.active] = self.X
        return X


def check_problem(M, G, n_orient):
    """Raise a clear error unless M is (n_channels, n_times) and G (n_channels, n_sources)
    with n_sources a multiple of n_orient (1: fixed, 3: free/loose)."""
    M, G = np.asarray(M), np.asarray(G)
    if M.ndim != 2 or G.ndim != 2:
        raise ValueError(f"M and G must be 2-D, got M with shape {M.shape} and G with shape "
                         f"{G.shape}")
    if G.shape[0] != M.shape[0]:
        raise ValueError(f"G has {G.shape[0]} rows (channels) but M has {M.shape[0]}")
    if n_orient not in (1, 3) or G.shape[1] % n_orient:
        raise ValueError(f"n_orient must be 1 or 3 and divide G's {G.shape[1]} columns, "
                         f"got n_orient={n_orient}")


def _solution(X, gaps, n_iter, n_orient):
    active = source_mask(group_norms(X, n_orient) > 0, n_orient)
    return SparseSolution(X=X[active], active=active, gaps=tuple(gaps), n_iter=n_iter)


def _gap_full(M, G, X, penalty, best_dual=-np.inf):
    """Primal minus the best dual value seen so far (every dual value is a lower bound on the
    optimum, so this is still an upper bound on P(X) - P*); returns (gap, best_dual)."""
    active = source_mask(group_norms(X, penalty.n_orient) > 0, penalty.n_orient)
    value = duality_gap(M, G, X[active], active, penalty)
    best_dual = max(best_dual, value.dual)
    return value.primal - best_dual, best_dual


def single_threaded(solver):
    """Run ``solver`` with one BLAS thread: block updates multiply tiny matrices, for which
    thread start-up (and oversubscription on a shared machine) costs more than the product."""
    def wrapped(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return solver(*args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = solver.__name__, solver.__doc__
    return wrapped


@single_threaded
def proximal_gradient(M, G, penalty, *, X_init=None, maxit=1000, tol=1e-8, accelerated=True,
                      dgap_freq=10):
    """ISTA (accelerated=False) or FISTA (True, Beck & Teboulle 2009) for MxNE.

    1. L = ||G||_2^2, the Lipschitz constant of the gradient G^T (G X - M)
    2. X_new = prox_{Omega / L}(Y + G^T (M - G Y) / L)
    3. FISTA: t_new = (1 + sqrt(1 + 4 t^2)) / 2, Y = X_new + (t - 1) / t_new (X_new - X);
       ISTA: Y = X_new
    4. every dgap_freq steps: stop when primal - (best dual so far) < tol
    """
    n_times = M.shape[1]
    X = np.zeros((G.shape[1], n_times)) if X_init is None else X_init.copy()
    lipschitz = np.linalg.norm(G, ord=2) ** 2                                  # 1.
    Y, t, gaps, best_dual = X.copy(), 1.0, [], -np.inf
    for it in range(1, maxit + 1):
        X_new = penalty.prox(Y + G.T @ (M - G @ Y) / lipschitz, 1.0 / lipschitz)  # 2.
        if accelerated:                                                            # 3.
            t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t**2))
            Y = X_new + (t - 1.0) / t_new * (X_new - X)
            t = t_new
        else:
            Y = X_new
        X = X_new
        if it % dgap_freq == 0:                                                    # 4.
            gap, best_dual = _gap_full(M, G, X, penalty, best_dual)
            gaps.append(gap)
            if gap < tol:
                break
    return _solution(X, gaps, it, penalty.n_orient)


def block_lipschitz(G, n_orient):
    """L_j = ||G_j^T G_j||_2 = s_max(G_j)^2 for every location j (||g_j||^2 when fixed)."""
    n_channels, n_sources = G.shape
    blocks = G.T.reshape(n_sources // n_orient, n_orient, n_channels)
    return np.array([np.linalg.norm(B, ord=2) ** 2 for B in blocks])


def _bcd_pass(G, X, R, lipschitz, alpha, n_orient):
    """One sweep over locations (in place on X and R = M - G X).

    X_j <- prox_{alpha/L_j}(X_j + G_j^T R / L_j), then R <- R - G_j (X_j_new - X_j).
    """
    for j, L_j in enumerate(lipschitz):
        rows = slice(j * n_orient, (j + 1) * n_orient)
        G_j = G[:, rows]
        Z_j = X[rows] + G_j.T @ R / L_j
        norm = np.sqrt(np.sum(Z_j**2))
        X_j_new = Z_j * (1.0 - alpha / (L_j * norm)) if norm > alpha / L_j else 0.0 * Z_j
        delta = X_j_new - X[rows]
        if np.any(delta):
            R -= G_j @ delta
            X[rows] = X_j_new


def anderson_extrapolation(iterates):
    """Anderson acceleration (Bertrand & Massias 2021): X_acc = sum_k c_k X_k with
    c = argmin ||sum_k c_k (X_{k+1} - X_k)|| s.t. sum_k c_k = 1, i.e. c = z / sum z with
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
def bcd(M, G, penalty, *, X_init=None, maxit=3000, tol=1e-8, dgap_freq=10, anderson=5):
    """Block coordinate descent on locations (Gramfort et al. 2012; MNE's ``_bcd``).

    1. L_j = ||G_j^T G_j||_2 for each location (block Lipschitz constants)
    2. sweep: X_j <- prox_{alpha/L_j}(X_j + G_j^T R / L_j), R updated in place
    3. every anderson+1 sweeps: extrapolate the last iterates, keep it if P decreases
    4. every dgap_freq sweeps: stop when primal - (best dual so far) < tol
    """
    n_orient, alpha = penalty.n_orient, penalty.alpha
    X = np.zeros((G.shape[1], M.shape[1])) if X_init is None else X_init.copy()
    R = M - G @ X
    lipschitz = block_lipschitz(G, n_orient)                                      # 1.
    everything = np.ones(G.shape[1], dtype=bool)
    history, gaps, best_dual = [], [], -np.inf
    for it in range(1, maxit + 1):
        _bcd_pass(G, X, R, lipschitz, alpha, n_orient)                            # 2.
        if anderson:                                                              # 3.
            history.append(X.copy())
            if len(history) == anderson + 1:
                X_acc = anderson_extrapolation(history)
                history = []
                if X_acc is not None and (objective(M, G, X_acc, everything, penalty)
                                          < objective(M, G, X, everything, penalty)):
                    X = X_acc
                    R = M - G @ X
        if it % dgap_freq == 0:                                                   # 4.
            gap, best_dual = _gap_full(M, G, X, penalty, best_dual)
            gaps.append(gap)
            if gap < tol:
                break
    return _solution(X, gaps, it, n_orient)


def working_set(M, G, penalty, inner, *, active_set_size=10, maxit=3000, tol=1e-8,
                dgap_freq=10):
    """Solve on a growing working set of locations (MNE's active-set strategy).

    1. working set = the active_set_size locations with the largest dual norm of G_j^T M
       (the locations that violate the optimality condition X = 0 the most)
    2. solve the problem restricted to the working set with ``inner`` (warm start) to gap < tol
    3. gap of the full problem (primal - best full dual) < tol: done; otherwise keep the
       active locations, add the
       active_set_size with the largest dual norm of G_j^T R, go to 2.

    Works for any penalty with ``dual_norms`` (per location) and any inner solver with the
    signature of :func:`bcd`.
    """
    n_orient = penalty.n_orient
    scores = penalty.dual_norms(G.T @ M)
    working = np.zeros(scores.size, dtype=bool)
    working[np.argsort(scores)[-active_set_size:]] = True                        # 1.
    W, gaps, n_iter, best_dual = None, [], 0, -np.inf
    for _ in range(maxit):
        cols = source_mask(working, n_orient)
        W_init = None if W is None else W[cols]
        sol = inner(M, G[:, cols], penalty, X_init=W_init, maxit=maxit, tol=tol,     # 2.
                    dgap_freq=dgap_freq)
        n_iter += sol.n_iter
        if W is None:
            W = np.zeros((G.shape[1], sol.X.shape[1]), dtype=sol.X.dtype)
        W[:] = 0
        W[np.flatnonzero(cols)[sol.active]] = sol.X
        active = source_mask(location_mask(np.any(W != 0, axis=1), n_orient), n_orient)
        gap = duality_gap(M, G, W[active], active, penalty)                       # 3.
        best_dual = max(best_dual, gap.dual)          # full-problem duals are all feasible
        gaps.append(gap.primal - best_dual)
        if gaps[-1] < tol:
            break
        R = M - G[:, active] @ penalty.synthesis(W[active])
        working = location_mask(active, n_orient)
        working[np.argsort(penalty.dual_norms(G.T @ R))[-active_set_size:]] = True
    return SparseSolution(X=W[active], active=active, gaps=tuple(gaps), n_iter=n_iter)


def mxne(M, G, alpha, n_orient, *, solver="bcd", active_set_size=10, maxit=3000, tol=1e-8,
         dgap_freq=10):
    """MxNE: min_X 0.5 ||M - G X||_F^2 + alpha ||X||_{2,1}, on a working set.

    ``solver`` is "bcd", "fista" or "ista"; ``active_set_size=None`` solves on all sources.
    alpha is in whitened data units (``alpha_max(G, M, n_orient)`` gives the empty solution).
    """
    check_problem(M, G, n_orient)
    if solver not in ("bcd", "fista", "ista"):
        raise ValueError(f"solver must be 'bcd', 'fista' or 'ista', got {solver!r}")
    penalty = L21(alpha=alpha, n_orient=n_orient)
    inner = {"bcd": bcd,
             "fista": lambda *a, **k: proximal_gradient(*a, accelerated=True, **k),
             "ista": lambda *a, **k: proximal_gradient(*a, accelerated=False, **k)}[solver]
    if active_set_size is None:
        return inner(M, G, penalty, maxit=maxit, tol=tol, dgap_freq=dgap_freq)
    return working_set(M, G, penalty, inner, active_set_size=active_set_size, maxit=maxit,
                       tol=tol, dgap_freq=dgap_freq)
