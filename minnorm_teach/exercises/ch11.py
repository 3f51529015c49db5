"""Exercises of chapter 11 (irMxNE), in page order.

The whitened, weighted problem of chapter 10 (gain L~ ``L``, data b~ ``b``) with the L0.5
penalty  alpha sum_k (||j_k||_F / u)^{1/2}, minimised by reweighted MxNE (MM).

1. ex-11-weights    (derivation) the MM weights w_k from the tangent of (t/u)^{1/2}
2. ex-11-objective  (function)   the L0.5 objective that every reweighting lowers
3. ex-11-iter       (decision)   choose n_mxne_iter, predict the support against MxNE
"""

import numpy as np

from minnorm_teach import sparse as sp
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between
from minnorm_teach.sparse.reweighting import reweighting_weights


def weight_problems(rng):
    """(j, n_orient, unit): rows of active sources, 1 and 3 orientations, several units."""
    return [(rng.standard_normal((n_loc * n_orient, n_times)), n_orient, unit)
            for n_loc, n_orient, n_times, unit in ((4, 1, 6, 0.3), (5, 3, 4, 2.0),
                                                   (3, 3, 9, 0.05))]


def l05_objective(b, L, j, active, alpha, n_orient, unit):
    """0.5 ||b - L_active j||_F^2 + alpha sum_k (||j_k||_F / unit)^{1/2}, a float."""
    residual = b - L[:, active] @ j
    return float(0.5 * np.sum(residual**2)
                 + sp.L05(alpha, n_orient, unit).value(j))


def objective_problems(rng):
    """(b, L, j, active, alpha, n_orient, unit) with a random active set."""
    cases = []
    for n_channels, n_locations, n_times, n_orient in ((6, 8, 5, 1), (9, 6, 4, 3)):
        L = rng.standard_normal((n_channels, n_locations * n_orient))
        active = np.repeat(rng.random(n_locations) < 0.5, n_orient)
        active[:n_orient] = True
        j = rng.standard_normal((int(active.sum()), n_times))
        b = rng.standard_normal((n_channels, n_times))
        cases.append((b, L, j, active, 0.7, n_orient, 0.2))
    return cases


def n_locations(b, L, n_mxne_iter, n_orient, alpha_percent=50.0):
    """Active locations of irMxNE at alpha_percent % of alpha_max (unit alpha_max / 100)."""
    a_max = sp.alpha_max(L, b, n_orient)
    sol = sp.irmxne(b, L, alpha_percent / 100 * a_max, n_orient, n_mxne_iter=int(n_mxne_iter),
                    unit=a_max / 100, tol=1e-8 * float(np.sum(b**2)))
    return int(sol.active.sum()) // n_orient


def iteration_effect(choice, *, L, b, n_orient):
    """How many locations irMxNE keeps with the chosen n_mxne_iter, against MxNE (1)."""
    mxne, chosen = n_locations(b, L, 1, n_orient), n_locations(b, L, choice, n_orient)
    option = "same" if chosen == mxne else ("more" if chosen > mxne else "fewer")
    return Outcome(option, f"with n_mxne_iter = {int(choice)} irMxNE kept {chosen} "
                           f"location(s), MxNE {mxne}")


def whole_number_between(low, high):
    """A ``valid`` test: an integer (or integral float) from low to high."""
    within = number_between(low, high)

    def valid(choice):
        problem = within(choice)
        if problem:
            return problem
        return "" if float(choice).is_integer() else f"got {choice!r}, not a whole number"
    return valid


EXERCISES = [
    Derivation("ex-11-weights", "The MM weights", signature="mm_weights(j, n_orient, unit)",
               reference=reweighting_weights, problems=weight_problems,
               kind="an array with one weight per row of j (per dipole component)",
               hint="the tangent's slope at t_k is the derivative of (t/u)^(1/2); a penalty "
                    "(slope) ||j_k|| is the weighted MxNE penalty ||j_k|| / w_k"),
    Function("ex-11-objective", "The L0.5 objective",
             signature="l05_objective(b, L, j, active, alpha, n_orient, unit)",
             reference=l05_objective, problems=objective_problems, kind="a float",
             hint="j holds only the rows of the active sources: use L[:, active]; the penalty "
                  "takes one Frobenius norm per location (n_orient rows)"),
    Decision("ex-11-iter", "Choose the number of reweightings",
             choice="n_mxne_iter, a whole number from 1 to 10",
             valid=whole_number_between(1, 10), options=("more", "fewer", "same"),
             outcome=iteration_effect, default=10,
             hint="each reweighting divides alpha by w_k = 2 (u ||j_k||)^(1/2): small sources get "
                  "small weights, hence a larger penalty, and a zero weight never comes back"),
]
