"""Exercises of chapter 07 (applying the inverse operator), in page order.

- ex-07-fit (a derivation): the fitted whitened data as a filter on the SVD components;
- ex-07-course (a function): one location's time course from the rows of a loose kernel;
- ex-07-lambda (a decision): choose lambda2, predict whether the fit leaves less or more than the
  noise in the whitened data.
"""

import numpy as np

from minnorm_teach import kernel as kernels
from minnorm_teach import noise_norm
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between

WINDOW = (0.05, 0.15)       # s, the response window of the decision


def residual_per_component(evoked, inv, lambda2, window=WINDOW):
    """||W P (b - b_hat)||^2 / (rank x n_samples) in ``window``: 1 when the fit leaves exactly
    the noise; and the explained variance (%) over the whole evoked."""
    rows = [evoked.ch_names.index(c) for c in inv.ch_names]
    kernel = noise_norm.prepare_kernel(inv, lambda2, "MNE", evoked.nave)
    fit = kernels.sensor_fit(evoked.data[rows], kernel)
    inside = (evoked.times >= window[0]) & (evoked.times <= window[1])
    res_white = kernel.W @ (kernel.P @ fit.residual[:, inside])
    return float(np.sum(res_white ** 2) / (inv.rank * inside.sum())), fit.explained_variance


def lambda2_effect(lambda2, *, evoked, inv):
    """Whether the whitened residual per component (50-150 ms) is below or above 1."""
    residual, explained = residual_per_component(evoked, inv, lambda2)
    option = "below 1" if residual < 1 else "above 1"
    return Outcome(option, f"at lambda2 = {lambda2:.2g} the whitened residual is "
                           f"{residual:.2g} per component in 50-150 ms (noise alone leaves 1) "
                           f"and the explained variance {explained:.0f}%")


def fitted_whitened(L_tilde, lambda2, b_white):
    """W P L j_hat = L_tilde L_tilde^T (L_tilde L_tilde^T + lambda2 I)^-1 b_white, solved."""
    G = L_tilde @ L_tilde.T
    return G @ np.linalg.solve(G + lambda2 * np.eye(len(G)), b_white)


def fit_problems(rng):
    return [(rng.standard_normal((m, n)), lam, rng.standard_normal((m, t)))
            for m, n, t, lam in ((4, 9, 3, 0.1), (6, 20, 5, 1.0), (3, 7, 1, 1 / 9))]


def location_time_course(K, b, k):
    """|j_k(t)| = sqrt(j_t1^2 + j_t2^2 + j_n^2): rows 3k, 3k+1, 3k+2 of K b."""
    return kernels.combine_xyz(K[3 * k:3 * k + 3] @ b)[0]


def course_problems(rng):
    return [(rng.standard_normal((3 * n, m)), rng.standard_normal((m, t)), k)
            for n, m, t, k in ((5, 4, 6, 2), (7, 6, 3, 0), (4, 5, 8, 3))]


EXERCISES = [
    Derivation("ex-07-fit", "The fit as a filter",
               signature="fitted_whitened(L_tilde, lambda2, b_white)",
               reference=fitted_whitened, problems=fit_problems,
               kind="an array shaped like b_white",
               hint="U, s, Vt = np.linalg.svd(L_tilde, full_matrices=False); V^T V = I "
                    "cancels in L_tilde K"),
    Function("ex-07-course", "One location's time course",
             signature="location_time_course(K, b, k)", reference=location_time_course,
             problems=course_problems, kind="an array with one value per time sample",
             hint="location k owns three consecutive rows of K, starting at row 3k"),
    Decision("ex-07-lambda", "Choose lambda2, predict the residual",
             choice="lambda2, a number from 0.0001 to 10", valid=number_between(1e-4, 10.0),
             options=("below 1", "above 1"), outcome=lambda2_effect, default=1.0 / 9.0,
             hint="in whitened units the noise is 1 per component; the fit filters the data "
                  "by f_i = s_i^2 / (s_i^2 + lambda2): what does a small lambda2 keep?"),
]
