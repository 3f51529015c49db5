"""Why γ-MAP is sparse, and how it relates to MxNE: one variance at a time (chapter 15).

With every variance but gamma_k fixed, Sigma_b = Sigma_-k + gamma_k l_k l_k^T, and the
cost tr(Sigma_b^{-1} C_b) + log det Sigma_b is, up to a constant, a function of gamma_k alone
(Sherman-Morrison and the determinant lemma)::

    f(gamma) = log(1 + gamma s_k) - gamma q2_k / (1 + gamma s_k)
    s_k = l_k^T Sigma_-k^{-1} l_k,   q2_k = mean_t (l_k^T Sigma_-k^{-1} b(t))^2

Its minimiser is 0 whenever q2_k <= s_k: a source whose correlation with what the others
leave unexplained does not exceed what noise and the others would give it is switched off
exactly, not made small. This is the sparsity of γ-MAP (Tipping & Faul 2003; Wipf &
Nagarajan 2009), and the MacKay fixed point mean_t a_k^2 = z_k of an active source is
f'(gamma_k) = 0.

The same condition is MxNE's: at a fixed point, the posterior mean x = Gamma L^T Sigma_b^{-1} b
solves chapter 10's problem 0.5 ||b - L x||_F^2 + alpha sqrt(n_times) sum_k sqrt(z_k)
||x_k||, a weighted l2,1 problem (:func:`reweighted_gain` writes it as a plain MxNE); the
weights sqrt(z_k) come from every variance through Sigma_b, where irMxNE's come from each
source's own previous amplitude.
"""

import numpy as np
from scipy import linalg

from .gamma_map import cholesky_factor

__all__ = ["leave_one_out", "variance_cost", "best_variance", "reweighted_gain"]


def leave_one_out(b, L, gammas, alpha):
    """s_k = l_k^T Sigma_-k^{-1} l_k and q2_k = mean_t (l_k^T Sigma_-k^{-1} b(t))^2, every k.

    Sigma_-k is Sigma_b without source k's own term gamma_k l_k l_k^T: what source k sees of
    the others and of the noise. From z_k and a_k (computed with Sigma_b) by the rank-one
    (Sherman-Morrison) identity: s_k = z_k / (1 - gamma_k z_k), q_k = a_k / (1 - gamma_k z_k).
    One variance per column (group size 1). Returns (s, q2), each (n_dipoles,).
    """
    kept = gammas > 0
    F = cholesky_factor(L[:, kept], gammas[kept], alpha)
    Y = linalg.solve_triangular(F, L, lower=True)
    y = linalg.solve_triangular(F, b, lower=True)
    shrink = 1.0 - gammas * np.sum(Y ** 2, axis=0)
    return np.sum(Y ** 2, axis=0) / shrink, np.mean((Y.T @ y) ** 2, axis=1) / shrink ** 2


def variance_cost(gamma, s, q2):
    """f(gamma) = log(1 + gamma s) - gamma q2 / (1 + gamma s): the cost along one variance.

    cost(gammas) - cost(gammas with gamma_k = 0) as a function of gamma_k = ``gamma``, the
    others fixed; ``s``, ``q2`` from :func:`leave_one_out`.
    """
    return np.log1p(gamma * s) - gamma * q2 / (1.0 + gamma * s)


def best_variance(s, q2):
    """argmin over gamma >= 0 of f(gamma) = max(0, (q2 - s) / s^2).

    f'(gamma) = (s (1 + gamma s) - q2) / (1 + gamma s)^2: where q2 <= s it is >= 0 for every
    gamma >= 0 and the minimum is gamma = 0 exactly (the source is switched off); otherwise
    f' = 0 at gamma = (q2 - s) / s^2. (Tipping & Faul 2003; Wipf & Nagarajan 2009.)
    """
    return np.maximum(0.0, (q2 - s) / s ** 2)


def reweighted_gain(L, z, x):
    """(L diag(z)^{-1/2}, diag(z)^{1/2} x): the weighted l2,1 problem as a plain MxNE.

    With Y_k = sqrt(z_k) x_k the penalty sum_k sqrt(z_k) ||x_k|| is ||Y||_{2,1} and L x =
    (L / sqrt(z)) Y; ``x`` (n_dipoles, n_times) on every source, ``z`` (n_dipoles,).
    """
    return L / np.sqrt(z), x * np.sqrt(z)[:, None]
