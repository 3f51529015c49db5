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

from . import validation
from .eloreta import ELORETA_DEFAULTS, eloreta_kernel
from .kernel import mne_kernel

__all__ = ["INVERSE_METHODS", "METHODS", "noise_variance_dspm", "noise_variance_sloreta",
           "sum_orientations", "noise_norm", "check_method_params", "prepare_kernel",
           "sloreta_unit_prior", "location_noise_covariance", "null_exceedance"]

INVERSE_METHODS = ("MNE", "dSPM", "sLORETA", "eLORETA")
METHODS = INVERSE_METHODS[1:]                       # the noise-normalised ones


# ---------------------------------------------------------------- dSPM and sLORETA --

def _check_svd_parts(V, gamma, R, s=None):
    """V (n_dipoles, k), gamma (k,), R (n_dipoles,) [, s (k,)]: real and finite, sizes named."""
    V = validation.as_real_array(V, "V", ndim=2, shape_text="(n_dipoles, k)")
    n_dipoles, k = V.shape
    parts = [V]
    for name, x, n, what in (("gamma", gamma, k, "columns (singular components)"),
                             ("R", R, n_dipoles, "rows (dipoles)"),
                             ("s", s, k, "columns (singular components)")):
        if x is None:
            continue
        x = validation.as_real_array(x, name, ndim=1, shape_text=f"({n},)")
        if x.shape != (n,):
            raise validation.InputValueError(f"V has {n} {what} but {name} has shape "
                                             f"{x.shape}; expected ({n},)", argument=name)
        parts.append(x)
    for name, x in zip(("V", "gamma", "R", "s"), parts, strict=False):
        validation.check_finite(x, name)
    return parts


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
    V, gamma, R = _check_svd_parts(V, gamma, R)
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
    V, gamma, R, s = _check_svd_parts(V, gamma, R, s)
    lambda2 = validation.check_real(lambda2, "lambda2", low=0, low_open=True,
                                    hint="sLORETA divides by lambda2")
    weight = gamma * np.sqrt(1.0 + s ** 2 / lambda2)
    return R * np.sum((V * weight) ** 2, axis=1)


def sum_orientations(var, n_orient):
    """Sum the n_orient variances of each location: (n_sources * n_orient,) -> (n_sources,)."""
    var = validation.as_real_array(var, "var", ndim=1, shape_text="(n_dipoles,)")
    n_orient = validation.check_option(n_orient, "n_orient", (1, 3))
    if var.size % n_orient:
        raise validation.refuse("var", f"one value per dipole, a length divisible by "
                                       f"n_orient={n_orient}",
                                validation.errors.shown(f"{var.size} values"))
    return var.reshape(-1, n_orient).sum(axis=1)


def noise_norm(var, n_orient):
    """Factor per location: 1 / sqrt(sum of the location's variances) (MNE ``noisenorm``)."""
    return 1.0 / np.sqrt(sum_orientations(var, n_orient))


# ------------------------------------------------------------------ kernel assembly --

def check_method_params(method, method_params):
    """eLORETA's options (eps > 0, max_iter >= 1, force_equal a bool) -> a complete dict;
    other methods take none (MNE ignores them; a typo would change nothing silently)."""
    if method_params is None:
        method_params = {}
    if not isinstance(method_params, dict):
        raise validation.refuse_type("method_params", "None or a dict like dict(eps=1e-6, "
                                                      "max_iter=20, force_equal=False)",
                                     method_params)
    if method != "eLORETA":
        if method_params:
            raise validation.refuse("method_params", f"None or empty: they are only used by "
                                                     f"eLORETA (eps, max_iter, force_equal), "
                                                     f"not {method!r}", method_params)
        return {}
    unknown = sorted(set(method_params) - set(ELORETA_DEFAULTS))
    if unknown:
        raise validation.refuse("method_params", f"a dict with keys among "
                                                 f"{sorted(ELORETA_DEFAULTS)}", method_params,
                                f"unknown eLORETA option(s) {unknown}")
    params = {**ELORETA_DEFAULTS, **method_params}
    return dict(eps=validation.check_real(params["eps"], "eps", low=0, low_open=True),
                max_iter=validation.check_int(params["max_iter"], "max_iter", low=1,
                                              high=validation.MAX_ITER),
                force_equal=validation.check_bool(params["force_equal"], "force_equal"))


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
    validation.check_inverse_operator(inv)
    lambda2 = validation.check_real(lambda2, "lambda2", low=0, hint="1 / SNR^2, e.g. 1 / 9")
    method = validation.check_option(method, "method", INVERSE_METHODS)
    nave = validation.check_real(nave, "nave", low=0, low_open=True)
    method_params = check_method_params(method, method_params)
    if method == "eLORETA":
        return eloreta_kernel(inv, lambda2, nave, **method_params)[0]
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
