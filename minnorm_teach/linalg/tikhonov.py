"""Tikhonov regularisation and the kernels built from the SVD (chapters 03-04).

Arrays in, arrays out. ``L`` lead field (n_channels, n_sources), ``b`` data (n_channels,) or
(n_channels, n_times), ``eps`` the Tikhonov parameter of the slides, ``U, s, V`` the SVD
``L = U diag(s) V^T``, ``gamma = s / (s^2 + eps)`` (MNE's ``reginv``; its one home is
:func:`regularised_inverse`), ``f = s^2 / (s^2 + eps)`` the filter factors, ``K`` the kernel
(``j_hat = K b``). On a whitened, trace-normalised lead field (MNE's ``L_tilde``), ``eps`` *is*
MNE's ``lambda2``.

- kernels: :func:`tikhonov_kernel` (sensor or source form), :func:`svd_kernel`,
  :func:`truncated_svd_kernel`, :func:`brainstorm_kernel`, :func:`fieldtrip_kernel`
- filters: :func:`filter_factors`, :func:`regularised_inverse`, :func:`truncated_filter_factors`
- one SVD for every eps: :func:`svd_solution`, :func:`tikhonov_norms`
"""

import numpy as np

from .. import validation
from .generalized import _as_data, _as_eps, _as_lead_field, _as_noise_cov
from .svd import _as_svd

__all__ = ["tikhonov_kernel", "filter_factors", "regularised_inverse", "svd_kernel",
           "truncated_filter_factors", "truncated_svd_kernel", "brainstorm_kernel",
           "fieldtrip_kernel", "svd_solution", "tikhonov_norms"]


def tikhonov_kernel(L, eps, *, form="sensor"):
    """K = L^T (L L^T + eps I)^{-1} (form="sensor") = (L^T L + eps I)^{-1} L^T (form="source").

    The minimiser of F(j) = ||b - L j||^2 + eps ||j||^2 is j_hat = K b. The two forms are equal
    (push-through identity); the sensor form solves an n_channels x n_channels system, the
    source form an n_sources x n_sources one. The slides' MNE; MNE-Python's
    ``apply_inverse(method="MNE")`` with eps = lambda2 on the whitened, trace-normalised gain;
    Brainstorm's kernel with eps = 1/Lambda.
    """
    L = _as_lead_field(L)
    eps = float(_as_eps(eps))
    form = validation.check_option(form, "form", ("sensor", "source"))
    n_channels, n_sources = L.shape
    if form == "sensor":
        return np.linalg.solve(L @ L.T + eps * np.eye(n_channels), L).T
    return np.linalg.solve(L.T @ L + eps * np.eye(n_sources), L.T)


def _as_singular_values(s):
    """s: a real, finite 1-D array of singular values (>= 0)."""
    s = validation.as_real_array(s, "s", ndim=1, shape_text="(k,)")
    validation.check_finite(s, "s", labels=("component",))
    if np.any(s < 0):
        raise validation.refuse("s", "singular values (every value >= 0)",
                                validation.errors.shown(f"{s.min():.3g} at component "
                                                        f"{int(np.argmin(s))}"))
    return s


def filter_factors(s, eps):
    """f_i = s_i^2 / (s_i^2 + eps), each in [0, 1]; vectorised over eps.

    f -> 1 (kept) when s_i^2 >> eps, f -> 0 (filtered out) when s_i^2 << eps; eps = 0 gives the
    pseudo-inverse (f = 1 where s > 0). Shape (k,) for a scalar eps, (n_eps, k) for an array.
    MNE: ``sing * reginv`` (used for the explained variance).
    """
    s = _as_singular_values(s)
    eps = _as_eps(eps, allow_zero=True)
    s2 = s ** 2
    denom = s2 + eps[..., None]
    return np.divide(s2, denom, out=np.zeros(np.broadcast(s2, denom).shape), where=denom > 0)


def regularised_inverse(s, eps, *, rank=None):
    """gamma_i = s_i / (s_i^2 + eps) = f_i / s_i; vectorised over eps like filter_factors.

    MNE: ``reginv`` (``_compute_reginv``); eps = 0 gives 1/s_i where s_i > 0, else 0. With
    ``rank``, components i >= rank get gamma_i = 0: beyond the rank of the noise covariance
    they carry no information (MNE inverts only its first ``n_nzero`` components).
    """
    s = _as_singular_values(s)
    eps = _as_eps(eps, allow_zero=True)
    if rank is not None:
        rank = validation.check_int(rank, "rank", low=0)
    denom = s ** 2 + eps[..., None]
    gamma = np.divide(s, denom, out=np.zeros(np.broadcast(s, denom).shape), where=denom > 0)
    if rank is not None:
        gamma[..., rank:] = 0.0
    return gamma


def svd_kernel(L, eps):
    """K = V diag(s / (s^2 + eps)) U^T = V diag(gamma) U^T.

    Equal to :func:`tikhonov_kernel`; with the SVD computed once (pass ``svd(L)`` as ``L``)
    each new eps costs one diagonal scaling. MNE ``_assemble_kernel``:
    ``eigen_leads @ diag(reginv) @ eigen_fields`` (before R^{1/2} and W P).
    """
    usv = _as_svd(L)
    gamma = regularised_inverse(usv.s, _as_eps(eps))
    return (usv.V * gamma) @ usv.U.T


def truncated_filter_factors(s, k):
    """f_i = 1 for i < k, 0 otherwise: truncated SVD as a (hard) filter."""
    s = _as_singular_values(s)
    k = validation.check_int(k, "k", low=1, high=len(s),
                             hint="k counts the singular values kept")
    return (np.arange(len(s)) < k).astype(float)


def truncated_svd_kernel(L, k):
    """K_k = V_k diag(1 / s_k) U_k^T: keep the k largest singular values, drop the rest.

    k = rank(L) gives numpy.linalg.pinv(L). Compare with Tikhonov's smooth filter.
    """
    validation.check_int(k, "k", low=1)
    usv = _as_svd(L)
    keep = truncated_filter_factors(usv.s, k) > 0
    if np.any(usv.s[keep] <= 0):
        raise ValueError(f"the {k} kept singular values include zeros: use k <= "
                         f"{int(np.sum(usv.s > 0))}")
    return (usv.V[:, keep] / usv.s[keep]) @ usv.U[:, keep].T


def brainstorm_kernel(L, snr):
    """K = Lambda L^T UL diag(1 / (Lambda SL2 + 1)) UL^T, with [UL, SL2] = eig(L L^T) and
    Lambda = snr^2 / mean(SL2).

    Brainstorm ``bst_inverse_linear_2018`` (amplitude, before the whitener ``iW_noise``), line by
    line. It equals ``tikhonov_kernel(L, eps)`` with eps = 1 / Lambda = mean(SL2) / snr^2
    = trace(L L^T) / (n_channels snr^2) (see :func:`brainstorm_lambda`).
    """
    L = _as_lead_field(L)
    snr = validation.check_real(snr, "snr", low=0, low_open=True)
    SL2, UL = np.linalg.eigh(L @ L.T)             # [UL, SL2] = svd(L*L'); SL2 = diag(SL2)
    Lambda = snr ** 2 / np.mean(SL2)              # Lambda = SNR^2 / mean(SL.^2)
    middle = (UL / (Lambda * SL2 + 1)) @ UL.T     # UL * diag(1./(Lambda*SL2 + 1)) * UL'
    return Lambda * L.T @ middle                  # Kernel = Lambda * L' * (...)


def fieldtrip_kernel(L, C, lam):
    """K = r L^T (r L L^T + lam^2 C)^{-1},  r = tr(C) / tr(L L^T).

    FieldTrip ``ft_inverse_mne`` with ``prewhiten='no'`` (FieldTrip's default),
    ``scalesourcecov='yes'`` and the identity source covariance: the source covariance
    R = r I is scaled so that tr(L R L^T) = tr(C), and ``cfg.mne.lambda`` enters **squared**,
    next to the unwhitened noise covariance C (n_channels, n_channels). With
    ``prewhiten='yes'`` FieldTrip whitens first and uses lambda unsquared: that kernel is
    :func:`svd_kernel` of the whitened, scaled lead field with eps = lambda, MNE's lambda2.
    See :func:`minnorm_teach.linalg.lambda2_from_fieldtrip` for the MNE equivalents.
    """
    L = _as_lead_field(L)
    C = _as_noise_cov(C, L.shape[0])
    lam = float(lam)
    if not np.isfinite(lam) or lam <= 0:
        raise ValueError(f"FieldTrip lambda must be finite and > 0, but got {lam}")
    r = np.trace(C) / np.sum(L ** 2)                  # scalesourcecov: tr(L R L^T) = tr(C)
    return r * np.linalg.solve(r * L @ L.T + lam ** 2 * C, L).T



# ----------------------------------------------------------------------------- one SVD, many eps
def _projections(usv, b):
    """beta = U^T b and the squared norm of b outside the column space of U, per time summed."""
    n_channels, k = usv.U.shape
    beta = usv.U.T @ b
    # U square: b lies in its span exactly (no cancellation error); otherwise ||b - U U^T b||^2
    outside = 0.0 if k == n_channels else float(np.sum((b - usv.U @ beta) ** 2))
    beta2 = beta ** 2 if beta.ndim == 1 else np.sum(beta ** 2, axis=1)
    return beta, beta2, outside


def _checked(L, b):
    """(SVD of L, b checked against it): the boundary of every function of L and b."""
    usv = _as_svd(L)
    return usv, _as_data(b, usv.U.shape[0], n_sources=usv.V.shape[0])


def svd_solution(L, b, eps):
    """j_hat = V diag(gamma) U^T b, gamma = s / (s^2 + eps): the Tikhonov estimate from the SVD."""
    usv, b = _checked(L, b)
    beta, _, _ = _projections(usv, b)
    gamma = regularised_inverse(usv.s, _as_eps(eps))
    return usv.V @ (gamma[:, None] * beta if beta.ndim == 2 else gamma * beta)


def tikhonov_norms(L, b, eps):
    """Residual and solution norms for every eps from one SVD:

    ||b - L j_eps||^2 = sum_i (1 - f_i)^2 beta_i^2 + ||b - U U^T b||^2,
    ||j_eps||^2       = sum_i gamma_i^2 beta_i^2,     beta = U^T b

    (Frobenius norms over time for a (n_channels, n_times) b). Returns (residual_norm,
    solution_norm), each shaped like eps.
    """
    usv, b = _checked(L, b)
    return _norms(usv, b, _as_eps(eps, allow_zero=True))


def _norms(usv, b, eps):
    """tikhonov_norms on checked inputs (usv an SVD, b real and finite, eps an array)."""
    _, beta2, outside = _projections(usv, b)
    f = filter_factors(usv.s, eps)
    gamma = regularised_inverse(usv.s, eps)
    residual = np.sqrt(np.sum((1 - f) ** 2 * beta2, axis=-1) + outside)
    solution = np.sqrt(np.sum(gamma ** 2 * beta2, axis=-1))
    return residual, solution
