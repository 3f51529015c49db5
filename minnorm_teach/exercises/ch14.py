"""Exercises of chapter 14, "Choosing a method, measured on ground truth" (in page order).

- ex-14-emd     (derivation) the earth mover's distance to a single true point
- ex-14-ple     (function)   the peak localisation error of one patch
- ex-14-choose  (decision)   pick a method for two correlated sources and predict what the
                             correlation does to its time courses
"""

import numpy as np

from minnorm_teach.benchmark import metrics
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome


def emd_reference(p, positions, r0):
    """The transport program of metrics.earth_movers_distance, with one target point."""
    return metrics.earth_movers_distance(p, positions, np.ones(1), np.asarray(r0)[None])


def emd_problems(rng):
    """Maps of different sizes on random points (m), and a target point."""
    return [(rng.random(n) ** 4, 0.05 * rng.standard_normal((n, 3)),
             0.05 * rng.standard_normal(3)) for n in (5, 12, 40)]


def ple_reference(a, positions, rows):
    """Distance from the location of max a to the nearest location of the patch (m)."""
    return float(metrics.peak_localisation_error(np.asarray(a), positions, [rows])[0])


def ple_problems(rng):
    """Amplitude maps on random points, patches of 1 to 4 locations (the peak off the patch
    in most problems, on it in one)."""
    problems = []
    for n, size in ((20, 1), (50, 3), (80, 4)):
        positions = 0.05 * rng.standard_normal((n, 3))
        rows = rng.choice(n, size, replace=False)
        problems.append((rng.random(n), positions, rows))
    a = rng.random(30)
    problems.append((a, 0.05 * rng.standard_normal((30, 3)), np.array([int(np.argmax(a)), 3])))
    return problems


METHOD_NAMES = ("MNE", "dSPM", "sLORETA", "eLORETA", "MxNE", "irMxNE", "TF-MxNE", "LCMV",
                "γ-MAP")


def valid_method(choice):
    if not isinstance(choice, str) or choice not in METHOD_NAMES:
        return f"got {choice!r}"
    return ""


CHANGE = 0.05      # a change of the median correlation smaller than this is "unchanged"


def correlation_effect(choice, *, results):
    """How the median time-course correlation of ``choice`` moves when the two patches'
    time courses go from uncorrelated to correlated 0.9 (more than CHANGE either way)."""
    before = np.nanmedian(results.metric("correlation", "two patches, uncorrelated", choice))
    after = np.nanmedian(results.metric("correlation", "two patches, correlated 0.9", choice))
    option = ("drops" if after < before - CHANGE else "rises" if after > before + CHANGE
              else "unchanged")
    detail = (f"{choice}'s median time-course correlation went from {before:.2f} "
              f"(uncorrelated) to {after:.2f} (correlated 0.9)")
    return Outcome(option, detail)


EXERCISES = [
    Derivation("ex-14-emd", "The earth mover's distance to one point",
               signature="emd_to_point(p, positions, r0)", reference=emd_reference,
               problems=emd_problems, kind="a float, in m", units="m",
               hint="with one target, every unit of mass has one place to go: no choice is "
                    "left for the transport plan"),
    Function("ex-14-ple", "The peak localisation error",
             signature="ple(a, positions, rows)", reference=ple_reference,
             problems=ple_problems, kind="a float, in m", units="m",
             hint="two steps: where is the largest a, then the smallest distance from there to "
                  "the patch's locations (0 when the peak is on the patch)"),
    Decision("ex-14-choose", "Which method for two correlated sources?",
             choice="a method name, one of " + ", ".join(repr(m) for m in METHOD_NAMES),
             valid=valid_method, options=("drops", "rises", "unchanged"),
             outcome=correlation_effect, default="dSPM",
             hint="ask what the method's estimate is built from: the lead field and the noise "
                  "covariance only, or also the measured data; then ask what two sources moving "
                  "together could change in each of those ingredients"),
]
