"""irMxNE (the L0.5 quasi-norm by reweighted MxNE) and debiasing.

irMxNE (Strohmeier et al. 2016) targets the non-convex problem

    min_j 0.5 ||b - L j||_F^2 + alpha * sum_k (||j_k||_F / u)^{1/2}

where u is the amplitude unit in which the norms are measured (u = 1 in data units; MNE
works in units u = alpha_max / 100, see :func:`irmxne`). The L0.5 penalty is not homogeneous,
so u matters: alpha / sqrt(u) is the weight of sum_k ||j_k||^{1/2}.

Majorisation-minimisation: the concave t -> (t/u)^{1/2} lies below its tangent at t_k,
(t/u)^{1/2} <= (t_k/u)^{1/2} + (t - t_k) / (2 (u t_k)^{1/2}), so each step minimises the convex
majorant, a weighted MxNE  alpha * sum_k ||j_k||_F / w_k  with w_k = 2 (u ||j_k^(i)||_F)^{1/2}.
Substituting j_k = w_k Y_k turns it into a plain MxNE in Y with the gain L diag(w) (columns
with w_k = 0 dropped). Every step can only decrease the L0.5 objective.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import cholesky, solve_triangular
from scipy.optimize import nnls

from .. import validation
from .checks import check_problem, check_settings
from .objective import objective
from .penalties import group_norms
from .solvers import SparseSolution, mxne, single_threaded

__all__ = ["L05", "irmxne", "debias_scaling", "reweighting_weights", "ReweightedSolution"]


@dataclass(frozen=True)
class ReweightedSolution(SparseSolution):
    """irMxNE's result: a SparseSolution whose ``gaps`` are the duality gaps at which each
    weighted MxNE stopped (one per reweighting, each below ``tol``), plus ``objectives``, the
    L0.5 objective after each reweighting (non-increasing: MM)."""

    objectives: tuple = field(default=())

    def __repr__(self):
        return (f"ReweightedSolution(j: {self.j.shape}, active: {int(self.active.sum())} of "
                f"{self.active.size} sources, {len(self.objectives)} reweightings, "
                f"L0.5 objective {self.objectives[-1] if self.objectives else float('nan'):.6g}, "
                f"n_iter: {self.n_iter})")


@dataclass(frozen=True)
class L05:
    """The irMxNE penalty Omega(j) = alpha * sum_k (||j_k||_F / u)^{1/2} (value only)."""

    alpha: float
    n_orient: int = 1
    unit: float = 1.0

    def value(self, j):
        """alpha * sum_k (||j_k||_F / u)^{1/2}."""
        return self.alpha * float(np.sum(np.sqrt(group_norms(j, self.n_orient) / self.unit)))

    def synthesis(self, j):
        """Identity: the penalised variable is the time course."""
        return j


def reweighting_weights(j, n_orient, unit=1.0):
    """w_k = 2 (u ||j_k||_F)^{1/2}, one per dipole component (the MM step for L0.5)."""
    return np.repeat(2.0 * np.sqrt(unit * group_norms(j, n_orient)), n_orient)


def irmxne(b, L, alpha, n_orient, *, n_mxne_iter=10, unit=1.0, weights_init=None,
           active_set_size=10, maxit=3000, tol=1e-8, dgap_freq=10, solver="bcd"):
    """Iteratively reweighted MxNE (MNE's ``iterative_mixed_norm_solver``).

    Minimises 0.5 ||b - L j||^2 + alpha sum_k (||j_k|| / unit)^{1/2} by MM; the first step
    (w = 1) is the MxNE with the same alpha. MNE's mirror uses unit = alpha_max / 100 (MNE
    rescales the gain by it before reweighting), so its L0.5 weight depends on alpha_max.

    1. w = weights_init (default ones), active = {w != 0}
    2. Y = MxNE(b, L[:, active] diag(w), alpha) to gap < tol
    3. j = diag(w) Y on the new active set; w = 2 (unit ||j_k||_F)^{1/2}
    4. stop when the active set is unchanged and max|j - j_previous| < tol (MNE's rule)

    Returns a :class:`ReweightedSolution`: ``objectives`` holds the L0.5 objective after
    each reweighting (it decreases), ``gaps`` the duality gap of each weighted MxNE.
    """
    b, L, n_orient = check_problem(b, L, n_orient)
    alpha, unit = validation.check_alpha(alpha), validation.check_alpha(unit, "unit")
    n_mxne_iter = validation.check_n_mxne_iter(n_mxne_iter)
    maxit, tol, dgap_freq = check_settings(maxit, tol, dgap_freq)
    active_set_size = validation.check_active_set_size(active_set_size)
    w = np.ones(L.shape[1]) if weights_init is None else _weights(weights_init, L.shape[1])
    active = w != 0                                                               # 1.
    w = w[active]
    j = np.zeros((0, b.shape[1]))
    objectives, gaps, n_iter = [], [], 0
    for it in range(n_mxne_iter):
        j_prev, active_prev = j, active.copy()
        sol = mxne(b, L[:, active] * w, alpha, n_orient, solver=solver, maxit=maxit,  # 2.
                   tol=tol, dgap_freq=dgap_freq,
                   active_set_size=active_set_size if active.sum() > active_set_size * n_orient
                   else None)
        n_iter += sol.n_iter
        gaps.append(sol.gaps[-1] if sol.gaps else 0.0)
        if not sol.active.any():
            active[:] = False
            j = np.zeros((0, b.shape[1]))
            objectives.append(0.5 * float(np.sum(b**2)))
            break
        active[active] = sol.active                                               # 3.
        j = sol.j * w[sol.active][:, None]
        w = reweighting_weights(j, n_orient, unit)
        objectives.append(objective(b, L, j, active, L05(alpha, n_orient, unit)))
        if (it >= 1 and np.array_equal(active, active_prev)                        # 4.
                and np.all(np.abs(j - j_prev) < tol)):
            break
    return ReweightedSolution(j=j, active=active, gaps=tuple(gaps), n_iter=n_iter,
                              objectives=tuple(objectives))


def _weights(weights_init, n_columns):
    w = validation.as_real_array(weights_init, "weights_init", ndim=1, shape_text="(n_sources,)")
    validation.check_rows_match("L", n_columns, "columns", "weights_init", w.size, "values")
    validation.check_finite(w, "weights_init", labels=("source",))
    if np.any(w < 0) or not np.any(w > 0):
        raise validation.refuse("weights_init", "weights >= 0, not all zero",
                                validation.errors.shown(f"min {w.min():.3g}, max {w.max():.3g}"))
    return w


def debias_scaling(b, L_active, j, n_orient):
    """Debiasing factors d (>= 1, one per location): min_d 0.5 ||b - L diag(d) j||_F^2, d >= 1.

    L21 shrinks every active amplitude towards 0; keeping the support and the time courses'
    shapes, refit one scale per location. With d = 1 + e and A_k = vec(L_k j_k) the problem is
    the non-negative least squares  min_{e >= 0} ||[A_1 ... A_n] e - vec(b - L j)||, solved
    exactly (on the n_locations rows of the QR factor of A). MNE's ``compute_bias`` runs
    FISTA instead, with a step from 1.1 times a power-iteration estimate of the Lipschitz
    constant, the gradient of a location averaged (not summed) over its n_orient rows, and
    an absolute stopping rule, max_k |d_k - d_k_previous| < 1e-6 per step: a weak rule, which
    can stop far from the optimum when the steps are small (chapter 10 measures how far).
    Returns d repeated per dipole component, (n_active,).
    """
    b, L_active, n_orient = check_problem(b, L_active, n_orient)
    j = validation.as_real_array(j, "j", ndim=2, shape_text="(n_active, n_times)")
    if j.shape != (L_active.shape[1], b.shape[1]):
        raise validation.refuse("j", f"one row per column of L_active and one column per "
                                     f"sample of b, {(L_active.shape[1], b.shape[1])}",
                                validation.errors.shown(f"shape {j.shape}"))
    n_locations = j.shape[0] // n_orient
    if n_locations == 0:
        return np.ones(0)
    A = np.stack([(L_active[:, k * n_orient:(k + 1) * n_orient]
                   @ j[k * n_orient:(k + 1) * n_orient]).ravel()
                  for k in range(n_locations)], axis=1)
    e = _nnls_small(A, (b - L_active @ j).ravel())
    return np.repeat(1.0 + e, n_orient)


@single_threaded
def _nnls_small(A, r):
    """argmin_{e >= 0} ||A e - r|| for a tall A with few columns, on n_columns equations:
    with A^T A = C^T C (Cholesky), ||A e - r||^2 = ||C e - C^{-T} A^T r||^2 + const."""
    try:
        C = cholesky(A.T @ A)
    except np.linalg.LinAlgError:             # collinear columns: the tall problem itself
        return nnls(A, r)[0]
    return nnls(C, solve_triangular(C, A.T @ r, trans="T"))[0]
