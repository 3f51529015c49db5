"""irMxNE (the L0.5 quasi-norm by reweighted MxNE) and debiasing.

irMxNE (Strohmeier et al. 2016) targets the non-convex problem

    min_X 0.5 ||M - G X||_F^2 + alpha * sum_j (||X_j||_F / u)^{1/2}

where u is the amplitude unit in which the norms are measured (u = 1 in data units; MNE
works in units u = alpha_max / 100, see :func:`irmxne`). The L0.5 penalty is not homogeneous,
so u matters: alpha / sqrt(u) is the weight of sum_j ||X_j||^{1/2}.

Majorisation-minimisation: the concave t -> (t/u)^{1/2} lies below its tangent at t_k,
(t/u)^{1/2} <= (t_k/u)^{1/2} + (t - t_k) / (2 (u t_k)^{1/2}), so each step minimises the convex
majorant, a weighted MxNE  alpha * sum_j ||X_j||_F / w_j  with w_j = 2 (u ||X_j^(k)||_F)^{1/2}.
Substituting X_j = w_j Y_j turns it into a plain MxNE in Y with the gain G diag(w) (columns
with w_j = 0 dropped). Every step can only decrease the L0.5 objective.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

from .objective import objective
from .penalties import group_norms
from .solvers import SparseSolution, check_problem, mxne

__all__ = ["L05", "irmxne", "debias_scaling", "reweighting_weights"]


@dataclass(frozen=True)
class L05:
    """The irMxNE penalty Omega(X) = alpha * sum_j (||X_j||_F / u)^{1/2} (value only)."""

    alpha: float
    n_orient: int = 1
    unit: float = 1.0

    def value(self, X):
        """alpha * sum_j (||X_j||_F / u)^{1/2}."""
        return self.alpha * float(np.sum(np.sqrt(group_norms(X, self.n_orient) / self.unit)))

    def synthesis(self, X):
        """Identity: the penalised variable is the time course."""
        return X


def reweighting_weights(X, n_orient, unit=1.0):
    """w_j = 2 (u ||X_j||_F)^{1/2}, one per dipole component (the MM step for L0.5)."""
    return np.repeat(2.0 * np.sqrt(unit * group_norms(X, n_orient)), n_orient)


def irmxne(M, G, alpha, n_orient, *, n_mxne_iter=10, unit=1.0, weights_init=None,
           active_set_size=10, maxit=3000, tol=1e-8, dgap_freq=10, solver="bcd"):
    """Iteratively reweighted MxNE (MNE's ``iterative_mixed_norm_solver``).

    Minimises 0.5 ||M - G X||^2 + alpha sum_j (||X_j|| / unit)^{1/2} by MM; the first step
    (w = 1) is the MxNE with the same alpha. MNE's mirror uses unit = alpha_max / 100 (MNE
    rescales the gain by it before reweighting), so its L0.5 weight depends on alpha_max.

    1. w = weights_init (default ones), active = {w != 0}
    2. Y = MxNE(M, G[:, active] diag(w), alpha) to gap < tol
    3. X = diag(w) Y on the new active set; w = 2 (unit ||X_j||_F)^{1/2}
    4. stop when the active set is unchanged and max|X - X_previous| < tol (MNE's rule)

    Returns a SparseSolution whose ``gaps`` are the L0.5 objective after each reweighting
    (it decreases), not duality gaps.
    """
    check_problem(M, G, n_orient)
    w = np.ones(G.shape[1]) if weights_init is None else np.asarray(weights_init, float)
    active = w != 0                                                               # 1.
    w = w[active]
    X = np.zeros((0, M.shape[1]))
    objectives, n_iter = [], 0
    for k in range(n_mxne_iter):
        X_prev, active_prev = X, active.copy()
        sol = mxne(M, G[:, active] * w, alpha, n_orient, solver=solver, maxit=maxit,  # 2.
                   tol=tol, dgap_freq=dgap_freq,
                   active_set_size=active_set_size if active.sum() > active_set_size * n_orient
                   else None)
        n_iter += sol.n_iter
        if not sol.active.any():
            active[:] = False
            X = np.zeros((0, M.shape[1]))
            objectives.append(0.5 * float(np.sum(M**2)))
            break
        active[active] = sol.active                                               # 3.
        X = sol.X * w[sol.active][:, None]
        w = reweighting_weights(X, n_orient, unit)
        objectives.append(objective(M, G, X, active, L05(alpha, n_orient, unit)))
        if (k >= 1 and np.array_equal(active, active_prev)                        # 4.
                and np.all(np.abs(X - X_prev) < tol)):
            break
    return SparseSolution(X=X, active=active, gaps=tuple(objectives), n_iter=n_iter)


def debias_scaling(M, G_active, X, n_orient):
    """Debiasing factors d (>= 1, one per location): min_d 0.5 ||M - G diag(d) X||_F^2, d >= 1.

    L21 shrinks every active amplitude towards 0; keeping the support and the time courses'
    shapes, refit one scale per location. With d = 1 + e and A_j = vec(G_j X_j) the problem is
    the non-negative least squares  min_{e >= 0} ||[A_1 ... A_J] e - vec(M - G X)||, solved
    exactly (MNE's ``compute_bias`` runs FISTA to max|d - d_prev| < 1e-6 instead).
    Returns d repeated per dipole component, (n_active,).
    """
    n_locations = X.shape[0] // n_orient
    if n_locations == 0:
        return np.ones(0)
    A = np.stack([(G_active[:, j * n_orient:(j + 1) * n_orient]
                   @ X[j * n_orient:(j + 1) * n_orient]).ravel()
                  for j in range(n_locations)], axis=1)
    e, _ = nnls(A, (M - G_active @ X).ravel())
    return np.repeat(1.0 + e, n_orient)
