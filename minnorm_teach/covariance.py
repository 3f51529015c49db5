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

from . import validation
from .validation.errors import shown

__all__ = ["RANK_SCALINGS", "channel_types", "channel_groups", "pick_cov", "projector",
           "projection_vectors", "estimate_rank", "noise_cov_rank", "empirical_covariance"]

#: Pre-scalings applied to each channel type before the rank is estimated (MNE's
#: ``scalings_cov_rank``): they bring T, T/m and V to comparable magnitudes.
RANK_SCALINGS = {"mag": 1e12, "grad": 1e11, "eeg": 1e5}
_GROUP_OF_TYPE = {"mag": "meg", "grad": "meg", "eeg": "eeg"}


def channel_types(info, ch_names):
    """Channel type ("mag", "grad", "eeg") of each name, read from ``info`` (an MNE edge)."""
    validation.check_instance(info, "info", "Info")
    validation.check_channels_present(info["ch_names"], ch_names, data_name="info",
                                      needed_name="the whitener",
                                      hint="pass channel names of this info")
    types = tuple(mne.channel_type(info, info["ch_names"].index(name)) for name in ch_names)
    unknown = sorted({t for t in types if t not in _GROUP_OF_TYPE})
    if unknown:
        raise validation.refuse("ch_names", "mag, grad and eeg channels only (whitening "
                                            "handles these)", shown(f"channels of type {unknown}"))
    return types


def channel_groups(ch_types):
    """Indices of each whitening group: {"meg": mag + grad together, "eeg": EEG apart}.

    Groups with no channel are left out; the order is always MEG then EEG.
    """
    unknown = sorted({str(t) for t in ch_types if t not in _GROUP_OF_TYPE})
    if unknown:
        raise validation.refuse("ch_types", "'mag', 'grad' or 'eeg' for every channel",
                                shown(f"types {unknown}"))
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
    validation.check_instance(noise_cov, "noise_cov", "Covariance")
    names = list(noise_cov.ch_names)
    data = validation.as_real_array(noise_cov.data, "noise_cov", ndim=(1, 2),
                                    shape_text="(n_channels, n_channels)")
    data = np.diag(data) if data.ndim == 1 else data
    if data.shape != (len(names), len(names)):
        raise validation.InputValueError(f"noise_cov is {data.shape} but it lists "
                                         f"{len(names)} channel names", argument="noise_cov")
    validation.check_channels_present(names, ch_names, data_name="noise_cov",
                                      needed_name="the whitener",
                                      hint="mark them bad (info['bads']) or recompute the "
                                           "covariance with them")
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
        raise validation.refuse("projs", f"fewer than {n_channels} independent projection "
                                         f"vectors (the channels)",
                                shown(f"{Q.shape[1]}: they leave nothing of the data"))
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
    validation.check_instance(info, "info", "Info")
    picks = [validation.check_int(k, "picks", low=0, high=len(info["ch_names"]) - 1)
             for k in picks]
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
    C = validation.as_real_array(C, "C", ndim=2, shape_text="(n, n)")
    n = C.shape[0]
    scales = validation.as_real_array(scales, "scales", ndim=1)
    validation.check_rows_match("C", n, "rows", "scales", scales.size, "values")
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
    C_P = validation.as_real_array(C_P, "C_P", ndim=2, shape_text="(n_channels, n_channels)")
    validation.check_rows_match("C_P", C_P.shape[0], "rows", "ch_types", n_channels,
                                "channel types")
    given = _group_ranks(rank, ch_types)
    ranks = {}
    for group, idx in channel_groups(ch_types).items():
        if group in given:
            ranks[group] = _given_rank(given[group], group, len(idx), (n_proj or {}).get(group))
        elif rank == "info":
            ranks[group] = len(idx) - (n_proj or {}).get(group, 0)
        else:
            scales = [RANK_SCALINGS[ch_types[i]] for i in idx]
            ranks[group] = estimate_rank(C_P[np.ix_(idx, idx)], scales)
    return ranks



def _given_rank(value, group, n_channels, n_proj):
    """A given rank: an integer in [1, n_channels - n_proj] (the projectors' zero eigenvalues
    cannot be inverted: MNE's rank='full' on projected data gives a map off by 1e3)."""
    name = f"rank[{group!r}]"
    if not n_proj:
        return validation.check_int(value, name, low=1, high=n_channels)
    return validation.check_int(
        value, name, low=1, high=n_channels - n_proj,
        hint=f"{n_proj} projector{'s' if n_proj > 1 else ''} remove{'' if n_proj > 1 else 's'}"
             f" {n_proj} of the {n_channels} dimensions (rank='full' asks for all of them): a "
             f"larger rank inverts zero eigenvalues; use rank=None or 'info'")


def _group_ranks(rank, ch_types):
    """rank None or "info" -> {}; a dict by our group names ("meg", "eeg") -> itself."""
    if rank is None or (isinstance(rank, str) and rank == "info"):
        return {}
    groups = sorted(channel_groups(ch_types))
    if not isinstance(rank, dict):
        raise (validation.refuse if isinstance(rank, str) else validation.refuse_type)(
            "rank", f"None, 'info' or a dict with keys among {groups}", rank)
    if not set(rank) <= set(groups):
        raise validation.refuse("rank", f"a dict with keys among {groups} (the groups "
                                        f"whitened together)", rank)
    return rank


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
    X = validation.as_real_array(X, "X", ndim=3, shape_text="(n_epochs, n_channels, n_times)")
    validation.check_finite(X, "X", labels=("epoch", "channel", "sample"))
    n_epochs, n_channels, n_times = X.shape
    stacked = np.moveaxis(X, 1, 0).reshape(n_channels, n_epochs * n_times)
    return stacked @ stacked.T / (n_epochs * n_times - 1)
