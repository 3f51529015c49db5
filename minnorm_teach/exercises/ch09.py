"""Exercises of chapter 09 (resolution), in page order.

9.1 derivation: the sLORETA point-spread function in terms of the whitened resolution matrix;
9.2 function: how much deeper each point-spread function peaks than its source;
9.3 decision: choose the depth weighting of the minimum norm and predict where its peaks go.
"""

import numpy as np

from minnorm_teach.exercises.kinds import (
    Decision,
    Derivation,
    Function,
    Outcome,
    number_between,
)
from minnorm_teach.operator import make_inverse_operator
from minnorm_teach.resolution import inverse_matrix, peak_depth_shift, resolution_matrix

# ------------------------------------------------------------- 9.1 sLORETA's PSF


def sloreta_psf_direct(V, s, R, lambda2, k):
    """Column k of D K L, formed from an explicit problem with these V, s, R (fixed orientation).

    Whitened units (C = I, W = P = I), U = I: L R^{1/2} = diag(s) V^T, K = R^{1/2} V diag(gamma),
    and sLORETA's factors D_i = 1 / sqrt([K (I + L R L^T / lambda2) K^T]_ii).
    """
    L = (s[:, None] * V.T) / np.sqrt(R)
    K = np.sqrt(R)[:, None] * V * (s / (s ** 2 + lambda2))
    variance = np.sum((K @ (np.eye(len(s)) + (L * R) @ L.T / lambda2)) * K, axis=1)
    return (K @ L[:, k]) / np.sqrt(variance)


def psf_problems(rng):
    """(V, s, R, lambda2, k): V orthonormal columns, s > 0, R > 0; three shapes."""
    problems = []
    for (n, m), lambda2, k in zip(((10, 4), (16, 7), (8, 8)), (1 / 9, 1.0, 0.2), (3, 0, 5),
                                  strict=True):
        V = np.linalg.qr(rng.standard_normal((n, m)))[0]
        s = np.sort(rng.uniform(0.1, 3.0, m))[::-1]
        problems.append((V, s, rng.uniform(0.2, 2.0, n), lambda2, k))
    return problems


# ----------------------------------------------------- 9.2 the depth shift of a peak

def shift_problems(rng):
    """(resmat, depth): square matrices that are not symmetric, depths in m."""
    return [(rng.standard_normal((n, n)), rng.uniform(0.005, 0.06, n)) for n in (6, 11, 15)]


# ------------------------------------------------------ 9.3 choosing the depth weighting

def mean_depth_shift(depth_exponent, *, data, depth, lambda2=1.0 / 9.0):
    """Mean depth shift (m) of the PSF peaks of the fixed-orientation minimum norm."""
    inv = make_inverse_operator(data.evoked.info, data.fwd, data.noise_cov, loose=0.0,
                                fixed=True, depth=depth_exponent or None)
    resmat = resolution_matrix(inverse_matrix(inv, "MNE", lambda2), inv.L)
    return float(np.mean(peak_depth_shift(resmat, depth)))


ABOUT_ZERO = 3e-3   # m: a mean shift within 3 mm of zero is "about zero" (sampling noise)


def depth_weighting_effect(depth_exponent, *, data, depth):
    """Where the minimum norm's PSF peaks go, on average, with this depth weighting."""
    shift = mean_depth_shift(depth_exponent, data=data, depth=depth)
    if abs(shift) < ABOUT_ZERO:
        option = "about zero"
    else:
        option = "outwards" if shift < 0 else "inwards"
    where = "outwards" if shift < 0 else "inwards"
    return Outcome(option, f"with depth = {depth_exponent:g} the PSF peaks of the minimum "
                           f"norm sit {abs(1e3 * shift):.2g} mm {where} on average")


EXERCISES = [
    Derivation("ex-09-sloreta-psf", "The sLORETA point-spread function",
               signature="sloreta_psf(V, s, R, lambda2, k)", reference=sloreta_psf_direct,
               problems=psf_problems, kind="an array with one value per dipole",
               hint="K L = R^(1/2) H R^(-1/2) with H = V diag(f) V^T; sLORETA's variance of "
                    "dipole i is R_i H_ii / lambda2 (chapter 08)"),
    Function("ex-09-depth-shift", "How much deeper each PSF peaks",
             signature="peak_depth_shift(resmat, depth)", reference=peak_depth_shift,
             problems=shift_problems, kind="an array with one value per source, in m",
             units="m", hint="a PSF is a column; its peak is the row with the largest "
                             "absolute value"),
    Decision("ex-09-depth", "Choose the depth weighting",
             choice="depth, a number from 0 to 1.5 (0: no depth weighting)",
             valid=number_between(0, 1.5), options=("outwards", "about zero", "inwards"),
             outcome=depth_weighting_effect, default=0.8,
             hint="depth weighting raises the prior variance of the sources the sensors see "
                  "badly; how far does an exponent of that size go?"),
]
