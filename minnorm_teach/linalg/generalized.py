"""The generalized inverse (chapter 02), and the boundary checks of every linalg function.

Arrays in, arrays out (no MNE here). ``L`` lead field (n_channels, n_sources), ``b`` data,
``G = L L^T``; see :mod:`minnorm_teach.notation`.

- :func:`minimum_norm_pinv`  L^+ = L^T (L L^T)^{-1}
- :func:`projector`          P = I - Q Q^T, the SSP / average-reference projector
"""

import numpy as np

__all__ = ["minimum_norm_pinv", "projector"]


# ----------------------------------------------------------------------------- boundary checks
def _as_lead_field(L, name="L"):
    L = np.asarray(L)
    if L.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (n_channels, n_sources) matrix, "
                         f"but it has shape {L.shape}")
    if not np.issubdtype(L.dtype, np.number) or np.iscomplexobj(L):
        raise TypeError(f"{name} must hold real numbers, but its dtype is {L.dtype}")
    L = L.astype(float, copy=False)
    if not np.all(np.isfinite(L)):
        raise ValueError(f"{name} contains {np.sum(~np.isfinite(L))} NaN or infinite entries")
    return L


def _as_data(b, n_channels, name="b"):
    b = np.asarray(b)
    if b.ndim not in (1, 2):
        raise ValueError(f"{name} must be (n_channels,) or (n_channels, n_times), "
                         f"but it has shape {b.shape}")
    if b.shape[0] != n_channels:
        raise ValueError(f"the lead field has {n_channels} rows (channels) but {name} has "
                         f"{b.shape[0]} channels (shape {b.shape})")
    b = b.astype(float)
    if not np.all(np.isfinite(b)):
        raise ValueError(f"{name} contains {np.sum(~np.isfinite(b))} NaN or infinite entries")
    return b


def _as_eps(eps, *, allow_zero=False, name="eps"):
    eps = np.asarray(eps, dtype=float)
    bad = ~np.isfinite(eps) | (eps < 0) | ((eps == 0) & (not allow_zero))
    if np.any(bad):
        need = ">= 0" if allow_zero else "> 0 (eps = 0 is the unregularised pseudo-inverse: " \
                                          "use minimum_norm_pinv or truncated_svd_kernel)"
        raise ValueError(f"{name} must be finite and {need}, but got {eps[bad].ravel()[:3]}")
    return eps



def projector(vectors):
    """P = I - Q Q^T, Q an orthonormal basis of the span of the rows of ``vectors``.

    The SSP / average-reference projector: P b removes from b every component along the
    projection vectors (n_proj, n_channels); P is symmetric and P P = P. MNE: ``inv['proj']``
    (``make_projector``). The average reference is ``projector(np.ones((1, n_channels)))``.
    """
    vectors = _as_lead_field(vectors, name="vectors")
    n_channels = vectors.shape[1]
    Q, q, _ = np.linalg.svd(vectors.T, full_matrices=False)
    if q[0] == 0:
        return np.eye(n_channels)
    Q = Q[:, q > q[0] * max(vectors.shape) * np.finfo(float).eps]
    return np.eye(n_channels) - Q @ Q.T



def minimum_norm_pinv(L):
    """L^+ = L^T (L L^T)^{-1}: the minimum-norm generalised inverse of a full-row-rank L.

    argmin ||j||^2 subject to L j = b  is  j = L^T (L L^T)^{-1} b  (Lagrange multipliers).
    Equals ``numpy.linalg.pinv(L)`` when rank(L) = n_channels; MNE's kernel with
    ``lambda2 -> 0``; Brainstorm's kernel with SNR -> infinity.

    Raises ValueError when G = L L^T is numerically singular, cond(G) > 1 / (n_channels * machine
    eps): rank(L) < n_channels after an average reference or SSP projector, or rows in mixed
    units (T, T/m, V) that span more decades than double precision holds.
    """
    L = _as_lead_field(L)
    n_channels, n_sources = L.shape
    if n_channels > n_sources:
        raise ValueError(f"L has {n_channels} channels but only {n_sources} sources: the system "
                         f"is overdetermined; the minimum-norm pseudo-inverse needs "
                         f"n_channels <= n_sources (use least squares instead)")
    G = L @ L.T
    lam = np.linalg.eigvalsh(G)                   # eigenvalues of G = squared singular values
    tol = lam[-1] * n_channels * np.finfo(float).eps
    rank = int(np.sum(lam > tol))
    if rank < n_channels:
        raise ValueError(f"G = L L^T is singular: L has rank {rank} < {n_channels} channels "
                         f"(smallest/largest eigenvalue of G = {lam[0] / lam[-1]:.1e}), e.g. "
                         f"after an average reference or SSP projector, or with mixed units. "
                         f"Regularise with tikhonov_kernel(L, eps) (eps > 0), or drop the zero "
                         f"singular values with truncated_svd_kernel(L, {rank}) "
                         f"(= numpy.linalg.pinv(L)).")
    return np.linalg.solve(G, L).T


