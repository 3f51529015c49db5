"""TF-MxNE: sparse in space, sparse and smooth in time-frequency (Gramfort et al. 2013).

    min_Z 0.5 ||b - L Z Phi^H||_F^2 + alpha_space sum_k ||Z_k||_2
                                      + alpha_time sum_{k,m} ||Z_k[:, m]||_2

Z_k (n_orient, n_coefs) are the STFT coefficients of location k, norms are those of the
two-sided spectrum (``frame.counts``). The penalty is :class:`L21L1`; the objective and the
duality gap are the shared ones of :mod:`.objective`, the working set that of :mod:`.solvers`.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from .. import validation
from .checks import check_gram_size, check_inner, check_problem, check_settings
from .objective import duality_gap
from .penalties import location_mask, prox_l1_columns, shrink_factors
from .solvers import SparseSolution, block_lipschitz, single_threaded, working_set

__all__ = ["epsilon_norm", "L21L1", "prox_l21_l1", "tf_bcd", "tf_mxne", "alpha_max_tf"]


def _weighted_group_norms(Z, n_orient, counts):
    """sqrt(sum_rows sum_k counts_k |Z_jk|^2) per location."""
    per_row = (np.abs(Z) ** 2) @ counts
    return np.sqrt(per_row.reshape(-1, n_orient).sum(axis=1))


def _column_norms(Z, n_orient):
    """||Z_k[:, m]||_2 over orientations: (n_locations, n_coefs)."""
    n_rows, n_coefs = Z.shape
    return np.sqrt((np.abs(Z.reshape(n_rows // n_orient, n_orient, n_coefs)) ** 2).sum(axis=1))


def prox_l21_l1(Z, tau_space, tau_time, n_orient, counts):
    """Prox of tau_space ||.||_{2,1} + tau_time ||.||_{1}: group-shrink of the soft-threshold.

        prox(Z)_k = S_k * max(0, 1 - tau_space / ||S_k||),   S = prox_{tau_time L1}(Z)

    The sparse-group-lasso identity (Friedman, Hastie & Tibshirani 2010): for an L1 term
    and an L2 term on the same group, the composite prox is the L2 group shrink applied after
    the L1 soft-threshold, because soft-thresholding keeps signs and the group shrink is a
    positive scaling, so the optimality conditions of both hold at once.
    ``tau_space`` is a scalar or one value per location.
    """
    S = prox_l1_columns(Z, tau_time, n_orient)
    shrink = shrink_factors(_weighted_group_norms(S, n_orient, counts), tau_space)
    return S * np.repeat(shrink, n_orient)[:, None]


def epsilon_norm(Y, l1_ratio, counts):
    """Dual norm of (1 - rho) ||z||_2 + rho ||z||_1 at each row y >= 0 of Y (rho = l1_ratio).

    It is the nu >= 0 that solves ||S_{rho nu}(y)||_2 = (1 - rho) nu (S soft-thresholding:
    the dual unit ball is the Minkowski sum rho B_inf + (1 - rho) B_2; Burdakov & Merkulov
    2001, Ndiaye et al. 2016), entries weighted by their ``counts``. With the k largest entries
    above rho nu this is the quadratic
    (rho^2 K - (1 - rho)^2) nu^2 - 2 rho S1 nu + S2 = 0, K = sum c, S1 = sum c y, S2 = sum c y^2,
    and entry k is above the threshold iff h_k = sum_{i<=k} c_i (y_i - y_k)^2
    - ((1 - rho)/rho)^2 y_k^2 <= 0. Y is (n_rows, n_coefs) or (n_coefs,); returns (n_rows,).

    MNE's ``norm_epsilon`` returns max(y) when one entry alone exceeds rho max(y), which is
    wrong when that entry is counted twice (a frequency other than 0 and wsize/2): then the
    norm is y_max sqrt(2) / ((1 - rho) + rho sqrt(2)). Its weighted form (``w_time``, for
    irTF-MxNE) is often not the weighted dual norm and can raise IndexError; the measurements
    are in tests/test_sparse.py.
    """
    Y = np.atleast_2d(Y)
    if l1_ratio == 0.0:
        return np.sqrt(Y**2 @ counts)
    if l1_ratio == 1.0:
        return Y.max(axis=1)
    order = np.argsort(-Y, axis=1)
    y = np.take_along_axis(Y, order, axis=1)
    c = counts[order]
    K, S1, S2 = np.cumsum(c, axis=1), np.cumsum(c * y, axis=1), np.cumsum(c * y**2, axis=1)
    ratio2 = ((1.0 - l1_ratio) / l1_ratio) ** 2
    h = S2 - 2.0 * y * S1 + y**2 * K - ratio2 * y**2
    k = (np.maximum(np.sum(h <= 0, axis=1), 1) - 1)[:, None]
    K, S1, S2 = (np.take_along_axis(a, k, axis=1)[:, 0] for a in (K, S1, S2))
    denom = l1_ratio**2 * K - (1.0 - l1_ratio) ** 2
    delta = np.maximum((l1_ratio * S1) ** 2 - S2 * denom, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        nu = np.where(np.abs(denom) < 1e-10, S2 / (2.0 * l1_ratio * S1),
                      (l1_ratio * S1 - np.sqrt(delta)) / denom)
    return np.where(y[:, 0] > 0, nu, 0.0)


def _epsilon_norms(Lt_R, frame, l1_ratio, n_orient, chunk=512):
    """epsilon_norm(|Phi(L_k^T R)|) for every location k, in chunks of locations (memory)."""
    n_locations = Lt_R.shape[0] // n_orient
    out = np.empty(n_locations)
    for start in range(0, n_locations, chunk):
        stop = min(start + chunk, n_locations)
        Y = _column_norms(frame.analysis(Lt_R[start * n_orient:stop * n_orient]), n_orient)
        out[start:stop] = epsilon_norm(Y, l1_ratio, frame.counts)
    return out


@dataclass(frozen=True)
class L21L1:
    """Omega(Z) = alpha_space sum_k ||Z_k||_2 + alpha_time sum_{k,m} ||Z_k[:, m]||_2."""

    alpha_space: float
    alpha_time: float
    n_orient: int
    frame: object = field(repr=False)

    @property
    def l1_ratio(self):
        return self.alpha_time / (self.alpha_space + self.alpha_time)

    def value(self, Z):
        """alpha_space ||Z||_{2,1} + alpha_time ||Z||_1 (two-sided spectrum norms)."""
        if Z.size == 0:
            return 0.0
        l21 = _weighted_group_norms(Z, self.n_orient, self.frame.counts).sum()
        l1 = (_column_norms(Z, self.n_orient) @ self.frame.counts).sum()
        return float(self.alpha_space * l21 + self.alpha_time * l1)

    def prox(self, Z, step):
        """prox of step * Omega (see :func:`prox_l21_l1`)."""
        return prox_l21_l1(Z, step * self.alpha_space, step * self.alpha_time, self.n_orient,
                           self.frame.counts)

    def dual_norms(self, Lt_R):
        """Per location: epsilon-norm of Phi(L_k^T R) / (alpha_space + alpha_time)."""
        total = self.alpha_space + self.alpha_time
        return _epsilon_norms(Lt_R, self.frame, self.l1_ratio, self.n_orient) / total

    def dual_norm(self, Lt_R):
        """Omega^*(L^T R): the dual point s R is feasible for s <= 1 / dual_norm."""
        return float(np.max(self.dual_norms(Lt_R)))

    def synthesis(self, Z):
        """j = Z Phi^H."""
        return self.frame.synthesis(Z)


def alpha_max_tf(L, b, frame, l1_ratio, n_orient):
    """The smallest alpha_space + alpha_time giving Z = 0: max_k eps-norm(Phi(L_k^T b))."""
    b, L, n_orient = check_problem(b, L, n_orient)
    l1_ratio = validation.check_l1_ratio(l1_ratio)
    if not hasattr(frame, "analysis") or frame.n_times != b.shape[1]:
        raise validation.refuse_type("frame", f"an STFTFrame for {b.shape[1]} samples "
                                              f"(make_frame(wsize, tstep, n_times))", frame)
    return float(np.max(_epsilon_norms(L.T @ b, frame, l1_ratio, n_orient)))


def _tf_bcd_pass(LtL, Z, LtR, lipschitz, penalty):
    """One sweep over locations, in place on Z and on LtR = L^T (b - L Z Phi^H).

    Z_k <- prox_{Omega/lip_k}(Z_k + Phi(LtR_k) / lip_k), LtR -= LtL[:, k] Phi^H(Z_k_new - Z_k).
    A location at zero whose candidate has ||Y_k|| <= alpha_space / lip_k stays at zero
    without the prox: its L1 step can only shrink the norm that the group step compares.
    """
    n_orient, frame = penalty.n_orient, penalty.frame
    nonzero = (_weighted_group_norms(Z, n_orient, frame.counts) > 0).tolist()
    for k, lip_k in enumerate(lipschitz.tolist()):
        rows = slice(k * n_orient, (k + 1) * n_orient)
        Y_k = Z[rows] + frame.analysis(LtR[rows]) / lip_k
        if not nonzero[k] and (math.sqrt(frame.norms2(Y_k).sum())
                               <= penalty.alpha_space / lip_k):
            continue
        Z_k_new = penalty.prox(Y_k, 1.0 / lip_k)
        LtR -= LtL[:, rows] @ frame.synthesis(Z_k_new - Z[rows])
        Z[rows] = Z_k_new


@single_threaded
def tf_bcd(b, L, penalty, *, j_init=None, maxit=3000, tol=1e-8, dgap_freq=10):
    """Block coordinate descent for TF-MxNE (Gramfort et al. 2013; MNE's
    ``_tf_mixed_norm_solver_bcd_``), in the reduced space of L's columns like :func:`bcd`.

    1. LtL = L^T L, LtR = L^T (b - L Z Phi^H), lip_k = ||L_k^T L_k||_2 (Phi^H is an isometry
       on its range, so the constants of MxNE)
    2. sweep: Z_k <- prox_{Omega/lip_k}(Z_k + Phi(LtR_k) / lip_k), LtR -= LtL[:, k] Phi^H(dZ_k)
    3. every dgap_freq sweeps: stop when duality_gap < tol; else LtR afresh
    ``j_init`` is the initial Z (n_sources, n_coefs), named like the other inner solvers'.
    """
    b, L, j_init, maxit, tol, dgap_freq = check_inner(b, L, penalty, j_init, maxit, tol,
                                                      dgap_freq)
    check_gram_size(L)
    n_orient, frame = penalty.n_orient, penalty.frame
    n_coefs = frame.Phi.shape[1]
    Z = np.zeros((L.shape[1], n_coefs), complex) if j_init is None else j_init.astype(complex)
    LtL, Ltb = L.T @ L, L.T @ b                                                   # 1.
    LtR = Ltb - LtL @ frame.synthesis(Z)
    lipschitz = block_lipschitz(L, n_orient)
    gaps = []
    for it in range(1, maxit + 1):
        _tf_bcd_pass(LtL, Z, LtR, lipschitz, penalty)                            # 2.
        if it % dgap_freq == 0:                                                    # 3.
            active = np.repeat(location_mask(np.any(Z != 0, axis=1), n_orient), n_orient)
            gaps.append(duality_gap(b, L, Z[active], active, penalty).gap)
            if gaps[-1] < tol:
                break
            LtR = Ltb - LtL @ frame.synthesis(Z)
    active = np.repeat(location_mask(np.any(Z != 0, axis=1), n_orient), n_orient)
    return SparseSolution(j=Z[active], active=active, gaps=tuple(gaps), n_iter=it)


def tf_mxne(b, L, alpha_space, alpha_time, n_orient, *, wsize=64, tstep=4, active_set_size=10,
            maxit=3000, tol=1e-8, dgap_freq=10):
    """TF-MxNE with a working set; alpha_space, alpha_time in whitened data units.

    Returns (solution, frame): ``solution.j`` holds the coefficients Z of the active sources,
    ``frame.synthesis(solution.j)`` their time courses.
    """
    b, L, n_orient = check_problem(b, L, n_orient)
    alpha_space = validation.check_real(alpha_space, "alpha_space", low=0)
    alpha_time = validation.check_real(alpha_time, "alpha_time", low=0)
    validation.check_alpha(alpha_space + alpha_time, "alpha_space + alpha_time")
    wsize, tstep = validation.check_stft_window(wsize, tstep, b.shape[1])
    active_set_size = validation.check_int(active_set_size, "active_set_size", low=1)
    maxit, tol, dgap_freq = check_settings(maxit, tol, dgap_freq)
    frame = _frame(wsize, tstep, b.shape[1])
    penalty = L21L1(alpha_space, alpha_time, n_orient, frame)
    return working_set(b, L, penalty, tf_bcd, active_set_size=active_set_size, maxit=maxit,
                       tol=tol, dgap_freq=dgap_freq), frame


def _frame(wsize, tstep, n_times):
    from .stft import make_frame

    return make_frame(wsize, tstep, n_times)
