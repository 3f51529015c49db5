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

__all__ = ["block_norms", "depth_limit", "depth_prior", "depth_channels", "orient_prior",
           "weighted_trace", "trace_scale"]


def block_norms(L, *, n_orient=3, combine="spectral"):
    """Squared size of each location's lead field, d_k.

    ``n_orient=1`` (fixed): d_k = ||l_k||^2.
    ``n_orient=3``, ``combine="spectral"``: d_k = lambda_max(L_k^T L_k) = ||L_k||_2^2
    (the best-oriented dipole at k); ``combine="fro"``: d_k = ||L_k||_F^2 = tr(L_k^T L_k).
    L_k is the (n_channels, 3) block of location k. Both are invariant to rotating the three
    components, so xyz and surface coordinates give the same d.

    Parameters
    ----------
    L : (n_channels, n_locations * n_orient)

    Returns
    -------
    d : (n_locations,)
    """
    n_channels, n_dipoles = L.shape
    if n_orient not in (1, 3) or n_dipoles % n_orient:
        raise ValueError(f"L has {n_dipoles} columns, not a multiple of n_orient={n_orient}")
    if combine not in ("spectral", "fro"):
        raise ValueError(f"combine must be 'spectral' or 'fro', got {combine!r}")
    if n_orient == 1 or combine == "fro":
        return np.sum((L ** 2).reshape(n_channels, -1, n_orient), axis=(0, 2))
    blocks = L.reshape(n_channels, -1, 3)
    gram = np.einsum("cki,ckj->kij", blocks, blocks)          # (n_locations, 3, 3) L_k^T L_k
    return np.linalg.eigvalsh(gram)[:, -1]


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
    if exp is None or exp < 0:
        raise ValueError(f"the depth exponent must be a number >= 0, got {exp!r}")
    d = block_norms(L, n_orient=n_orient, combine=combine)
    if np.all(d == 0):
        raise ValueError("the lead field is zero for every source: no depth prior")
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
    raise ValueError(f"no grad, mag or eeg channel among the types {sorted(set(ch_types))}")


def orient_prior(n_sources, loose):
    """Orientation prior in surface coordinates: [loose, loose, 1] per location.

    ``loose`` multiplies the **variance** of the two tangential components (t1, t2); the
    normal (third) component has variance 1. ``loose=0`` means fixed orientation: one
    component per location, prior 1.

    Returns
    -------
    prior : (3 * n_sources,), or (n_sources,) when loose == 0
    """
    loose = float(loose)
    if not 0.0 <= loose <= 1.0:
        raise ValueError(f"loose must be between 0 and 1 (a variance fraction), got {loose}")
    if loose == 0.0:
        return np.ones(n_sources)
    return np.tile([loose, loose, 1.0], n_sources)


def weighted_trace(L_tilde):
    """tr(L_tilde L_tilde^T) = ||L_tilde||_F^2 before rescaling.

    MNE logs it as "scaling factor to adjust the trace".
    """
    return float(np.sum(L_tilde ** 2))


def trace_scale(L_tilde, rank):
    """Factor c on R such that ||W P L diag(sqrt(c R))||_F^2 = rank:  c = rank / ||L_tilde||_F^2.

    After it, the singular values of the whitened, weighted lead field satisfy
    sum(s^2) = rank, so lambda2 = 1/SNR^2 has the same meaning for every data set.
    """
    return rank / weighted_trace(L_tilde)
