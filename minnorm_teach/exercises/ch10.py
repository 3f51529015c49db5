"""Exercises of chapter 10 (MxNE), in page order.

The whitened, weighted problem of the chapter: gain L~ (``L``, n_white x n_sources), data b~
(``b``, n_white x n_times), MxNE  min_j 0.5 ||b~ - L~ j||_F^2 + alpha ||j||_{2,1}.

1. ex-10-support  (function)   the active locations read from the residual alone (optimality)
2. ex-10-debias   (derivation) the debiasing scale of one location, in closed form
3. ex-10-alpha    (decision)   choose alpha, predict the number of active locations
"""

import numpy as np

from minnorm_teach import sparse as sp
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between


def debias_by_nnls(l, j, b):
    """d = argmin_{d >= 1} 0.5 ||b - d l j^T||_F^2, computed by the package's exact debiasing
    (a non-negative least-squares problem), for one fixed-orientation location."""
    return float(sp.debias_scaling(b, l[:, None], j[None, :], 1)[0])


def debias_problems(rng):
    """(l, j, b) of several shapes; some with an unconstrained optimum below 1 (d = 1 then)."""
    cases = []
    for (n_channels, n_times), gain in (((6, 4), 1.7), ((9, 7), 0.6), ((5, 11), 2.5),
                                         ((8, 3), -0.4)):
        l, j = rng.standard_normal(n_channels), rng.standard_normal(n_times)
        b = gain * np.outer(l, j) + 0.3 * rng.standard_normal((n_channels, n_times))
        cases.append((l, j, b))
    return cases


def support_from_residual(L, residual, alpha, n_orient):
    """Indices of the locations k with ||L_k^T e||_F = alpha (to 0.1 %), e the residual."""
    norms = sp.group_norms(L.T @ residual, n_orient)
    return np.flatnonzero(norms >= (1 - 1e-3) * alpha)


def support_problems(rng):
    """(L, residual, alpha, n_orient) at MxNE solutions (duality gap < 1e-12 ||b||^2) whose
    inactive locations stay at least 2 % below alpha, for n_orient 1 and 3."""
    shapes = ((12, 20, 5, 1), (15, 10, 4, 3), (10, 30, 6, 1))    # channels, locations, times
    cases = []
    for _ in range(50):                                    # a few draws fail the margin
        n_channels, n_locations, n_times, n_orient = shapes[len(cases)]
        L = rng.standard_normal((n_channels, n_locations * n_orient))
        b = rng.standard_normal((n_channels, n_times))
        alpha = 0.4 * sp.alpha_max(L, b, n_orient)
        sol = sp.mxne(b, L, alpha, n_orient, active_set_size=None, tol=1e-12 * np.sum(b**2))
        residual = b - L[:, sol.active] @ sol.j
        norms = sp.group_norms(L.T @ residual, n_orient)
        inactive = ~sol.active.reshape(-1, n_orient).any(axis=1)
        if sol.active.any() and (not inactive.any() or norms[inactive].max() < 0.98 * alpha):
            cases.append((L, residual, alpha, n_orient))
            if len(cases) == len(shapes):
                return cases
    raise RuntimeError("could not draw MxNE problems with a margin")


def n_locations(b, L, alpha_percent, n_orient):
    """Active locations of MxNE at alpha_percent % of alpha_max (tol 1e-8 ||b||^2)."""
    alpha = alpha_percent / 100 * sp.alpha_max(L, b, n_orient)
    sol = sp.mxne(b, L, alpha, n_orient, tol=1e-8 * float(np.sum(b**2)))
    return int(sol.active.sum()) // n_orient


def alpha_effect(choice, *, L, b, n_orient):
    """How many locations MxNE keeps at the chosen alpha, against 50 % of alpha_max."""
    reference, chosen = n_locations(b, L, 50.0, n_orient), n_locations(b, L, choice, n_orient)
    option = "same" if chosen == reference else ("more" if chosen > reference else "fewer")
    return Outcome(option, f"at alpha = {choice:.3g} % MxNE kept {chosen} location(s), at "
                           f"50 % {reference}")


EXERCISES = [
    Function("ex-10-support", "The support from the residual",
             signature="active_locations(L, residual, alpha, n_orient)",
             reference=support_from_residual, problems=support_problems,
             kind="an array of location indices (ints), in increasing order", rtol=0,
             hint="at the optimum, the subdifferential condition of a location with j_k != 0 "
                  "fixes ||L_k^T (b - L j)||_F exactly; at one with j_k = 0 it only bounds it"),
    Derivation("ex-10-debias", "The debiasing scale of one source",
               signature="debias_one(l, j, b)", reference=debias_by_nnls,
               problems=debias_problems, kind="a float, the scale d >= 1",
               hint="write f(d) = 0.5 ||b - d a||^2 with a = l j^T: a parabola in d, and d is "
                    "not allowed below 1"),
    Decision("ex-10-alpha", "Choose alpha, predict the support",
             choice="alpha, a percentage of alpha_max from 10 to 90",
             valid=number_between(10, 90), options=("more", "fewer", "same"),
             outcome=alpha_effect, default=50.0,
             hint="alpha is the threshold that ||L_k^T residual||_F must reach for location k "
                  "to become active"),
]
