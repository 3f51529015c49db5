"""The MNE edge of the LCMV beamformer: ``make_lcmv`` and ``apply_lcmv`` as in MNE-Python.

``make_lcmv`` (MNE: ``mne.beamformer.make_lcmv``)::

    channels   good channels of info that the forward, data_cov and noise_cov share
    rank       of the data covariance per group (MEG, EEG); 'info': n_channels - n_proj
    W          whitener of noise_cov at that rank (no noise_cov: unit noise, 1 T or 1 V)
    L_w        W L diag(sqrt(depth_prior))       L as the forward stores it (xyz, surface
                                                 coordinates or fixed); depth as the sparse
                                                 solvers' (whitened, Frobenius, no limit)
    C_b        W C_data W^T                      whitened data covariance
    K_w        lcmv_kernel(L_w, C_b, ...)        minnorm_teach.beamformer.filters

``apply_lcmv``: j = K_w W b; free orientation (pick_ori None): |j_k| = sqrt(j_x^2 + j_y^2 +
j_z^2) per location. The units of j depend on ``weight_norm``: A·m for None (unit gain, no
depth weighting), a noise-normalised ratio (whitened noise has variance 1) otherwise.

``data_covariance``: C_b of epochs over a window, as ``mne.compute_covariance(...,
method="empirical")``.

Not supported: ``label``, ``pick_ori='vector'``, volume source spaces, complex (DICS) data.
"""

from dataclasses import dataclass

import mne
import numpy as np

from .. import priors, validation, whitening
from ..validation.errors import shown
from .filters import INVERSIONS, PICK_ORIS, WEIGHT_NORMS, lcmv_kernel

__all__ = ["LCMV", "make_lcmv", "data_covariance"]

_FIXED_ORI = mne.io.constants.FIFF.FIFFV_MNE_FIXED_ORI


@dataclass(frozen=True, repr=False)
class LCMV:
    """Everything ``make_lcmv`` computes (MNE's ``Beamformer`` key in brackets).

    Fields
    ------
    K_w : (n_rows, n_channels)       kernel on whitened data, n_orient rows per location
                                     [weights]
    W : (n_channels, n_channels)     noise whitener, zero rows for discarded components
                                     [whitener]
    P : (n_channels, n_channels)     projector of info['projs'] [proj]
    ch_names : tuple                 channels, in the order of the columns [ch_names]
    n_orient : int                   rows per location: 3 (free, pick_ori None) or 1
    pick_ori, weight_norm, inversion : as given      [pick_ori, weight_norm, inversion]
    reg : float, mu : float          regularisation and loading reg tr(C_b) / n
    rank : int, rank_by_group : dict eigenvalues of C_b inverted, per group [rank]
    depth_prior : (n_dipoles,) | None
    max_power_ori : (n_sources, 3) | None   in the forward's frame [max_power_ori]
    vertices : list of arrays, subject : str | None   the source space [vertices, subject]
    noise_whitened : bool            W from a noise covariance (False: MNE's unit stand-in)
    """

    K_w: np.ndarray
    W: np.ndarray
    P: np.ndarray
    ch_names: tuple
    n_orient: int
    pick_ori: str | None
    weight_norm: str | None
    inversion: str
    reg: float
    mu: float
    rank: int
    rank_by_group: dict
    depth_prior: np.ndarray | None
    max_power_ori: np.ndarray | None
    vertices: list
    subject: str | None
    noise_whitened: bool = True

    @property
    def K(self):
        """The kernel on sensor data, K = K_w W: (n_rows, n_channels), j = K b."""
        return self.K_w @ self.W

    @property
    def n_sources(self):
        """Number of source locations."""
        return self.K_w.shape[0] // self.n_orient

    def __repr__(self):
        return (f"LCMV({len(self.ch_names)} channels, {self.n_sources} sources, "
                f"weight_norm={self.weight_norm!r}, pick_ori={self.pick_ori!r}, "
                f"rank {self.rank}; K_w: {self.K_w.shape}, W: {self.W.shape})")


def _channels(info, forward, data_cov, noise_cov):
    """Good MEG/EEG channels of info in the forward; every one must be in both covariances."""
    bads = set(info["bads"]) | set(data_cov["bads"])
    bads |= set(noise_cov["bads"]) if noise_cov is not None else set()
    in_forward = set(forward["sol"]["row_names"])
    kinds = {"mag", "grad", "eeg"}
    ch_names = [c for k, c in enumerate(info["ch_names"]) if c not in bads and c in in_forward
                and mne.channel_type(info, k) in kinds]
    if not ch_names:
        raise validation.InputValueError(
            f"info has no good MEG or EEG channel that the forward has (info: "
            f"{len(info['ch_names'])} channels, forward: {len(in_forward)})", argument="info")
    types = validation.channel_types(info, ch_names)
    for cov, name in ((data_cov, "data_cov"), (noise_cov, "noise_cov")):
        if cov is not None:
            validation.check_channels_present(cov.ch_names, ch_names, types, data_name=name,
                                              needed_name="the beamformer",
                                              hint="compute it with these channels, or mark "
                                                   "them bad in info['bads']")
    return tuple(ch_names)


def _check_options(reg, pick_ori, weight_norm, reduce_rank, inversion):
    reg = validation.check_real(reg, "reg", low=0)
    hint = "pick_ori='vector' is not implemented in this course" if pick_ori == "vector" else ""
    pick_ori = validation.check_option(pick_ori, "pick_ori", PICK_ORIS, hint=hint)
    weight_norm = validation.check_option(weight_norm, "weight_norm", WEIGHT_NORMS)
    reduce_rank = validation.check_bool(reduce_rank, "reduce_rank")
    inversion = validation.check_option(inversion, "inversion", INVERSIONS)
    if reduce_rank and inversion == "single":
        raise validation.refuse("inversion", "'matrix' with reduce_rank=True", inversion,
                                "the rank of a location is reduced in its (3, 3) block")
    return reg, pick_ori, weight_norm, reduce_rank, inversion


def _check_forward_ori(forward, pick_ori):
    """MNE's rules: pick_ori needs a free forward, 'normal' one in surface coordinates."""
    fixed = forward["source_ori"] == _FIXED_ORI
    if pick_ori is not None and fixed:
        raise validation.refuse("pick_ori", "None with a fixed-orientation forward", pick_ori,
                                "normal and max-power pick one of three orientations")
    if pick_ori == "normal" and not forward["surf_ori"]:
        raise validation.refuse("pick_ori", "None or 'max-power' with a forward in xyz",
                                pick_ori, "convert it first: mne.convert_forward_solution("
                                          "fwd, surf_ori=True)")
    kinds = {s["type"] for s in forward["src"]}
    if kinds != {"surf"}:
        raise validation.refuse("forward", "a forward on a cortical surface source space",
                                shown(f"source spaces of type {sorted(kinds)}"))
    return 1 if fixed else 3


def _ranks(rank, C_data, C_noise, ch_types, n_proj, P):
    """Rank of the data covariance per group; a given noise covariance must have the same."""
    data_rank = whitening.noise_cov_rank(P @ C_data @ P.T, ch_types, rank=rank, n_proj=n_proj)
    if C_noise is not None:
        noise_rank = whitening.noise_cov_rank(P @ C_noise @ P.T, ch_types, rank=rank,
                                              n_proj=n_proj)
        if noise_rank != data_rank:
            raise validation.InputValueError(
                f"data_cov has rank {data_rank} but noise_cov has rank {noise_rank}: the "
                f"whitened data covariance would not be full rank; pass rank='info' or the "
                f"same rank dict for both", argument="rank")
    return data_rank


def _depth(options, L_white, n_orient, inversion):
    """MNE's depth_sparse prior of the whitened gain (Frobenius over a location's 3 columns;
    per column with inversion='single'), or None."""
    if options.exp is None:
        return None
    per_column = n_orient == 1 or inversion == "single"
    return priors.depth_prior(L_white, exp=options.exp, limit=options.limit,
                              combine=options.combine_xyz, n_orient=1 if per_column else 3)


def _unit_noise_cov(info, ch_names, ch_types):
    """MNE's stand-in without a noise covariance: unit variance (1 T, 1 T/m or 1 V)."""
    if len(set(ch_types)) > 1:
        raise validation.refuse("noise_cov", "an mne.Covariance when several channel types "
                                             "are used", None,
                                f"the data mix {sorted(set(ch_types))}: only a noise "
                                f"covariance puts them in common units")
    return mne.Covariance(np.ones(len(ch_names)), list(ch_names), bads=[],
                          projs=list(info["projs"]), nfree=0)


def make_lcmv(info, forward, data_cov, reg=0.05, noise_cov=None, *, pick_ori=None,
              rank="info", weight_norm="unit-noise-gain-invariant", reduce_rank=False,
              depth=None, inversion="matrix"):
    """LCMV spatial filters K_k = norm((L_k^T C_b^+ L_k)^{-1} L_k^T C_b^+) (whitened L, C_b).

    Same arguments, meanings and defaults as ``mne.beamformer.make_lcmv`` (MNE 1.13);
    see the module docstring for the steps and :mod:`minnorm_teach.beamformer.filters`
    for the formula.

    Parameters
    ----------
    info : mne.Info  channels to use (bads excluded) and projectors
    forward : mne.Forward  free (xyz or surface coordinates) or fixed orientation
    data_cov : mne.Covariance  covariance of the data to localise (e.g. 0-300 ms)
    reg : float >= 0  diagonal loading, a fraction of the mean eigenvalue of C_b
    noise_cov : mne.Covariance | None  whitener; None: unit noise (one channel type only)
    pick_ori : None | 'normal' | 'max-power'
    rank : 'info' | None | dict  rank of both covariances (None: estimated; must agree)
    weight_norm : 'unit-noise-gain-invariant' | 'unit-noise-gain' | 'nai' | None
    reduce_rank : bool  drop each location's weakest direction (spherical MEG models)
    depth : None | float | dict  depth-prior exponent of the whitened gain (MNE's
        ``depth_sparse``)
    inversion : 'matrix' | 'single'

    Returns
    -------
    LCMV
    """
    validation.check_instance(info, "info", "Info")
    validation.check_forward(forward, "forward")
    validation.check_instance(data_cov, "data_cov", "Covariance")
    reg, pick_ori, weight_norm, reduce_rank, inversion = _check_options(
        reg, pick_ori, weight_norm, reduce_rank, inversion)
    depth = validation.check_depth(depth, kind="sparse", supported={
        "limit_depth_chs": ("whiten",), "allow_fixed_depth": (True,)})
    n_orient = _check_forward_ori(forward, pick_ori)
    ch_names = _channels(info, forward, data_cov, noise_cov)
    info_used = mne.pick_info(info, [info["ch_names"].index(c) for c in ch_names])
    ch_types = whitening.channel_types(info_used, ch_names)
    rank = validation.check_rank(rank, ch_types)
    C_data = _checked_cov(data_cov, "data_cov", ch_names, info_used)
    C_noise = None if noise_cov is None else _checked_cov(noise_cov, "noise_cov", ch_names,
                                                          info_used)
    noise_whitened = noise_cov is not None
    if noise_cov is None:
        noise_cov = _unit_noise_cov(info_used, ch_names, ch_types)
    P, _ = whitening.projector(info_used["projs"], ch_names)
    n_proj = {g: whitening.projector(info_used["projs"], [ch_names[i] for i in idx])[1]
              for g, idx in whitening.channel_groups(ch_types).items()}
    ranks = _ranks(rank, C_data, C_noise, ch_types, n_proj, P)
    W = whitening.make_whitener(noise_cov, info_used, ch_names, rank=ranks).W
    rows = [list(forward["sol"]["row_names"]).index(c) for c in ch_names]
    L_white = W @ np.asarray(forward["sol"]["data"], float)[rows]
    depth_w = _depth(depth, L_white, n_orient, inversion)
    L_w = L_white if depth_w is None else L_white * np.sqrt(depth_w)
    C_b = W @ C_data @ W.T
    kernel = lcmv_kernel(L_w, (C_b + C_b.T) / 2, n_orient, reg=reg, rank=sum(ranks.values()),
                         weight_norm=weight_norm, pick_ori=pick_ori, reduce_rank=reduce_rank,
                         inversion=inversion)
    src = forward["src"]
    return LCMV(K_w=kernel.K, W=W, P=P, ch_names=ch_names, n_orient=kernel.n_orient,
                pick_ori=pick_ori, weight_norm=weight_norm, inversion=inversion, reg=reg,
                mu=kernel.mu, rank=kernel.rank, rank_by_group=ranks, depth_prior=depth_w,
                max_power_ori=kernel.max_power_ori, vertices=[s["vertno"].copy() for s in src],
                subject=src[0].get("subject_his_id"), noise_whitened=noise_whitened)


def _checked_cov(cov, name, ch_names, info):
    """The covariance's (n_channels, n_channels) block for ch_names, after its sanity checks."""
    validation.check_noise_cov(cov, name, info=info)
    return whitening.pick_cov(cov, ch_names)


def data_covariance(epochs, tmin=None, tmax=None):
    """C_b = sum_e sum_t b_e(t) b_e(t)^T / (n - 1) over the epochs and the samples in [tmin, tmax].

    n = n_epochs x n_samples. The means are kept: the evoked response is part of C_b, the
    covariance of the data the beamformer will be applied to. Good MEG and EEG channels, the
    epochs' projectors; as ``mne.compute_covariance(epochs, tmin, tmax, method="empirical")``.
    Returns an ``mne.Covariance``.
    """
    validation.check_instance(epochs, "epochs", "Epochs")
    picks = mne.pick_types(epochs.info, meg=True, eeg=True, exclude="bads")
    ch_names = [epochs.ch_names[k] for k in picks]
    window = epochs.copy().crop(tmin, tmax).get_data(picks=ch_names)
    b = window.transpose(1, 0, 2).reshape(len(ch_names), -1)       # (n_channels, n)
    n = b.shape[1]
    return mne.Covariance((b @ b.T) / (n - 1), ch_names, bads=[],
                          projs=list(epochs.info["projs"]), nfree=n - 1)
