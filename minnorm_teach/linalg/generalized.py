"""The generalized inverse (chapter 02), and the boundary checks of every linalg function.

Arrays in, arrays out (no MNE here). ``L`` lead field (n_channels, n_sources), ``b`` data,
``G = L L^T``; see :mod:`minnorm_teach.notation`.

- :func:`minimum_norm_pinv`  L^+ = L^T (L L^T)^{-1}
- :func:`projector`          P = I - Q Q^T, the SSP / average-reference projector
"""

import numpy as np

from .. import validation
from ..validation.errors import shown

__all__ = ["minimum_norm_pinv", "projector"]


# ----------------------------------------------------------------------------- boundary checks
def _as_lead_field(L, name="L"):
    """A real, finite (n_channels, n_sources) matrix as float64 (minnorm_teach.validation)."""
    L = validation.as_real_array(L, name, ndim=2, shape_text="(n_channels, n_sources)")
    return validation.check_finite(L, name, labels=("row", "column"))


def _as_noise_cov(C, n_channels, name="C"):
    """A real, finite (n_channels, n_channels) covariance, the rows of L on both sides."""
    C = _as_lead_field(C, name=name)
    if C.shape != (n_channels, n_channels):
        raise ValueError(f"{name} must be ({n_channels}, {n_channels}) like the rows of L, but "
                         f"it has shape {C.shape}")
    return C


def _as_data(b, n_channels, name="b", *, n_sources=None, L_name="L"):
    """b (n_channels,) or (n_channels, n_times), real and finite, against L's rows."""
    b = validation.as_real_array(b, name, ndim=(1, 2), shape_text="(n_channels, n_times)")
    hint = ""
    if n_sources == b.shape[0] != n_channels:
        hint = (f"{L_name} looks transposed (its {n_sources} columns match {name}): pass "
                f"{L_name} with shape (n_channels, n_sources)")
    validation.check_rows_match(L_name, n_channels, "rows", name, b.shape[0], "channels",
                                hint=hint)
    return validation.check_finite(b, name, labels=("channel", "sample"))


_EPS_ZERO = ("eps = 0 is the unregularised pseudo-inverse: use minimum_norm_pinv or "
             "truncated_svd_kernel")


def _as_eps(eps, *, allow_zero=False, name="eps"):
    """eps: a number or an array (a grid) of finite values > 0 (>= 0 with allow_zero)."""
    expected = f"finite and {'>=' if allow_zero else '>'} 0"
    if not isinstance(eps, np.ndarray | list | tuple):
        hint = _EPS_ZERO if eps == 0 and not allow_zero else ""
        return np.asarray(validation.check_real(eps, name, low=0, low_open=not allow_zero,
                                                hint=hint))
    arr = validation.as_real_array(eps, name)
    bad = ~np.isfinite(arr) | (arr < 0) | ((arr == 0) & (not allow_zero))
    if np.any(bad):
        hint = _EPS_ZERO if not allow_zero and np.any(arr == 0) else ""
        raise validation.refuse(name, f"{expected} (every value)",
                                shown(f"{arr[bad].ravel()[:3]}"), hint)
    return arr


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
        raise validation.InputValueError(
            f"L has {n_channels} channels but only {n_sources} sources: the system is "
            f"overdetermined; the minimum-norm pseudo-inverse needs n_channels <= n_sources "
            f"(use least squares instead)", argument="L")
    G = L @ L.T
    lam = np.linalg.eigvalsh(G)                   # eigenvalues of G = squared singular values
    tol = lam[-1] * n_channels * np.finfo(float).eps
    rank = int(np.sum(lam > tol))
    if rank < n_channels:
        raise validation.InputValueError(
            f"G = L L^T is singular: L has rank {rank} < {n_channels} channels "
            f"(smallest/largest eigenvalue of G = {lam[0] / lam[-1]:.1e}), e.g. after an "
            f"average reference or SSP projector, or with mixed units. Regularise with "
            f"tikhonov_kernel(L, eps) (eps > 0), or drop the zero singular values with "
            f"truncated_svd_kernel(L, {rank}) (= numpy.linalg.pinv(L)).", argument="L")
    return np.linalg.solve(G, L).T


