"""Noise covariance, projections, rank and the whitener W.

The whitener turns sensor data in mixed units (T, T/m, V) into dimensionless numbers whose
noise is i.i.d. N(0, 1)::

    C_P = P C P^T                                  (SSP / average reference applied)
    C_P[g, g] = E_g diag(eig_g) E_g^T              (one eigh per channel group g: MEG, EEG)
    W = diag(1/sqrt(eig)) E^T                      (rows = eigenvectors; zero rows where eig = 0)
    W C_P W^T = I on the kept subspace             (and 0 on the discarded one)

MNE-Python counterparts: ``mne.cov.prepare_noise_cov`` (``_smart_eigh``), ``mne.compute_whitener``
(``pca='white'`` is our ``pca=False``: n_channels rows with zero rows; ``pca=True`` keeps only
the rank rows), ``mne.compute_rank`` (per-type rank with pre-scalings mag 1e12, grad 1e11,
eeg 1e5) and ``mne.io.proj.make_projector``.

Two facts a reader should keep in mind:

- magnetometers and gradiometers are whitened **together** ("MEG") and EEG **apart**: the
  MEG-EEG cross-covariance is ignored (set to zero) before the eigendecomposition;
- within each group, the smallest ``n_channels_g - rank_g`` eigenvalues are set to exactly 0:
  they are the directions removed by the projectors (3 SSP vectors on MEG, the average
  reference on EEG), which is MNE's "Reducing data rank from 305 -> 302".

Arrays inside: the numerics take ``C`` (n_channels, n_channels), channel types and the
projector ``P``. :func:`make_whitener` is the edge that reads an ``mne.Covariance`` and an
``mne.Info``.
"""

from dataclasses import dataclass

import mne
import numpy as np
from scipy import linalg

__all__ = ["RANK_SCALINGS", "Whitener", "empirical_covariance", "whitened_gfp", "channel_types",
           "channel_groups", "projector",
           "estimate_rank", "noise_cov_rank", "eigh_by_group", "whitener_from_eigh",
           "colorer_from_eigh", "make_whitener", "pick_cov"]

#: Pre-scalings applied to each channel type before the rank is estimated (MNE's
#: ``scalings_cov_rank``): they bring T, T/m and V to comparable magnitudes.
RANK_SCALINGS = {"mag": 1e12, "grad": 1e11, "eeg": 1e5}
_GROUP_OF_TYPE = {"mag": "meg", "grad": "meg", "eeg": "eeg"}


@dataclass(frozen=True)
class Whitener:
    """The noise model of one set of channels, decomposed and inverted.

    Fields
    ------
    ch_names : tuple of str, (n_channels,)
    ch_types : tuple of str, (n_channels,) "mag", "grad" or "eeg"
    C : (n_channels, n_channels)  noise covariance as given (picked, not projected)
    P : (n_channels, n_channels)  projector applied to C (info projs + cov projs)
    rank : dict  group ("meg", "eeg") -> rank kept for that group
    eig : (n_channels,)  eigenvalues of P C P^T per group, ascending per group, zeros dropped
    E : (n_channels, n_channels)  eigenvectors as **columns**, block-diagonal by group
    W : (n_channels or n_nzero, n_channels)  the whitener (see ``pca``)
    pca : bool  False: n_channels rows, zero rows for discarded components; True: rank rows
    """

    ch_names: tuple
    ch_types: tuple
    C: np.ndarray
    P: np.ndarray
    rank: dict
    eig: np.ndarray
    E: np.ndarray
    W: np.ndarray
    pca: bool = False

    @property
    def n_nzero(self):
        """Total rank: number of kept (non-zero) eigenvalues, MNE's ``n_nzero``."""
        return int(np.sum(self.eig > 0))

    def __repr__(self):
        ranks = ", ".join(f"{g} {r}" for g, r in self.rank.items())
        return (f"Whitener(W: {self.W.shape}, C: {self.C.shape}, rank {self.n_nzero} "
                f"({ranks}), pca={self.pca})")


def channel_types(info, ch_names):
    """Channel type ("mag", "grad", "eeg") of each name, read from ``info`` (an MNE edge)."""
    missing = [name for name in ch_names if name not in info["ch_names"]]
    if missing:
        raise ValueError(f"{len(missing)} channel(s) are not in info: {missing[:5]}")
    types = tuple(mne.channel_type(info, info["ch_names"].index(name)) for name in ch_names)
    unknown = sorted({t for t in types if t not in _GROUP_OF_TYPE})
    if unknown:
        raise ValueError(f"whitening handles mag, grad and eeg channels only; got {unknown}")
    return types


def channel_groups(ch_types):
    """Indices of each whitening group: {"meg": mag + grad together, "eeg": EEG apart}.

    Groups with no channel are left out; the order is always MEG then EEG.
    """
    groups = {}
    for group in ("meg", "eeg"):
        idx = np.array([i for i, t in enumerate(ch_types) if _GROUP_OF_TYPE[t] == group], int)
        if len(idx):
            groups[group] = idx
    return groups


def projector(projs, ch_names):
    """P = I - Q Q^T, where Q is an orthonormal basis of the projection vectors.

    Each vector is restricted to ``ch_names`` and normalised, the vectors are
    orthonormalised by an SVD, and directions with a singular value below 1 % of the largest
    are dropped (MNE's ``make_projector``, active and inactive projectors alike).

    Parameters
    ----------
    projs : list of mne.Projection
    ch_names : sequence of str, (n_channels,)

    Returns
    -------
    P : (n_channels, n_channels)
    n_proj : int  the number of directions removed
    """
    n_channels = len(ch_names)
    vectors = _restricted_vectors(projs or [], ch_names)
    if not len(vectors):
        return np.eye(n_channels), 0
    # each vector normalised on its own, as MNE's make_projector does: the 1e-10 agreement
    # of badly conditioned MEG+EEG cases depends on this order of rounding
    vectors = np.array([v / np.linalg.norm(v) for v in vectors])
    Q, sv, _ = linalg.svd(vectors.T, full_matrices=False)
    Q = Q[:, sv / sv[0] > 1e-2]
    if Q.shape[1] >= n_channels:
        raise ValueError(f"{Q.shape[1]} projection vectors leave nothing of {n_channels} "
                         f"channels")
    return np.eye(n_channels) - Q @ Q.T, Q.shape[1]


def _restricted_vectors(projs, ch_names):
    """Every projection vector of ``projs`` on the channels ``ch_names``; zero rows dropped."""
    position = {name: i for i, name in enumerate(ch_names)}
    rows = []
    for proj in projs:
        cols = proj["data"]["col_names"]
        for vector in np.atleast_2d(proj["data"]["data"]):
            row = np.zeros(len(ch_names))
            for c, value in zip(cols, vector, strict=True):
                if c in position:
                    row[position[c]] = value
            if np.any(row):
                rows.append(row)
    return np.array(rows).reshape(-1, len(ch_names))


def projection_vectors(info, picks):
    """Projection vectors q of ``info['projs']`` on the channels ``picks``: (n_vectors, n_picks).

    Each SSP or average-reference projector removes the directions q from the data
    (P = I - Q^T Q for orthonormal rows Q); vectors that vanish on ``picks`` are left out.
    """
    return _restricted_vectors(info["projs"], [info["ch_names"][k] for k in picks])


def estimate_rank(C, scales):
    """rank = #{sigma_i > n * max(sigma) * eps}, sigma = singular values of D C D.

    ``D = diag(scales)`` brings each channel type to comparable units first (``RANK_SCALINGS``).
    MNE: ``_estimate_rank_meeg_cov`` with ``tol='auto'``.

    Parameters
    ----------
    C : (n, n) projected covariance of one group
    scales : (n,) per-channel pre-scaling
    """
    n = C.shape[0]
    scales = np.asarray(scales, float)
    if scales.shape != (n,):
        raise ValueError(f"C is {C.shape} but scales has shape {scales.shape}")
    sigma = linalg.svdvals(scales[:, None] * C * scales[None, :])
    tol = n * sigma.max() * np.finfo(np.float64).eps
    return int(np.sum(sigma > tol))


def noise_cov_rank(C_P, ch_types, *, rank=None, n_proj=None):
    """Rank of the projected noise covariance for each group ("meg", "eeg").

    Parameters
    ----------
    C_P : (n_channels, n_channels)  P C P^T
    ch_types : sequence of str, (n_channels,)
    rank : None | "info" | dict
        None: estimated from the singular values (:func:`estimate_rank`).
        "info": n_channels_g - n_proj[g] (the projectors acting on the group).
        dict: given per group, e.g. ``{"meg": 302, "eeg": 59}``; missing groups are estimated.
    n_proj : dict | None  group -> number of projectors acting on it (needed for "info")
    """
    n_channels = len(ch_types)
    if C_P.shape != (n_channels, n_channels):
        raise ValueError(f"the covariance is {C_P.shape} but there are {n_channels} channel "
                         f"types")
    if rank is not None and rank != "info" and not isinstance(rank, dict):
        raise ValueError(f"rank must be None, 'info' or a dict like {{'meg': 302}}, got {rank!r}")
    given = rank if isinstance(rank, dict) else {}
    ranks = {}
    for group, idx in channel_groups(ch_types).items():
        if group in given:
            if not 0 < given[group] <= len(idx):
                raise ValueError(f"rank[{group!r}] = {given[group]} but the group has "
                                 f"{len(idx)} channels")
            ranks[group] = int(given[group])
        elif rank == "info":
            ranks[group] = len(idx) - (n_proj or {}).get(group, 0)
        else:
            scales = [RANK_SCALINGS[ch_types[i]] for i in idx]
            ranks[group] = estimate_rank(C_P[np.ix_(idx, idx)], scales)
    return ranks


def eigh_by_group(C_P, groups, ranks):
    """Eigendecomposition of each diagonal block C_P[g, g] = E_g diag(eig_g) E_g^T.

    Eigenvalues are ascending within each group; the smallest ``n_g - rank_g`` are set to 0.
    Cross-group entries (MEG-EEG) are ignored. MNE: ``_smart_eigh`` / ``_get_ch_whitener``.

    The MEG block is ill-conditioned (eigenvalue ratio ~4e5 on the course data), so its small
    eigenvalues are only known to ~1e-11 relative and two LAPACK algorithms disagree at that
    level; we use divide and conquer (``syevd``), as MNE does, so that twin runs agree.

    Returns
    -------
    eig : (n_channels,)
    E : (n_channels, n_channels)  eigenvectors as columns (block-diagonal)
    """
    n_channels = C_P.shape[0]
    eig = np.zeros(n_channels)
    E = np.zeros((n_channels, n_channels))
    for group, idx in groups.items():
        eig_g, E_g = linalg.eigh(C_P[np.ix_(idx, idx)], driver="evd")
        eig_g[: len(idx) - ranks[group]] = 0.0
        eig[idx] = eig_g
        E[np.ix_(idx, idx)] = E_g
    return eig, E


def whitener_from_eigh(eig, E, *, pca=False):
    """W = diag(1/sqrt(eig)) E^T, with zero rows where eig = 0.

    ``pca=False``: (n_channels, n_channels) with zero rows (MNE's ``pca='white'``, used by the
    minimum-norm operator). ``pca=True``: only the (n_nzero, n_channels) kept rows (used by the
    sparse solvers).
    """
    keep = eig > 0
    inv_sqrt = np.zeros_like(eig)
    inv_sqrt[keep] = 1.0 / np.sqrt(eig[keep])
    W = inv_sqrt[:, None] * E.T
    return W[keep] if pca else W


def colorer_from_eigh(eig, E):
    """C^{1/2} = E diag(sqrt(eig)), the inverse of the whitener on the kept subspace."""
    return E * np.sqrt(np.clip(eig, 0, None))[None, :]


def pick_cov(noise_cov, ch_names):
    """The (n_channels, n_channels) block of an ``mne.Covariance`` in the order of ch_names.

    Raises a ValueError naming the channels that the covariance lacks, and one when the
    covariance's matrix does not match its own channel list.
    """
    names = list(noise_cov.ch_names)
    data = np.asarray(noise_cov.data, float)
    data = np.diag(data) if data.ndim == 1 else data
    if data.shape != (len(names), len(names)):
        raise ValueError(f"the noise covariance matrix is {data.shape} but it lists "
                         f"{len(names)} channel names")
    missing = [name for name in ch_names if name not in names]
    if missing:
        raise ValueError(f"{len(missing)} channel(s) are missing from the noise covariance "
                         f"(it has {len(names)} channels): {missing[:5]}")
    idx = [names.index(name) for name in ch_names]
    return data[np.ix_(idx, idx)]


def make_whitener(noise_cov, info, ch_names=None, *, rank=None, pca=False, projs=None):
    """Whitener of an ``mne.Covariance`` for the channels ``ch_names`` (MNE edge).

    Steps: pick C in the order of ``ch_names``; P from ``projs`` (default: ``info['projs']``
    plus ``noise_cov['projs']``); C_P = P C P^T; rank per group; eigh per group; W.

    Parameters
    ----------
    noise_cov : mne.Covariance
    info : mne.Info  channel types and projectors
    ch_names : list of str | None  default: the good channels of ``info`` that are in the cov
    rank : None | "info" | dict  see :func:`noise_cov_rank`
    pca : bool  see :func:`whitener_from_eigh`
    projs : list of mne.Projection | None
    """
    if ch_names is None:
        bads = set(info["bads"]) | set(noise_cov["bads"])
        ch_names = [c for c in info["ch_names"] if c not in bads and c in noise_cov.ch_names
                    and mne.channel_type(info, info["ch_names"].index(c)) in _GROUP_OF_TYPE]
    ch_names = tuple(ch_names)
    ch_types = channel_types(info, ch_names)
    C = pick_cov(noise_cov, ch_names)
    if projs is None:
        projs = list(info["projs"]) + list(noise_cov["projs"])
    P, _ = projector(projs, ch_names)
    n_proj = {g: projector(projs, [ch_names[i] for i in idx])[1]
              for g, idx in channel_groups(ch_types).items()}
    C_P = P @ (C @ P.T)
    ranks = noise_cov_rank(C_P, ch_types, rank=rank, n_proj=n_proj)
    eig, E = eigh_by_group(C_P, channel_groups(ch_types), ranks)
    W = whitener_from_eigh(eig, E, pca=pca)
    return Whitener(ch_names=ch_names, ch_types=ch_types, C=C, P=P, rank=ranks, eig=eig, E=E,
                    W=W, pca=bool(pca))


def empirical_covariance(X):
    """C = sum_e X_e X_e^T / (n_samples - 1), over baseline-corrected epochs.

    The baseline correction makes each epoch's baseline mean zero, so no mean is removed here.
    MNE: ``mne.compute_covariance(epochs, tmax=0, method="empirical")`` (``nfree = n - 1``).

    Parameters
    ----------
    X : (n_epochs, n_channels, n_times)

    Returns
    -------
    C : (n_channels, n_channels)
    """
    X = np.asarray(X, float)
    if X.ndim != 3:
        raise ValueError(f"X must be (n_epochs, n_channels, n_times), got shape {X.shape}")
    n_epochs, n_channels, n_times = X.shape
    stacked = np.moveaxis(X, 1, 0).reshape(n_channels, n_epochs * n_times)
    return stacked @ stacked.T / (n_epochs * n_times - 1)


def whitened_gfp(b, W, rank):
    """GFP of whitened data: sqrt(||W b(t)||^2 / rank) per time sample; ~1 for pure noise.

    Parameters
    ----------
    b : (n_channels, n_times)  data (already projected, or with P inside W)
    W : (n_rows, n_channels)  whitener at the data's nave
    rank : int  number of whitened components (the zero rows of W add nothing)
    """
    if W.shape[1] != b.shape[0]:
        raise ValueError(f"W has {W.shape[1]} columns but b has {b.shape[0]} channels")
    return np.sqrt(np.sum((W @ b) ** 2, axis=0) / rank)
