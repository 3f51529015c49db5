"""eLORETA: source weights under which a single noiseless source is estimated in place (chapter 08).

Pascual-Marqui 2007/2011: replace the prior R by weights found by the fixed-point iteration

    R_k = (L_k^T (L R L^T + lambda2 I)^+ L_k)^{-1/2}

(one weight per dipole for fixed orientation, one 3 x 3 block per location for free/loose),
then build the kernel as for the plain minimum norm with R in place of the prior:
K = R L^T (L R L^T + lambda2 I)^+ in whitened units (:func:`weighted_kernel`). So K L is
dimensionless and the estimate is a current in A·m, as the minimum norm's (MNE since 0.20;
before, its scale was arbitrary). MNE counterpart: ``apply_inverse(..., method="eLORETA")``
(``mne/minimum_norm/_eloreta.py``); the formulas were re-derived, not copied.

Every iteration stays at the sensor level, as in chapter 03: the model covariance
S = L R L^T = B B^T (B = L F, F a factor of R: F F^T = R) is an n_channels x n_channels matrix
(one symmetric product), its eigendecomposition S = Q diag(e) Q^T gives
N = Q diag(1 / (e + lambda2)) Q^T, and the blocks L_k^T N L_k = Z_k^T Z_k come from one more
product, Z = diag(1/sqrt(e + lambda2)) Q^T L. These two products are the whole cost of an
iteration (with every row kept, the first is a triangular product, :func:`_noise_weighted`).
The final SVD of A = L R^{1/2} is :func:`minnorm_teach.linalg.svd_from_gram`'s
route.
"""

from dataclasses import dataclass

import numpy as np
from scipy.linalg import blas, cholesky, solve_triangular

from . import linalg, validation
from .kernel import Kernel, scale_to_nave

__all__ = ["ELORETA_DEFAULTS", "ELoretaWeights", "eloreta_weights", "eloreta_kernel",
           "weighted_kernel"]

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


# The iteration keeps everything by location: G_t[k] = G_k^T, the n_orient rows of location k
# (n_sources, n_orient, n_channels), and R, F as n_orient x n_orient blocks (1 x 1 for fixed
# orientation). Then each step is a handful of batched 3 x 3 products plus two BLAS products
# that read the lead field in the order it is stored.

def _by_location(X, n_orient):
    """(m, n_sources * n_orient) -> (n_sources, n_orient, m): the rows X_k^T of each location."""
    return np.ascontiguousarray(X.T).reshape(-1, n_orient, X.shape[0])


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


def _times_factor(G_t, F):
    """B_t[k] = (G_k F_k)^T = F_k^T G_k^T for every location: B = G F, stored by location."""
    return np.matmul(F.swapaxes(-2, -1), G_t)


def _model_covariance(G_t, R, F, rank):
    """S = G R G^T = B B^T (B = G F, F F^T = R): one symmetric product.

    R, F and S are scaled so that tr(S) = rank (step 2); returns (S, R, F).
    """
    B = _times_factor(G_t, F).reshape(-1, G_t.shape[-1])               # B^T, by location
    S = B.T @ B
    c = np.trace(S) / rank
    return S / c, R / c, F / np.sqrt(c)


def _noise_weighted(G_t, S, rank, lambda2, G_f=None):
    """Z_t[k] = (N^{1/2} G_k)^T, so that G_k^T N G_k = Z_t[k] Z_t[k]^T, N = (S + lambda2 I)^+.

    N is MNE's stabilised inverse of the model covariance S = Q diag(e) Q^T:
    Q diag(1/(e + lambda2)) Q^T on the top ``rank`` eigenvectors (e = 0 left out), and
    N^{1/2} = diag(1/sqrt(e + lambda2)) Q^T. When every row counts (rank = n_channels) and
    lambda2 > 0, N = (S + lambda2 I)^{-1} = C^{-T} C^{-1} with the Cholesky factor
    S + lambda2 I = C C^T, so C^{-1} serves as N^{1/2}: a triangular product (BLAS trmm, half
    the work of the product with Q) on ``G_f``, the rows G_k stored column-major once.
    """
    n_sources, n_orient, n_channels = G_t.shape
    if G_f is not None and rank == n_channels and lambda2 > 0:
        C = cholesky(S + lambda2 * np.eye(n_channels), lower=True)
        C_inv = solve_triangular(C, np.eye(n_channels), lower=True)
        Z = blas.dtrmm(1.0, C_inv, G_f, side=1, lower=1, trans_a=1)   # rows (C^-1 G_k)^T
        return np.ascontiguousarray(Z).reshape(n_sources, n_orient, -1)
    e, Q = np.linalg.eigh(S)
    e = np.abs(e)
    top = np.argsort(e)[::-1][:rank]
    e, Q = e[top], Q[:, top]
    scale = np.divide(1.0, np.sqrt(e + lambda2), out=np.zeros_like(e), where=e > 0)
    return (G_t.reshape(-1, n_channels) @ (Q * scale)).reshape(n_sources, n_orient, -1)


def _eloreta_step(G_t, S, D, rank, lambda2, force_equal, G_f=None):
    """R_k = D_k (G_k^T N G_k)^{-1/2} D_k (the prior std D re-applied) and a factor F_k F_k^T = R_k.

    force_equal: R_k = D_k^2 / mean(sqrt(eig(G_k^T N G_k))), one weight for the location.
    """
    Z_t = _noise_weighted(G_t, S, rank, lambda2, G_f)
    inv_sqrt, inv_fourth, root_eig = _inverse_roots(Z_t @ Z_t.swapaxes(-2, -1))
    if force_equal:
        weight = 1.0 / root_eig.mean(axis=-1)
        return _diagonal(D ** 2 * weight[:, None]), _diagonal(D * np.sqrt(weight)[:, None])
    return D[:, :, None] * inv_sqrt * D[:, None, :], D[:, :, None] * inv_fourth


def _diagonal(d):
    """(n, o) -> (n, o, o) diagonal blocks."""
    return d[:, :, None] * np.eye(d.shape[1])


def _check_input(L_w, n_orient, rank, lambda2, orient_prior, eps, max_iter, force_equal):
    """The boundary of eloreta_weights: shapes named, eps > 0 and 0 <= max_iter (a finite loop
    whatever the input; max_iter = 0 keeps the prior, a limiting case)."""
    L_w = validation.as_real_array(L_w, "L_w", ndim=2, shape_text="(n_channels, n_dipoles)")
    validation.check_finite(L_w, "L_w", labels=("row", "column"))
    n_channels, n_dipoles = L_w.shape
    n_orient = validation.check_n_orient(n_orient, n_dipoles, L_name="L_w")
    std = np.ones(n_dipoles)
    if orient_prior is not None:
        prior = validation.as_real_array(orient_prior, "orient_prior", ndim=1)
        if prior.shape != (n_dipoles,) or not np.all(np.isfinite(prior) & (prior > 0)):
            raise validation.refuse("orient_prior", f"one finite variance > 0 per column of "
                                                    f"L_w ({n_dipoles})",
                                    validation.errors.shown(f"shape {prior.shape}"))
        std = np.sqrt(prior)
    return (L_w, n_orient, validation.check_int(rank, "rank", low=1, high=n_channels),
            validation.check_real(lambda2, "lambda2", low=0), std,
            validation.check_real(eps, "eps", low=0, low_open=True),
            validation.check_int(max_iter, "max_iter", low=0, high=validation.MAX_ITER),
            validation.check_bool(force_equal, "force_equal"))


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

    Each step works with a factor F of R (F F^T = R: D M^{-1/4} for R_k = D M^{-1/2} D, with
    D = diag(prior std)), so that G R G^T = B B^T with B = G F is one symmetric product and
    its trace is ||B||_F^2. In step 6, A = L_w F has the same A A^T = L_w R L_w^T, hence the
    same U and s, and R^{1/2} V = F V_F for the V_F of L_w F.

    Parameters
    ----------
    L_w : array, (n_channels, n_dipoles)
        Whitened lead field W L (= W P L: W's rows lie in the range of P; no depth
        prior, no orientation prior);
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
    L_w, n_orient, rank, lambda2, std, eps, max_iter, force_equal = _check_input(
        L_w, n_orient, rank, lambda2, orient_prior, eps, max_iter, force_equal)
    n_channels, n_dipoles = L_w.shape
    D = std.reshape(-1, n_orient)
    G_t = _by_location(L_w * std, n_orient)
    G_f = np.asfortranarray(G_t.reshape(-1, n_channels))       # for _noise_weighted's trmm
    R, F = _diagonal(D ** 2), _diagonal(D)                                        # step 1
    S, R, F = _model_covariance(G_t, R, F, rank)                                  # step 2
    n_iter, delta, converged = 0, np.inf, False
    while n_iter < max_iter and not converged:                                    # steps 3-5
        n_iter += 1
        R_old = R
        R, F = _eloreta_step(G_t, S, D, rank, lambda2, force_equal, G_f)
        S, R, F = _model_covariance(G_t, R, F, rank)
        delta = np.linalg.norm(R - R_old) / np.linalg.norm(R_old)
        converged = delta < eps
    B = _times_factor(_by_location(L_w, n_orient), F).reshape(n_dipoles, n_channels).T
    c = np.einsum("ij,ij->", B, B) / rank                                         # step 6
    R, F = R / c, F / np.sqrt(c)
    usv = linalg.svd_from_gram(B / np.sqrt(c))
    U, s, V_F = usv.U[:, :rank], usv.s[:rank], usv.V[:, :rank]
    V_weighted = np.matmul(F, V_F.reshape(-1, n_orient, s.size)).reshape(n_dipoles, -1)
    blockwise = n_orient == 3 and not force_equal
    R = R if blockwise else np.diagonal(R, axis1=1, axis2=2).ravel()
    return ELoretaWeights(R=R, U=U, s=s, V_weighted=V_weighted, n_iter=n_iter,
                          delta=float(delta), converged=converged)


def eloreta_kernel(inv, lambda2, nave, *, eps=1e-6, max_iter=20, force_equal=False):
    """eLORETA kernel K = R_e^{1/2} V diag(gamma) U^T W P with A = W P L R_e^{1/2} = U diag(s) V^T.

    R_e are the weights of :func:`eloreta_weights` on the lead field whitened at ``nave``
    (W_nave = sqrt(nave) W, its zero rows left out): W_nave L, as the operator whitens it.
    W P = W in exact arithmetic, but with SSP projectors W's rows leak ~1e-11 into the
    projected directions, and W P L would move the weights by 1e-10 from MNE's. ``inv``'s
    depth prior and trace scale are not used. MNE: ``apply_inverse(..., method="eLORETA",
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
    L_w = W_nave[kept] @ inv.L
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


def weighted_kernel(L_w, R, lambda2):
    """K_w = R L_w^T (L_w R L_w^T + lambda2 I)^-1: the minimum norm with weights R, whitened.

    The closed form of an eLORETA kernel (with R its weights: ``ELoretaWeights.R``, one
    weight per dipole, (n_dipoles,), or one block per location, (n_sources, o, o)), to be
    multiplied on the right by the whitener and projector, ``W P``. Forms the n_rows x
    n_rows model covariance, so ``L_w`` should have full row rank (the kept whitened rows).
    """
    L_w = np.asarray(L_w, dtype=float)
    n_rows, n_dipoles = L_w.shape
    R = np.asarray(R, dtype=float)
    if R.shape == (n_dipoles,):
        RLt = R[:, None] * L_w.T
    elif R.ndim == 3 and R.shape[1] == R.shape[2] and R.shape[0] * R.shape[1] == n_dipoles:
        RLt = np.matmul(R, _by_location(L_w, R.shape[1])).reshape(n_dipoles, n_rows)
    else:
        raise ValueError(f"R has shape {R.shape}; expected ({n_dipoles},) or "
                         f"(n_sources, o, o) with n_sources * o = {n_dipoles}")
    S = L_w @ RLt + lambda2 * np.eye(n_rows)
    return np.linalg.solve(S, RLt.T).T                     # S symmetric: (S^-1 (R L^T)^T)^T
