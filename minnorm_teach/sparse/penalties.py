"""Mixed norms and their proximal operators.

Sources are stored one row per dipole component, the ``n_orient`` rows of location k
consecutive (MNE's layout): ``j_k = j[k*n_orient:(k+1)*n_orient]``, shape (n_orient, n_times).

The penalties of this chapter are written as small frozen dataclasses (skglm's style): each
knows its value, its proximal operator and its dual norm, and :mod:`.objective` turns any of
them into an objective and a duality gap.
"""

from dataclasses import dataclass

import numpy as np

from .. import validation

__all__ = ["group_norms", "norm_l21", "norm_l2inf", "shrink_factors", "prox_l21", "prox_l1_columns",
           "L21", "location_mask", "source_mask"]

_TINY = np.finfo(float).tiny          # the smallest positive float: a zero norm divides safely


def _check_rows(x, n_orient, name):
    """n_orient (1 or 3) divides the rows of x: cheap, so the inner loops may call it."""
    n_rows = np.shape(x)[0] if np.ndim(x) else 0
    if n_orient not in (1, 3) or n_rows % n_orient:
        raise validation.refuse("n_orient", f"1 (fixed) or 3 (free/loose) dividing the {n_rows} "
                                            f"rows of {name}", n_orient)
    return n_rows


def _check_tau(tau):
    """tau: a threshold >= 0 (a number, or one per location)."""
    if np.ndim(tau) == 0:
        return validation.check_real(tau, "tau", low=0)
    tau = validation.as_real_array(tau, "tau", ndim=1, shape_text="(n_locations,)")
    if not np.all(np.isfinite(tau) & (tau >= 0)):
        raise validation.refuse("tau", "thresholds >= 0, finite", validation.describe(tau))
    return tau


def group_norms(j, n_orient):
    """||j_k||_F for every location k: sqrt(sum over its n_orient rows and all columns of |j|^2).

    ``j`` is (n_orient * n_locations, n_columns), real or complex; returns (n_locations,).
    """
    n_rows = _check_rows(j, n_orient, "j")
    power = np.abs(j) ** 2
    return np.sqrt(power.reshape(n_rows // n_orient, -1).sum(axis=1))


def norm_l21(j, n_orient):
    """||j||_{2,1} = sum_k ||j_k||_F  (L2 inside a location, L1 across locations)."""
    return float(group_norms(j, n_orient).sum()) if j.size else 0.0


def norm_l2inf(j, n_orient):
    """||j||_{2,inf} = max_k ||j_k||_F, the dual norm of ||.||_{2,1}."""
    return float(group_norms(j, n_orient).max()) if j.size else 0.0


def shrink_factors(norms, tau):
    """(||z|| - tau)_+ / ||z|| for every group norm ||z||: the scalar by which group
    soft-thresholding multiplies each group (a zero group stays zero)."""
    return np.maximum(norms - tau, 0.0) / np.maximum(norms, _TINY)


def prox_l21(Z, tau, n_orient):
    """Group soft-thresholding, the proximal operator of tau * ||.||_{2,1}.

        prox(Z)_k = argmin_Y 0.5 ||Y - Z_k||_F^2 + tau ||Y||_F = Z_k * max(0, 1 - tau / ||Z_k||_F)

    Derivation: the minimiser is parallel to Z_k (any other direction increases the quadratic
    term at equal norm), so with Y = r Z_k/||Z_k|| the problem is the 1-D
    min_r 0.5 (r - ||Z_k||)^2 + tau r over r >= 0, solved by r = max(0, ||Z_k|| - tau).
    ``tau`` is a scalar or one threshold per location (n_locations,).
    MNE: the shrink step of ``mne.inverse_sparse.mxne_optim._bcd``.
    """
    tau = _check_tau(tau)
    return Z * np.repeat(shrink_factors(group_norms(Z, n_orient), tau), n_orient)[:, None]


def prox_l1_columns(Z, tau, n_orient):
    """Soft-thresholding of every TF coefficient, the prox of tau * sum_{k,m} ||Z_k[:, m]||_2.

        prox(Z)_k[:, m] = Z_k[:, m] * max(0, 1 - tau / ||Z_k[:, m]||_2)

    The L1 penalty of TF-MxNE counts a time-frequency atom m of location k once, whatever the
    number of orientations: the column of its n_orient (complex) coefficients is shrunk as a
    group (the same 1-D derivation as :func:`prox_l21`, column by column).
    """
    n_rows, n_coefs = Z.shape
    _check_rows(Z, n_orient, "Z")
    tau = _check_tau(tau)
    columns = Z.reshape(n_rows // n_orient, n_orient, n_coefs)
    norms = np.sqrt((np.abs(columns) ** 2).sum(axis=1, keepdims=True))
    return (columns * shrink_factors(norms, tau)).reshape(n_rows, n_coefs)


def location_mask(active, n_orient):
    """Boolean mask over locations from a mask over dipole components (any component active)."""
    return np.asarray(active).reshape(-1, n_orient).any(axis=1)


def source_mask(active_locations, n_orient):
    """Boolean mask over dipole components from a mask over locations (each repeated n_orient)."""
    return np.repeat(np.asarray(active_locations, dtype=bool), n_orient)


@dataclass(frozen=True)
class L21:
    """The MxNE penalty  Omega(j) = alpha * ||j||_{2,1}, alpha in whitened data units.

    ``weights`` (n_locations,), optional, make it sum_k alpha * w_k ||j_k||_F (irMxNE's inner
    problem is written instead with a reweighted gain, as MNE does, so weights stay None there).
    """

    alpha: float
    n_orient: int = 1

    def value(self, j):
        """alpha * ||j||_{2,1}."""
        return self.alpha * norm_l21(j, self.n_orient)

    def prox(self, Z, step):
        """prox of step * Omega: group soft-thresholding at step * alpha."""
        return prox_l21(Z, step * self.alpha, self.n_orient)

    def dual_norms(self, Lt_R):
        """Per location: ||L_k^T R||_F / alpha (the optimality condition of j_k = 0 is <= 1)."""
        return group_norms(Lt_R, self.n_orient) / self.alpha

    def dual_norm(self, Lt_R):
        """Omega^*(L^T R) / 1, scaled so that the dual feasible set is {dual_norm <= 1}:
        ||L^T R||_{2,inf} / alpha."""
        return norm_l2inf(Lt_R, self.n_orient) / self.alpha

    def synthesis(self, j):
        """The penalised variable is the source time course itself (identity)."""
        return j

    def analysis_of_gradient(self, Lt_R):
        """Gradient in the penalised variable's coordinates (identity for MxNE)."""
        return Lt_R
