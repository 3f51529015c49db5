"""Choosing eps, and the toolboxes' regularisation parameters (chapters 03-04).

Arrays in, arrays out; ``eps`` the Tikhonov parameter (MNE's ``lambda2`` on the whitened,
trace-normalised lead field).

- from the data: :func:`l_curve`, :func:`discrepancy_principle`, :func:`gcv`
- from an SNR: :func:`lambda2_from_snr` (MNE), :func:`brainstorm_lambda`,
  :func:`lambda2_from_brainstorm_snr`, :func:`lambda2_from_fieldtrip`,
  :func:`lambda2_from_fieldtrip_unwhitened`
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .. import validation
from ..validation.errors import shown
from .generalized import _as_eps, _as_lead_field, _as_noise_cov
from .tikhonov import _checked, _norms, filter_factors

__all__ = ["LCurve", "GCV", "l_curve", "discrepancy_principle", "gcv", "lambda2_from_snr",
           "brainstorm_lambda", "lambda2_from_brainstorm_snr", "lambda2_from_fieldtrip",
           "lambda2_from_fieldtrip_unwhitened"]


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
    usv, b = _checked(L, b)
    eps = _as_eps(eps)
    if eps.ndim != 1 or len(eps) < 5 or np.any(np.diff(eps) <= 0):
        raise validation.refuse("eps", "an increasing 1-D grid of at least 5 values",
                                shown(f"shape {eps.shape}"), "e.g. np.geomspace(1e-4, 10, 30)")
    residual, solution = _norms(usv, b, eps)
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
    usv, b = _checked(L, b)
    noise_norm = validation.check_real(noise_norm, "noise_norm", low=0, low_open=True)
    lo, hi = _eps_range(eps_range)
    scale = usv.s[0] ** 2
    lo, hi = np.log(scale * lo), np.log(scale * hi)

    def gap(log_eps):
        return _norms(usv, b, np.exp(np.asarray(log_eps)))[0] - noise_norm

    g_lo, g_hi = gap(lo), gap(hi)
    if not g_lo <= 0 <= g_hi:
        rho_lo, rho_hi = g_lo + noise_norm, g_hi + noise_norm
        raise validation.refuse(
            "noise_norm", f"within the reachable residual norms [{rho_lo:.3e}, {rho_hi:.3e}]",
            noise_norm, "the residual cannot be pushed below the part of b outside the range "
                        "of L, nor above ||b||")
    return float(np.exp(brentq(gap, lo, hi, xtol=1e-12)))


def _eps_range(eps_range):
    """(lo, hi) with 0 < lo < hi, relative to s_max^2."""
    if not isinstance(eps_range, tuple | list) or len(eps_range) != 2:
        raise validation.refuse_type("eps_range", "a pair (lo, hi) of numbers", eps_range)
    lo = validation.check_real(eps_range[0], "eps_range[0]", low=0, low_open=True)
    hi = validation.check_real(eps_range[1], "eps_range[1]", low=lo, low_open=True)
    return lo, hi


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
    usv, b = _checked(L, b)
    eps = _as_eps(eps)
    n_channels = usv.U.shape[0]
    n_data = n_channels if n_data is None else validation.check_int(
        n_data, "n_data", low=1, high=n_channels, hint="the dimension of the data space "
                                                        "(n_channels, or the rank)")
    residual, _ = _norms(usv, b, eps)
    dof = n_data - np.sum(filter_factors(usv.s[:n_data], eps), axis=-1)
    score = residual ** 2 / dof ** 2
    return GCV(eps=eps, score=score, eps_best=float(np.ravel(eps)[np.argmin(score)]))


def lambda2_from_snr(snr):
    """lambda2 = 1 / snr^2 (MNE-Python; snr is the amplitude SNR of the whitened data;
    3 for evoked responses, 1 for raw data and single trials)."""
    if not isinstance(snr, np.ndarray | list | tuple):
        return 1.0 / validation.check_real(snr, "snr", low=0, low_open=True) ** 2
    snr = validation.as_real_array(snr, "snr")
    bad = ~np.isfinite(snr) | (snr <= 0)
    if np.any(bad):
        raise validation.refuse("snr", "finite and > 0 (every value)", shown(f"{snr[bad][:3]}"))
    return 1.0 / snr ** 2


def brainstorm_lambda(L, snr):
    """Lambda = snr^2 / mean(eig(L L^T)) = snr^2 n_channels / trace(L L^T); eps = 1 / Lambda.

    Brainstorm ``bst_inverse_linear_2018`` (``SnrMethod='fixed'``, ``SnrFixed=3``), on its
    whitened, weighted lead field; the mean runs over all n_channels eigenvalues, zeros
    included. ``snr`` is an amplitude SNR, as MNE's: Lambda^-1 = mean(s^2) / snr^2 is the eps of
    :func:`tikhonov_kernel`.
    """
    L = _as_lead_field(L)
    snr = validation.check_real(snr, "snr", low=0, low_open=True)
    return snr ** 2 * L.shape[0] / np.sum(L ** 2)


def lambda2_from_brainstorm_snr(snr, n_nzero, n_channels):
    """lambda2 = n_nzero / (n_channels snr^2): MNE's lambda2 that reproduces Brainstorm's SNR.

    On MNE's trace-normalised L_tilde, trace(L_tilde L_tilde^T) = n_nzero, so Brainstorm's
    eps = 1 / Lambda = n_nzero / (n_channels snr^2). Equal to 1/snr^2 only when the noise
    covariance has full rank (n_nzero = n_channels). This maps the regularisation only: the
    two toolboxes also build the whitener, the depth prior and loose orientations differently
    (``course/appendix_toolboxes.md``), so their estimates differ beyond lambda.
    """
    n_channels = validation.check_int(n_channels, "n_channels", low=1)
    n_nzero = validation.check_int(n_nzero, "n_nzero", low=1, high=n_channels,
                                   hint="the rank of the whitened noise, at most n_channels")
    return float(n_nzero * lambda2_from_snr(snr) / n_channels)


def lambda2_from_fieldtrip(lam, *, prewhiten=True):
    """MNE lambda2 equivalent of FieldTrip's ``cfg.mne.lambda`` (with ``scalesourcecov='yes'``).

    ``prewhiten='yes'``: FieldTrip whitens the lead field with its noise covariance, scales the
    source covariance so that trace(A R A^T) = rank, and uses s / (s^2 + lambda): lambda2 =
    lambda. Its ``snr`` option then sets lambda = 1/snr^2, MNE's value.

    ``prewhiten='no'`` (FieldTrip's default): the kernel is R A^T (A R A^T + lambda^2 C)^{-1}
    (:func:`fieldtrip_kernel`): lambda enters squared, next to the unwhitened C. This function
    returns lambda^2, which is MNE's lambda2 exactly only for a white C = sigma^2 I; for any
    other C use :func:`lambda2_from_fieldtrip_unwhitened`, which multiplies lambda^2 by a
    factor that depends on C and L. (So ``snr=3`` or ``lambda=1/9`` mean SNR 3 only with
    ``prewhiten='yes'``.)

    The tutorial value ``lambda = 3`` (prewhitened) is MNE lambda2 = 3, i.e. SNR = 0.58, not 3.
    """
    lam = validation.check_real(lam, "lam", low=0, hint="FieldTrip's cfg.mne.lambda")
    prewhiten = validation.check_bool(prewhiten, "prewhiten")
    return lam if prewhiten else lam ** 2


def lambda2_from_fieldtrip_unwhitened(lam, L, C):
    """lambda2 = lam^2 M tr(L L^T) / (tr(C) tr(C^{-1} L L^T)), M = n_channels.

    MNE's lambda2 (on the lead field whitened by C and trace-normalised to M) whose kernel
    equals FieldTrip's ``prewhiten='no'``, ``scalesourcecov='yes'`` kernel
    (:func:`fieldtrip_kernel`) exactly, for an invertible noise covariance C. Both kernels are
    L_w^T (L_w L_w^T + mu I)^{-1} W with L_w = W L, W^T W = C^{-1}; FieldTrip's mu is
    lam^2 tr(L L^T) / tr(C), MNE's lambda2 tr(L_w L_w^T) / M. The factor is 1 for a white C.
    """
    L = _as_lead_field(L)
    C = _as_noise_cov(C, L.shape[0])
    G = L @ L.T
    white_trace = np.trace(np.linalg.solve(C, G))          # tr(C^-1 G) = tr(W G W^T)
    return float(lam) ** 2 * L.shape[0] * np.trace(G) / (np.trace(C) * white_trace)
