"""Source priors: the diagonal source covariance R = depth x orientation x trace scale.

::

    R = trace_scale * depth_prior * orient_prior          (element-wise, one entry per dipole)
    L_tilde = W P L diag(sqrt(R))                         (whitened, weighted lead field)
    trace_scale chosen so that ||L_tilde||_F^2 = tr(L_tilde L_tilde^T) = rank(C)

- **depth prior** (Lin et al. 2006, https://doi.org/10.1016/j.neuroimage.2005.11.054, an MEG
  study): sources far from the sensors have small lead fields, so the plain minimum norm
  explains their fields with superficial sources (its estimates peak too close to the
  sensors); give them a larger prior variance, ``w_k = 1/||L_k^T L_k||_2`` limited to about
  ``limit^2`` times the smallest, raised to ``exp``. One prior for all sources removes the
  average outward shift but over-corrects some sources (chapter 06 measures it).
- **orientation prior**: in surface coordinates (two tangential components t1, t2, then the
  normal n), the tangential variances are multiplied by ``loose``; ``loose=0`` keeps only
  the normal (fixed orientation), ``loose=1`` is free orientation. MNE's ``loose`` is a
  **variance** weight (Brainstorm's is a standard-deviation weight: Brainstorm 0.2 = MNE 0.04).
- **trace scale**: makes lambda2 mean the same thing for every data set (1/SNR^2 of whitened
  data).

MNE-Python counterparts: ``mne.forward.compute_depth_prior`` (``depth_mne``: spectral norm,
limit 10, gradiometers only; ``depth_sparse``: Frobenius norm, no limit, whitened gain),
``mne.forward.compute_orient_prior`` and the "Adjusting source covariance matrix" step of
``_prepare_forward``.
"""

import numpy as np

from . import validation

__all__ = ["block_norms", "depth_limit", "depth_prior", "depth_channels", "orient_prior",
           "weighted_trace", "trace_scale"]


def _as_gain(L, name="L"):
    """L checked (real, 2-D, finite), in its own precision: a float32 gain read from a
    ``-fwd.fif`` file stays float32, as MNE computes with it."""
    checked = validation.as_real_array(L, name, ndim=2, shape_text="(n_channels, n_dipoles)")
    validation.check_finite(checked, name, labels=("row", "column"))
    return L if isinstance(L, np.ndarray) and L.dtype == np.float32 else checked


def block_norms(L, *, n_orient=3, combine="spectral"):
    """Squared size of each location's lead field, d_k.

    ``n_orient=1`` (fixed): d_k = ||l_k||^2.
    ``n_orient=3``, ``combine="spectral"``: d_k = lambda_max(L_k^T L_k) = ||L_k||_2^2
    (the best-oriented dipole at k); ``combine="fro"``: d_k = ||L_k||_F^2 = tr(L_k^T L_k).
    L_k is the (n_channels, 3) block of location k. Both are invariant to rotating the three
    components, so xyz and surface coordinates give the same d (up to round-off). Computed in
    L's own precision, as MNE's ``compute_depth_prior`` does: float32 for a gain read from a
    ``-fwd.fif`` file, so that the prior is MNE's to the last bit.

    Parameters
    ----------
    L : (n_channels, n_locations * n_orient)

    Returns
    -------
    d : (n_locations,)
    """
    L = _as_gain(L)
    n_channels, n_dipoles = L.shape
    n_orient = validation.check_n_orient(n_orient, n_dipoles)
    combine = validation.check_option(combine, "combine", ("spectral", "fro"))
    if n_orient == 1:
        return np.sum(L ** 2, axis=0)
    if combine == "fro":
        return np.sum(L ** 2, axis=0).reshape(-1, 3).sum(axis=1)
    blocks = L.reshape(n_channels, -1, 3)
    gram = np.einsum("cki,ckj->kij", blocks, blocks)          # (n_locations, 3, 3) L_k^T L_k
    return np.linalg.norm(gram, ord=2, axis=(1, 2))           # its largest eigenvalue


def depth_limit(w, limit):
    """The weight w_lim at which the depth prior saturates (MNE-C rule).

    Sort the weights ascending, ws. If the largest is more than ``limit^2`` times the
    smallest, w_lim is the first weight above ``limit^2 * ws[0]``, otherwise ws[-1].
    MNE logs ``limit = (n_limit + 1)/n = sqrt(w_lim / ws[0])`` (e.g. "7265/7498 = 10.04") and
    ``scale = 1/w_lim``.

    Returns
    -------
    w_lim : float
    n_limit : int  index of w_lim in the sorted weights (len(w) when the limit is not reached)
    """
    w = validation.as_real_array(w, "w", ndim=1, shape_text="(n_locations,)")
    limit = validation.check_real(limit, "limit", low=0, low_open=True)
    ws = np.sort(w)
    if ws[-1] > limit ** 2 * ws[0]:
        n_limit = int(np.flatnonzero(ws > limit ** 2 * ws[0])[0])
        return float(ws[n_limit]), n_limit
    return float(ws[-1]), len(ws)


def depth_prior(L, *, exp=0.8, limit=10.0, combine="spectral", n_orient=3):
    """Depth prior: R_depth,k = min(w_k / w_lim, 1)^exp with w_k = 1/d_k.

    d_k from :func:`block_norms`; zero d_k (a lead field vanishing at a sphere's centre) are
    replaced by the smallest non-zero one. ``limit=None`` skips the saturation (w_lim = 1).
    The value is repeated for the ``n_orient`` components of each location.

    Defaults are MNE's minimum-norm ones (``depth_mne``); call it with the gradiometer rows
    of the **unwhitened** lead field (:func:`depth_channels`). The sparse solvers'
    ``depth_sparse`` is ``depth_prior(W @ L, exp=0.8, limit=None, combine="fro")``.

    Parameters
    ----------
    L : (n_channels, n_locations * n_orient)
    exp : float  the exponent (MNE's ``depth``), >= 0
    limit : float | None

    Returns
    -------
    prior : (n_locations * n_orient,)
    """
    exp = validation.check_real(exp, "exp", low=0, hint="the depth exponent (None: no depth "
                                                         "prior, do not call depth_prior)"
                                if exp is None else "")
    if limit is not None:
        limit = validation.check_real(limit, "limit", low=0, low_open=True)
    d = block_norms(L, n_orient=n_orient, combine=combine)
    if np.all(d == 0):
        raise validation.refuse("L", "a lead field with at least one non-zero column",
                                validation.errors.shown("all zeros"), "no depth prior")
    d = np.where(d == 0, d[d > 0].min(), d)
    w = 1.0 / d
    if limit is not None:
        w_lim, _ = depth_limit(w, limit)
        w = np.minimum(w / w_lim, 1.0)
    return np.repeat(w ** exp, n_orient)


def depth_channels(ch_types):
    """Rows used for MNE's depth prior: gradiometers, else magnetometers, else EEG.

    This makes the prior depend only on the sensor geometry (MNE's ``limit_depth_chs=True``).
    """
    ch_types = np.asarray(ch_types)
    for kind in ("grad", "mag", "eeg"):
        idx = np.flatnonzero(ch_types == kind)
        if len(idx):
            return idx
    raise validation.refuse("ch_types", "channel types with a grad, mag or eeg channel",
                            validation.errors.shown(f"{sorted(set(ch_types.tolist()))}"))


def orient_prior(n_sources, loose):
    """Orientation prior in surface coordinates: [loose, loose, 1] per location.

    ``loose`` multiplies the **variance** of the two tangential components (t1, t2); the
    normal (third) component has variance 1. ``loose=0`` means fixed orientation: one
    component per location, prior 1.

    Returns
    -------
    prior : (3 * n_sources,), or (n_sources,) when loose == 0
    """
    n_sources = validation.check_int(n_sources, "n_sources", low=1)
    loose = validation.check_real(loose, "loose", low=0, high=1,
                                  hint="a variance fraction of the tangential components")
    if loose == 0.0:
        return np.ones(n_sources)
    return np.tile([loose, loose, 1.0], n_sources)


def weighted_trace(L_tilde):
    """tr(L_tilde L_tilde^T) = ||L_tilde||_F^2 before rescaling.

    MNE logs it as "scaling factor to adjust the trace".
    """
    L_tilde = _as_gain(L_tilde, "L_tilde")
    return float(np.sum(L_tilde ** 2))


def trace_scale(L_tilde, rank):
    """Factor c on R such that ||W P L diag(sqrt(c R))||_F^2 = rank:  c = rank / ||L_tilde||_F^2.

    After it, the singular values of the whitened, weighted lead field satisfy
    sum(s^2) = rank, so lambda2 = 1/SNR^2 has the same meaning for every data set.
    """
    rank = validation.check_int(rank, "rank", low=1)
    trace = weighted_trace(L_tilde)
    if not trace > 0:
        raise validation.refuse("L_tilde", "a whitened lead field that is not all zero",
                                validation.errors.shown("all zeros"))
    return rank / trace
