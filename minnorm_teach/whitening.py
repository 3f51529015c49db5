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
``mne.Info``; the channel bookkeeping, projectors and rank live in
:mod:`minnorm_teach.covariance` (``channel_types``, ``pick_cov``, ``projector`` and
``projection_vectors`` are also importable from here).
"""

from dataclasses import dataclass

import mne
import numpy as np
from scipy import linalg

from . import validation
from .covariance import (
    _GROUP_OF_TYPE,
    channel_groups,
    channel_types,
    noise_cov_rank,
    pick_cov,
    projection_vectors,
    projector,
)

__all__ = ["Whitener", "eigh_by_group", "whitener_from_eigh", "colorer_from_eigh",
           "make_whitener", "whitened_gfp", "ratio_of_means",
           # defined in minnorm_teach.covariance, kept here for code written before the split
           "channel_types", "channel_groups", "pick_cov", "projector", "projection_vectors"]


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
    eig, E = _check_eigh(eig, E)
    pca = validation.check_bool(pca, "pca")
    keep = eig > 0
    inv_sqrt = np.zeros_like(eig)
    inv_sqrt[keep] = 1.0 / np.sqrt(eig[keep])
    W = inv_sqrt[:, None] * E.T
    return W[keep] if pca else W


def _check_eigh(eig, E):
    """eig (n,) and E (n, n) finite: an eigendecomposition (eig <= 0: a discarded component)."""
    eig = validation.as_real_array(eig, "eig", ndim=1, shape_text="(n_channels,)")
    validation.check_finite(eig, "eig", labels=("component",))
    E = validation.as_real_array(E, "E", ndim=2, shape_text="(n_channels, n_channels)")
    validation.check_rows_match("E", E.shape[1], "columns", "eig", eig.size, "values")
    return eig, validation.check_finite(E, "E")


def colorer_from_eigh(eig, E):
    """C^{1/2} = E diag(sqrt(eig)), the inverse of the whitener on the kept subspace."""
    eig, E = _check_eigh(eig, E)
    return E * np.sqrt(np.clip(eig, 0, None))[None, :]


def make_whitener(noise_cov, info, ch_names=None, *, rank=None, pca=False, projs=None):
    """Whitener of an ``mne.Covariance`` for the channels ``ch_names`` (MNE edge).

    Steps: pick C in the order of ``ch_names``; P from ``projs`` (default: ``info['projs']``
    plus ``noise_cov['projs']``); C_P = P C P^T; rank per group; eigh per group; W.

    Parameters
    ----------
    noise_cov : mne.Covariance
    info : mne.Info  channel types and projectors
    ch_names : list of str | None  default: the good channels of ``info`` that are in the cov
    rank : None | "info" | "full" | dict  by our groups ({"meg": 302, "eeg": 59}, see
        :func:`noise_cov_rank`) or in MNE's forms ({"grad": 200} for gradiometers alone)
    pca : bool  see :func:`whitener_from_eigh`
    projs : list of mne.Projection | None
    """
    validation.check_instance(info, "info", "Info")
    validation.check_noise_cov(noise_cov, info=info)
    pca = validation.check_bool(pca, "pca")
    if ch_names is None:
        bads = set(info["bads"]) | set(noise_cov["bads"])
        ch_names = [c for c in info["ch_names"] if c not in bads and c in noise_cov.ch_names
                    and mne.channel_type(info, info["ch_names"].index(c)) in _GROUP_OF_TYPE]
    ch_names = tuple(ch_names)
    ch_types = channel_types(info, ch_names)
    if not (isinstance(rank, dict) and rank and set(rank) <= set(channel_groups(ch_types))):
        rank = validation.check_rank(rank, ch_types)         # MNE's forms -> our group names
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



def whitened_gfp(b, W, rank):
    """Whitened global field power: GFP_W(t) = ||W b(t)||^2 / rank per time sample.

    A chi-squared statistic per degree of freedom: about 1 for pure noise whose covariance W
    whitens, above 1 where there is signal. It is the quantity MNE-Python's
    ``plot_evoked_white`` draws (there per channel group, each divided by its own rank;
    without a square root). MNE's ``estimate_snr`` returns its square root.

    Parameters
    ----------
    b : (n_channels, n_times)  data (already projected, or with P inside W)
    W : (n_rows, n_channels)  whitener at the data's nave (sqrt(nave) W for an average)
    rank : int  number of whitened components (the zero rows of W add nothing)
    """
    W = validation.as_real_array(W, "W", ndim=2, shape_text="(n_rows, n_channels)")
    b = validation.as_real_array(b, "b", ndim=2, shape_text="(n_channels, n_times)")
    validation.check_rows_match("W", W.shape[1], "columns", "b", b.shape[0], "channels")
    validation.check_finite(b, "b", labels=("channel", "sample"))
    rank = validation.check_int(rank, "rank", low=1, high=W.shape[0])
    return np.sum((W @ b) ** 2, axis=0) / rank


def ratio_of_means(numerator, denominator):
    """r = mean(numerator) / mean(denominator) over epochs, and its standard error.

    ``numerator`` and ``denominator`` hold one value per epoch (e.g. the whitened power after
    the stimulus and in the baseline); epochs are independent, samples within one are not, so
    the error comes from the spread over epochs (delta method):
    se^2 = var(numerator - r denominator) / (n_epochs mean(denominator)^2).
    """
    numerator = validation.as_real_array(numerator, "numerator", ndim=1,
                                         shape_text="(n_epochs,)")
    denominator = validation.as_real_array(denominator, "denominator", ndim=1,
                                           shape_text="(n_epochs,)")
    if numerator.shape != denominator.shape or numerator.size < 2:
        raise ValueError(f"expected two arrays of one value per epoch (at least 2 epochs), "
                         f"got shapes {numerator.shape} and {denominator.shape}")
    r = numerator.mean() / denominator.mean()
    se = np.std(numerator - r * denominator, ddof=1) / (np.sqrt(numerator.size)
                                                        * denominator.mean())
    return float(r), float(se)
