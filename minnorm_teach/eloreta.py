"""eLORETA: source weights under which a single noiseless source is estimated in place (chapter 08).

Pascual-Marqui 2007/2011: replace the prior R by weights found by the fixed-point iteration

    R_k = (L_k^T (L R L^T + lambda2 I)^+ L_k)^{-1/2}

(one weight per dipole for fixed orientation, one 3 x 3 block per location for free/loose),
then build the kernel as for the plain minimum norm with R in place of the prior. MNE
counterpart: ``apply_inverse(..., method="eLORETA")`` (``mne/minimum_norm/_eloreta.py``); the
formulas were re-derived, not copied.

Every iteration stays at the sensor level, as in chapter 03: the model covariance
S = L R L^T = B B^T (B = L F, F a factor of R: F F^T = R) is an n_channels x n_channels matrix
(one symmetric product), its eigendecomposition S = Q diag(e) Q^T gives
N = Q diag(1 / (e + lambda2)) Q^T, and the blocks L_k^T N L_k = Z_k^T Z_k come from one more
product, Z = diag(1/sqrt(e + lambda2)) Q^T L. The final SVD of A = L R^{1/2} is
:func:`minnorm_teach.linalg.svd_from_gram`'s route.
"""

from dataclasses import dataclass

import numpy as np

from . import linalg
from .kernel import Kernel, scale_to_nave

__all__ = ["ELORETA_DEFAULTS", "ELoretaWeights", "eloreta_weights", "eloreta_kernel"]

ELORETA_DEFAULTS = dict(eps=1e-6, max_iter=20, force_equal=False)   # MNE 1.13.2's


@dataclass(frozen=True, repr=False)
class ELoretaWeights:
    """eLORETA weights and the SVD of the re-weighted problem.

    ``R`` holds one weight per dipole (fixed orientation or ``force_equal``), shape
    (n_dipoles,), or one 3 x 3 block per location, shape (n_sources, 3, 3). The kernel is
    ``K = V_weighted diag(gamma) U^T W P`` with ``V_weighted = R^{1/2} V`` and
    ``A = W P L R^{1/2} = U diag(s) V^T``.
    """

    R: np.ndarray
    U: np.ndarray
    s: np.ndarray
    V_weighted: np.ndarray
    n_iter: int
    delta: float
    converged: bool

    def __repr__(self):
        return (f"ELoretaWeights(R: {self.R.shape}, U: {self.U.shape}, s: {self.s.shape}, "
                f"V_weighted: {self.V_weighted.shape}, n_iter={self.n_iter}, "
                f"delta={self.delta:.1e}, converged={self.converged})")


def _times_factor(X, F):
    """X F for X (m, n_dipoles) and F diagonal (n_dipoles,) or 3 x 3 blocks (n_sources, 3, 3)."""
    if F.ndim == 1:
        return X * F
    X3 = X.reshape(X.shape[0], -1, 3)
    return np.einsum("cka,kab->ckb", X3, F, optimize=True).reshape(X.shape)


def _block_grams(Z):
    """Z_k^T Z_k for every location k: (m, n_sources * 3) -> (n_sources, 3, 3)."""
    Z3 = Z.reshape(Z.shape[0], -1, 3)
    M = np.empty((Z3.shape[1], 3, 3))
    for a in range(3):
        for b in range(a, 3):
            M[:, a, b] = M[:, b, a] = np.einsum("ck,ck->k", Z3[:, :, a], Z3[:, :, b])
    return M


def _inverse_roots(M):
    """M^{-1/2}, M^{-1/4} and sqrt(eig(M)) of stacked symmetric PSD matrices M.

    Eigenvalues at or below 1e-7 of the largest count as zero: their inverse powers are 0
    (and their square root is reported as inf), as MNE's ``sqrtm_sym``.
    """
    e, Q = np.linalg.eigh(M)
    e = np.where(e <= e[..., -1:] * 1e-7, np.inf, e)

    def power(p):
        return np.matmul(Q * e[..., None, :] ** p, Q.swapaxes(-2, -1))

    return power(-0.5), power(-0.25), np.sqrt(e)


def _normalised(L, R, F, rank):
    """Scale R so that tr(L R L^T) = ||L F||_F^2 = rank; returns (B = L F, R, F), all scaled."""
    B = _times_factor(L, F)
    c = np.vdot(B, B) / rank
    return B / np.sqrt(c), R / c, F / np.sqrt(c)


def _model_covariance(G, R, F, rank):
    """S = G R G^T = B B^T (B = G F, one symmetric product), with S, R and F scaled so that
    tr(S) = ||B||_F^2 = rank (step 2): returns (S, R, F)."""
    B = _times_factor(G, F)
    c = np.vdot(B, B) / rank
    return (B @ B.T) / c, R / c, F / np.sqrt(c)


def _whitened_by_model(G, S, rank, lambda2):
    """Z = diag(1/sqrt(e + lambda2)) Q^T G from the model covariance S = Q diag(e) Q^T (top rank).

    Then G_k^T N G_k = Z_k^T Z_k with N = Q diag(1/(e + lambda2)) Q^T, MNE's stabilised
    inverse of the model covariance (components with e = 0 left out).
    """
    e, Q = np.linalg.eigh(S)
    e = np.abs(e)
    top = np.argsort(e)[::-1][:rank]
    e, Q = e[top], Q[:, top]
    scale = np.divide(1.0, np.sqrt(e + lambda2), out=np.zeros_like(e), where=e > 0)
    return (Q * scale).T @ G


def _eloreta_step(G, S, std, n_orient, rank, lambda2, force_equal):
    """One update R_k = (G_k^T N G_k)^{-1/2} times the prior; returns R and a factor F F^T = R."""
    Z = _whitened_by_model(G, S, rank, lambda2)
    if n_orient == 1:
        R = std ** 2 / np.sqrt(np.sum(Z ** 2, axis=0))
        return R, np.sqrt(R)
    inv_sqrt, inv_fourth, root_eig = _inverse_roots(_block_grams(Z))
    if force_equal:
        R = np.repeat(1.0 / root_eig.mean(axis=-1), 3) * std ** 2
        return R, np.sqrt(R)
    D = std.reshape(-1, 3)
    return D[:, :, None] * inv_sqrt * D[:, None, :], D[:, :, None] * inv_fourth


def eloreta_weights(L_w, *, n_orient, rank, lambda2, orient_prior=None, eps=1e-6,
                    max_iter=20, force_equal=False):
    """eLORETA weights by fixed-point iteration (MNE 1.13.2: eps 1e-6, 20 iter., force_equal False).

    Minimises nothing explicitly: it iterates ``R_k = (L_k^T (L R L^T + lambda2 I)^+ L_k)^{-1/2}``
    (a 3 x 3 block per location for free/loose orientation) until the weights stop changing.

    Steps:
      1. G = L_w x sqrt(orient_prior) (no depth prior: eLORETA undoes depth bias itself);
         R = identity x prior.
      2. Rescale R so that tr(G R G^T) = rank.
      3. N = (G R G^T + lambda2 I)^+ on the top ``rank`` eigenvectors.
      4. R_k = (G_k^T N G_k)^{-1/2} (force_equal: 1 / mean of sqrt(eig(G_k^T N G_k)), times I);
         R *= prior (element-wise); rescale as in 2.
      5. Stop when ||R - R_old|| / ||R_old|| < eps, or after max_iter updates.
      6. Back to L_w (without orient_prior), rescale R, SVD of A = L_w R^{1/2}.

    Each step works with a factor F of R (F F^T = R: sqrt(R), or D M^{-1/4} for a block
    R_k = D M^{-1/2} D with D = diag(prior std)), so that G R G^T = B B^T with B = G F is one
    symmetric product and its trace is ||B||_F^2. In step 6, A = L_w F has the same
    A A^T = L_w R L_w^T, hence the same U and s, and R^{1/2} V = F V_F for the V_F of L_w F.

    Parameters
    ----------
    L_w : array, (n_channels, n_dipoles)
        Whitened, projected lead field W P L (no depth prior, no orientation prior);
        loose/free: surface-oriented triplets [t1, t2, n] per location.
    n_orient : {1, 3}
    rank : int
        Rank of the whitened noise covariance (MNE's ``n_nzero``).
    lambda2 : float
    orient_prior : array, (n_dipoles,), optional
        Variance of each component (1 for normals, ``loose`` for tangential ones).
    eps, max_iter, force_equal : as in MNE's ``method_params``.

    Returns
    -------
    ELoretaWeights
    """
    L_w = np.asarray(L_w, dtype=float)
    n_channels, n_dipoles = L_w.shape
    if n_orient not in (1, 3) or n_dipoles % n_orient:
        raise ValueError(f"L_w has {n_dipoles} columns, not a multiple of n_orient={n_orient}")
    std = np.ones(n_dipoles) if orient_prior is None else np.sqrt(orient_prior)
    if std.shape != (n_dipoles,):
        raise ValueError(f"orient_prior has shape {np.shape(orient_prior)} but L_w has "
                         f"{n_dipoles} columns")
    blockwise = n_orient == 3 and not force_equal
    R = np.eye(3) * std.reshape(-1, 1, 3) ** 2 if blockwise else std ** 2        # step 1
    F = np.eye(3) * std.reshape(-1, 1, 3) if blockwise else std.copy()
    G = L_w * std
    S, R, F = _model_covariance(G, R, F, rank)                                    # step 2
    n_iter, delta, converged = 0, np.inf, False
    while n_iter < max_iter and not converged:                                    # steps 3-5
        n_iter += 1
        R_old = R
        R, F = _eloreta_step(G, S, std, n_orient, rank, lambda2, force_equal)
        S, R, F = _model_covariance(G, R, F, rank)
        delta = np.linalg.norm(R - R_old) / np.linalg.norm(R_old)
        converged = delta < eps
    B, R, F = _normalised(L_w, R, F, rank)                                        # step 6
    usv = linalg.svd_from_gram(B)
    U, s, V_F = usv.U[:, :rank], usv.s[:rank], usv.V[:, :rank]
    V_weighted = _times_factor(V_F.T, F.swapaxes(-2, -1) if F.ndim == 3 else F).T
    return ELoretaWeights(R=R, U=U, s=s, V_weighted=V_weighted, n_iter=n_iter,
                          delta=float(delta), converged=converged)


def eloreta_kernel(inv, lambda2, nave, *, eps=1e-6, max_iter=20, force_equal=False):
    """eLORETA kernel K = R_e^{1/2} V diag(gamma) U^T W P with A = W P L R_e^{1/2} = U diag(s) V^T.

    R_e are the weights of :func:`eloreta_weights` on the lead field whitened at ``nave``
    (W_nave = sqrt(nave) W, its zero rows left out); ``inv``'s depth prior and trace scale
    are not used. MNE: ``apply_inverse(..., method="eLORETA",
    method_params=dict(eps=, max_iter=, force_equal=))``.

    Returns
    -------
    kernel : minnorm_teach.kernel.Kernel
        ``noise_norm`` is None (eLORETA's weights are the normalisation), ``R`` is NaN (the
        weights are 3 x 3 blocks for free/loose orientation), ``U, s, gamma`` are eLORETA's.
    weights : ELoretaWeights
        The iteration's result (``n_iter``, ``delta``, ``converged``).
    """
    _, W_nave, colorer = scale_to_nave(inv, nave)
    kept = inv.eig > 0
    L_w = W_nave[kept] @ inv.P @ inv.L
    weights = eloreta_weights(L_w, n_orient=inv.n_orient, rank=inv.rank, lambda2=lambda2,
                              orient_prior=inv.orient_prior, eps=eps, max_iter=max_iter,
                              force_equal=force_equal)
    U = np.zeros((W_nave.shape[0], weights.s.size))
    U[kept] = weights.U
    gamma = linalg.regularised_inverse(weights.s, lambda2, rank=inv.rank)
    kernel = Kernel(leads=weights.V_weighted, noise_norm=None, method="eLORETA",
                    lambda2=float(lambda2), nave=float(nave), U=U, s=weights.s, gamma=gamma,
                    W=W_nave, P=inv.P, colorer=colorer, R=np.full(inv.L.shape[1], np.nan))
    return kernel, weights
