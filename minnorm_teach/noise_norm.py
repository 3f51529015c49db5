"""Noise normalisation: dSPM, sLORETA and eLORETA, from the SVD of the whitened problem.

Notation (:mod:`minnorm_teach.notation`): the whitened, weighted lead field is
``L_tilde = W P L R^{1/2} = U diag(s) V^T``, ``gamma = s / (s^2 + lambda2)`` (MNE's ``reginv``)
and the minimum-norm kernel is ``K = R^{1/2} V diag(gamma) U^T W P``. In whitened units the noise
covariance is the identity, so every noise variance below is a sum over the singular components.

- dSPM (Dale et al. 2000): divide each estimate by the standard deviation of its noise,
  ``[K C K^T]_kk = R_k sum_i V_ki^2 gamma_i^2``.
- sLORETA (Pascual-Marqui 2002; MNE's scaling): divide by the standard deviation of the
  estimate under noise *and* the prior source variance,
  ``[K (C + L R L^T / lambda2) K^T]_kk = R_k sum_i V_ki^2 gamma_i^2 (1 + s_i^2 / lambda2)``.
  MNE uses its prior R here, depth weighting and loose orientation prior included; with
  R = c I (fixed orientation, ``depth=None``) this is Pascual-Marqui's unit-prior sLORETA
  (:func:`sloreta_unit_prior`) times one global factor, otherwise the two differ location by
  location.
- eLORETA (Pascual-Marqui 2007/2011): replace the prior R by weights found by a fixed-point
  iteration so that the estimate of a single noiseless source peaks at the right place
  (:mod:`minnorm_teach.eloreta`).

:func:`prepare_kernel` is the one dispatcher over the four methods (MNE, dSPM, sLORETA,
eLORETA) that ``apply_inverse`` and the resolution analysis call.

With free or loose orientations the three variances of a location are summed, giving one
normalising factor per location. MNE counterpart: ``prepare_inverse_operator`` (noise norms);
the formulas were re-derived, not copied.
"""

from dataclasses import replace

import numpy as np

from .eloreta import ELORETA_DEFAULTS, eloreta_kernel
from .kernel import mne_kernel

__all__ = ["INVERSE_METHODS", "METHODS", "noise_variance_dspm", "noise_variance_sloreta",
           "sum_orientations", "noise_norm", "prepare_kernel", "sloreta_unit_prior",
           "location_noise_covariance", "null_exceedance"]

INVERSE_METHODS = ("MNE", "dSPM", "sLORETA", "eLORETA")
METHODS = INVERSE_METHODS[1:]                       # the noise-normalised ones


# ---------------------------------------------------------------- dSPM and sLORETA --

def _check_svd_parts(V, gamma, R):
    n_dipoles, k = np.shape(V)
    if np.shape(gamma) != (k,):
        raise ValueError(f"V has {k} columns (singular components) but gamma has shape "
                         f"{np.shape(gamma)}; expected ({k},)")
    if np.shape(R) != (n_dipoles,):
        raise ValueError(f"V has {n_dipoles} rows (dipoles) but R has shape {np.shape(R)}; "
                         f"expected ({n_dipoles},)")


def noise_variance_dspm(V, gamma, R):
    """Noise variance of each dipole estimate: [K C K^T]_kk = R_k sum_i V_ki^2 gamma_i^2.

    Parameters
    ----------
    V : array, (n_dipoles, k)
        Right singular vectors of the whitened, weighted lead field (MNE ``eigen_leads``).
    gamma : array, (k,)
        s / (s^2 + lambda2), zero beyond the rank (MNE ``reginv``).
    R : array, (n_dipoles,)
        Source prior variances, already divided by nave (MNE ``source_cov`` after
        ``prepare_inverse_operator``).

    Returns
    -------
    var : array, (n_dipoles,)
        In (A·m)^2 when R is; the noise covariance is the identity in whitened units.
    """
    _check_svd_parts(V, gamma, R)
    return R * np.sum((V * gamma) ** 2, axis=1)


def noise_variance_sloreta(V, s, gamma, R, lambda2):
    """sLORETA: [K (C + L R L^T/lambda2) K^T]_kk = R_k sum_i V_ki^2 gamma_i^2 (1 + s_i^2/lambda2).

    ``lambda2 * var_k / R_k`` is the diagonal of the whitened resolution matrix
    ``V diag(s^2/(s^2+lambda2)) V^T``, so sLORETA standardises by the resolution matrix.
    This is MNE's sLORETA, with MNE's prior R (depth and orientation priors included). Only
    when R = c I (fixed orientation, no depth weighting) is it Pascual-Marqui's unit-prior
    formula (:func:`sloreta_unit_prior`) times one global factor; with depth weighting the
    ratio varies from location to location (chapter 08 measures it).

    Parameters
    ----------
    V, gamma, R : as in :func:`noise_variance_dspm`
    s : array, (k,)
        Singular values of the whitened, weighted lead field (MNE ``sing``).
    lambda2 : float
        Regularisation, > 0.
    """
    _check_svd_parts(V, gamma, R)
    if not lambda2 > 0:
        raise ValueError(f"sLORETA needs lambda2 > 0, got {lambda2!r}")
    weight = gamma * np.sqrt(1.0 + np.asarray(s) ** 2 / lambda2)
    return R * np.sum((V * weight) ** 2, axis=1)


def sum_orientations(var, n_orient):
    """Sum the n_orient variances of each location: (n_sources * n_orient,) -> (n_sources,)."""
    var = np.asarray(var)
    if n_orient not in (1, 3) or var.ndim != 1 or var.size % n_orient:
        raise ValueError(f"cannot group {var.shape} variances by n_orient={n_orient} "
                         f"(expected n_orient 1 or 3 and a length divisible by it)")
    return var.reshape(-1, n_orient).sum(axis=1)


def noise_norm(var, n_orient):
    """Factor per location: 1 / sqrt(sum of the location's variances) (MNE ``noisenorm``)."""
    return 1.0 / np.sqrt(sum_orientations(var, n_orient))


# ------------------------------------------------------------------ kernel assembly --

def _check_method(method):
    if method not in INVERSE_METHODS:
        raise ValueError(f"method must be one of {INVERSE_METHODS}, got {method!r}")


def prepare_kernel(inv, lambda2, method="MNE", nave=1, method_params=None):
    """The kernel of any method at (lambda2, nave): the ONE place where a method is chosen.

    "MNE": :func:`minnorm_teach.kernel.mne_kernel`. dSPM / sLORETA: the same kernel K and
    ``noise_norm = 1 / sqrt(sum over a location's components of var_k)`` with ``var`` from
    :func:`noise_variance_dspm` / :func:`noise_variance_sloreta` at R_nave = R / nave, so
    both scale with sqrt(nave); computed from V, gamma and R, never from K C K^T. eLORETA:
    :func:`minnorm_teach.eloreta.eloreta_kernel` (``method_params``: eps, max_iter,
    force_equal; MNE 1.13.2's defaults 1e-6, 20, False).

    Returns
    -------
    minnorm_teach.kernel.Kernel
    """
    _check_method(method)
    method_params = dict(method_params or {})
    if method == "eLORETA":
        unknown = set(method_params) - set(ELORETA_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown eLORETA option(s) {sorted(unknown)}; valid: "
                             f"{sorted(ELORETA_DEFAULTS)}")
        return eloreta_kernel(inv, lambda2, nave, **{**ELORETA_DEFAULTS, **method_params})[0]
    if method_params:
        raise ValueError(f"method_params are only used by eLORETA (eps, max_iter, "
                         f"force_equal); method {method!r} takes none, got "
                         f"{sorted(method_params)}")
    kernel = mne_kernel(inv, lambda2, nave)
    if method == "MNE":
        return kernel
    if method == "dSPM":
        var = noise_variance_dspm(inv.V, kernel.gamma, kernel.R)
    else:
        var = noise_variance_sloreta(inv.V, inv.s, kernel.gamma, kernel.R, lambda2)
    return replace(kernel, noise_norm=noise_norm(var, inv.n_orient), method=method)


# ------------------------------------------------------- sLORETA with a unit prior --

def sloreta_unit_prior(L_w, alpha):
    """Pascual-Marqui's sLORETA (fixed orientation): row k of T over sqrt([T L_w]_kk).

    T = L_w^T (L_w L_w^T + alpha I)^-1 is the minimum-norm kernel with a unit source prior
    (R = I) on the whitened lead field ``L_w`` (the kept rows of ``W L``, as MNE whitens the
    gain: W's rows lie in the range of the projector, so W P = W up to round-off); ``T L_w`` is
    its resolution matrix, and Pascual-Marqui (2002) divides each estimate by the square root
    of its diagonal. Returns the standardised kernel, (n_sources, n_rows), to be applied to
    whitened data ``W P b``. MNE's sLORETA with ``depth=None`` and fixed orientation equals it
    times one global factor (for ``alpha = lambda2 / c``, R = c I); with depth weighting it
    does not.
    """
    L_w = np.asarray(L_w, dtype=float)
    n_rows, n_sources = L_w.shape
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    T = np.linalg.solve(L_w @ L_w.T + alpha * np.eye(n_rows), L_w).T      # (n_sources, n_rows)
    resolution_diag = np.sum(T * L_w.T, axis=1)                            # [T L_w]_kk
    return T / np.sqrt(resolution_diag)[:, None]


# ----------------------------------------------- dSPM as a statistic: its null law --

def location_noise_covariance(V, gamma, R, n_orient):
    """The n_orient x n_orient blocks of K C K^T, one per location: (n_sources, o, o).

    With B_k = the rows of sqrt(R) V diag(gamma) for location k, the block is B_k B_k^T (the
    whitened noise covariance is the identity). Its trace is the sum of the location's
    variances that dSPM divides by; its eigenvalues say how the noise spreads over the
    location's directions.
    """
    _check_svd_parts(V, gamma, R)
    if n_orient not in (1, 3) or len(R) % n_orient:
        raise ValueError(f"cannot group {len(R)} dipoles by n_orient={n_orient}")
    B = (np.sqrt(R)[:, None] * np.asarray(V) * gamma).reshape(-1, n_orient, len(gamma))
    return B @ B.transpose(0, 2, 1)


def null_exceedance(shares, threshold, *, rng, n_draws=20_000, chunk=512):
    """P(dSPM > threshold) under pure noise, per location, by Monte Carlo: (n_sources,).

    Under the null a location's dSPM^2 is sum_c e_c z_c^2 with z_c independent N(0, 1) and
    e_c the eigenvalues of its noise covariance block divided by their sum (``shares``,
    (n_sources, n_orient)); one share of 1 gives |z|, so 2 Phi(-threshold), three equal
    shares chi^2_3 / 3. The same ``n_draws`` draws of z serve every location.
    """
    shares = np.asarray(shares, dtype=float)
    z2 = rng.standard_normal((shares.shape[1], int(n_draws))) ** 2
    p = np.empty(len(shares))
    for start in range(0, len(shares), chunk):
        block = shares[start:start + chunk] @ z2
        p[start:start + chunk] = np.mean(block > threshold ** 2, axis=1)
    return p
