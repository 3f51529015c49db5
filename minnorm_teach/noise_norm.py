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
- eLORETA (Pascual-Marqui 2007/2011): replace the prior R by weights found by a fixed-point
  iteration so that the estimate of a single noiseless source peaks at the right place.

With free or loose orientations the three variances of a location are summed, giving one
normalising factor per location. MNE counterpart: ``prepare_inverse_operator`` (noise norms)
and ``mne/minimum_norm/_eloreta.py`` (weights); the formulas were re-derived, not copied.
"""

from dataclasses import dataclass, replace

import numpy as np
from scipy import linalg

__all__ = ["METHODS", "noise_variance_dspm", "noise_variance_sloreta", "sum_orientations",
           "noise_norm", "ELoretaWeights", "eloreta_weights", "eloreta_kernel",
           "prepare_kernel"]

METHODS = ("dSPM", "sLORETA", "eLORETA")
ELORETA_DEFAULTS = dict(eps=1e-6, max_iter=20, force_equal=False)   # MNE 1.13.2's, see §2.6


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
    ``V diag(s^2/(s^2+lambda2)) V^T``, so sLORETA standardises by the resolution matrix
    (MNE's scaling: one global factor away from Pascual-Marqui's unit-prior formula).

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


# ------------------------------------------------------------------------- eLORETA --

@dataclass(frozen=True, repr=False)
class ELoretaWeights:
    """eLORETA weights and the SVD of the re-weighted problem.

    ``R`` holds one weight per dipole (fixed orientation or ``force_equal``), shape
    (n_dipoles,), or one 3 x 3 block per location, shape (n_sources, 3, 3). The kernel is
    ``K = V_weighted diag(gamma) U^T W P`` with ``V_weighted = R^{1/2} V`` the SVD of
    ``A = W P L R^{1/2} = U diag(s) V^T``.
    """

    R: np.ndarray
    U: np.ndarray
    s: np.ndarray
    V_weighted: np.ndarray
    n_iter: int
    delta: float
    converged: bool

    def __repr__(self):
        return (f"ELoretaWeights(R: {self.R.shape}, U: {self.U.shape}, s: {self.s.shape}, "
                f"V_weighted: {self.V_weighted.shape}, n_iter={self.n_iter}, "
                f"delta={self.delta:.1e}, converged={self.converged})")


def _blocks(L_w, n_orient):
    """(n_channels, n_sources * 3) -> (n_sources, 3, n_channels): the lead field per location."""
    n_channels = L_w.shape[0]
    return L_w.reshape(n_channels, -1, n_orient).transpose(1, 2, 0)


def _sym_power(M, power):
    """M^power for stacked symmetric PSD M; eigenvalues <= 1e-7 max count as 0 (inverse: ∞)."""
    e, Q = np.linalg.eigh(M)
    small = e <= e[..., -1:] * 1e-7
    e = np.where(small, np.inf if power < 0 else 0.0, e)
    return np.matmul(Q * e[..., None, :] ** power, Q.swapaxes(-2, -1)), np.sqrt(e)


def _times_sqrt_R(X, R_sqrt):
    """X R^{1/2}, X (m, n_dipoles), R^{1/2} diagonal (n_dipoles,) or blocks (n_sources, 3, 3)."""
    if R_sqrt.ndim == 1:
        return X * R_sqrt
    m = X.shape[0]
    return np.matmul(R_sqrt, _blocks(X, 3)).reshape(-1, m).T


def _model_cov(L_w, R, rank):
    """Return (L R L^T / c, R / c) with c = tr(L R L^T) / rank, so that tr(L R L^T) = rank."""
    if R.ndim == 1:
        LRLt = (L_w * R) @ L_w.T
    else:
        n_channels = L_w.shape[0]
        LR = np.einsum("cka,kab->ckb", L_w.reshape(n_channels, -1, 3), R)
        LRLt = LR.reshape(n_channels, -1) @ L_w.T
    c = np.trace(LRLt) / rank
    return LRLt / c, R / c


def _eloreta_step(L_w, LRLt, R_prior, rank, lambda2, n_orient, force_equal):
    """One update: N = (L R L^T + lambda2 I)^+ (top-rank part), R_k = (L_k^T N L_k)^{-1/2}."""
    e, Q = np.linalg.eigh(LRLt)
    e = np.abs(e)
    top = np.argsort(e)[::-1][:rank]
    e, Q = e[top], Q[:, top]
    N = (Q * np.where(e > 0, 1.0 / (e + lambda2), 0.0)) @ Q.T
    NL = N @ L_w
    if n_orient == 1:
        return R_prior / np.sqrt(np.sum(NL * L_w, axis=0))
    n_channels = L_w.shape[0]
    M = np.einsum("cka,ckb->kab", L_w.reshape(n_channels, -1, 3),
                  NL.reshape(n_channels, -1, 3))                          # L_k^T N L_k
    R, root_eig = _sym_power(M, -0.5)
    if force_equal:
        R = np.repeat(1.0 / root_eig.mean(axis=-1), 3)
    return R * R_prior


def eloreta_weights(L_w, *, n_orient, rank, lambda2, orient_prior=None, eps=1e-6,
                    max_iter=20, force_equal=False):
    """eLORETA weights by fixed-point iteration (MNE 1.13.2: eps 1e-6, 20 iter., force_equal False).

    Minimises nothing explicitly: it iterates ``R_k = (L_k^T (L R L^T + lambda2 I)^+ L_k)^{-1/2}``
    (a 3 x 3 block per location for free/loose orientation) until the weights stop changing.

    Steps:
      1. L = W P L_raw x sqrt(orient_prior) (no depth prior: eLORETA undoes depth bias itself);
         R = identity x prior.
      2. Rescale R so that tr(L R L^T) = rank.
      3. N = (L R L^T + lambda2 I)^+ on the top ``rank`` eigenvectors.
      4. R_k = (L_k^T N L_k)^{-1/2} (force_equal: 1 / mean of sqrt(eig(L_k^T N L_k)), times I);
         R *= prior; rescale as in 2.
      5. Stop when ||R - R_old|| / ||R_old|| < eps, or after max_iter updates.
      6. Back to the lead field without orient_prior, rescale R, SVD of A = L R^{1/2}.

    Parameters
    ----------
    L_w : array, (n_channels, n_dipoles)
        Whitened, projected lead field W P L (no depth prior, no orientation prior);
        loose/free: surface-oriented triplets [t1, t2, n] per location.
    n_orient : {1, 3}
    rank : int
        Rank of the whitened noise covariance (MNE's ``n_nzero``).
    lambda2 : float
    orient_prior : array, (n_dipoles,), optional
        Variance of each component (1 for normals, ``loose`` for tangential ones).
    eps, max_iter, force_equal : as in MNE's ``method_params``.

    Returns
    -------
    ELoretaWeights
    """
    L_w = np.asarray(L_w, dtype=float)
    n_channels, n_dipoles = L_w.shape
    if n_orient not in (1, 3) or n_dipoles % n_orient:
        raise ValueError(f"L_w has {n_dipoles} columns, not a multiple of n_orient={n_orient}")
    std = np.ones(n_dipoles) if orient_prior is None else np.sqrt(orient_prior)
    if std.shape != (n_dipoles,):
        raise ValueError(f"orient_prior has shape {np.shape(orient_prior)} but L_w has "
                         f"{n_dipoles} columns")
    blockwise = n_orient == 3 and not force_equal
    if blockwise:
        R_prior = std.reshape(-1, 1, 3) * std.reshape(-1, 3, 1)          # step 1
        R = np.eye(3) * R_prior
    else:
        R_prior = std ** 2
        R = R_prior.copy()
    G = L_w * std
    LRLt, R = _model_cov(G, R, rank)                                      # step 2
    n_iter, delta, converged = 0, np.inf, False
    while n_iter < max_iter and not converged:                            # steps 3-5
        n_iter += 1
        R_old = R
        R = _eloreta_step(G, LRLt, R_prior, rank, lambda2, n_orient, force_equal)
        LRLt, R = _model_cov(G, R, rank)
        delta = np.linalg.norm(R - R_old) / np.linalg.norm(R_old)
        converged = delta < eps
    _, R = _model_cov(L_w, R, rank)                                       # step 6
    R_sqrt = _sym_power(R, 0.5)[0] if blockwise else np.sqrt(R)
    U, s, Vt = linalg.svd(_times_sqrt_R(L_w, R_sqrt), full_matrices=False)
    V_weighted = _times_sqrt_R(Vt, R_sqrt).T
    return ELoretaWeights(R=R, U=U, s=s, V_weighted=V_weighted, n_iter=n_iter,
                          delta=float(delta), converged=converged)


# ------------------------------------------------------------------ kernel assembly --

def _check_method(method):
    if method not in METHODS:
        raise ValueError(f"noise normalisation method must be one of {METHODS}, got "
                         f"{method!r} (plain minimum norm is method='MNE' in apply_inverse)")


def eloreta_kernel(inv, lambda2, nave, *, eps=1e-6, max_iter=20, force_equal=False):
    """eLORETA kernel K = R_e^{1/2} V diag(gamma) U^T W P with A = W P L R_e^{1/2} = U diag(s) V^T.

    R_e are the weights of :func:`eloreta_weights` on the lead field whitened at ``nave``
    (W_nave = sqrt(nave) W); ``inv``'s depth prior and trace scale are not used. MNE:
    ``apply_inverse(..., method="eLORETA", method_params=dict(eps=, max_iter=, force_equal=))``.

    Returns
    -------
    kernel : minnorm_teach.inverse.Kernel
        ``noise_norm`` is None (eLORETA's weights are the normalisation), ``R`` is NaN (the
        weights are 3 x 3 blocks for free/loose orientation), ``U, s, gamma`` are eLORETA's.
    weights : ELoretaWeights
        The iteration's result (``n_iter``, ``delta``, ``converged``).
    """
    from .inverse import Kernel, regularised_gamma, scale_to_nave

    _, W_nave, colorer = scale_to_nave(inv, nave)
    L_w = W_nave @ inv.P @ inv.L
    weights = eloreta_weights(L_w, n_orient=inv.n_orient, rank=inv.rank, lambda2=lambda2,
                              orient_prior=inv.orient_prior, eps=eps, max_iter=max_iter,
                              force_equal=force_equal)
    gamma = regularised_gamma(weights.s, lambda2, inv.rank)
    K = weights.V_weighted @ ((gamma[:, None] * weights.U.T) @ W_nave @ inv.P)
    kernel = Kernel(K=K, noise_norm=None, method="eLORETA", lambda2=float(lambda2),
                    nave=float(nave), U=weights.U, s=weights.s, gamma=gamma, W=W_nave,
                    P=inv.P, colorer=colorer, R=np.full(inv.L.shape[1], np.nan))
    return kernel, weights


def prepare_kernel(inv, lambda2, method, nave, **method_params):
    """Kernel and noise normalisation of dSPM, sLORETA or eLORETA at (lambda2, nave).

    dSPM / sLORETA: the minimum-norm kernel K (unchanged) and
    ``noise_norm = 1 / sqrt(sum over a location's components of var_k)`` with ``var`` from
    :func:`noise_variance_dspm` / :func:`noise_variance_sloreta` at R_nave = R / nave, so
    both scale with sqrt(nave). eLORETA: :func:`eloreta_kernel` (``method_params``: eps,
    max_iter, force_equal; MNE 1.13.2's defaults 1e-6, 20, False).

    Called by ``minnorm_teach.inverse.prepare_kernel``; returns its ``Kernel``.
    """
    from .inverse import mne_kernel

    _check_method(method)
    if method == "eLORETA":
        unknown = set(method_params) - set(ELORETA_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown eLORETA option(s) {sorted(unknown)}; valid: "
                             f"{sorted(ELORETA_DEFAULTS)}")
        return eloreta_kernel(inv, lambda2, nave, **{**ELORETA_DEFAULTS, **method_params})[0]
    if method_params:
        raise ValueError(f"method_params are only used by eLORETA, got {sorted(method_params)} "
                         f"with method={method!r}")
    kernel = mne_kernel(inv, lambda2, nave)
    if method == "dSPM":
        var = noise_variance_dspm(inv.V, kernel.gamma, kernel.R)
    else:
        var = noise_variance_sloreta(inv.V, inv.s, kernel.gamma, kernel.R, lambda2)
    return replace(kernel, noise_norm=noise_norm(var, inv.n_orient), method=method)
