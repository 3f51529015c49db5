"""MNE-Python's minimum-norm inverse operator, rebuilt one equation at a time.

``make_inverse_operator`` (MNE: ``mne.minimum_norm.make_inverse_operator``)::

    L        lead field in surface coordinates [t1, t2, n] per location, good channels
    W, P     whitener and projector of the noise covariance C   (minnorm_teach.whitening)
    R        depth_prior * orient_prior * trace_scale            (minnorm_teach.priors)
    L_tilde  = W P L diag(sqrt(R)) = U diag(s) V^T               (economy SVD, once)

``apply_inverse`` (MNE: ``prepare_inverse_operator`` + ``_assemble_kernel`` + ``_apply_inverse``)::

    R_nave = R / nave,  C_nave = C / nave  (so W_nave = sqrt(nave) W)
    gamma  = s / (s^2 + lambda2)  for the first rank(C) components, 0 after (MNE's reginv)
    K      = sqrt(R_nave) V diag(gamma) U^T W_nave P             (= sqrt(R) V diag(gamma) U^T W P)
    j      = K b;   free/loose: |j_k| = sqrt(j_t1^2 + j_t2^2 + j_n^2) per location
    b_hat  = C_nave^{1/2} U diag(s gamma) U^T W_nave P b         (the fitted data)
    explained variance = 1 - ||W P (b - b_hat)||^2 / ||W P b||^2 (whitened, in %)

The kernel is assembled by ONE function, :func:`prepare_kernel`; the noise-normalised methods
(dSPM, sLORETA, eLORETA) are delegated to ``minnorm_teach.noise_norm.prepare_kernel`` which
returns the same :class:`Kernel`. Everything after the kernel (combining xyz, pick_ori,
residual, explained variance) is shared by every method.

Arrays inside, MNE objects at the edges: the functions taking ``info``, ``fwd``,
``noise_cov``, ``evoked``, ``epochs`` or ``raw`` only convert, and return MNE source
estimates so that students can continue in MNE.
"""

import logging
from dataclasses import dataclass

import mne
import numpy as np
from scipy import linalg

from . import priors, whitening

__all__ = ["INVERSE_METHODS", "InverseOperator", "Kernel", "SensorFit", "surface_frames",
           "surface_lead_field", "fixed_lead_field", "select_channels", "make_inverse_operator",
           "regularised_gamma",
           "scale_to_nave", "mne_kernel", "prepare_kernel", "normal_component", "combine_xyz",
           "sensor_fit", "apply_kernel", "apply_inverse", "apply_inverse_epochs",
           "apply_inverse_raw"]

INVERSE_METHODS = ("MNE", "dSPM", "sLORETA", "eLORETA")
logger = logging.getLogger("minnorm_teach")


# ------------------------------------------------------------------------------------------
# The operator
# ------------------------------------------------------------------------------------------

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
                                               eigen_leads]
    n_orient : int                             3 (loose/free) or 1 (fixed)
    loose : float                              variance weight of tangential components
    source_nn : (n_dipoles, 3)                 orientation of each component [source_nn]
    src : mne.SourceSpaces                     [src]
    nave : float                               1 (covariances as given) [nave]
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


def surface_frames(nn):
    """Per location the rows [t1, t2, n]: two tangents and the outward normal.

    The tangent plane is the eigenspace of I - n n^T with eigenvalue 1 (eigenvalue 0 is n
    itself); eigenvectors are taken in descending eigenvalue order and signed so that the
    third one points along n, which gives MNE's frames exactly.

    Parameters
    ----------
    nn : (n_sources, 3) unit normals

    Returns
    -------
    frames : (n_sources, 3, 3)  frames[k] @ x_xyz = x in surface coordinates
    """
    nn = np.asarray(nn, float)
    _, vecs = np.linalg.eigh(np.eye(3) - nn[:, :, None] * nn[:, None, :])
    vecs = vecs[:, :, ::-1]
    signs = np.sign(np.einsum("ki,ki->k", nn, vecs[:, :, 2]))
    signs[signs == 0] = 1
    return np.swapaxes(vecs * signs[:, None, None], 1, 2)


def _source_normals(src):
    """Cortical normal at every used vertex of every source space, (n_sources, 3)."""
    return np.concatenate([s["nn"][s["vertno"]] for s in src])


def surface_lead_field(fwd):
    """L in surface coordinates and the orientation of each column (MNE's surf_ori=True).

    For a free-orientation forward in xyz: L_k,surf = L_k,xyz F_k^T with F_k the frame of
    :func:`surface_frames`. A forward already in surface orientation (or fixed) is returned
    as it is.

    Returns
    -------
    L : (n_channels, n_dipoles), source_nn : (n_dipoles, 3)
    """
    L = np.asarray(fwd["sol"]["data"], float)
    if fwd["surf_ori"] or _is_fixed(fwd):
        return L, np.asarray(fwd["source_nn"], float)
    frames = surface_frames(_source_normals(fwd["src"]))
    n_channels = L.shape[0]
    L_surf = np.einsum("ckj,kij->cki", L.reshape(n_channels, -1, 3), frames)
    return L_surf.reshape(n_channels, -1), frames.reshape(-1, 3)


def fixed_lead_field(fwd):
    """Lead field of dipoles normal to the cortex: l_k = L_k,xyz n_k, and the normals n_k.

    Rounded to float32 on purpose, as MNE-Python's
    ``convert_forward_solution(force_fixed=True)`` stores it: the rounding changes the
    estimate by about 1e-7 relative (invisible), but without it a fixed-orientation twin run
    could not agree with MNE to 1e-10.

    Returns
    -------
    L : (n_channels, n_sources), source_nn : (n_sources, 3)
    """
    L = np.asarray(fwd["sol"]["data"], float)
    if _is_fixed(fwd):
        return L, np.asarray(fwd["source_nn"], float)
    nn = _source_normals(fwd["src"])
    if fwd["surf_ori"]:
        L_normal = normal_component(L.T).T
    else:
        L_normal = np.einsum("ckj,kj->ck", L.reshape(L.shape[0], -1, 3), nn)
    return L_normal.astype(np.float32).astype(float), nn


def _is_fixed(fwd):
    return fwd["source_ori"] == mne.io.constants.FIFF.FIFFV_MNE_FIXED_ORI


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


def _source_prior(L, ch_types, loose, depth, fixed_forward):
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


def make_inverse_operator(info, fwd, noise_cov, *, loose="auto", depth=0.8, fixed="auto",
                          rank=None):
    """Assemble the inverse operator: priors, whitening, trace scale, SVD.

    L_tilde = W P L diag(sqrt(R)) = U diag(s) V^T, with R = c * depth * orient and
    c = rank(C) / ||W P L diag(sqrt(depth * orient))||_F^2.

    Same arguments, meanings and defaults as ``mne.minimum_norm.make_inverse_operator``
    (``loose='auto'`` is 0.2 on a surface source space, ``fixed='auto'`` follows ``loose``).

    Parameters
    ----------
    info : mne.Info  channels to use (bads excluded) and projectors
    fwd : mne.Forward  free orientation (or fixed, for a fixed inverse without depth)
    noise_cov : mne.Covariance
    loose : float in [0, 1] | "auto"
    depth : float | None  depth-prior exponent (None: no depth weighting)
    fixed : bool | "auto"
    rank : None | "info" | dict  see :func:`minnorm_teach.whitening.noise_cov_rank`

    Returns
    -------
    InverseOperator
    """
    loose = _triage_loose(loose, fixed, fwd["src"])
    depth = None if depth is None or float(depth) == 0.0 else float(depth)
    if depth is not None and depth < 0:
        raise ValueError(f"the depth exponent must be >= 0 or None, got {depth}")
    if _is_fixed(fwd) and loose > 0:
        raise ValueError(f"the forward has fixed orientation: only a fixed inverse "
                         f"(loose=0) is possible, got loose={loose}")
    ch_names = select_channels(info, fwd, noise_cov)
    info_used = mne.pick_info(info, [info["ch_names"].index(c) for c in ch_names])
    rows = [list(fwd["sol"]["row_names"]).index(c) for c in ch_names]
    L, source_nn = surface_lead_field(fwd)
    ch_types = whitening.channel_types(info_used, ch_names)
    depth_w, orient_w = _source_prior(L[rows], ch_types, loose, depth, _is_fixed(fwd))
    if loose == 0.0:
        L, source_nn = fixed_lead_field(fwd)
    L = L[rows]
    white = whitening.make_whitener(noise_cov, info_used, ch_names, rank=rank)
    P, _ = whitening.projector(info_used["projs"], ch_names)
    R0 = np.ones(L.shape[1])
    for prior in (depth_w, orient_w):
        R0 = R0 if prior is None else R0 * prior
    L_tilde = white.W @ L * np.sqrt(R0)
    trace_LRLT = priors.weighted_trace(L_tilde)
    c = priors.trace_scale(L_tilde, white.n_nzero)
    U, s, Vt = linalg.svd(L_tilde * np.sqrt(c), full_matrices=False)
    return InverseOperator(
        ch_names=ch_names, info=info_used, P=P, C=white.C, eig=white.eig, E=white.E,
        W=white.W, rank=white.n_nzero, rank_by_group=white.rank, L=L, depth_prior=depth_w,
        orient_prior=orient_w, R=c * R0, trace_LRLT=trace_LRLT, U=U, s=s, V=Vt.T,
        n_orient=1 if loose == 0.0 else 3, loose=loose, source_nn=source_nn,
        src=fwd["src"], nave=1.0)


# ------------------------------------------------------------------------------------------
# The kernel
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class Kernel:
    """The imaging kernel at one (lambda2, method, nave) and what the data fit needs.

    Fields
    ------
    K : (n_dipoles, n_channels)     sqrt(R) V diag(gamma) U^T W P (includes W and P)
    noise_norm : (n_locations,) | None  factor multiplying |j| per location (dSPM, sLORETA)
    method : str,  lambda2 : float,  nave : float
    U : (n_channels, k), s : (k,), gamma : (k,)   SVD and s/(s^2+lambda2) as used (eLORETA
                                    replaces them)
    W : (n_channels, n_channels)    whitener at this nave (sqrt(nave) times the operator's)
    P : (n_channels, n_channels)    projector
    colorer : (n_channels, n_channels)  C_nave^{1/2} = E diag(sqrt(eig / nave))
    R : (n_dipoles,)                R / nave (NaN where a method does not define it)
    """

    K: np.ndarray
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

    def __repr__(self):
        nn = None if self.noise_norm is None else self.noise_norm.shape
        return (f"Kernel({self.method}, lambda2={self.lambda2:g}, nave={self.nave:g}; "
                f"K: {self.K.shape}, noise_norm: {nn}, s: {self.s.shape})")


def regularised_gamma(s, lambda2, rank):
    """gamma_i = s_i / (s_i^2 + lambda2) for i < rank, 0 beyond (MNE's ``reginv``).

    Components beyond the rank of the noise covariance carry no information (zero rows of
    W) and are never inverted. With lambda2 = 0 this is the pseudo-inverse 1/s_i.
    """
    s = np.asarray(s, float)
    gamma = np.zeros_like(s)
    kept = s[:rank]
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma[:rank] = np.where(kept > 0, kept / (kept ** 2 + lambda2), 0.0)
    return gamma


def scale_to_nave(inv, nave):
    """Covariances of an average of nave trials: R_nave = R / nave, C_nave = C / nave.

    Returns
    -------
    R_nave : (n_dipoles,), W_nave : (n_channels, n_channels) = sqrt(nave) W,
    colorer_nave : (n_channels, n_channels) = C_nave^{1/2}
    """
    if not nave > 0:
        raise ValueError(f"nave must be a positive number of averaged trials, got {nave}")
    scale = inv.nave / nave
    eig = scale * inv.eig
    return (scale * inv.R, whitening.whitener_from_eigh(eig, inv.E),
            whitening.colorer_from_eigh(eig, inv.E))


def mne_kernel(inv, lambda2, nave):
    """The plain minimum-norm kernel K = sqrt(R_nave) V diag(gamma) U^T W_nave P.

    Equal to sqrt(R) V diag(gamma) U^T W P: the two 1/nave cancel, so the MNE amplitude
    does not depend on nave (dSPM and sLORETA then scale with sqrt(nave)).
    """
    if lambda2 < 0:
        raise ValueError(f"lambda2 must be >= 0, got {lambda2}")
    R_nave, W_nave, colorer = scale_to_nave(inv, nave)
    gamma = regularised_gamma(inv.s, lambda2, inv.rank)
    trans = (gamma[:, None] * inv.U.T) @ W_nave @ inv.P            # (k, n_channels)
    K = inv.V @ trans
    K *= np.sqrt(R_nave)[:, None]                                  # in place: K is large
    return Kernel(K=K, noise_norm=None, method="MNE", lambda2=float(lambda2),
                  nave=float(nave), U=inv.U, s=inv.s, gamma=gamma, W=W_nave, P=inv.P,
                  colorer=colorer, R=R_nave)


def prepare_kernel(inv, lambda2, method="MNE", nave=1, method_params=None):
    """The ONE place where a kernel is assembled; methods other than MNE are delegated.

    "MNE": :func:`mne_kernel`. "dSPM", "sLORETA", "eLORETA":
    ``minnorm_teach.noise_norm.prepare_kernel(inv, lambda2, method, nave, **method_params)``
    (same Kernel). ``method_params`` (eLORETA only, as in MNE): eps, max_iter, force_equal.
    """
    if method not in INVERSE_METHODS:
        raise ValueError(f"method must be one of {INVERSE_METHODS}, got {method!r}")
    method_params = dict(method_params or {})
    if method_params and method != "eLORETA":
        raise ValueError(f"method_params are options of eLORETA (eps, max_iter, force_equal); "
                         f"method {method!r} takes none, got {sorted(method_params)}")
    if method == "MNE":
        return mne_kernel(inv, lambda2, nave)
    try:
        from . import noise_norm
    except ImportError as err:
        raise NotImplementedError(
            f"method={method!r} needs minnorm_teach.noise_norm (noise normalisation, "
            f"chapter 08), which is not available yet; use method='MNE'") from err
    return noise_norm.prepare_kernel(inv, lambda2, method, nave, **method_params)


# ------------------------------------------------------------------------------------------
# Applying it
# ------------------------------------------------------------------------------------------

def normal_component(x):
    """Rows of the normal component of a surface-oriented (n_locations * 3, ...) array: x[2::3]."""
    return x[2::3]


def combine_xyz(j):
    """|j_k| = sqrt(j_t1^2 + j_t2^2 + j_n^2) per location: (3 n, n_times) -> (n, n_times)."""
    if j.shape[0] % 3:
        raise ValueError(f"expected 3 rows per location, got {j.shape[0]} rows")
    j = np.abs(j) if np.iscomplexobj(j) else j
    return np.sqrt(np.sum(j.reshape(-1, 3, *j.shape[1:]) ** 2, axis=1))


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
    b_white = kernel.W @ (kernel.P @ b)
    w = kernel.U.T @ b_white
    b_hat = kernel.colorer @ (kernel.U @ ((kernel.s * kernel.gamma)[:, None] * w))
    res_white = b_white - kernel.W @ (kernel.P @ b_hat)
    explained = 100.0 * (1.0 - np.sum(np.abs(res_white) ** 2) / np.sum(np.abs(b_white) ** 2))
    return SensorFit(b_hat=b_hat, residual=b - b_hat, explained_variance=float(explained))


def _check_pick_ori(pick_ori, inv):
    if pick_ori not in (None, "normal", "vector"):
        raise ValueError(f"pick_ori must be None, 'normal' or 'vector', got {pick_ori!r}")
    if pick_ori is not None and inv.n_orient == 1:
        raise ValueError(f"pick_ori={pick_ori!r} needs a loose or free inverse; this one has "
                         f"fixed orientation (use pick_ori=None)")


def apply_kernel(kernel, b, n_orient, pick_ori=None):
    """Source estimate from data: j = K b, then pick_ori, then the noise normalisation.

    pick_ori None: |j| per location for loose/free (>= 0), j for fixed; "normal": j[2::3];
    "vector": all three components (n_locations, 3, n_times). ``noise_norm`` multiplies
    each location (after combining, as in MNE).
    """
    if pick_ori == "normal":
        j = normal_component(kernel.K) @ b
    else:
        j = kernel.K @ b
        if n_orient == 3 and pick_ori is None:
            j = combine_xyz(j)
    if kernel.noise_norm is not None:
        factor = kernel.noise_norm
        j = j * (np.repeat(factor, 3) if pick_ori == "vector" else factor)[:, None]
    if pick_ori == "vector":
        j = j.reshape(-1, 3, j.shape[-1])
    return j


def _data_rows(inst_ch_names, inv):
    """Row of each inverse channel in the data (by name, so the data's order does not matter)."""
    names = list(inst_ch_names)
    missing = [c for c in inv.ch_names if c not in names]
    if missing:
        raise ValueError(f"{len(missing)} channel(s) of the inverse operator are not in the "
                         f"data: {missing[:5]} (the inverse has {len(inv.ch_names)} channels,"
                         f" the data {len(names)})")
    return [names.index(c) for c in inv.ch_names]


def _check_reference(info, inv):
    """EEG needs the average-reference projector, as in MNE."""
    has_eeg = any(mne.channel_type(inv.info, k) == "eeg" for k in range(len(inv.ch_names)))
    has_avg = any(p["kind"] == mne.io.constants.FIFF.FIFFV_PROJ_ITEM_EEG_AVREF
                  for p in info["projs"])
    if has_eeg and not has_avg:
        raise ValueError("EEG data need the average-reference projector for inverse "
                         "modelling: call inst.set_eeg_reference(projection=True)")


def _make_stc(j, inv, tmin, tstep, pick_ori):
    """Wrap estimates as an MNE SourceEstimate (vector: rotated back to xyz)."""
    subject = inv.src._subject
    vertices = inv.vertices
    if pick_ori == "vector":
        frames = inv.source_nn.reshape(-1, 3, 3)                   # rows t1, t2, n in xyz
        j_xyz = np.einsum("kij,kit->kjt", frames, j)
        return mne.VectorSourceEstimate(j_xyz, vertices, tmin, tstep, subject=subject)
    if len(vertices) == 2 and all(s["type"] == "surf" for s in inv.src):
        return mne.SourceEstimate(j, vertices, tmin, tstep, subject=subject)
    return mne.VolSourceEstimate(j, vertices, tmin, tstep, subject=subject)


def _check_method_args(inv, lambda2, method, pick_ori):
    if not isinstance(inv, InverseOperator):
        raise TypeError(f"inv must be a minnorm_teach InverseOperator (from "
                        f"minnorm_teach.make_inverse_operator), got {type(inv).__name__}")
    if method not in INVERSE_METHODS:
        raise ValueError(f"method must be one of {INVERSE_METHODS}, got {method!r}")
    _check_pick_ori(pick_ori, inv)
    if not np.isscalar(lambda2) or lambda2 < 0:
        raise ValueError(f"lambda2 must be a number >= 0 (1/SNR^2), got {lambda2!r}")


def apply_inverse(evoked, inv, lambda2=1.0 / 9.0, method="dSPM", *, pick_ori=None,
                  method_params=None, return_residual=False):
    """Source estimate of an evoked response: j = K b with K at nave = evoked.nave.

    Mirrors ``mne.minimum_norm.apply_inverse`` (same defaults: lambda2 = 1/9, i.e. SNR 3,
    method "dSPM"). Logs "Explained xx.x% variance" on the ``minnorm_teach`` logger.

    Returns
    -------
    stc : mne.SourceEstimate | mne.VectorSourceEstimate
    residual : mne.Evoked  (only with return_residual=True) b - b_hat on the inverse's
        channels, other channels unchanged
    """
    if not isinstance(evoked, mne.Evoked):
        raise TypeError(f"evoked must be an mne.Evoked, got {type(evoked).__name__}")
    _check_method_args(inv, lambda2, method, pick_ori)
    _check_reference(evoked.info, inv)
    rows = _data_rows(evoked.ch_names, inv)
    kernel = prepare_kernel(inv, lambda2, method, evoked.nave, method_params)
    b = evoked.data[rows]
    fit = sensor_fit(b, kernel)
    logger.info("Explained %5.1f%% variance", fit.explained_variance)
    j = apply_kernel(kernel, b, inv.n_orient, pick_ori)
    stc = _make_stc(j, inv, float(evoked.times[0]), 1.0 / evoked.info["sfreq"], pick_ori)
    if not return_residual:
        return stc
    residual = evoked.copy()
    residual.data[rows] = fit.residual
    return stc, residual


def apply_inverse_epochs(epochs, inv, lambda2, method="dSPM", *, pick_ori=None, nave=1,
                         method_params=None):
    """One source estimate per epoch (list), with the kernel at ``nave`` (default 1).

    Mirrors ``mne.minimum_norm.apply_inverse_epochs``: single trials have the noise of one
    trial, hence nave = 1 and usually lambda2 = 1 (SNR 1).
    """
    if not isinstance(epochs, mne.BaseEpochs):
        raise TypeError(f"epochs must be mne.Epochs, got {type(epochs).__name__}")
    _check_method_args(inv, lambda2, method, pick_ori)
    _check_reference(epochs.info, inv)
    rows = _data_rows(epochs.ch_names, inv)
    kernel = prepare_kernel(inv, lambda2, method, nave, method_params)
    tstep = 1.0 / epochs.info["sfreq"]
    return [_make_stc(apply_kernel(kernel, b[rows], inv.n_orient, pick_ori), inv,
                      float(epochs.times[0]), tstep, pick_ori)
            for b in epochs.get_data(copy=False)]


def apply_inverse_raw(raw, inv, lambda2, method="dSPM", *, start=None, stop=None, nave=1,
                      pick_ori=None, method_params=None):
    """Source estimate of continuous data samples [start, stop), kernel at nave (default 1).

    Mirrors ``mne.minimum_norm.apply_inverse_raw`` (``start``/``stop`` are sample indices).
    """
    if not isinstance(raw, mne.io.BaseRaw):
        raise TypeError(f"raw must be an mne.io.Raw, got {type(raw).__name__}")
    _check_method_args(inv, lambda2, method, pick_ori)
    _check_reference(raw.info, inv)
    rows = _data_rows(raw.ch_names, inv)
    kernel = prepare_kernel(inv, lambda2, method, nave, method_params)
    b, times = raw[rows, start:stop]
    j = apply_kernel(kernel, b, inv.n_orient, pick_ori)
    return _make_stc(j, inv, float(times[0]), 1.0 / raw.info["sfreq"], pick_ori)
