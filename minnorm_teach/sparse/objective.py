"""One objective and one duality gap, shared by every sparse solver and every test.

Primal problem (MxNE, TF-MxNE; alpha in whitened data units)::

    min_W  P(W) = 0.5 ||b - L j||_F^2 + Omega(W),      j = synthesis(W)

where W = j for MxNE and W = Z (STFT coefficients, j = Z Phi^H) for TF-MxNE.
Fenchel dual (Gramfort, Kowalski & Hamalainen 2012, eq. 7)::

    max_Theta  D(Theta) = 0.5 ||b||^2 - 0.5 ||b - Theta||^2   s.t.  Omega^*(L^T Theta) <= 1

A feasible dual point is the rescaled residual Theta = s R, s = min(1, 1 / Omega^*(L^T R)), and

    D(s R) = (s - s^2 / 2) ||R||^2 + s <R, L j>.

The duality gap P - D >= 0 bounds the distance to the optimum of the objective: it is the
stopping rule of every solver. MNE: ``mxne_optim.dgap_l21`` and ``dgap_l21l1``.
"""

from dataclasses import dataclass

import numpy as np

from .. import validation
from .penalties import norm_l2inf

__all__ = ["Gap", "objective", "duality_gap", "gap_from_residual", "alpha_max"]


@dataclass(frozen=True)
class Gap:
    """Primal value, dual value at the rescaled residual, and their difference (the gap)."""

    gap: float
    primal: float
    dual: float


def objective(b, L, W, active, penalty):
    """P(W) = 0.5 ||b - L[:, active] j||_F^2 + Omega(W), j = penalty.synthesis(W).

    ``W`` holds the rows of the active sources only, ``active`` is a boolean mask over L's
    columns.
    """
    R = b - L[:, active] @ penalty.synthesis(W)
    return 0.5 * float(np.sum(R**2)) + penalty.value(W)


def duality_gap(b, L, W, active, penalty):
    """Gap(W) = P(W) - D(s R) with R = b - L j and s = min(1, 1 / Omega^*(L^T R)).

    Parameters
    ----------
    b : array, (n_channels, n_times)
        Whitened data.
    L : array, (n_channels, n_sources)
        Whitened, weighted gain (all sources: the dual constraint involves every column).
    W : array, (n_active, n_times) or (n_active, n_coefs)
        Penalised variable on the active sources.
    active : bool array, (n_sources,)
    penalty : L21 | L21L1

    Returns
    -------
    Gap
    """
    Lj = L[:, active] @ penalty.synthesis(W)
    R = b - Lj
    return gap_from_residual(R, Lj, W, penalty, penalty.dual_norm(L.T @ R))


def gap_from_residual(R, Lj, W, penalty, dual_norm):
    """The gap of :func:`duality_gap` from its parts, for a solver that has them already.

        primal = 0.5 ||R||^2 + Omega(W),  s = min(1, 1 / dual_norm),
        dual = (s - s^2 / 2) ||R||^2 + s <R, L j>

    ``R = b - L j``, ``Lj = L j`` and ``dual_norm = Omega^*(L^T R)`` (``penalty.dual_norm``).
    """
    norm_R2 = float(np.sum(R**2))
    primal = 0.5 * norm_R2 + penalty.value(W)
    s = 1.0 if dual_norm <= 1.0 else 1.0 / dual_norm
    dual = (s - 0.5 * s**2) * norm_R2 + s * float(np.sum(R * Lj))
    return Gap(gap=primal - dual, primal=primal, dual=dual)


def alpha_max(L, b, n_orient):
    """alpha_max = ||L^T b||_{2,inf}: the smallest alpha for which j = 0 solves MxNE.

    j = 0 is optimal iff 0 is in the subdifferential at 0, i.e. L^T b lies in the ball
    alpha * B_{2,inf}. MNE's ``alpha`` percentage is 100 * alpha / alpha_max.
    """
    L, b = validation.check_gain_and_data(L, b)
    n_orient = validation.check_n_orient(n_orient, L.shape[1])
    return norm_l2inf(L.T @ b, n_orient)
