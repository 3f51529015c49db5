"""MNE-Python's minimum-norm inverse operator, rebuilt one equation at a time (chapter 06).

``make_inverse_operator`` (MNE: ``mne.minimum_norm.make_inverse_operator``)::

    L        lead field in surface coordinates [t1, t2, n] per location, good channels
             (minnorm_teach.lead_field)
    W, P     whitener and projector of the noise covariance C   (minnorm_teach.whitening)
    R        depth_prior * orient_prior * trace_scale            (minnorm_teach.priors)
    L_tilde  = W P L diag(sqrt(R)) = U diag(s) V^T               (minnorm_teach.linalg)

The SVD takes the sensor-space route of chapter 03 (:func:`minnorm_teach.linalg.svd_from_gram`):
the eigendecomposition of the whitened Gram matrix L_tilde L_tilde^T (n_nzero x n_nzero), then
V = L_tilde^T U diag(1/s), instead of an SVD of the wide L_tilde. The kernel, applying it and
the noise normalisations build on the fields of :class:`InverseOperator`
(:mod:`minnorm_teach.kernel`, :mod:`minnorm_teach.noise_norm`, :mod:`minnorm_teach.apply`).
"""

from dataclasses import dataclass

import mne
import numpy as np

from . import linalg, priors, whitening
from .lead_field import fixed_lead_field, is_fixed, surface_lead_field

__all__ = ["InverseOperator", "select_channels", "source_prior", "whitened_svd",
           "make_inverse_operator"]


@dataclass(frozen=True, repr=False)
class InverseOperator:
    """Everything ``make_inverse_operator`` computes, named after the math (nave = 1).

    Fields (MNE's ``inv[...]`` name in brackets)
    ------
    ch_names : tuple (n_channels,)             channels used [eigen_fields col_names]
    info : mne.Info                            measurement info of those channels
    P : (n_channels, n_channels)               SSP/average-reference projector [proj]
    C : (n_channels, n_channels)               noise covariance as used, nave=1 [noise_cov]
    eig, E : (n_channels,), (n_ch, n_ch)       eigh of P C P^T per group [noise_cov eig, eigvec]
    W : (n_channels, n_channels)               whitener, zero rows for discarded components
    rank : int                                 rank of the whitened noise [n_nzero]
    rank_by_group : dict                       {"meg": 302, "eeg": 59}
    L : (n_channels, n_dipoles)                lead field, surface-oriented, channels picked
    depth_prior : (n_dipoles,) | None          [depth_prior]
    orient_prior : (n_dipoles,) | None         [orient_prior] (None for fixed)
    R : (n_dipoles,)                           source prior incl. trace scale [source_cov]
    trace_LRLT : float                         ||W P L diag(sqrt(depth*orient))||_F^2
    U : (n_channels, k), s : (k,), V : (n_dipoles, k)   SVD of L_tilde [eigen_fields^T, sing,
                                               eigen_leads]; k = min(rank, n_dipoles) (MNE
                                               keeps min(n_channels, n_dipoles), the extra ones
                                               being round-off that it never inverts)
    n_orient : int                             3 (loose/free) or 1 (fixed)
    loose : float                              variance weight of tangential components
    source_nn : (n_dipoles, 3)                 orientation of each component [source_nn]
    src : mne.SourceSpaces                     [src]
    nave : float                               1 (covariances as given) [nave]
    own_frames : bool                          the surface frames were built here from the
                                               source normals (a free forward in x, y, z);
                                               MNE keeps such a free operator in x, y, z and
                                               picks the normal at apply time (use_cps)
    """

    ch_names: tuple
    info: object
    P: np.ndarray
    C: np.ndarray
    eig: np.ndarray
    E: np.ndarray
    W: np.ndarray
    rank: int
    rank_by_group: dict
    L: np.ndarray
    depth_prior: np.ndarray | None
    orient_prior: np.ndarray | None
    R: np.ndarray
    trace_LRLT: float
    U: np.ndarray
    s: np.ndarray
    V: np.ndarray
    n_orient: int
    loose: float
    source_nn: np.ndarray
    src: object
    nave: float = 1.0
    own_frames: bool = False

    @property
    def n_sources(self):
        """Number of source locations."""
        return self.L.shape[1] // self.n_orient

    @property
    def vertices(self):
        """Source-space vertex numbers per hemisphere (or source space)."""
        return [np.asarray(s["vertno"]) for s in self.src]

    def __repr__(self):
        fields = ("L", "W", "P", "R", "U", "s", "V")
        shapes = ", ".join(f"{name}: {getattr(self, name).shape}" for name in fields)
        kind = "fixed" if self.n_orient == 1 else ("free" if self.loose == 1 else
                                                   f"loose {self.loose:g}")
        return (f"InverseOperator({len(self.ch_names)} channels, {self.n_sources} sources, "
                f"{kind}, rank {self.rank}; {shapes})")


def select_channels(info, fwd, noise_cov):
    """Channels of the inverse: in ``info`` order, not bad (info or cov), in the forward.

    Unlike MNE, a good data channel missing from the noise covariance is an error (MNE drops
    it silently): the reader should know which channels the estimate ignores.
    """
    bads = set(info["bads"]) | set(noise_cov["bads"])
    fwd_names = set(fwd["sol"]["row_names"])
    ch_names = [c for c in info["ch_names"] if c not in bads and c in fwd_names]
    if not ch_names:
        raise ValueError("no good channel of info is in the forward solution "
                         f"(info has {len(info['ch_names'])} channels, the forward "
                         f"{len(fwd_names)})")
    missing = [c for c in ch_names if c not in noise_cov.ch_names]
    if missing:
        raise ValueError(f"{len(missing)} good channel(s) of the data are missing from the "
                         f"noise covariance: {missing[:5]}. Mark them bad "
                         f"(info['bads']) or recompute the covariance with them.")
    return tuple(ch_names)


def _triage_loose(loose, fixed, src):
    """MNE's rules for ``loose`` and ``fixed``: returns the loose value (0 = fixed)."""
    kinds = {s["type"] for s in src}
    surface_like = kinds <= {"surf", "discrete"}
    if isinstance(loose, str):
        if loose != "auto":
            raise ValueError(f"loose must be a number in [0, 1] or 'auto', got {loose!r}")
        loose = 0.0 if fixed is True else (0.2 if kinds == {"surf"} else 1.0)
    loose = float(loose)
    if not 0.0 <= loose <= 1.0:
        raise ValueError(f"loose must be between 0 and 1 (variance of the tangential "
                         f"components), got {loose}")
    if fixed is True and loose != 0.0:
        raise ValueError(f"fixed=True needs loose=0 or 'auto', got loose={loose}")
    if fixed is False and loose == 0.0:
        raise ValueError("loose=0 means a fixed orientation: use fixed=True or 'auto'")
    if fixed not in (True, False, "auto"):
        raise ValueError(f"fixed must be True, False or 'auto', got {fixed!r}")
    if loose == 0.0 and not surface_like:
        raise ValueError(f"a fixed orientation needs a surface source space (cortical "
                         f"normals), got source spaces of type {sorted(kinds)}")
    if loose < 1.0 and not surface_like:
        raise ValueError(f"loose < 1 needs a surface source space, got {sorted(kinds)}; "
                         f"use loose=1 (free orientation)")
    return loose


def source_prior(L, ch_types, loose, depth, fixed_forward):
    """depth_prior and orient_prior of the (unwhitened) lead field in surface coordinates."""
    n_orient = 1 if fixed_forward else 3
    depth_w = None
    if depth is not None:
        if fixed_forward:
            raise ValueError("depth weighting of a fixed inverse needs a free-orientation "
                             "forward (the depth prior uses each location's 3 components)")
        rows = priors.depth_channels(ch_types)
        depth_w = priors.depth_prior(L[rows], exp=depth, limit=10.0, combine="spectral",
                                     n_orient=n_orient)
    n_sources = L.shape[1] // n_orient
    orient_w = None if loose == 0.0 else priors.orient_prior(n_sources, loose)
    if loose == 0.0 and depth_w is not None:
        depth_w = depth_w[2::3]
    return depth_w, orient_w


def whitened_svd(L_tilde, kept):
    """L_tilde = U diag(s) V^T through the Gram matrix of its non-zero rows (chapter 03's route).

    The whitener W has a zero row for every discarded noise component (eig = 0), so
    W P L R^{1/2} has n_nzero non-zero rows, ``L_tilde``:
    :func:`minnorm_teach.linalg.svd_from_gram` decomposes them and U gets zeros in the rows
    of the discarded components. k = min(n_nzero, n_dipoles) components, every one of them
    used by the kernel. MNE's SVD of the whole W P L R^{1/2} has min(n_channels, n_dipoles),
    the extra singular values being round-off (~1e-16 s_1) that its ``reginv`` never
    inverts. Leaving the zero rows out is what keeps the Gram route exact: no component is
    a pure round-off direction that would then have to be cut by a threshold, and every
    kernel is a smooth function of the Gram matrix (see ``svd_from_gram``; measured over the
    twin grid against MNE: 3e-14).

    Parameters
    ----------
    L_tilde : (n_nzero, n_dipoles)  the non-zero rows of W P L diag(sqrt(R))
    kept : (n_channels,) bool  which rows of W they are (``eig > 0``)

    Returns
    -------
    U : (n_channels, k), s : (k,), V : (n_dipoles, k)
    """
    usv = linalg.svd_from_gram(L_tilde)
    U = np.zeros((kept.size, usv.s.size))
    U[kept] = usv.U
    return U, usv.s, usv.V


def make_inverse_operator(info, fwd, noise_cov, *, loose="auto", depth=0.8, fixed="auto",
                          rank=None, use_cps=True):
    """Assemble the inverse operator: priors, whitening, trace scale, SVD.

    L_tilde = W P L diag(sqrt(R)) = U diag(s) V^T, with R = c * depth * orient and
    c = rank(C) / ||W P L diag(sqrt(depth * orient))||_F^2.

    Mirrors ``mne.minimum_norm.make_inverse_operator``, with its defaults and their meaning
    (``loose='auto'`` is 0.2 on a surface source space, ``fixed='auto'`` follows ``loose``,
    ``depth=0.8``, ``use_cps=True`` orients fixed and loose sources by patch-average normals
    when the source space has patch statistics, :func:`minnorm_teach.lead_field.source_normals`).
    The differences:

    - ``forward`` is called ``fwd``, and the options after ``noise_cov`` are keyword-only;
    - ``loose`` is a number or "auto" (MNE also takes a dict per source-space type);
      ``depth`` a number or None (MNE also takes a dict of ``compute_depth_prior``
      arguments); ``rank`` None, "info" or a dict by whitening group, ``{"meg": 302,
      "eeg": 59}``;
    - no ``verbose``: the numbers of MNE's log lines are fields (``trace_LRLT``, ``s``,
      ``rank``);
    - it returns a frozen :class:`InverseOperator`, which MNE's functions (``apply_inverse``,
      ``write_inverse_operator``) do not read;
    - a good data channel missing from the noise covariance is an error (MNE drops it
      silently), see :func:`select_channels`;
    - the SVD keeps rank(C) components; MNE's keeps one per channel, the extra ones being
      round-off that it never inverts (:func:`whitened_svd`).

    Parameters
    ----------
    info : mne.Info  channels to use (bads excluded) and projectors
    fwd : mne.Forward  free orientation (or fixed, for a fixed inverse without depth)
    noise_cov : mne.Covariance
    loose : float in [0, 1] | "auto"
    depth : float | None  depth-prior exponent (None: no depth weighting)
    fixed : bool | "auto"
    rank : None | "info" | dict  see :func:`minnorm_teach.whitening.noise_cov_rank`
    use_cps : bool  patch-average normals (True, MNE's default) or vertex normals

    Returns
    -------
    InverseOperator
    """
    loose = _triage_loose(loose, fixed, fwd["src"])
    depth = None if depth is None or float(depth) == 0.0 else float(depth)
    if depth is not None and depth < 0:
        raise ValueError(f"the depth exponent must be >= 0 or None, got {depth}")
    if is_fixed(fwd) and loose > 0:
        raise ValueError(f"the forward has fixed orientation: only a fixed inverse "
                         f"(loose=0) is possible, got loose={loose}")
    ch_names = select_channels(info, fwd, noise_cov)
    info_used = mne.pick_info(info, [info["ch_names"].index(c) for c in ch_names])
    rows = [list(fwd["sol"]["row_names"]).index(c) for c in ch_names]
    L, source_nn = surface_lead_field(fwd, use_cps=use_cps)
    ch_types = whitening.channel_types(info_used, ch_names)
    depth_w, orient_w = source_prior(L[rows], ch_types, loose, depth, is_fixed(fwd))
    if loose == 0.0:
        L, source_nn = fixed_lead_field(fwd, use_cps=use_cps)
    L = L[rows]
    white = whitening.make_whitener(noise_cov, info_used, ch_names, rank=rank)
    P, _ = whitening.projector(info_used["projs"], ch_names)
    R0 = np.ones(L.shape[1])
    for prior in (depth_w, orient_w):
        R0 = R0 if prior is None else R0 * prior
    kept = white.eig > 0                                   # the non-zero rows of W
    L_tilde = white.W[kept] @ L * np.sqrt(R0)              # W P L R0^{1/2}, (rank, n_dipoles)
    trace_LRLT = priors.weighted_trace(L_tilde)
    c = priors.trace_scale(L_tilde, white.n_nzero)
    L_tilde *= np.sqrt(c)
    U, s, V = whitened_svd(L_tilde, kept)
    return InverseOperator(
        ch_names=ch_names, info=info_used, P=P, C=white.C, eig=white.eig, E=white.E,
        W=white.W, rank=white.n_nzero, rank_by_group=white.rank, L=L, depth_prior=depth_w,
        orient_prior=orient_w, R=c * R0, trace_LRLT=trace_LRLT, U=U, s=s, V=V,
        n_orient=1 if loose == 0.0 else 3, loose=loose, source_nn=source_nn,
        src=fwd["src"], nave=1.0, own_frames=not (fwd["surf_ori"] or is_fixed(fwd)))
