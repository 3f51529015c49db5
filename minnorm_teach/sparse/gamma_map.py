"""γ-MAP: the minimum norm with a variance learnt for every source (chapter 15).

The hierarchical model (Wipf & Nagarajan 2009), on whitened data and a whitened gain::

    b(t) = L j(t) + n(t),        n(t) ~ N(0, alpha I)      alpha: the noise variance
    j_k(t) ~ N(0, gamma_k)       one variance per source (or per location: xyz_same_gamma)
    =>  b(t) ~ N(0, Sigma_b),    Sigma_b = L Gamma L^T + alpha I,   Gamma = diag(gammas)

Given the variances, the posterior mean of the sources is the weighted minimum norm::

    j_hat = Gamma L^T Sigma_b^{-1} b                                     (posterior_mean)

With every gamma_k = gamma it is chapter 03's Tikhonov estimate with eps = alpha / gamma: the
minimum norm is γ-MAP with the variances fixed. γ-MAP learns them instead, by minimising the
negative log marginal likelihood of the data (type-II maximum likelihood; per sample, up to a
constant)::

    cost(gammas) = tr(Sigma_b^{-1} C_b) + log det Sigma_b,     C_b = b b^T / n_times

The first term wants Sigma_b large along the data, the second (concave in the gammas) wants it
small everywhere; the minima of their sum tend to lie where most gamma_k are exactly 0
(Wipf & Nagarajan 2009), so the estimate is sparse (one variance at a time, the rule that
switches a source off exactly: :mod:`.gamma_map_sparsity`).
With a_k = l_k^T Sigma_b^{-1} b (a time course) and z_k = l_k^T Sigma_b^{-1} l_k the gradient
is d cost / d gamma_k = z_k - mean_t a_k(t)^2, and the two fixed-point updates are::

    MacKay        (update_mode=1)   gamma_k <- gamma_k mean_t(a_k^2) / z_k
    convex bound  (update_mode=2)   gamma_k <- gamma_k sqrt(mean_t(a_k^2) / z_k)

Both stop where the gradient vanishes. The second is a majorise-minimise step: log det is
replaced by its tangent sum_k z_k gamma_k, the data term by its bound sum_k ||x_k||^2 /
gamma_k (x_k = gamma_k a_k), and the minimum of the bound over gamma_k is this update, so
the cost never increases. Minimising the same bound over x with the weights z_k fixed is a
weighted l2,1 problem: γ-MAP is a reweighted MxNE whose weights come from log det Sigma_b, as
irMxNE (chapter 11) is one whose weights come from the previous solution.

Locations (``group_size`` 3, MNE's ``xyz_same_gamma``) share one variance. MNE then sums the
numerators and denominators of the group and divides the result by the group size; for
update_mode=1 this moves the fixed point to mean_t ||a_g||^2 = 3 tr(L_g^T Sigma_b^{-1} L_g),
the stationary point of tr(Sigma_b^{-1} C_b) / 3 + log det Sigma_b; for update_mode=2,
sum_k rms(a_k) / 3 over the group's components replaces the bound's sqrt(sum_k rms(a_k)^2),
and the cost can rise (it does on the course data). We follow MNE (the
twin test needs it); :func:`gradient` measures the difference. The update_mode=1 fixed point is
nevertheless a marginal-likelihood one for another noise variance: tr((3 Sigma_b)^{-1} C_b) +
log det(3 Sigma_b) = tr(Sigma_b^{-1} C_b) / 3 + log det Sigma_b + const and 3 Sigma_b =
L (3 Gamma) L^T + 3 alpha I, so MNE's grouped fixed points are those of γ-MAP with noise
variance 3 alpha and variances 3 gamma (same posterior mean): with groups, ``alpha`` acts as
3 alpha.

MNE-Python: ``mne.inverse_sparse.gamma_map`` (``_gamma_map_opt``), which scales b by
sqrt(||b b^T||_F) and L by ||L||_inf before iterating; here the iteration runs in the units
given and that scale only sets the start (gamma = 1 after scaling) and the pruning threshold.
"""

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from .. import validation

__all__ = ["GammaMapSolution", "model_covariance", "posterior_mean", "cholesky_factor",
           "model_whitened", "posterior_terms", "gamma_map_cost", "gradient", "gamma_scale",
           "update_gammas", "gamma_map_solver"]

EPS = np.finfo(float).eps


@dataclass(frozen=True, repr=False)
class GammaMapSolution:
    """γ-MAP's result on the problem it was given (whitened units inside the mirror).

    Fields
    ------
    j : (n_active, n_times)   posterior mean of the active sources (MNE's ``X``)
    active : (n_dipoles,) bool  sources whose variance was still > 0 at the last iteration
    gammas : (n_dipoles,)     the last variances (0 where pruned)
    cost : (n_iter,)          cost(gammas) at the start of every iteration
    n_iter : int,  converged : bool
    """

    j: np.ndarray
    active: np.ndarray
    gammas: np.ndarray
    cost: np.ndarray
    n_iter: int
    converged: bool

    def full(self):
        """j on every source, zeros off the active set: (n_dipoles, n_times)."""
        j = np.zeros((self.active.size, self.j.shape[1]))
        j[self.active] = self.j
        return j

    def __repr__(self):
        state = "converged" if self.converged else "not converged"
        return (f"GammaMapSolution(j: {self.j.shape}, active: {int(self.active.sum())} of "
                f"{self.active.size}, {self.n_iter} iterations, {state}, "
                f"cost {self.cost[-1]:.6g})")


def model_covariance(L, gammas, alpha):
    """Sigma_b = L diag(gammas) L^T + alpha I: the data covariance the model predicts."""
    return (L * gammas) @ L.T + alpha * np.eye(L.shape[0])


def posterior_mean(b, L, gammas, alpha):
    """j_hat = Gamma L^T Sigma_b^{-1} b: the sources' posterior mean given the variances.

    With every gamma_k = gamma: L^T (L L^T + (alpha / gamma) I)^{-1} b, Tikhonov's estimate.
    """
    Sigma_b = model_covariance(L, gammas, alpha)
    return gammas[:, None] * (L.T @ linalg.solve(Sigma_b, b, assume_a="pos"))


def cholesky_factor(L, gammas, alpha):
    """F, lower triangular, with F F^T = Sigma_b = L diag(gammas) L^T + alpha I."""
    L_scaled = L * np.sqrt(gammas)
    Sigma_b = L_scaled @ L_scaled.T + alpha * np.eye(L.shape[0])      # symmetric product
    return linalg.cholesky(Sigma_b, lower=True)


def model_whitened(b, L, gammas, alpha):
    """F^{-1} L, F^{-1} b and log det Sigma_b, where Sigma_b = F F^T (Cholesky factor F).

    Everything γ-MAP needs is an inner product in the metric Sigma_b^{-1}: with Y = F^{-1} L
    and y = F^{-1} b, z_k = ||Y_k||^2 (column k of Y), a_k = Y_k^T y and
    tr(Sigma_b^{-1} C_b) = ||y||_F^2 / n_times. One triangular solve per iteration.
    """
    F = cholesky_factor(L, gammas, alpha)
    Y = linalg.solve_triangular(F, L, lower=True)
    y = linalg.solve_triangular(F, b, lower=True)
    return Y, y, 2.0 * float(np.sum(np.log(np.diag(F))))


def posterior_terms(b, L, gammas, alpha):
    """z_k = l_k^T Sigma_b^{-1} l_k, a_k = l_k^T Sigma_b^{-1} b and the cost, in the smaller space.

    Sensor space (as many active sources as channels, or more): Sigma_b = F F^T, one
    triangular solve (:func:`model_whitened`). Source space (fewer): chapter 03's push-through
    identity in Woodbury's form, Sigma_b^{-1} = (I - B M^{-1} B^T) / alpha with
    B = L Gamma^{1/2} and M = alpha I + B^T B = H H^T; with E = H^{-1} B^T L and
    e = H^{-1} B^T b: z = (diag(L^T L) - colsum(E^2)) / alpha, a = (L^T b - E^T e) / alpha,
    log det Sigma_b = (n_channels - n_active) log alpha + log det M. Returns (z, a, cost).
    """
    n_channels, n_active = L.shape
    if n_active >= n_channels:
        Y, y, log_det = model_whitened(b, L, gammas, alpha)
        return np.sum(Y ** 2, axis=0), Y.T @ y, float(np.sum(y ** 2) / b.shape[1] + log_det)
    B = L * np.sqrt(gammas)
    H = linalg.cholesky(alpha * np.eye(n_active) + B.T @ B, lower=True)
    E = linalg.solve_triangular(H, B.T @ L, lower=True)
    e = linalg.solve_triangular(H, B.T @ b, lower=True)
    z = (np.sum(L ** 2, axis=0) - np.sum(E ** 2, axis=0)) / alpha
    log_det = (n_channels - n_active) * np.log(alpha) + 2.0 * np.sum(np.log(np.diag(H)))
    data_term = (np.sum(b ** 2) - np.sum(e ** 2)) / (alpha * b.shape[1])
    return z, (L.T @ b - E.T @ e) / alpha, float(data_term + log_det)


def gamma_map_cost(b, L, gammas, alpha):
    """cost = tr(Sigma_b^{-1} C_b) + log det Sigma_b with C_b = b b^T / n_times."""
    F = cholesky_factor(L, gammas, alpha)
    y = linalg.solve_triangular(F, b, lower=True)
    return float(np.sum(y ** 2) / b.shape[1] + 2.0 * np.sum(np.log(np.diag(F))))


def gradient(b, L, gammas, alpha, group_size=1):
    """d cost / d gamma_g = sum over the group of (z_k - mean_t a_k^2), one value per group."""
    Y, y, _ = model_whitened(b, L, gammas, alpha)
    z = np.sum(Y ** 2, axis=0)
    mean_a2 = np.mean((Y.T @ y) ** 2, axis=1)
    return np.sum((z - mean_a2).reshape(-1, group_size), axis=1)


def gamma_scale(b, L):
    """||b b^T||_F / ||L||_inf^2: the variance MNE starts from (1 after its scaling)."""
    return float(np.linalg.norm(b @ b.T, "fro") / np.linalg.norm(L, np.inf) ** 2)


def update_gammas(gammas, mean_a2, z, update_mode, group_size=1):
    """One fixed-point step: MacKay (1) gamma mean(a^2) / z, convex bound (2) gamma
    sqrt(mean(a^2) / z); groups: sums of numerators over sums of denominators, / group_size.
    """
    if update_mode == 1:
        numer, denom = gammas ** 2 * mean_a2, gammas * z
    else:
        numer, denom = gammas * np.sqrt(mean_a2), np.sqrt(z)
    if group_size == 1:
        return numer / np.maximum(denom, EPS)
    numer = np.sum(numer.reshape(-1, group_size), axis=1)
    if update_mode == 1:
        denom = np.sum(denom.reshape(-1, group_size), axis=1)
    else:
        denom = np.sqrt(np.sum(z.reshape(-1, group_size), axis=1))
    return np.repeat(numer / denom / group_size, group_size)


def _check_solver_input(b, L, alpha, n_orient, maxit, tol, update_mode, gammas):
    L, b = validation.check_gain_and_data(L, b)
    b = b[:, None] if b.ndim == 1 else b
    n_orient = validation.check_n_orient(n_orient, L.shape[1])
    alpha = validation.check_real(alpha, "alpha", low=0, low_open=True,
                                  hint="alpha is the noise variance of the whitened data")
    maxit, tol = validation.check_maxit(maxit), validation.check_tol(tol)
    update_mode = validation.check_option(update_mode, "update_mode", (1, 2))
    if gammas is not None:
        gammas = validation.as_real_array(gammas, "gammas", ndim=1, shape_text="(n_dipoles,)")
        validation.check_rows_match("L", L.shape[1], "columns", "gammas", len(gammas),
                                    "values")
        if not np.all(np.isfinite(gammas)) or np.any(gammas < 0):
            raise validation.refuse("gammas", "finite variances >= 0", gammas)
    return b, L, n_orient, alpha, maxit, tol, update_mode, gammas


def gamma_map_solver(b, L, alpha, n_orient=1, *, xyz_same_gamma=True, maxit=10000, tol=1e-6,
                     update_mode=1, gammas=None):
    """gammas minimising tr(Sigma_b^{-1} C_b) + log det Sigma_b, and the posterior mean j_hat.

    1. start: gammas (default: gamma_scale(b, L) for every source, MNE's start)
    2. prune: drop the sources with gamma_k <= eps gamma_scale (they never come back)
    3. Sigma_b = L Gamma L^T + alpha I on the active sources; record the cost
    4. a_k = l_k^T Sigma_b^{-1} b,  z_k = l_k^T Sigma_b^{-1} l_k  (posterior_terms: in
       sensor space, or in source space once fewer sources than channels are active)
    5. update the gammas (update_gammas); stop when sum|change| / sum|gammas| < tol
    6. j_hat = gammas a (the last gammas times the last a_k, as MNE)

    Parameters
    ----------
    b : (n_channels, n_times)  whitened data
    L : (n_channels, n_dipoles)  whitened, weighted gain
    alpha : float > 0  the noise variance (1 for whitened data of one trial)
    n_orient : 1 | 3  columns per location; with ``xyz_same_gamma`` a location's share one
        variance
    update_mode : 1 (MacKay) | 2 (convex bound)

    Returns
    -------
    GammaMapSolution
    """
    b, L, n_orient, alpha, maxit, tol, update_mode, gammas = _check_solver_input(
        b, L, alpha, n_orient, maxit, tol, update_mode, gammas)
    group_size = n_orient if xyz_same_gamma else 1
    scale = gamma_scale(b, L)
    n_dipoles = L.shape[1]
    gammas = np.full(n_dipoles, scale) if gammas is None else gammas.copy()   # 1.
    active, previous, costs, n_iter = np.arange(n_dipoles), gammas.copy(), [], 0
    L_active = L
    while n_iter < maxit:
        n_iter += 1
        keep = gammas > EPS * scale                                           # 2.
        if not keep.all():
            active, gammas, L_active = active[keep], gammas[keep], L_active[:, keep]
        z, a, cost = posterior_terms(b, L_active, gammas, alpha)             # 3., 4.
        costs.append(cost)
        gammas = update_gammas(gammas, np.mean(a ** 2, axis=1), z, update_mode,   # 5.
                               group_size)
        current = np.zeros(n_dipoles)
        current[active] = gammas
        change = np.sum(np.abs(current - previous)) / np.sum(np.abs(previous))
        previous = current
        if change < tol or len(active) == 0:
            break
    mask = np.zeros(n_dipoles, dtype=bool)
    mask[active] = True
    return GammaMapSolution(j=gammas[:, None] * a, active=mask, gammas=previous,           # 6.
                            cost=np.array(costs), n_iter=n_iter, converged=n_iter < maxit)
