"""Exercises of chapter 06 (source priors and the inverse operator), in page order.

- ex-06-limit (a function): the two numbers of MNE's "limit = a/b = c" log line;
- ex-06-depth (a decision): choose the depth exponent, predict where the point-spread peaks go;
- ex-06-trace (a derivation): the factor c that makes the squared singular values sum to the
  rank of the noise covariance.
"""

import numpy as np

from minnorm_teach import kernel, lead_field, noise_norm, priors
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between
from minnorm_teach.operator import make_inverse_operator


def peak_shifts_mm(data, depth, sources, lambda2=1.0 / 9.0):
    """Depth shift (mm) of the PSF peak of each unit normal source in ``sources``: the source's
    distance from the sphere's centre minus the peak's (< 0: outward, towards the sensors, the
    sign of chapter 09), MNE estimate, loose 0.2."""
    inv = make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=0.2,
                                depth=depth if depth else None)
    K = noise_norm.prepare_kernel(inv, lambda2, "MNE", 1).K
    psf = kernel.combine_xyz(K @ lead_field.normal_component(inv.L.T).T[:, sources])
    rr = np.concatenate([s["rr"][s["vertno"]] for s in data.fwd["src"]])
    eccentricity = np.linalg.norm(rr - data.sphere["r0"], axis=1)
    return (eccentricity[sources] - eccentricity[psf.argmax(axis=0)]) * 1e3


ABOUT_ZERO_MM = 3.0   # a mean shift within 3 mm of zero is "about zero" (sampling noise)


def depth_effect(depth, *, data, sources):
    """Mean depth shift of the PSF peaks at the chosen depth exponent."""
    shift = peak_shifts_mm(data, depth, sources)
    where = "outward" if shift.mean() < 0 else "inward"
    option = "about zero" if abs(shift.mean()) < ABOUT_ZERO_MM else where
    return Outcome(option, f"with depth {depth:g} the peaks moved {abs(shift.mean()):.2g} mm "
                           f"{where} on average; {np.mean(shift > 10):.0%} of them more than "
                           f"10 mm inward, {np.mean(shift < -10):.0%} more than 10 mm outward")


def limit_line(w, limit):
    """(position, ratio) of MNE's log line "limit = position/len(w) = ratio"."""
    w_lim, n_limit = priors.depth_limit(w, limit)
    return n_limit + 1, float(np.sqrt(w_lim / np.min(w)))


def limit_problems(rng):
    """Weights spread over three decades (limit reached) and over one (not reached)."""
    return [(10.0 ** rng.uniform(-3, 0, 50), 10.0), (10.0 ** rng.uniform(-3, 0, 200), 3.0),
            (10.0 ** rng.uniform(-1, 0, 30), 10.0)]


def trace_scale_by_svd(L_tilde0, rank):
    """c with sum_i s_i(sqrt(c) L_tilde0)^2 = rank, from the singular values themselves."""
    s = np.linalg.svd(L_tilde0, compute_uv=False)
    return float(rank / np.sum(s ** 2))


def trace_problems(rng):
    return [(1e-8 * rng.standard_normal((m, n)), r) for m, n, r in ((5, 12, 5), (8, 30, 7),
                                                                     (3, 9, 3))]


EXERCISES = [
    Function("ex-06-limit", "The limit log line", signature="limit_line(w, limit)",
             reference=limit_line, problems=limit_problems,
             kind="a tuple (position, ratio): an int and a float",
             hint="sort the weights; the first one above limit**2 times the smallest is "
                  "w_lim; positions in the log line count from 1"),
    Decision("ex-06-depth", "Choose the depth exponent",
             choice="depth, a number from 0 to 2", valid=number_between(0.0, 2.0),
             options=("outward", "about zero", "inward"), outcome=depth_effect, default=0.8,
             hint="the depth prior gives a location the variance (1 / ||L_k||^2)^depth: at "
                  "depth 1 a deep source costs as little as a superficial one"),
    Derivation("ex-06-trace", "The trace scale", signature="trace_scale(L_tilde0, rank)",
               reference=trace_scale_by_svd, problems=trace_problems, kind="a number",
               hint="the sum of the squared singular values of a matrix is the sum of the "
                    "squares of its entries"),
]
