"""The imaging kernel and applying it to data (chapter 07).

At one regularisation lambda2 and one number of averaged trials nave (MNE:
``prepare_inverse_operator`` + ``_assemble_kernel`` + ``_apply_inverse``)::

    R_nave = R / nave,  C_nave = C / nave  (so W_nave = sqrt(nave) W)
    gamma  = s / (s^2 + lambda2)  for the first rank(C) components   (linalg.regularised_inverse)
    K      = sqrt(R_nave) V diag(gamma) U^T W_nave P  (= sqrt(R) V diag(gamma) U^T W P)
    j      = K b;   free/loose: |j_k| = sqrt(j_t1^2 + j_t2^2 + j_n^2) per location
    b_hat  = C_nave^{1/2} U diag(s gamma) U^T W_nave P b         (the fitted data)
    explained variance = 1 - ||W P (b - b_hat)||^2 / ||W P b||^2 (whitened, in %)

A :class:`Kernel` keeps K as its two factors, ``leads = sqrt(R) V`` (n_dipoles x k) and
``trans = diag(gamma) U^T W P`` (k x n_channels), and :func:`apply_kernel` reads the product
from right to left, j = leads (trans b): k x n_times numbers in between instead of an
n_dipoles x n_channels matrix. ``kernel.K`` forms the matrix when a reader wants to look at it.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import linalg, validation, whitening
from .lead_field import normal_component

__all__ = ["Kernel", "scale_to_nave", "mne_kernel", "combine_xyz", "rotate_leads", "SensorFit",
           "sensor_fit", "apply_kernel", "SNREstimate", "LAMBDA2_SEARCH", "estimate_snr"]


@dataclass(frozen=True, repr=False)
class Kernel:
    """The imaging kernel K = leads @ trans at one (lambda2, method, nave), kept in factors.

    Fields
    ------
    leads : (n_dipoles, k)          sqrt(R_nave) V, MNE's (weighted) eigen leads; eLORETA:
                                    R_e^{1/2} V with its own weights and SVD
    noise_norm : (n_locations,) | None  factor multiplying |j| per location (dSPM, sLORETA)
    method : str,  lambda2 : float,  nave : float
    U : (n_channels, k), s : (k,), gamma : (k,)   SVD and s/(s^2+lambda2) as used (eLORETA
                                    replaces them)
    W : (n_channels, n_channels)    whitener at this nave (sqrt(nave) times the operator's)
    P : (n_channels, n_channels)    projector
    colorer : (n_channels, n_channels)  C_nave^{1/2} = E diag(sqrt(eig / nave))
    R : (n_dipoles,)                R / nave (NaN where a method does not define it)

    Properties: ``trans`` = diag(gamma) U^T W P (k, n_channels), MNE's ``trans``;
    ``K`` = leads @ trans (n_dipoles, n_channels), formed on first use.
    """

    leads: np.ndarray
    noise_norm: np.ndarray | None
    method: str
    lambda2: float
    nave: float
    U: np.ndarray
    s: np.ndarray
    gamma: np.ndarray
    W: np.ndarray
    P: np.ndarray
    colorer: np.ndarray
    R: np.ndarray

    @cached_property
    def trans(self):
        """diag(gamma) U^T W P: data (n_channels) -> weighted singular components (k)."""
        return (self.gamma[:, None] * self.U.T) @ self.W @ self.P

    @cached_property
    def K(self):
        """The kernel as one matrix, K = sqrt(R) V diag(gamma) U^T W P (n_dipoles, n_channels)."""
        return self.leads @ self.trans

    def __repr__(self):
        nn = None if self.noise_norm is None else self.noise_norm.shape
        return (f"Kernel({self.method}, lambda2={self.lambda2:g}, nave={self.nave:g}; "
                f"K: {(self.leads.shape[0], self.W.shape[1])} as leads {self.leads.shape} "
                f"@ trans {(self.s.size, self.W.shape[1])}, noise_norm: {nn})")


def scale_to_nave(inv, nave):
    """Covariances of an average of nave trials: R_nave = R / nave, C_nave = C / nave.

    Returns
    -------
    R_nave : (n_dipoles,), W_nave : (n_channels, n_channels) = sqrt(nave) W,
    colorer_nave : (n_channels, n_channels) = C_nave^{1/2}
    """
    validation.check_inverse_operator(inv)
    nave = validation.check_real(nave, "nave", low=0, low_open=True,
                                 hint="the number of averaged trials")
    scale = inv.nave / nave
    eig = scale * inv.eig
    return (scale * inv.R, whitening.whitener_from_eigh(eig, inv.E),
            whitening.colorer_from_eigh(eig, inv.E))


def mne_kernel(inv, lambda2, nave):
    """The plain minimum-norm kernel K = sqrt(R_nave) V diag(gamma) U^T W_nave P.

    Equal to sqrt(R) V diag(gamma) U^T W P: the two 1/nave cancel, so the MNE amplitude
    does not depend on nave (dSPM and sLORETA then scale with sqrt(nave)). gamma is
    chapter 04's :func:`minnorm_teach.linalg.regularised_inverse` on the operator's s,
    zero beyond the rank of the noise covariance.
    """
    lambda2 = validation.check_real(lambda2, "lambda2", low=0, hint="1 / SNR^2, e.g. 1 / 9")
    R_nave, W_nave, colorer = scale_to_nave(inv, nave)
    gamma = linalg.regularised_inverse(inv.s, lambda2, rank=inv.rank)
    return Kernel(leads=np.sqrt(R_nave)[:, None] * inv.V, noise_norm=None, method="MNE",
                  lambda2=float(lambda2), nave=float(nave), U=inv.U, s=inv.s, gamma=gamma,
                  W=W_nave, P=inv.P, colorer=colorer, R=R_nave)


def combine_xyz(j):
    """|j_k| = sqrt(j_t1^2 + j_t2^2 + j_n^2) per location: (3 n, n_times) -> (n, n_times)."""
    if not isinstance(j, np.ndarray) or j.ndim not in (1, 2) or j.dtype.kind not in "iufc":
        raise validation.refuse_type("j", "a numeric (3 n_locations, n_times) array", j)
    if j.shape[0] % 3:
        raise validation.refuse("j", "3 rows per location (t1, t2, n)",
                                validation.errors.shown(f"{j.shape[0]} rows"))
    j = np.abs(j) if np.iscomplexobj(j) else j
    return np.sqrt(np.sum(j.reshape(-1, 3, *j.shape[1:]) ** 2, axis=1))


def rotate_leads(leads, frames_from, frames_to):
    """The same rows in other frames: leads_k -> F'_k F_k^T leads_k for every location k.

    ``leads`` has three rows per location, the components along the rows of F_k (x, y, z
    directions, (n_locations, 3, 3)); the result has the components along the rows of F'_k.
    A free-orientation kernel is the same operator in any frame, so this is how its normal
    component follows other normals (MNE's ``apply_inverse(..., pick_ori="normal",
    use_cps=...)`` of a free operator).
    """
    rotation = np.matmul(frames_to, np.swapaxes(frames_from, 1, 2))
    blocks = leads.reshape(-1, 3, leads.shape[1])
    return np.matmul(rotation, blocks).reshape(leads.shape)


@dataclass(frozen=True)
class SensorFit:
    """Fitted data b_hat = C^{1/2} U diag(s gamma) U^T W P b, residual and explained variance."""

    b_hat: np.ndarray              # (n_channels, n_times)
    residual: np.ndarray           # (n_channels, n_times) b - b_hat
    explained_variance: float      # % of the whitened data's energy, as MNE logs it


def sensor_fit(b, kernel):
    """b_hat = C^{1/2} U diag(s gamma) U^T W P b;  100 (1 - ||W P (b - b_hat)||^2 / ||W P b||^2).

    MNE: the "Computing residual..." / "Explained 66.0% variance" lines of ``apply_inverse``.
    """
    b = _checked_data(kernel, b)
    b_white = kernel.W @ (kernel.P @ b)
    w = kernel.U.T @ b_white
    b_hat = kernel.colorer @ (kernel.U @ ((kernel.s * kernel.gamma)[:, None] * w))
    res_white = b_white - kernel.W @ (kernel.P @ b_hat)
    explained = 100.0 * (1.0 - np.sum(np.abs(res_white) ** 2) / np.sum(np.abs(b_white) ** 2))
    return SensorFit(b_hat=b_hat, residual=b - b_hat, explained_variance=float(explained))


def _checked_data(kernel, b):
    """b (n_channels, n_times), real and finite, one row per channel of the kernel."""
    if not isinstance(kernel, Kernel):
        raise validation.refuse_type("kernel", "a minnorm_teach Kernel (from prepare_kernel)",
                                     kernel)
    b = validation.as_real_array(b, "b", ndim=2, shape_text="(n_channels, n_times)")
    validation.check_rows_match("kernel", kernel.W.shape[1], "channels", "b", b.shape[0],
                                "rows")
    return validation.check_finite(b, "b", labels=("channel", "sample"))


def apply_kernel(kernel, b, n_orient, pick_ori=None):
    """Source estimate from data: j = leads (trans b), then pick_ori, then the noise norm.

    Read right to left, K b = sqrt(R) V (diag(gamma) U^T W P b) costs one
    n_dipoles x k x n_times product and never forms K. pick_ori None: |j| per location for
    loose/free (>= 0), j for fixed; "normal": the rows j[2::3]; "vector": all three components
    (n_locations, 3, n_times). ``noise_norm`` multiplies each location (after combining, as
    in MNE).
    """
    b = _checked_data(kernel, b)
    n_orient = validation.check_n_orient(n_orient, kernel.leads.shape[0], L_name="the leads")
    pick_ori = validation.check_option(pick_ori, "pick_ori", (None, "normal", "vector"))
    if pick_ori is not None and n_orient == 1:
        raise validation.refuse("pick_ori", "None with a fixed-orientation kernel", pick_ori)
    leads = normal_component(kernel.leads) if pick_ori == "normal" else kernel.leads
    j = leads @ (kernel.trans @ b)
    if n_orient == 3 and pick_ori is None:
        j = combine_xyz(j)
    if kernel.noise_norm is not None:
        factor = kernel.noise_norm
        j = j * (np.repeat(factor, 3) if pick_ori == "vector" else factor)[:, None]
    if pick_ori == "vector":
        j = j.reshape(-1, 3, j.shape[-1])
    return j


#: MNE's search for lambda2_est: 10, 9.9, 9.801, ... (10 * 0.99^k, multiplied in turn as MNE
#: does, so the values are its own to the last bit); the last one stands for "not converged".
LAMBDA2_SEARCH = np.cumprod(np.r_[10.0, np.full(1000, 0.99)])


@dataclass(frozen=True)
class SNREstimate:
    """The SNR of the data per time sample, two ways (MNE's ``estimate_snr``)."""

    snr: np.ndarray            # (n_times,) sqrt(||W P b||^2 / rank): the whitened GFP amplitude
    snr_est: np.ndarray        # (n_times,) 1 / sqrt(lambda2_est) (0 where snr <= 1)
    lambda2_est: np.ndarray    # (n_times,) the largest lambda2 the data allow (inf: snr <= 1)


def estimate_snr(b, kernel, rank, *, p_value=1e-3):
    """snr = sqrt(||W P b||^2 / rank) and lambda2_est, the largest lambda2 the fit allows.

    With w = U^T W P b (whitened data in the SVD basis) and f_i = s_i^2 / (s_i^2 + lambda2),
    the whitened residual of the fit is ||diag(1 - f) w||^2 (chapter 07's b_hat). For pure
    noise it is chi-squared with ``rank`` degrees of freedom. lambda2_est(t) is the first
    value of :data:`LAMBDA2_SEARCH` (10 down by factors 0.99) whose residual is below the
    chi-squared quantile of probability 1 - p_value: a discrepancy principle, the most
    regularisation that still fits the data as well as noise allows. Samples with snr <= 1
    get lambda2_est = inf (snr_est = 0). MNE: ``mne.minimum_norm.estimate_snr`` (the
    mne_analyze rule; ``kernel`` at the data's nave, any lambda2, method "MNE").
    """
    from scipy.stats import chi2

    b_white = kernel.W @ (kernel.P @ b)
    snr = np.sqrt(np.sum(b_white ** 2, axis=0) / rank)
    w2 = (kernel.U.T @ b_white) ** 2                                   # (k, n_times)
    s2 = kernel.s ** 2
    miss = (LAMBDA2_SEARCH[:-1, None] / (s2[None, :] + LAMBDA2_SEARCH[:-1, None])) ** 2
    residual = miss @ w2                                               # (n_search, n_times)
    fits = residual < chi2.isf(p_value, rank)
    first = np.where(fits.any(axis=0), np.argmax(fits, axis=0), len(LAMBDA2_SEARCH) - 1)
    lambda2_est = np.where(snr <= 1, np.inf, LAMBDA2_SEARCH[first])
    return SNREstimate(snr=snr, snr_est=1.0 / np.sqrt(lambda2_est), lambda2_est=lambda2_est)
