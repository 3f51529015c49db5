"""Exercises of chapter 04 (the SVD and the kernel), in page order.

- ex-04-count      (a function)    how many source patterns pass a filter factor of 1/2
- ex-04-truncate   (a decision)    truncated SVD against Tikhonov: who leaves more unexplained
- ex-04-resolution (a derivation)  K L = V diag(f) V^T, the resolution matrix from the SVD
"""

import numpy as np

from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome
from minnorm_teach.linalg import svd, tikhonov_norms, truncated_filter_factors

MAX_K = 55                       # the choice of ex-04-truncate: an int from 1 to this


def n_determined(s, snr):
    """Number of components with filter factor f_i = s_i^2 / (s_i^2 + 1/snr^2) >= 1/2,
    i.e. with s_i >= lambda = 1/snr."""
    return int(np.sum(np.asarray(s, dtype=float) >= 1.0 / snr))


def count_problems(rng):
    """Descending singular values spread over decades, and SNRs that cut through them."""
    return [(np.sort(10.0 ** rng.uniform(-3, 1, k))[::-1], snr)
            for k, snr in ((10, 3.0), (59, 1.0), (300, 10.0))]
COUNT_CASES = ("10 values, SNR 3", "59 values, SNR 1", "300 values, SNR 10")


def truncated_residual(usv, b, k):
    """||b - L j_k||^2 / ||b||^2 for the truncated SVD estimate with k components."""
    beta = usv.U.T @ b
    kept = truncated_filter_factors(usv.s, k)
    outside = float(b @ b - beta @ beta)                 # b outside the columns of U
    return float((np.sum(((1 - kept) * beta) ** 2) + outside) / (b @ b))


def truncate_effect(k, *, usv, b, lambda2=1.0 / 9.0):
    """Whether truncated SVD with k components leaves more or less of b unexplained than
    Tikhonov at lambda2."""
    tikhonov = float(tikhonov_norms(usv, b, lambda2)[0] ** 2 / (b @ b))
    truncated = truncated_residual(usv, b, k)
    option = "more" if truncated > tikhonov else "less"
    detail = (f"truncated SVD with k = {k} leaves {truncated:.1%} of the power unexplained, "
              f"Tikhonov at lambda2 = {lambda2:.3g} {tikhonov:.1%}")
    return Outcome(option, detail)


def _components(choice):
    if isinstance(choice, (bool, np.bool_)) or not isinstance(choice, (int, np.integer)):
        return f"got {type(choice).__name__} {choice!r}"
    return "" if 1 <= choice <= MAX_K else f"got {choice}"


def resolution_from_svd(U, s, V, lambda2):
    """K L with K = V diag(s / (s^2 + lambda2)) U^T and L = U diag(s) V^T: V diag(f) V^T."""
    f = s ** 2 / (s ** 2 + lambda2)
    return (V * f) @ V.T


def resolution_problems(rng):
    """(U, s, V, lambda2) of random wide lead fields of three shapes."""
    problems = []
    for (m, n), lambda2 in (((3, 8), 0.5), ((6, 15), 1 / 9), ((10, 40), 2.0)):
        usv = svd(rng.standard_normal((m, n)))
        problems.append((usv.U, usv.s, usv.V, lambda2))
    return problems


RESOLUTION_CASES = ("L of 3 x 8, lambda2 = 0.5", "L of 6 x 15, lambda2 = 1/9",
                    "L of 10 x 40, lambda2 = 2")


def kernel_times_lead_field(U, s, V, lambda2):
    """The other side of the identity: K L computed as two matrices multiplied."""
    K = (V * (s / (s ** 2 + lambda2))) @ U.T
    L = (U * s) @ V.T
    return K @ L


EXERCISES = [
    Function("ex-04-count", "How many source patterns pass?", signature="n_determined(s, snr)",
             reference=n_determined, problems=count_problems, cases=COUNT_CASES,
             kind="an int",
             hint="a filter factor is a fraction s^2 / (s^2 + lambda^2): when is it at least "
                  "one half? Compare s_i with lambda = 1/SNR"),
    Decision("ex-04-truncate", "Truncate or damp?",
             choice=f"k, the number of components kept, an int from 1 to {MAX_K}",
             valid=_components, options=("more", "less"), outcome=truncate_effect, default=20,
             hint="truncated SVD explains the first k components fully and nothing of the rest; "
                  "Tikhonov explains each component by its filter factor f_i: compare, "
                  "component by component, what each leaves"),
    Derivation("ex-04-resolution", "The image of a point source",
               signature="resolution_from_svd(U, s, V, lambda2)",
               reference=kernel_times_lead_field, problems=resolution_problems,
               cases=RESOLUTION_CASES,
               kind="an array (n_dipoles, n_dipoles), one row and column per column of L",
               hint="write K and L with the same U, s, V: U^T U = I in the middle"),
]
