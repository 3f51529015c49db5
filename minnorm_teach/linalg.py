"""The linear inverse from first principles: arrays in, arrays out (no MNE here).

Chapters 02-04. One equation per function, names from :mod:`minnorm_teach.notation`:
``L`` lead field (n_channels, n_sources), ``b`` data (n_channels,) or (n_channels, n_times),
``j`` sources, ``G = L L^T``, ``eps`` the Tikhonov parameter of the slides, ``U, s, V`` the SVD
``L = U diag(s) V^T``, ``gamma = s / (s^2 + eps)`` (MNE's ``reginv``), ``f = s^2 / (s^2 + eps)``
the filter factors, ``K`` the kernel (``j_hat = K b``).

On a whitened, trace-normalised lead field (MNE's ``L_tilde``), ``eps`` *is* MNE's ``lambda2``;
on the raw lead field it carries the units of ``G``. The functions do not care which: they
solve the same algebra.

- generalised inverse: :func:`minimum_norm_pinv`
- Tikhonov: :func:`tikhonov_kernel` (sensor or source form), :func:`svd_kernel`,
  :func:`filter_factors`, :func:`truncated_svd_kernel`, :func:`brainstorm_kernel`
- one SVD for every eps: :func:`svd`, :func:`svd_solution`, :func:`tikhonov_norms`
- choosing eps: :func:`l_curve`, :func:`discrepancy_principle`, :func:`gcv`,
  :func:`lambda2_from_snr`, :func:`brainstorm_lambda`, :func:`lambda2_from_brainstorm_snr`,
  :func:`lambda2_from_fieldtrip`
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

__all__ = ["SVD", "LCurve", "GCV", "svd", "minimum_norm_pinv", "tikhonov_kernel",
           "svd_kernel", "filter_factors", "regularised_inverse", "truncated_filter_factors",
           "truncated_svd_kernel", "brainstorm_kernel", "svd_solution", "tikhonov_norms",
           "l_curve", "discrepancy_principle", "gcv", "lambda2_from_snr", "brainstorm_lambda",
           "lambda2_from_brainstorm_snr", "lambda2_from_fieldtrip", "condition_number",
           "projector"]


# ----------------------------------------------------------------------------- boundary checks
def _as_lead_field(L, name="L"):
    L = np.asarray(L)
    if L.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (n_channels, n_sources) matrix, "
                         f"but it has shape {L.shape}")
    if not np.issubdtype(L.dtype, np.number) or np.iscomplexobj(L):
        raise TypeError(f"{name} must hold real numbers, but its dtype is {L.dtype}")
    L = L.astype(float)
    if not np.all(np.isfinite(L)):
        raise ValueError(f"{name} contains {np.sum(~np.isfinite(L))} NaN or infinite entries")
    return L


def _as_data(b, n_channels, name="b"):
    b = np.asarray(b)
    if b.ndim not in (1, 2):
        raise ValueError(f"{name} must be (n_channels,) or (n_channels, n_times), "
                         f"but it has shape {b.shape}")
    if b.shape[0] != n_channels:
        raise ValueError(f"the lead field has {n_channels} rows (channels) but {name} has "
                         f"{b.shape[0]} channels (shape {b.shape})")
    b = b.astype(float)
    if not np.all(np.isfinite(b)):
        raise ValueError(f"{name} contains {np.sum(~np.isfinite(b))} NaN or infinite entries")
    return b


def _as_eps(eps, *, allow_zero=False, name="eps"):
    eps = np.asarray(eps, dtype=float)
    bad = ~np.isfinite(eps) | (eps < 0) | ((eps == 0) & (not allow_zero))
    if np.any(bad):
        need = ">= 0" if allow_zero else "> 0 (eps = 0 is the unregularised pseudo-inverse: " \
                                          "use minimum_norm_pinv or truncated_svd_kernel)"
        raise ValueError(f"{name} must be finite and {need}, but got {eps[bad].ravel()[:3]}")
    return eps


def _as_svd(L):
    return L if isinstance(L, SVD) else svd(L)


# ----------------------------------------------------------------------------- the SVD
@dataclass(frozen=True)
class SVD:
    """Thin SVD ``L = U diag(s) V^T`` (MNE: ``eigen_fields = U^T``, ``sing = s``,
    ``eigen_leads = V``)."""

    U: np.ndarray   # (n_channels, k) left singular vectors: field patterns
    s: np.ndarray   # (k,) singular values, descending
    V: np.ndarray   # (n_sources, k) right singular vectors: source patterns

    def __repr__(self):
        return f"SVD(U: {self.U.shape}, s: {self.s.shape}, V: {self.V.shape})"


def svd(L):
    """L = U diag(s) V^T, thin (k = min(n_channels, n_sources)), s descending.

    MNE computes the same decomposition of the whitened, weighted gain in
    ``make_inverse_operator`` (``inv['eigen_fields']['data'] = U^T``, ``inv['sing'] = s``,
    ``inv['eigen_leads']['data'] = V``). Compute it once and pass it to :func:`svd_kernel`,
    :func:`tikhonov_norms`, :func:`l_curve`, :func:`gcv`... for every eps.
    """
    L = _as_lead_field(L)
    U, s, Vt = np.linalg.svd(L, full_matrices=False)
    return SVD(U=U, s=s, V=Vt.T)


def condition_number(L):
    """cond(L) = s_max / s_min (infinite when L is rank-deficient: s_min = 0)."""
    s = _as_svd(L).s
    return float(s[0] / s[-1]) if s[-1] > 0 else np.inf


def projector(vectors):
    """P = I - Q Q^T, Q an orthonormal basis of the span of the rows of ``vectors``.

    The SSP / average-reference projector: P b removes from b every component along the
    projection vectors (n_proj, n_channels); P is symmetric and P P = P. MNE: ``inv['proj']``
    (``make_projector``). The average reference is ``projector(np.ones((1, n_channels)))``.
    """
    vectors = _as_lead_field(vectors, name="vectors")
    n_channels = vectors.shape[1]
    Q, q, _ = np.linalg.svd(vectors.T, full_matrices=False)
    if q[0] == 0:
        return np.eye(n_channels)
    Q = Q[:, q > q[0] * max(vectors.shape) * np.finfo(float).eps]
    return np.eye(n_channels) - Q @ Q.T


# ----------------------------------------------------------------------------- kernels
def minimum_norm_pinv(L):
    """L^+ = L^T (L L^T)^{-1}: the minimum-norm generalised inverse of a full-row-rank L.

    argmin ||j||^2 subject to L j = b  is  j = L^T (L L^T)^{-1} b  (Lagrange multipliers).
    Equals ``numpy.linalg.pinv(L)`` when rank(L) = n_channels; MNE's kernel with
    ``lambda2 -> 0``; Brainstorm's kernel with SNR -> infinity.

    Raises ValueError when G = L L^T is numerically singular, cond(G) > 1 / (n_channels * machine
    eps): rank(L) < n_channels after an average reference or SSP projector, or rows in mixed
    units (T, T/m, V) that span more decades than double precision holds.
    """
    L = _as_lead_field(L)
    n_channels, n_sources = L.shape
    if n_channels > n_sources:
        raise ValueError(f"L has {n_channels} channels but only {n_sources} sources: the system "
                         f"is overdetermined; the minimum-norm pseudo-inverse needs "
                         f"n_channels <= n_sources (use least squares instead)")
    G = L @ L.T
    lam = np.linalg.eigvalsh(G)                   # eigenvalues of G = squared singular values
    tol = lam[-1] * n_channels * np.finfo(float).eps
    rank = int(np.sum(lam > tol))
    if rank < n_channels:
        raise ValueError(f"G = L L^T is singular: L has rank {rank} < {n_channels} channels "
                         f"(smallest/largest eigenvalue of G = {lam[0] / lam[-1]:.1e}), e.g. "
                         f"after an average reference or SSP projector, or with mixed units. "
                         f"Regularise with tikhonov_kernel(L, eps) (eps > 0), or drop the zero "
                         f"singular values with truncated_svd_kernel(L, {rank}) "
                         f"(= numpy.linalg.pinv(L)).")
    return np.linalg.solve(G, L).T


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
    n_channels, n_sources = L.shape
    if form == "sensor":
        return np.linalg.solve(L @ L.T + eps * np.eye(n_channels), L).T
    if form == "source":
        return np.linalg.solve(L.T @ L + eps * np.eye(n_sources), L.T)
    raise ValueError(f"form must be 'sensor' or 'source', but got {form!r}")


def filter_factors(s, eps):
    """f_i = s_i^2 / (s_i^2 + eps), each in [0, 1]; vectorised over eps.

    f -> 1 (kept) when s_i^2 >> eps, f -> 0 (filtered out) when s_i^2 << eps; eps = 0 gives the
    pseudo-inverse (f = 1 where s > 0). Shape (k,) for a scalar eps, (n_eps, k) for an array.
    MNE: ``sing * reginv`` (used for the explained variance).
    """
    s = np.asarray(s, dtype=float)
    eps = _as_eps(eps, allow_zero=True)
    s2 = s ** 2
    denom = s2 + eps[..., None]
    return np.divide(s2, denom, out=np.zeros(np.broadcast(s2, denom).shape), where=denom > 0)


def regularised_inverse(s, eps):
    """gamma_i = s_i / (s_i^2 + eps) = f_i / s_i; vectorised over eps like filter_factors.

    MNE: ``reginv`` (``_compute_reginv``); eps = 0 gives 1/s_i where s_i > 0, else 0.
    """
    s = np.asarray(s, dtype=float)
    eps = _as_eps(eps, allow_zero=True)
    denom = s ** 2 + eps[..., None]
    return np.divide(s, denom, out=np.zeros(np.broadcast(s, denom).shape), where=denom > 0)


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
    s = np.asarray(s, dtype=float)
    if not 1 <= int(k) <= len(s):
        raise ValueError(f"k must be between 1 and {len(s)} (number of singular values), "
                         f"but got {k}")
    return (np.arange(len(s)) < int(k)).astype(float)


def truncated_svd_kernel(L, k):
    """K_k = V_k diag(1 / s_k) U_k^T: keep the k largest singular values, drop the rest.

    k = rank(L) gives numpy.linalg.pinv(L). Compare with Tikhonov's smooth filter.
    """
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
    snr = float(snr)
    if not np.isfinite(snr) or snr <= 0:
        raise ValueError(f"snr must be finite and > 0, but got {snr}")
    SL2, UL = np.linalg.eigh(L @ L.T)             # [UL, SL2] = svd(L*L'); SL2 = diag(SL2)
    Lambda = snr ** 2 / np.mean(SL2)              # Lambda = SNR^2 / mean(SL.^2)
    middle = (UL / (Lambda * SL2 + 1)) @ UL.T     # UL * diag(1./(Lambda*SL2 + 1)) * UL'
    return Lambda * L.T @ middle                  # Kernel = Lambda * L' * (...)


# ----------------------------------------------------------------------------- one SVD, many eps
def _projections(usv, b):
    """beta = U^T b and the squared norm of b outside the column space of U, per time summed."""
    n_channels, k = usv.U.shape
    b = _as_data(b, n_channels)
    beta = usv.U.T @ b
    # U square: b lies in its span exactly (no cancellation error); otherwise ||b - U U^T b||^2
    outside = 0.0 if k == n_channels else float(np.sum((b - usv.U @ beta) ** 2))
    beta2 = beta ** 2 if beta.ndim == 1 else np.sum(beta ** 2, axis=1)
    return beta, beta2, outside


def svd_solution(L, b, eps):
    """j_hat = V diag(gamma) U^T b, gamma = s / (s^2 + eps): the Tikhonov estimate from the SVD."""
    usv = _as_svd(L)
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
    usv = _as_svd(L)
    _, beta2, outside = _projections(usv, b)
    eps = _as_eps(eps, allow_zero=True)
    f = filter_factors(usv.s, eps)
    gamma = regularised_inverse(usv.s, eps)
    residual = np.sqrt(np.sum((1 - f) ** 2 * beta2, axis=-1) + outside)
    solution = np.sqrt(np.sum(gamma ** 2 * beta2, axis=-1))
    return residual, solution


# ----------------------------------------------------------------------------- choosing eps
@dataclass(frozen=True)
class LCurve:
    """The L-curve: residual norm against solution norm over a grid of eps, and its corner."""

    eps: np.ndarray              # (n_eps,) grid
    residual_norm: np.ndarray    # (n_eps,) ||b - L j_eps||
    solution_norm: np.ndarray    # (n_eps,) ||j_eps||
    curvature: np.ndarray        # (n_eps,) signed curvature of (log rho, log eta)
    eps_corner: float            # eps of maximum curvature

    def __repr__(self):
        return (f"LCurve(eps: {self.eps.shape} from {self.eps[0]:.2e} to {self.eps[-1]:.2e}, "
                f"corner eps = {self.eps_corner:.3e})")


def l_curve(L, b, eps):
    """Points (log ||b - L j_eps||, log ||j_eps||) over the eps grid; the corner is the point of
    maximum curvature kappa = (x' y'' - x'' y') / (x'^2 + y'^2)^{3/2} (derivatives in log eps).

    Hansen's L-curve criterion. Not in MNE or Brainstorm (both fix eps from an SNR); invertmeeg
    offers it. ``eps`` must be an increasing grid (e.g. ``np.geomspace``) of >= 5 values.
    """
    eps = _as_eps(eps)
    if eps.ndim != 1 or len(eps) < 5 or np.any(np.diff(eps) <= 0):
        raise ValueError(f"eps must be an increasing 1-D grid of at least 5 values, but got "
                         f"shape {eps.shape}")
    residual, solution = tikhonov_norms(L, b, eps)
    t = np.log(eps)
    x, y = np.log(residual), np.log(solution)
    dx, dy = np.gradient(x, t), np.gradient(y, t)
    ddx, ddy = np.gradient(dx, t), np.gradient(dy, t)
    curvature = (dx * ddy - ddx * dy) / np.maximum((dx ** 2 + dy ** 2) ** 1.5, 1e-300)
    inner = slice(1, -1)                          # one-sided differences at the ends
    corner = 1 + int(np.argmax(curvature[inner]))
    return LCurve(eps=eps, residual_norm=residual, solution_norm=solution,
                  curvature=curvature, eps_corner=float(eps[corner]))


def discrepancy_principle(L, b, noise_norm, *, eps_range=(1e-12, 1e12)):
    """eps such that ||b - L j_eps|| = noise_norm (Morozov's discrepancy principle).

    The residual grows monotonically with eps, so there is one root; it is found by bisection
    (Brent) in log eps within ``eps_range`` (relative to s_max^2). ``noise_norm`` is the expected
    norm of the noise, e.g. sqrt(n_nzero * n_times) for whitened data. MNE's
    ``estimate_snr`` uses a chi-squared version of the same idea.
    """
    usv = _as_svd(L)
    noise_norm = float(noise_norm)
    scale = usv.s[0] ** 2
    lo, hi = (np.log(scale * e) for e in eps_range)

    def gap(log_eps):
        return tikhonov_norms(usv, b, np.exp(log_eps))[0] - noise_norm

    g_lo, g_hi = gap(lo), gap(hi)
    if not g_lo <= 0 <= g_hi:
        rho_lo, rho_hi = g_lo + noise_norm, g_hi + noise_norm
        raise ValueError(f"noise_norm = {noise_norm:.3e} is outside the reachable residual "
                         f"norms [{rho_lo:.3e}, {rho_hi:.3e}]: the residual cannot be pushed "
                         f"below the part of b outside the range of L, nor above ||b||")
    return float(np.exp(brentq(gap, lo, hi, xtol=1e-12)))


@dataclass(frozen=True)
class GCV:
    """Generalised cross-validation scores over a grid of eps, and the minimiser."""

    eps: np.ndarray       # (n_eps,)
    score: np.ndarray     # (n_eps,) ||b - L j_eps||^2 / trace(I - L K_eps)^2
    eps_best: float

    def __repr__(self):
        return f"GCV(eps: {self.eps.shape}, best eps = {self.eps_best:.3e})"


def gcv(L, b, eps, *, n_data=None):
    """GCV(eps) = ||b - L j_eps||^2 / (n_data - sum_i f_i)^2, minimised on the grid.

    Golub, Heath & Wahba (1979): trace(I - L K) = n_data - sum f_i since L K = U diag(f) U^T.
    ``n_data`` is the dimension of the space the data live in: n_channels (default), or the rank
    n_nzero for projected or whitened data (average reference, SSP). With the default on such
    data, the null directions of L count as free residual dimensions and GCV -> 0 as eps -> 0.
    invertmeeg's default rule; not in MNE or Brainstorm.
    """
    usv = _as_svd(L)
    eps = _as_eps(eps)
    n_channels = usv.U.shape[0]
    n_data = n_channels if n_data is None else int(n_data)
    if not 0 < n_data <= n_channels:
        raise ValueError(f"n_data must be between 1 and {n_channels} (channels), "
                         f"but got {n_data}")
    residual, _ = tikhonov_norms(usv, b, eps)
    dof = n_data - np.sum(filter_factors(usv.s[:n_data], eps), axis=-1)
    score = residual ** 2 / dof ** 2
    return GCV(eps=eps, score=score, eps_best=float(np.ravel(eps)[np.argmin(score)]))


def lambda2_from_snr(snr):
    """lambda2 = 1 / snr^2 (MNE-Python; snr is the amplitude SNR of the whitened data;
    3 for evoked responses, 1 for raw data and single trials)."""
    snr = np.asarray(snr, dtype=float)
    if np.any(~np.isfinite(snr) | (snr <= 0)):
        raise ValueError(f"snr must be finite and > 0, but got {snr}")
    return 1.0 / snr ** 2


def brainstorm_lambda(L, snr):
    """Lambda = snr^2 / mean(eig(L L^T)) = snr^2 n_channels / trace(L L^T); eps = 1 / Lambda.

    Brainstorm ``bst_inverse_linear_2018`` (``SnrMethod='fixed'``, ``SnrFixed=3``); the mean
    runs over all n_channels eigenvalues, zeros included.
    """
    L = _as_lead_field(L)
    return float(snr) ** 2 * L.shape[0] / np.sum(L ** 2)


def lambda2_from_brainstorm_snr(snr, n_nzero, n_channels):
    """lambda2 = n_nzero / (n_channels snr^2): MNE's lambda2 that reproduces Brainstorm's SNR.

    On MNE's trace-normalised L_tilde, trace(L_tilde L_tilde^T) = n_nzero, so Brainstorm's
    eps = 1 / Lambda = n_nzero / (n_channels snr^2). Equal to 1/snr^2 only when the noise
    covariance has full rank (n_nzero = n_channels).
    """
    if not 0 < n_nzero <= n_channels:
        raise ValueError(f"need 0 < n_nzero <= n_channels, but got n_nzero={n_nzero}, "
                         f"n_channels={n_channels}")
    return float(n_nzero * lambda2_from_snr(snr) / n_channels)


def lambda2_from_fieldtrip(lam, *, prewhiten=True):
    """MNE lambda2 equivalent of FieldTrip's ``cfg.mne.lambda`` (with ``scalesourcecov='yes'``).

    Prewhitened branch: kernel R^{1/2} V diag(s / (s^2 + lambda)) U^T P, so lambda2 = lambda.
    Non-whitened branch: R A^T (A R A^T + lambda^2 C)^{-1}, so lambda2 = lambda^2 (exactly when
    the source scaling tr(A R A^T) = tr(C) matches MNE's, e.g. for a white C; close otherwise).
    The tutorial value ``lambda = 3`` (prewhitened) is MNE lambda2 = 3, i.e. SNR = 0.58, not 3.
    """
    lam = float(lam)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"FieldTrip lambda must be finite and >= 0, but got {lam}")
    return lam if prewhiten else lam ** 2
