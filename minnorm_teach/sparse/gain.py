"""The gain of the sparse solvers, built as MNE-Python's ``mixed_norm`` and ``tf_mixed_norm``
build it, from this package's whitening (chapter 05) and priors (chapter 06)::

    L_tilde = W L diag(sqrt(R)),     R = c * depth_sparse * orient_prior

- L: lead field of the good channels that the forward and the noise covariance share, in the
  coordinates of the problem: along the cortical normal when loose = 0 (rounded to float32, as
  MNE stores a fixed-orientation forward), in surface coordinates [t1, t2, n] when
  0 < loose < 1, as the forward stores it when loose = 1 (free orientation);
- W: the ``pca`` whitener, only its n_nzero rows (the sparse problem lives in the whitened
  space, of dimension rank(C));
- depth_sparse_k = (1 / ||W L_k||_F^2)^depth: MNE's ``depth_sparse`` prior, on the **whitened**
  gain, Frobenius norm over a location's columns, **no limit** (the minimum-norm operator of
  chapter 06 uses instead the spectral norm of the unwhitened gradiometer gain, limit 10);
- orient_prior: [loose, loose, 1] per location (variance of the tangential components);
- c: the trace scale, ||L_tilde||_F^2 = n_nzero.

MNE's optional ``weights`` (one value per location, e.g. the peak of a dSPM map) then scale the
columns by w_k / max(w), and the locations with w_k <= weights_min drop out of the problem.
The source weighting sqrt(R) (times w) turns the solvers' j into amplitudes: j_Am = j sqrt(R).
"""

from dataclasses import dataclass, field

import mne
import numpy as np

from .. import priors, validation, whitening
from ..lead_field import (
    check_compensation,
    compensation_grade,
    fixed_lead_field,
    is_fixed,
    surface_lead_field,
)
from .edge import SPARSE_DEPTH

__all__ = ["SparseGain", "prepare_sparse_gain", "sparse_loose", "sparse_channels",
           "oriented_lead_field", "location_weights"]

FIXED_ORI = mne.io.constants.FIFF.FIFFV_MNE_FIXED_ORI


@dataclass(frozen=True, eq=False)
class SparseGain:
    """The whitened, weighted gain of the sparse solvers and what is needed to undo it."""

    L: np.ndarray = field(repr=False)                 # (n_white, n_kept) L_tilde, kept columns
    W: np.ndarray = field(repr=False)                 # (n_white, n_channels) pca whitener
    source_weighting: np.ndarray = field(repr=False)  # (n_dipoles,) j_Am = j * weighting
    mask: np.ndarray | None = field(repr=False)       # (n_dipoles,) kept by weights_min
    ch_names: list = field(repr=False)                # (n_channels,)
    forward: object = field(repr=False)               # the forward as given (src, positions)
    lead_field: np.ndarray = field(repr=False)        # (n_channels, n_dipoles) oriented L
    n_orient: int = 1

    def __repr__(self):
        return f"SparseGain(L: {self.L.shape}, W: {self.W.shape}, n_orient: {self.n_orient})"


def sparse_loose(loose, forward):
    """MNE's ``loose`` for the sparse solvers: "auto" is 0.2 on a cortical surface source
    space and 1 (free) otherwise; loose = 0 is a fixed orientation."""
    loose = validation.check_loose(loose, validation.src_types(forward))
    if forward["source_ori"] == FIXED_ORI and loose > 0.0:
        raise validation.refuse("loose", "0 with a fixed-orientation forward", loose)
    return loose


def sparse_channels(info, forward, noise_cov):
    """The channels of the problem: those of ``info``, in its order, that are good (in neither
    ``info['bads']`` nor the covariance's bads) and in the forward.

    MNE silently drops a good channel that the covariance lacks; here that is an error, so the
    reader knows which channels the estimate ignores.
    """
    bads = set(info["bads"]) | set(noise_cov["bads"])
    in_forward = set(forward["sol"]["row_names"])
    ch_names = [c for c in info["ch_names"] if c not in bads and c in in_forward]
    if not ch_names:
        raise validation.refuse(
            "info", "good channels that the forward solution has", validation.errors.shown(
                f"none of its {len(info['ch_names'])} channels among the forward's "
                f"{len(in_forward)}"), "make the forward solution for this info")
    validation.check_channels_present(
        noise_cov.ch_names, ch_names, validation.channel_types(info, ch_names),
        data_name="noise_cov", needed_name="the gain (the good channels of info in the "
                                           "forward)",
        hint="mark them bad (info['bads']) or recompute the covariance with them")
    return ch_names


def oriented_lead_field(forward, loose, *, use_cps=True):
    """L in the coordinates of the problem, all rows of the forward: (L, n_orient).

    loose = 0:      l_k = L_k,xyz n_k, rounded to float32 as MNE stores a fixed forward
    0 < loose < 1:  L_k,surf = L_k,xyz F_k^T, F_k = [t1, t2, n] (surface coordinates)
    loose = 1:      as the forward stores it (the L21 problem does not depend on the frame)

    n_k and F_k from chapter 06's :mod:`minnorm_teach.lead_field`: the patch-average normal
    where the source space has patch statistics and ``use_cps`` (MNE's sparse solvers always
    use it), else the vertex normal.
    """
    if is_fixed(forward):
        return np.asarray(forward["sol"]["data"], float), 1
    if loose == 0.0:
        return fixed_lead_field(forward, use_cps=use_cps)[0], 1
    if loose == 1.0:
        return np.asarray(forward["sol"]["data"], float), 3
    return surface_lead_field(forward, use_cps=use_cps)[0], 3


def location_weights(weights, weights_min, src):
    """MNE's weights: w_k / max(w) per location and the kept locations, w_k > weights_min.

    ``weights`` is an array (n_sources,) or a SourceEstimate on the forward's vertices (then
    w_k = max over time of |stc|). Returns (w, kept), both (n_sources,).
    """
    vertices = [s["vertno"] for s in src]
    n_sources = sum(len(v) for v in vertices)
    if isinstance(weights, mne.SourceEstimate):
        if not all(np.array_equal(a, b) for a, b in zip(weights.vertices, vertices,
                                                         strict=True)):
            raise ValueError("the weights' SourceEstimate is not defined on the vertices of "
                             "the forward's source space")
        weights = np.abs(weights.data).max(axis=1)
    elif not isinstance(weights, np.ndarray):
        raise validation.refuse_type("weights", "None, an array or a SourceEstimate", weights)
    weights = validation.as_real_array(weights, "weights")
    if weights.shape != (n_sources,):
        raise validation.refuse("weights", f"one value per source location, {n_sources}",
                                validation.errors.shown(f"shape {weights.shape}"))
    validation.check_finite(weights, "weights", labels=("source",))
    w_max = weights.max()
    if not w_max > 0:
        raise validation.refuse("weights", "weights whose largest is positive", w_max)
    if weights_min > w_max:
        raise validation.refuse("weights_min", f"at most the largest weight {w_max:g} (else no "
                                               f"source would be kept)", weights_min)
    return weights / w_max, weights / w_max > weights_min / w_max


def prepare_sparse_gain(forward, info, noise_cov, *, loose="auto", depth=0.8, weights=None,
                        weights_min=0.0, use_cps=True, rank=None, pca=True):
    """L_tilde = W L diag(sqrt(R)) of MNE's sparse solvers (see the module docstring).

    1. loose, the channels, L in the problem's coordinates (float32 along the normal if fixed)
    2. W = the whitener of the noise covariance (``pca``: its n_nzero rows only; ``rank``: as
       in :func:`minnorm_teach.whitening.make_whitener`); L_w = W L
    3. R0 = depth_sparse(L_w) * orient_prior(loose); c = n_nzero / ||L_w diag(sqrt(R0))||_F^2
    4. L_tilde = L_w diag(sqrt(c R0)), source weighting sqrt(c R0)
    5. weights: columns and source weighting times w / max(w); drop w <= weights_min

    Inside the sparse solvers ``L`` is always this L_tilde (``SparseGain.L``) and ``b`` the
    whitened data ``SparseGain.W @ data``. ``use_cps``: see :func:`oriented_lead_field`.
    The compensation grade of ``info`` (CTF/4D) must be the forward's, as MNE checks.
    ``pca=False`` keeps n_channels rows (zero rows for the discarded components): the same
    problem in a larger space, as MNE's ``tf_mixed_norm(pca=False)``.
    """
    validation.check_forward(forward, "forward")
    validation.check_instance(info, "info", "Info")
    validation.check_noise_cov(noise_cov, info=info)
    depth = validation.check_depth(depth, kind="sparse", supported=SPARSE_DEPTH).exp
    weights_min = validation.check_real(weights_min, "weights_min", low=0)
    use_cps = validation.check_bool(use_cps, "use_cps")
    pca = validation.check_bool(pca, "pca")
    loose = sparse_loose(loose, forward)                                     # 1.
    check_compensation(compensation_grade(forward["info"]), info)
    ch_names = sparse_channels(info, forward, noise_cov)
    rows = [forward["sol"]["row_names"].index(c) for c in ch_names]
    L, n_orient = oriented_lead_field(forward, loose, use_cps=use_cps)
    lead_field = L[rows]
    whitener = whitening.make_whitener(noise_cov, info, ch_names, rank=rank, pca=pca)  # 2.
    W, n_nzero = whitener.W, sum(whitener.rank.values())
    L_w = W @ lead_field
    R0 = np.ones(L_w.shape[1])                                               # 3.
    if depth:
        R0 *= priors.depth_prior(L_w, exp=float(depth), limit=None, combine="fro",
                                 n_orient=n_orient)
    if n_orient == 3:
        R0 *= priors.orient_prior(L_w.shape[1] // 3, loose)
    c = priors.trace_scale(L_w * np.sqrt(R0), n_nzero)
    source_weighting = np.sqrt(c * R0)                                       # 4.
    L_tilde, mask = L_w * source_weighting, None
    if weights is not None:                                                  # 5.
        w, kept = location_weights(weights, weights_min, forward["src"])
        w, mask = np.repeat(w, n_orient), np.repeat(kept, n_orient)
        source_weighting = source_weighting * w
        L_tilde = (L_tilde * w)[:, mask]
    return SparseGain(L=np.asfortranarray(L_tilde), W=W, source_weighting=source_weighting,
                      mask=mask, ch_names=ch_names, forward=forward, lead_field=lead_field,
                      n_orient=n_orient)
