"""The SVD of the lead field, computed two ways (chapters 03-04).

``L = U diag(s) V^T`` (thin, s descending): ``U`` field patterns, ``s`` singular values, ``V``
source patterns; MNE stores them as ``eigen_fields = U^T``, ``sing = s``, ``eigen_leads = V``.

- :func:`svd`            LAPACK's SVD of L itself
- :func:`svd_from_gram`  the sensor-space route of chapter 03: eigh of G = L L^T, then
                         V = L^T U diag(1/s); what :func:`minnorm_teach.make_inverse_operator`
                         uses, since G is only n_channels x n_channels
"""

from dataclasses import dataclass

import numpy as np

from .generalized import _as_lead_field

__all__ = ["SVD", "svd", "svd_from_gram", "condition_number"]


@dataclass(frozen=True)
class SVD:
    """Thin SVD ``L = U diag(s) V^T`` (MNE: ``eigen_fields = U^T``, ``sing = s``,
    ``eigen_leads = V``)."""

    U: np.ndarray   # (n_channels, k) left singular vectors: field patterns
    s: np.ndarray   # (k,) singular values, descending
    V: np.ndarray   # (n_sources, k) right singular vectors: source patterns

    def __repr__(self):
        return f"SVD(U: {self.U.shape}, s: {self.s.shape}, V: {self.V.shape})"


def _as_svd(L):
    return L if isinstance(L, SVD) else svd(L)


def svd(L):
    """L = U diag(s) V^T, thin (k = min(n_channels, n_sources)), s descending.

    MNE computes the same decomposition of the whitened, weighted gain in
    ``make_inverse_operator`` (``inv['eigen_fields']['data'] = U^T``, ``inv['sing'] = s``,
    ``inv['eigen_leads']['data'] = V``). Compute it once and pass it to :func:`svd_kernel`,
    :func:`tikhonov_norms`, :func:`l_curve`, :func:`gcv`... for every eps.
    """
    L = _as_lead_field(L)
    U, s, Vt = np.linalg.svd(L, full_matrices=False)
    return SVD(U=U, s=s, V=Vt.T)


def svd_from_gram(L):
    """L = U diag(s) V^T from G = L L^T = U diag(s^2) U^T:  V = L^T U diag(1/s).

    The sensor-space route: one eigh of the n_channels x n_channels Gram matrix and two
    matrix products, instead of an SVD of the wide L (for MNE's whitened gain, 365 x 15372,
    several times faster). When L is tall (n_channels > n_sources) the roles swap: eigh of
    L^T L = V diag(s^2) V^T and U = L V diag(1/s). k = min(n_channels, n_sources).

    Accuracy: G squares the condition number. Its eigenvalues carry an absolute error of
    about eps_machine s_1^2, so sqrt(eigenvalue) would lose all digits of an s_i below
    1e-8 s_1. Two choices keep every digit that matters:

    1. s_i is the norm of L^T u_i (relative error ~ eps_machine s_1 / s_i), and
       V_i = L^T u_i / s_i, so V diag(s) = L^T U holds to round-off for every i;
    2. eigenvectors of nearly equal small eigenvalues may mix, but every function of G the
       course uses (the kernel L^T (G + eps I)^{-1}, noise variances, resolution) is then
       computed exactly for a G perturbed by ~eps_machine s_1^2: a relative error of about
       eps_machine s_1^2 / eps.

    No component is dropped: the kernels are smooth functions of G, so the tiny ones
    (s_i ~ 1e-8 s_1, say) must stay in, as they do in the SVD; they are resolved to an
    absolute error ~ sqrt(eps_machine) s_1 in s_i, which the kernel never feels (it uses
    V_i gamma_i = L^T u_i / (s_i^2 + eps)). So a rank-deficient L shows its null singular
    values as ~1e-8 s_1 here and ~1e-16 s_1 in :func:`svd`: use :func:`svd` to read a rank.

    Returns
    -------
    SVD with U (n_channels, k), s (k,), V (n_sources, k), s descending
    """
    L = _as_lead_field(L)
    wide = L.shape[0] <= L.shape[1]
    A = L if wide else L.T                             # A A^T is the smaller Gram matrix
    _, Q = np.linalg.eigh(A @ A.T)
    Q = np.ascontiguousarray(Q[:, ::-1])               # descending eigenvalues
    Y = A.T @ Q                                        # column i: s_i times the other vector
    s = np.sqrt(np.einsum("ij,ij->j", Y, Y))           # column norms ||L^T u_i||
    order = np.argsort(-s, kind="stable")              # the norms may swap near-equal ones
    if np.any(order != np.arange(s.size)):
        Q, Y, s = Q[:, order], Y[:, order], s[order]
    np.divide(Y, s, out=Y, where=s > 0)                # a zero norm is a zero column already
    return SVD(U=Q, s=s, V=Y) if wide else SVD(U=Y, s=s, V=Q)


def condition_number(L):
    """cond(L) = s_max / s_min (infinite when L is rank-deficient: s_min = 0)."""
    s = _as_svd(L).s
    return float(s[0] / s[-1]) if s[-1] > 0 else np.inf
