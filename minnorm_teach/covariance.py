"""The noise covariance as given: channels, types, projectors and rank (chapter 05).

Before the whitener (:mod:`minnorm_teach.whitening`) can be built, four questions about the
noise covariance C and the measurement info must be answered:

- which rows of C belong to the data's channels, and which channel types they are
  (:func:`pick_cov`, :func:`channel_types`, :func:`channel_groups`: mag + grad are whitened
  together as "MEG", EEG apart);
- which directions the SSP / average-reference projectors remove, P = I - Q Q^T
  (:func:`projector`, :func:`projection_vectors`);
- what rank the projected covariance P C P^T keeps per group (:func:`noise_cov_rank`,
  :func:`estimate_rank`: MNE's "Reducing data rank from 305 -> 302");
- and, from baseline data, C itself (:func:`empirical_covariance`).

MNE-Python counterparts: ``mne.compute_covariance``, ``mne.io.proj.make_projector``,
``mne.compute_rank`` (per-type pre-scalings mag 1e12, grad 1e11, eeg 1e5).
"""

import mne
import numpy as np
from scipy import linalg

__all__ = ["RANK_SCALINGS", "channel_types", "channel_groups", "pick_cov", "projector",
           "projection_vectors", "estimate_rank", "noise_cov_rank", "empirical_covariance"]

#: Pre-scalings applied to each channel type before the rank is estimated (MNE's
#: ``scalings_cov_rank``): they bring T, T/m and V to comparable magnitudes.
RANK_SCALINGS = {"mag": 1e12, "grad": 1e11, "eeg": 1e5}
_GROUP_OF_TYPE = {"mag": "meg", "grad": "meg", "eeg": "eeg"}


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
    vectors = _restricted_vectors(projs or [], ch_names, keep_zero=True)
    if not np.any(vectors):
        return np.eye(n_channels), 0
    # each vector normalised on its own, and the vectors that vanish on these channels kept
    # (they add singular values 0), as MNE's make_projector does: the 1e-10 agreement of
    # badly conditioned cases (real covariances, cond ~1e7) depends on this order of rounding
    vectors = np.array([v / np.linalg.norm(v) if np.any(v) else v for v in vectors])
    Q, sv, _ = linalg.svd(vectors.T, full_matrices=False)
    Q = Q[:, sv / sv[0] > 1e-2]
    if Q.shape[1] >= n_channels:
        raise ValueError(f"{Q.shape[1]} projection vectors leave nothing of {n_channels} "
                         f"channels")
    return np.eye(n_channels) - Q @ Q.T, Q.shape[1]


def _restricted_vectors(projs, ch_names, *, keep_zero=False):
    """Every projection vector of ``projs`` on the channels ``ch_names``; zero rows dropped
    unless ``keep_zero``."""
    position = {name: i for i, name in enumerate(ch_names)}
    rows = []
    for proj in projs:
        cols = proj["data"]["col_names"]
        for vector in np.atleast_2d(proj["data"]["data"]):
            row = np.zeros(len(ch_names))
            for c, value in zip(cols, vector, strict=True):
                if c in position:
                    row[position[c]] = value
            if keep_zero or np.any(row):
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
