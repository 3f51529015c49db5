"""Exercises of chapter 03 (Tikhonov regularisation and the cost function), in page order.

- ex-03-noisecov    (a derivation)  the minimiser when the misfit is weighted by C^-1
- ex-03-noise-level (a decision)    the lambda2 that explains the data down to the noise
- ex-03-dof         (a derivation)  tr(L K), the effective number of parameters, from s
"""

import numpy as np

from minnorm_teach.exercises.kinds import Decision, Derivation, Outcome, number_between
from minnorm_teach.linalg import discrepancy_principle, tikhonov_norms

DEFAULT_LAMBDA2 = 1.0 / 9.0      # MNE's default, what ex-03-noise-level compares with
GOAL = (0.8, 1.25)               # residual / noise level that meets the goal of ex-03-noise-level


def tikhonov_with_noise_cov(L, b, C, eps):
    """argmin (b - L j)^T C^-1 (b - L j) + eps ||j||^2  =  L^T (L L^T + eps C)^-1 b."""
    return L.T @ np.linalg.solve(L @ L.T + eps * C, b)


def noisecov_problems(rng):
    """Problems (L, b, C, eps): wide L, symmetric positive definite C, three shapes."""
    problems = []
    for (m, n), eps in (((3, 7), 0.5), ((5, 12), 2.0), ((8, 30), 0.05)):
        A = rng.standard_normal((m, m))
        problems.append((rng.standard_normal((m, n)), rng.standard_normal(m),
                         A @ A.T + 0.5 * np.eye(m), eps))
    return problems
NOISECOV_CASES = ("L of 3 x 7, eps = 0.5", "L of 5 x 12, eps = 2", "L of 8 x 30, eps = 0.05")


def degrees_of_freedom(s, eps):
    """tr(L K_eps) = tr(G (G + eps I)^-1) = sum_i s_i^2 / (s_i^2 + eps)."""
    s = np.asarray(s, dtype=float)
    return float(np.sum(s ** 2 / (s ** 2 + eps)))


def dof_problems(rng):
    """Singular values (descending) and eps, three sizes, eps across the spectrum."""
    return [(np.sort(rng.uniform(0.01, 3.0, k))[::-1], eps)
            for k, eps in ((3, 0.1), (12, 1.0), (59, 1e-3))]


DOF_CASES = ("3 values, eps = 0.1", "12 values, eps = 1", "59 values, eps = 1e-3")


def noise_level_effect(lambda2, *, usv, b, noise_norm, eps_per_lambda2):
    """Where the residual at ``lambda2`` lies against the noise level, and on which side of
    MNE's 1/9 the lambda2 that matches the noise level lies."""
    residual, _ = tikhonov_norms(usv, b, lambda2 * eps_per_lambda2)
    ratio = float(residual) / noise_norm
    matched = discrepancy_principle(usv, b, noise_norm) / eps_per_lambda2
    option = "larger" if matched > DEFAULT_LAMBDA2 else "smaller"
    detail = f"with lambda2 = {lambda2:.2g} the residual is {ratio:.2f} times the noise level"
    return Outcome(option, detail, goal_met=GOAL[0] <= ratio <= GOAL[1])


EXERCISES = [
    Derivation("ex-03-noisecov", "Weigh the misfit by the noise",
               signature="tikhonov_with_noise_cov(L, b, C, eps)",
               reference=tikhonov_with_noise_cov, problems=noisecov_problems,
               cases=NOISECOV_CASES,
               kind="an array with one value per column of L (n_dipoles)",
               hint="the gradient of (b - L j)^T C^-1 (b - L j) is -2 L^T C^-1 (b - L j); after "
                    "the normal equations, a push-through step with C^-1 moves the inverse to "
                    "sensor space"),
    Decision("ex-03-noise-level", "Explain the data down to the noise",
             choice="lambda2, a number from 1e-4 to 10", valid=number_between(1e-4, 10.0),
             options=("larger", "smaller"), outcome=noise_level_effect,
             default=DEFAULT_LAMBDA2,
             goal=f"a residual between {GOAL[0]} and {GOAL[1]} times the noise level",
             hint="the residual grows with lambda2: move lambda2 up if the residual is below the "
                  "noise level, down if it is above"),
    Derivation("ex-03-dof", "How many parameters does the fit use?",
               signature="degrees_of_freedom(s, eps)", reference=degrees_of_freedom,
               problems=dof_problems, cases=DOF_CASES, kind="a float",
               hint="L K = L L^T (L L^T + eps I)^-1 = G (G + eps I)^-1; write G in its "
                    "eigenbasis, G = U diag(s^2) U^T, and take the trace"),
]
