"""Noise covariance sanity: real, finite, symmetric, variances >= 0, positive semi-definite,
not zero.

Channel types have variances 1e-26 T^2 (gradiometers) to 1e-12 V^2 (EEG), so every test is
made on the correlation scale, entry (i, j) against sqrt(C_ii C_jj), never against max|C|
(which would hide every MEG entry behind the EEG ones).

Tolerances: single precision, because recordings are stored in float32 and covariances are
often computed from them in float32 (MNE's real test covariance, projected to rank 362 of 366,
has correlation eigenvalues down to -2.9e-8; the course covariance rounded to float32, -5.6e-9;
in float64 -5e-16). A real mistake (an edited entry, a subtracted matrix) is orders larger:

- symmetry: |C_ij - C_ji| <= SYMMETRY_RTOL sqrt(C_ii C_jj), SYMMETRY_RTOL = 8 float32 eps
  = 9.5e-7 (X X^T and FIF files are exactly symmetric);
- positive semi-definite: the smallest eigenvalue of the correlation matrix
  D^{-1/2} C D^{-1/2} is >= -n_channels float32 eps (4.4e-5 for 366 channels), the bound on
  the eigenvalue change when every entry (|R_ij| <= 1) is rounded to float32.

Catalogue
---------

covariance sanity -- ``check_covariance_matrix(C, name, ch_names=, ch_types=)``,
``check_noise_cov(noise_cov, info=)`` (the MNE edge); real, square, finite, variances >= 0,
symmetric, not all zero (nor a whole MEG or EEG block), positive semi-definite::

    noise_cov must be a real (n_channels, n_channels) array, got an array of shape (3, 3)
    and dtype complex128
    noise_cov must be symmetric (|C_ij - C_ji| <= 9.5e-07 sqrt(C_ii C_jj)), got
    C[MEG 0113, MEG 0112] = 5e-27 but C[MEG 0112, MEG 0113] = 0
    noise_cov must be a covariance (every variance >= 0), got a negative variance -1e-26 for
    channel MEG 0113
    noise_cov must be a covariance of rank > 0, got all zeros; there is no noise model to
    whiten with
    noise_cov must be positive semi-definite, got a correlation matrix with eigenvalue -1
    (below -3.6e-07 = -3 x float32 eps)

  MNE: none (an asymmetric or indefinite covariance gives a map tens of % off, a complex one
  loses its imaginary part, a negative variance made the sparse solvers hang); ours kept.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from .arrays import as_real_array, first_nonfinite
from .errors import InputValueError, refuse, shown

__all__ = ["FLOAT32_EPS", "SYMMETRY_RTOL", "check_covariance_matrix"]

FLOAT32_EPS = float(np.finfo(np.float32).eps)
SYMMETRY_RTOL = 8 * FLOAT32_EPS
_GROUPS = {"mag": "MEG", "grad": "MEG", "eeg": "EEG"}


def _label(ch_names, i):
    return ch_names[i] if ch_names is not None else str(i)


def _square(C, name, ch_names):
    C = as_real_array(C, name, ndim=(1, 2), shape_text="(n_channels, n_channels)")
    if C.ndim == 1:                                     # MNE's diagonal covariances
        C = np.diag(C)
    n = C.shape[0]
    if C.shape != (n, n):
        raise refuse(name, "a square (n_channels, n_channels) matrix", shown(f"shape {C.shape}"))
    if ch_names is not None and len(ch_names) != n:
        raise InputValueError(f"{name} is {n} x {n} but it lists {len(ch_names)} channel "
                              f"names", argument=name)
    return C


def _check_entries(C, name, ch_names):
    found = first_nonfinite(C)
    if found is not None:
        (i, j), kind, count = found
        raise refuse(name, "finite (no NaN or inf)",
                     shown(f"{kind} at ({_label(ch_names, i)}, {_label(ch_names, j)}); "
                           f"{count} non-finite entries in total"))
    variance = np.diag(C)
    if np.any(variance < 0):
        i = int(np.argmin(variance))
        raise refuse(name, "a covariance (every variance >= 0)",
                     shown(f"a negative variance {variance[i]:.3g} for channel "
                           f"{_label(ch_names, i)}"))
    return variance


def _check_symmetric(C, name, ch_names, scale):
    gap = np.abs(C - C.T)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(gap > 0, gap / np.maximum(scale, np.finfo(float).tiny), 0.0)
    i, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    if ratio[i, j] > SYMMETRY_RTOL:
        a, b = _label(ch_names, i), _label(ch_names, j)
        raise refuse(name, f"symmetric (|C_ij - C_ji| <= {SYMMETRY_RTOL:.2g} sqrt(C_ii C_jj))",
                     shown(f"C[{a}, {b}] = {C[i, j]:.3g} but C[{b}, {a}] = {C[j, i]:.3g}"))


def _check_groups(variance, name, ch_types):
    if not np.any(variance > 0):
        raise refuse(name, "a covariance of rank > 0", shown("all zeros"),
                     "there is no noise model to whiten with")
    if ch_types is None:
        return
    for group in ("MEG", "EEG"):
        idx = [i for i, t in enumerate(ch_types) if _GROUPS.get(t) == group]
        if idx and not np.any(variance[idx] > 0):
            raise refuse(name, f"a covariance of rank > 0 on the {group} channels",
                         shown(f"an all-zero {group} block ({len(idx)} channel"
                               f"{'s' if len(idx) > 1 else ''})"))


def _check_psd(C, name, std):
    keep = std > 0
    corr = C[np.ix_(keep, keep)] / np.outer(std[keep], std[keep])
    with threadpool_limits(limits=1, user_api="blas"):   # small eigh: threads only fight
        eig = np.linalg.eigvalsh((corr + corr.T) / 2)
    tol = len(corr) * FLOAT32_EPS
    if eig[0] < -tol:
        raise refuse(name, "positive semi-definite", shown(
            f"a correlation matrix with eigenvalue {eig[0]:.3g} (below -{tol:.2g} = "
            f"-{len(corr)} x float32 eps)"))


def check_covariance_matrix(C, name="noise_cov", *, ch_names=None, ch_types=None):
    """C (n_channels, n_channels) or its diagonal (n_channels,) -> float64 (n, n) matrix.

    Refused, in this order: non-real (complex covariances lose their imaginary part
    silently downstream), not square or not matching ``ch_names``, NaN/inf (named by
    channel pair), a negative variance (named), an asymmetric pair (named), all zeros
    (or one all-zero MEG/EEG group, given ``ch_types``), not positive semi-definite::

        noise_cov must be a covariance (every variance >= 0), got a negative variance
        -1e-26 for channel MEG 0113
    """
    C = _square(C, name, ch_names)
    variance = _check_entries(C, name, ch_names)
    std = np.sqrt(variance)
    _check_symmetric(C, name, ch_names, np.outer(std, std))
    _check_groups(variance, name, ch_types)
    off_support = ~np.outer(std > 0, std > 0) & (C != 0)
    if np.any(off_support):
        i, j = np.argwhere(off_support)[0]
        zero = i if std[i] == 0 else j
        raise refuse(name, "positive semi-definite", shown(
            f"channel {_label(ch_names, zero)} with variance 0 but covariance "
            f"{C[i, j]:.3g} with channel {_label(ch_names, j if zero == i else i)}"))
    _check_psd(C, name, std)
    return C
