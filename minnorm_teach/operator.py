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

from . import linalg, priors, validation, whitening
from .lead_field import (
    check_compensation,
    compensation_grade,
    fixed_lead_field,
    is_fixed,
    surface_lead_field,
)

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
    depth_prior : (n_dipoles,) | None          [depth_prior] (float32 from a float32 gain)
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
    compensation_grade : int                   CTF/4D grade of the MEG channels it was built
                                               for (0: none) [info's coil types]
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
    compensation_grade: int = 0
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
        raise validation.refuse(
            "info", "good channels that the forward solution has", validation.errors.shown(
                f"none of its {len(info['ch_names'])} channels (e.g. {info['ch_names'][0]!r}) "
                f"among the forward's {len(fwd_names)} (e.g. {fwd['sol']['row_names'][0]!r})"),
            "make the forward solution for this info")
    validation.check_channels_present(
        noise_cov.ch_names, ch_names, validation.channel_types(info, ch_names),
        data_name="noise_cov", needed_name="the inverse operator (the good channels of info "
                                           "in the forward)",
        hint="mark them bad (info['bads']) or recompute the covariance with them")
    return tuple(ch_names)


def source_prior(L, ch_types, loose, depth, fixed_forward):
    """depth_prior and orient_prior of the (unwhitened) lead field.

    ``L`` is the gain MNE computes the depth prior on, in its own precision (see
    ``_depth_gain``); the spectral norms do not depend on its orientation frame.
    ``depth``: the exponent, None, or MNE's options as :class:`minnorm_teach.validation.Depth`
    (exponent, limit, combine_xyz of MNE's ``depth_mne``).
    """
    loose = validation.check_real(loose, "loose", low=0, high=1)
    n_orient = 1 if validation.check_bool(fixed_forward, "fixed_forward") else 3
    depth = depth if isinstance(depth, validation.Depth) else validation.check_depth(depth)
    depth_w = None
    if depth.exp is not None:
        if fixed_forward:
            raise validation.refuse("depth", "None (or 0) with a fixed-orientation forward",
                                    depth.exp, "the depth prior uses each location's 3 "
                                               "components: pass a free-orientation forward")
        rows = priors.depth_channels(ch_types)
        depth_w = priors.depth_prior(L[rows], exp=depth.exp, limit=depth.limit,
                                     combine=depth.combine_xyz, n_orient=n_orient)
    n_sources = L.shape[1] // n_orient
    orient_w = None if loose == 0.0 else priors.orient_prior(n_sources, loose)
    if loose == 0.0 and depth_w is not None:
        depth_w = depth_w[2::3]
    return depth_w, orient_w


def _depth_gain(fwd, L_surf, loose):
    """The gain MNE computes the depth prior on: the forward's own, as stored (float32 when
    read from a file), unless a loose inverse first rotates it to surface coordinates
    (then float64, as ``L_surf``)."""
    if 0.0 < loose < 1.0 and not fwd["surf_ori"] and not is_fixed(fwd):
        return L_surf
    return fwd["sol"]["data"]


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
    kept = np.asarray(kept)
    if kept.dtype != bool or kept.ndim != 1 or kept.sum() != np.shape(L_tilde)[0]:
        raise validation.refuse("kept", f"a boolean mask with one True per row of L_tilde "
                                        f"({np.shape(L_tilde)[0]})", kept)
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
    loose : float in [0, 1] | "auto" | dict  MNE's forms ({"surface": 0.2})
    depth : float | dict | None  depth-prior exponent (None or 0: no depth weighting), or
        MNE's dict of options (exp, limit, combine_xyz; limit_depth_chs=True)
    fixed : bool | "auto"
    rank : None | "info" | "full" | dict  MNE's forms ({"meg": 302, "eeg": 59}; "grad" or
        "mag" for MEG of one type); see :func:`minnorm_teach.validation.check_rank`
    use_cps : bool  patch-average normals (True, MNE's default) or vertex normals

    Returns
    -------
    InverseOperator
    """
    validation.check_instance(info, "info", "Info")
    validation.check_forward(fwd)
    validation.check_noise_cov(noise_cov, info=info)
    use_cps = validation.check_bool(use_cps, "use_cps")
    loose = validation.check_loose(loose, validation.src_types(fwd), fixed)
    depth = validation.check_depth(depth, supported={"limit_depth_chs": (True,),
                                                     "allow_fixed_depth": (False,)})
    if is_fixed(fwd) and loose > 0:
        raise validation.refuse("loose", "0 (or 'auto', fixed=True) with a fixed-orientation "
                                         "forward", loose)
    check_compensation(compensation_grade(fwd["info"]), info)
    ch_names = select_channels(info, fwd, noise_cov)
    validation.check_rank(rank, validation.channel_types(info, ch_names).values())
    info_used = mne.pick_info(info, [info["ch_names"].index(c) for c in ch_names])
    rows = [list(fwd["sol"]["row_names"]).index(c) for c in ch_names]
    L, source_nn = surface_lead_field(fwd, use_cps=use_cps)
    ch_types = whitening.channel_types(info_used, ch_names)
    depth_w, orient_w = source_prior(_depth_gain(fwd, L, loose)[rows], ch_types, loose, depth,
                                     is_fixed(fwd))
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
        src=fwd["src"], nave=1.0, compensation_grade=compensation_grade(info_used),
        own_frames=not (fwd["surf_ori"] or is_fixed(fwd)))
