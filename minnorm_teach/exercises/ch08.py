"""Exercises of chapter 08 (noise normalisation), in page order.

8.1 derivation: sLORETA's variance from the SVD of the whitened, weighted lead field;
8.2 function: the number of trials of a contrast of condition averages;
8.3 decision: claim a number of averaged trials and predict what dSPM's baseline does.
"""

import numpy as np

from minnorm_teach.apply import apply_inverse
from minnorm_teach.exercises.kinds import (
    Decision,
    Derivation,
    Function,
    Outcome,
    number_between,
)

# ---------------------------------------------------------------- 8.1 sLORETA's variance


def _orthonormal(rng, n, k):
    """n x k with orthonormal columns."""
    return np.linalg.qr(rng.standard_normal((n, k)))[0]


def sloreta_variance_direct(V, s, R, lambda2):
    """diag(K (C + L R L^T / lambda2) K^T) formed from an explicit problem with these V, s, R.

    Whitened units (C = I, W = P = I) and U = I: L R^{1/2} = diag(s) V^T, so
    L = diag(s) V^T R^{-1/2} and K = R^{1/2} V diag(gamma) with gamma = s / (s^2 + lambda2).
    """
    L = (s[:, None] * V.T) / np.sqrt(R)
    K = np.sqrt(R)[:, None] * V * (s / (s ** 2 + lambda2))
    C_data = np.eye(len(s)) + (L * R) @ L.T / lambda2
    return np.sum((K @ C_data) * K, axis=1)


def sloreta_problems(rng):
    """(V, s, R, lambda2): V orthonormal columns, s > 0, R > 0; three shapes."""
    problems = []
    for (n, k), lambda2 in zip(((12, 5), (20, 8), (9, 9)), (1 / 9, 1.0, 0.05), strict=True):
        s = np.sort(rng.uniform(0.1, 3.0, k))[::-1]
        problems.append((_orthonormal(rng, n, k), s, rng.uniform(0.2, 2.0, n), lambda2))
    return problems


# ------------------------------------------------------------ 8.2 the nave of a contrast

def effective_nave(naves, weights):
    """N_eff = 1 / sum_i w_i^2 / N_i: the variance of sum_i w_i b_i is C_0 / N_eff."""
    naves, weights = np.asarray(naves, dtype=float), np.asarray(weights, dtype=float)
    return float(1.0 / np.sum(weights ** 2 / naves))


def contrast_problems(rng):
    """(naves, weights): a difference, a weighted sum of three, an average of four."""
    return [([60, 60], [1.0, -1.0]),
            (list(rng.integers(10, 120, 3)), list(rng.uniform(-1.0, 1.0, 3))),
            ([25, 40, 55, 70], [0.25, 0.25, 0.25, 0.25])]


# ------------------------------------------------- 8.3 claiming a number of trials

NAVE_BAND = (0.5, 2.0)          # "about 1": the baseline mean square within a factor of 2


def baseline_mean_square(evoked, inv, lambda2, nave):
    """Median over locations of the mean square of dSPM over the baseline (t < 0)."""
    claimed = evoked.copy()
    claimed.nave = nave
    stc = apply_inverse(claimed, inv, lambda2, "dSPM")
    return float(np.median(np.mean(stc.data[:, stc.times < 0] ** 2, axis=1)))


def claimed_nave_effect(nave, *, evoked, inv, lambda2):
    """What the baseline mean square of dSPM is when the evoked claims ``nave`` trials."""
    ms = baseline_mean_square(evoked, inv, lambda2, nave)
    low, high = NAVE_BAND
    option = "below 1" if ms < low else ("above 1" if ms > high else "about 1")
    return Outcome(option, f"claiming nave = {nave:g} (the average has {evoked.nave}), the "
                           f"median baseline mean square of dSPM is {ms:.2g}")


EXERCISES = [
    Derivation("ex-08-sloreta-svd", "The sLORETA variance from the SVD",
               signature="sloreta_variance(V, s, R, lambda2)",
               reference=sloreta_variance_direct, problems=sloreta_problems,
               kind="an array with one variance per dipole",
               hint="write K L R^(1/2) with the SVD first; U^T U = I, and the whitened noise "
                    "covariance is the identity"),
    Function("ex-08-contrast-nave", "The number of trials of a contrast",
             signature="effective_nave(naves, weights)", reference=effective_nave,
             problems=contrast_problems, kind="a float",
             hint="an average of N trials has noise covariance C0 / N; the noise of different "
                  "conditions is independent, so variances add with the squared weights"),
    Decision("ex-08-claim-nave", "Claim a number of trials",
             choice="nave, a number from 1 to 1000", valid=number_between(1, 1000),
             options=("below 1", "about 1", "above 1"), outcome=claimed_nave_effect,
             default=60, hint="apply_inverse divides the noise covariance by nave: what "
                              "happens to the noise standard deviation dSPM divides by?"),
]
