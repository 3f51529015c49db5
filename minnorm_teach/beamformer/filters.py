"""The LCMV beamformer on arrays: one spatial filter per source location, from the data.

The minimum norm (chapter 03) chooses one estimate for all sources at once. A beamformer asks
a question per location k instead: which filter K_k (the rows of the kernel K for location
k) lets the source at k through unchanged and lets through as little else as possible::

    minimise   tr(K_k C_b K_k^T)             the power of the filter's output
    subject to K_k L_k = I                   unit gain for the source at k

    Lagrangian   tr(K_k C_b K_k^T) - 2 tr(Lambda^T (K_k L_k - I))
    gradient 0:  K_k C_b = Lambda L_k^T      ->  K_k = Lambda L_k^T C_b^{-1}
    constraint:  Lambda L_k^T C_b^{-1} L_k = I

    K_k = (L_k^T C_b^{-1} L_k)^{-1} L_k^T C_b^{-1}         (unit-gain LCMV, Van Veen 1997)

Everything else is a choice made around this formula:

- **regularisation**: C_b + mu I with mu = reg tr(C_b) / n_channels ("diagonal loading"),
  inverted on its ``rank`` largest eigenvalues (MNE's ``reg`` and ``_reg_pinv``);
- **weight normalisation**: unit gain passes A·m, but the noise passed grows with depth;
  ``'unit-noise-gain'`` divides each row by its norm (whitened noise then has variance 1 in
  every source: a pseudo-Z map, the beamformer's dSPM), ``'nai'`` further by the noise
  level of C_b (neural activity index), ``'unit-noise-gain-invariant'`` uses
  (N N^T)^{-1/2} N with N = L_k^T C_b^{-1}, the version that does not depend on the frame
  of the three orientations (MNE 1.13's default);
- **orientation**: all three components (``pick_ori=None``), the third one (the normal, for
  a forward in surface coordinates), or the orientation of maximum power (``'max-power'``,
  an eigenvector; ``reduce_rank`` first drops each location's weakest direction, which a
  spherical head model gives MEG exactly zero of);
- **inversion**: ``'matrix'`` inverts each location's (3, 3) block, ``'single'`` only its
  diagonal (three scalar beamformers).

The link to the minimum norm: l_k^T C_b^{-1} is, up to a factor, row k of the MNE kernel
R L^T (L R L^T + lambda2 I)^{-1} when C_b is the data covariance that the minimum norm
assumes, L R L^T + lambda2 I. Normalised to unit noise gain, the fixed-orientation LCMV of
that C_b (reg=0) *is* dSPM; with the measured C_b it adapts the filters to the data.

Inside this module ``L`` and ``C_b`` are **whitened** (W L, W C_b W^T): the noise is then
white, so "unit noise gain" means a row of norm 1. MNE-Python: ``_compute_beamformer`` in
``mne/beamformer/_compute_beamformer.py``.
"""

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from .. import validation
from ..validation.errors import InputValueError

__all__ = ["WEIGHT_NORMS", "PICK_ORIS", "INVERSIONS", "LCMVKernel", "loaded_inverse",
           "lead_field_blocks", "invert_blocks", "reduce_block_rank", "max_power_orientation",
           "normalise_filters", "nai_noise_level", "lcmv_kernel", "source_power"]

WEIGHT_NORMS = ("unit-noise-gain-invariant", "unit-noise-gain", "nai", None)
PICK_ORIS = (None, "normal", "max-power")
INVERSIONS = ("matrix", "single")
#: Eigenvalues of a location's (3, 3) block below this fraction of its largest are treated as
#: zero when it is inverted (MNE's ``_sym_mat_pow`` rcond).
BLOCK_RCOND = 1e-7


@dataclass(frozen=True, repr=False)
class LCMVKernel:
    """The beamformer kernel on whitened data and what was chosen on the way.

    Fields
    ------
    K : (n_sources * n_orient, n_channels)   rows of every location's filter (whitened data)
    n_orient : int                           rows per location: 3 (pick_ori None), else 1
    mu : float                               diagonal loading reg tr(C_b) / n [loading_factor]
    rank : int                               eigenvalues of C_b + mu I that were inverted
    max_power_ori : (n_sources, 3) | None    eta_k of 'max-power' (the forward's frame)
    """

    K: np.ndarray
    n_orient: int
    mu: float
    rank: int
    max_power_ori: np.ndarray | None = None

    def __repr__(self):
        return (f"LCMVKernel(K: {self.K.shape}, n_orient={self.n_orient}, mu={self.mu:.3g}, "
                f"rank={self.rank})")


def loaded_inverse(C_b, reg, rank):
    """(C_b + mu I)^+ on its ``rank`` largest eigenvalues, mu = reg tr(C_b) / n_channels.

    Diagonal loading (Gross & Ioannides 1999, eq. 25) keeps the inverse stable when C_b is
    estimated from few samples: it adds the fraction ``reg`` of the mean eigenvalue to every
    eigenvalue. The ``n - rank`` smallest eigenvalues (directions the projectors removed,
    which loading would raise to mu) are not inverted. MNE: ``mne.utils._reg_pinv``.

    Returns
    -------
    C_inv : (n_channels, n_channels)
    mu : float  the loading factor (MNE's ``loading_factor``)
    """
    n_channels = C_b.shape[0]
    mu = reg * np.trace(C_b) / n_channels
    eig, E = linalg.eigh(C_b + mu * np.eye(n_channels))
    kept = (np.arange(n_channels) >= n_channels - rank) & (eig > 0)
    return (E[:, kept] / eig[kept]) @ E[:, kept].T, float(mu)


def lead_field_blocks(L, n_orient):
    """L_k for every location k: (n_sources, n_channels, n_orient) from (n_channels, n_dipoles)."""
    n_channels, n_dipoles = L.shape
    return L.reshape(n_channels, n_dipoles // n_orient, n_orient).transpose(1, 0, 2)


def _pinv_sym(D, *, reduce_rank=False):
    """D^+ of symmetric blocks by eigh: eigenvalues <= BLOCK_RCOND max dropped (and the
    smallest one with ``reduce_rank``)."""
    eig, E = np.linalg.eigh(D)
    drop = eig <= BLOCK_RCOND * eig[..., -1:]
    if reduce_rank:
        drop[..., 0] = True
    inv_eig = np.where(drop, 0.0, 1.0 / np.where(drop, 1.0, eig))
    return (E * inv_eig[..., None, :]) @ E.swapaxes(-1, -2)


def invert_blocks(D, *, inversion="matrix", reduce_rank=False):
    """D_k^{-1} for each location's (n_orient, n_orient) block D_k = L_k^T C_b^{-1} L_k.

    ``n_orient=1``: 1 / d_k (MNE puts 1 where d_k = 0). ``'matrix'``: the pseudo-inverse
    on the eigenvalues above ``BLOCK_RCOND`` times the largest (``reduce_rank``: also
    without the smallest). ``'single'``: diag(1 / diag(D_k)), three scalar beamformers.
    """
    if D.shape[1:] == (1, 1):
        with np.errstate(divide="ignore"):
            inv = 1.0 / D
        return np.where(np.isfinite(inv), inv, 1.0)
    if inversion == "single":
        return np.einsum("ki,ij->kij", 1.0 / np.diagonal(D, axis1=1, axis2=2), np.eye(3))
    return _pinv_sym(D, reduce_rank=reduce_rank)


def reduce_block_rank(L_k):
    """L_k with its smallest singular direction removed, location by location.

    A spherical head model gives MEG no field of a radial dipole: the third singular value
    of each L_k is ~0 and D_k = L_k^T C^{-1} L_k is singular. MNE: ``reduce_rank=True``.
    """
    U, s, Vt = np.linalg.svd(L_k, full_matrices=False)
    return (U[:, :, :-1] * s[:, None, :-1]) @ Vt[:, :-1, :]


def max_power_orientation(L_k, C_inv, weight_norm, *, inversion="matrix", reduce_rank=False):
    """eta_k = the orientation at which the filter's output power is largest.

    The unit-gain filter of orientation eta passes the power 1 / (eta^T D_k eta),
    D_k = L_k^T C^{-1} L_k; a noise-normalised one (eta^T D_k eta) / (eta^T S_k eta), with
    S_k = L_k^T C^{-2} L_k (Sekihara & Nagarajan 2008, eq. 4.47). Both are Rayleigh
    quotients: eta_k is the eigenvector of D_k^{-1} (unit gain), or of S_k^{-1} D_k, with
    the largest eigenvalue; its sign makes the third component (z, or the normal in
    surface coordinates) non-negative, as MNE's. Returns (n_sources, 3), unit vectors.
    """
    numer = L_k.swapaxes(1, 2) @ C_inv
    D = numer @ L_k
    if weight_norm is None:
        pick = invert_blocks(D, inversion=inversion, reduce_rank=reduce_rank)
    else:
        S = numer @ numer.swapaxes(1, 2)
        pick = invert_blocks(S, inversion=inversion, reduce_rank=reduce_rank) @ D
    eigvals, eigvecs = np.linalg.eig(pick)                  # not symmetric: np.linalg.eig
    largest = np.argmax(np.abs(eigvals), axis=1)
    eta = eigvecs[np.arange(len(eigvecs)), :, largest].real
    signs = np.where(eta[:, 2] < 0, -1.0, 1.0)
    return eta * signs[:, None]


def nai_noise_level(C_b, rank, mu):
    """sigma^2 = max(the rank-th largest eigenvalue of C_b, mu): the noise level of the NAI.

    Van Veen's neural activity index divides the unit-noise-gain output by the noise power;
    MNE takes the smallest eigenvalue of the signal subspace, or the loading mu if larger.
    """
    eig = np.linalg.eigvalsh(C_b)[::-1]
    if rank > len(eig):                                  # MNE: no noise subspace, use mu
        if mu == 0:
            raise ValueError("the neural activity index needs a noise level: with a full-"
                             "rank covariance and reg=0 there is none; use reg > 0")
        return mu
    return max(float(eig[rank - 1]), mu)


def normalise_filters(K_ug, numer, weight_norm, noise=None):
    """The four weight normalisations of the unit-gain filters K_ug (n_sources, n_orient, n).

    None                          K_ug (unit gain: K_k L_k = I)
    'unit-noise-gain'             each row w / ||w||: whitened noise passes with variance 1
    'nai'                         w / (||w|| sigma), sigma^2 = ``noise`` (nai_noise_level)
    'unit-noise-gain-invariant'   (N N^T)^{-1/2} N, N = L_k^T C^{-1} (``numer``): the same
                                  map in any orientation frame (equals w / ||w|| when
                                  n_orient = 1)
    """
    if weight_norm is None:
        return K_ug
    if weight_norm == "unit-noise-gain-invariant":
        inner = numer @ numer.swapaxes(1, 2)
        eig, E = np.linalg.eigh(inner)
        drop = eig <= BLOCK_RCOND * eig[:, -1:]
        inv_sqrt = np.where(drop, 0.0, 1.0 / np.sqrt(np.where(drop, 1.0, eig)))
        return ((E * inv_sqrt[:, None, :]) @ E.swapaxes(1, 2)) @ numer
    norms = np.linalg.norm(K_ug, axis=2, keepdims=True)
    K = K_ug / np.where(norms == 0, np.inf, norms)
    return K / np.sqrt(noise) if weight_norm == "nai" else K


def _check_blocks(L_k, reduce_rank):
    """MNE's guard: a (3, 3) block D_k is singular when L_k's singular values span > 1e6."""
    if L_k.shape[2] == 3 and not reduce_rank:
        s = np.linalg.svd(L_k, compute_uv=False)
        singular = np.flatnonzero(s[:, 0] > 1e6 * s[:, 2])
        if len(singular):
            raise InputValueError(
                f"reduce_rank must be True for this lead field: {len(singular)} location(s) "
                f"(first: {singular[0]}) have a direction the sensors cannot see (singular "
                f"values spanning more than 1e6, e.g. radial dipoles in a spherical MEG "
                f"model)", argument="reduce_rank")


def _check_arrays(L, C_b, n_orient, reg, rank):
    L = validation.as_real_array(L, "L", ndim=2, shape_text="(n_channels, n_dipoles)")
    validation.check_finite(L, "L")
    C_b = validation.check_covariance_matrix(C_b, "C_b")
    validation.check_rows_match("C_b", len(C_b), "rows", "L", len(L), "rows")
    n_orient = validation.check_n_orient(n_orient, L.shape[1])
    reg = validation.check_real(reg, "reg", low=0)
    rank = len(C_b) if rank is None else validation.check_int(rank, "rank", low=1,
                                                              high=len(C_b))
    return L, C_b, n_orient, reg, rank


def _check_choices(weight_norm, pick_ori, reduce_rank, inversion, n_orient):
    validation.check_option(weight_norm, "weight_norm", WEIGHT_NORMS)
    validation.check_option(pick_ori, "pick_ori", PICK_ORIS)
    validation.check_bool(reduce_rank, "reduce_rank")
    validation.check_option(inversion, "inversion", INVERSIONS)
    if pick_ori is not None and n_orient == 1:
        raise validation.refuse("pick_ori", "None with one orientation per location", pick_ori)


def lcmv_kernel(L, C_b, n_orient, *, reg=0.05, rank=None, weight_norm="unit-noise-gain-invariant",
                pick_ori=None, reduce_rank=False, inversion="matrix"):
    """K_k = norm((L_k^T C_b^+ L_k)^{-1} L_k^T C_b^+) for every location k (whitened L, C_b).

    1. C_b^+ = (C_b + mu I)^+ on the ``rank`` largest eigenvalues      (loaded_inverse)
    2. L_k per location; ``reduce_rank``: drop each one's weakest direction
    3. orientation: 'max-power' L_k <- L_k eta_k; 'normal' L_k <- its third column
    4. N_k = L_k^T C_b^+,  D_k = N_k L_k,  K_k = D_k^{-1} N_k             (unit gain)
    5. weight normalisation                                              (normalise_filters)

    Parameters
    ----------
    L : (n_channels, n_sources * n_orient)  whitened (and depth-weighted) lead field
    C_b : (n_channels, n_channels)  whitened data covariance (symmetric)
    n_orient : 1 | 3
    rank : int | None  eigenvalues of C_b + mu I to invert (None: all)

    Returns
    -------
    LCMVKernel
    """
    L, C_b, n_orient, reg, rank = _check_arrays(L, C_b, n_orient, reg, rank)
    _check_choices(weight_norm, pick_ori, reduce_rank, inversion, n_orient)
    n_channels = C_b.shape[0]
    C_inv, mu = loaded_inverse(C_b, reg, rank)                              # 1.
    L_k = lead_field_blocks(L, n_orient)                                     # 2.
    _check_blocks(L_k, reduce_rank)
    if reduce_rank:
        L_k = reduce_block_rank(L_k)
    eta = None
    if pick_ori == "max-power":                                              # 3.
        eta = max_power_orientation(L_k, C_inv, weight_norm, inversion=inversion,
                                    reduce_rank=reduce_rank)
        L_k = L_k @ eta[:, :, None]
    elif pick_ori == "normal":
        L_k = L_k[:, :, 2:3]
    numer = L_k.swapaxes(1, 2) @ C_inv                                       # 4.
    D = numer @ L_k
    K_ug = invert_blocks(D, inversion=inversion, reduce_rank=reduce_rank) @ numer
    noise = nai_noise_level(C_b, rank, mu) if weight_norm == "nai" else None
    K = normalise_filters(K_ug, numer, weight_norm, noise)                   # 5.
    return LCMVKernel(K=K.reshape(-1, n_channels), n_orient=K.shape[1], mu=mu, rank=rank,
                      max_power_ori=eta)


def source_power(K, C, n_orient):
    """P_k = tr(K_k C K_k^T): the power (variance) each location's filter passes.

    With C = C_b and unit-gain filters this is the minimised output power of the
    derivation, 1 / (l_k^T C_b^{-1} l_k) for one orientation. MNE: ``apply_lcmv_cov``.
    """
    n_rows, n_channels = K.shape
    K_k = K.reshape(n_rows // n_orient, n_orient, n_channels)
    return np.sum((K_k @ C) * K_k, axis=(1, 2))
