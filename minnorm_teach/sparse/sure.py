"""Choosing alpha by SURE, Stein's unbiased risk estimate (MNE's ``mixed_norm(alpha="sure")``).

For whitened data b~ = L~ j + n with white noise, n ~ N(0, sigma^2 I) (sigma = 1 after
whitening), the risk E ||L~ j_hat(b~) - L~ j||_F^2 of an estimator j_hat is estimated, without
knowing the true j, by

    SURE(alpha) = ||b~ - L~ j_hat||_F^2 - n_b sigma^2 + 2 sigma^2 dof(alpha)

with n_b = n_channels * n_times (the entries of b~) and dof = div_b (L~ j_hat), the
"degrees of freedom" of the fit. MxNE has no closed-form divergence, so it is estimated by a
finite difference along one random direction delta ~ N(0, I) (Deledalle et al. 2014, SUGAR):

    dof ~= <L~ (j_hat(b~ + eps delta) - j_hat(b~)), delta> / eps,     eps = 2 sigma / n_channels^0.3

MNE evaluates SURE on 15 values of alpha, geometrically spaced from 100 % to 10 % of alpha_max,
and keeps the alpha with the smallest SURE. One random direction makes the choice itself
random: it depends on the seed (``rng``), and a coarse grid makes it a grid point.
MNE: ``mne.inverse_sparse.mxne_inverse._compute_mxne_sure``.
"""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["SurePath", "sure_grid", "sure_epsilon", "sure_value", "sure_path"]


@dataclass(frozen=True, eq=False)
class SurePath:
    """SURE on a grid of alpha (percent of alpha_max) and the solution at its minimum."""

    alphas: np.ndarray                   # (n_alphas,) percent of alpha_max, the grid
    sure: np.ndarray                     # (n_alphas,) SURE value, whitened units²
    dof: np.ndarray                      # (n_alphas,) finite-difference degrees of freedom
    residual: np.ndarray                 # (n_alphas,) ||b - L j_hat||_F^2
    n_active: np.ndarray                 # (n_alphas,) active source locations
    solutions: tuple = field(repr=False)  # (j, active) at every alpha: j_hat(b) on the grid

    @property
    def j(self):
        """j_hat at the best alpha: the rows of its active sources, (n_active, n_times)."""
        return self.solutions[int(np.argmin(self.sure))][0]

    @property
    def active(self):
        """The active set at the best alpha, (n_sources,) bool."""
        return self.solutions[int(np.argmin(self.sure))][1]

    @property
    def best(self):
        """The alpha of the grid (percent of alpha_max) with the smallest SURE."""
        return float(self.alphas[int(np.argmin(self.sure))])

    def __repr__(self):
        return (f"SurePath({len(self.alphas)} alphas from {self.alphas.max():.3g} % to "
                f"{self.alphas.min():.3g} %, best {self.best:.4g} %)")


def sure_grid(n_alphas=15, high=100.0, low=10.0):
    """MNE's default grid: ``n_alphas`` values from ``high`` to ``low`` percent of alpha_max,
    geometrically spaced (np.geomspace(100, 10, 15))."""
    return np.geomspace(high, low, num=n_alphas)


def sure_epsilon(n_channels, sigma=1.0):
    """eps = 2 sigma / n_channels^0.3, the finite-difference step (Deledalle et al. 2014, 5.1)."""
    return 2.0 * sigma / n_channels**0.3


def sure_value(b, L, first, second, delta, eps, sigma=1.0):
    """SURE = ||b - L j1||_F^2 - n_b sigma^2 + 2 sigma^2 <L (j2 - j1), delta> / eps.

    ``first`` = (j1, active1) = j_hat(b) and ``second`` = (j2, active2) = j_hat(b + eps delta):
    the rows of the active sources and their masks over L's columns. Returns
    (sure, dof, residual) as floats.
    """
    (j1, active1), (j2, active2) = first, second
    n_channels, n_times = b.shape
    fit1, fit2 = L[:, active1] @ j1, L[:, active2] @ j2
    residual = float(np.sum((b - fit1) ** 2))
    dof = float(np.sum((fit2 - fit1) * delta) / eps)
    return residual - n_channels * n_times * sigma**2 + 2.0 * sigma**2 * dof, dof, residual


def sure_path(b, L, solve, *, alphas, delta, sigma=1.0, n_orient=1, first=None):
    """SURE(alpha) for every alpha of ``alphas`` (percent of alpha_max), as MNE computes it.

    1. eps = 2 sigma / n_channels^0.3;  b_eps = b + eps delta
    2. for every alpha: (j1, active) = solve(b, alpha), (j2, _) = solve(b_eps, alpha)
    3. SURE(alpha) = ||b - L j1||^2 - n_b sigma^2 + 2 sigma^2 <L (j2 - j1), delta> / eps

    ``solve(b, alpha_percent)`` returns ``(j, active)``: the rows of the active sources and
    the boolean mask over L's columns (e.g. MxNE then debiasing, see
    :func:`minnorm_teach.sparse.mirror.mixed_norm`). ``delta`` has b's shape (one draw of
    N(0, 1) entries). ``first``, optional: the solutions solve(b, alpha) on the grid, when
    they are known already (MxNE at a percentage of alpha_max is scale-free: on c b they are
    c times those on b), so that only the perturbed problems are solved. Returns a
    :class:`SurePath`.
    """
    if delta.shape != b.shape:
        raise ValueError(f"delta must have the shape of b, {b.shape}, got {delta.shape}")
    eps = sure_epsilon(b.shape[0], sigma)                                      # 1.
    b_eps = b + eps * delta
    rows, solutions = [], []
    known = [None] * len(alphas) if first is None else list(first)
    if len(known) != len(alphas):
        raise ValueError(f"first must hold one solution per alpha, {len(alphas)}, got "
                         f"{len(known)}")
    for alpha, given in zip(alphas, known, strict=True):                       # 2.
        one = solve(b, alpha) if given is None else given
        value = sure_value(b, L, one, solve(b_eps, alpha), delta, eps, sigma)  # 3.
        rows.append(value + (int(one[1].sum()) // n_orient,))
        solutions.append(one)
    sure, dof, residual, n_active = (np.array(column) for column in zip(*rows, strict=True))
    return SurePath(alphas=np.asarray(alphas, float), sure=sure, dof=dof, residual=residual,
                    n_active=n_active, solutions=tuple(solutions))
