"""Exercises of the worked example: one of each kind, on a toy Tikhonov problem.

Not a chapter of the course: the example of ``course/CONTRIBUTING.md`` ("Exercises") and the
exercises of the test notebooks in ``tests/fixtures/``. A chapter's module
``chNN.py`` has the same shape: the reference answers as short functions, then ``EXERCISES``
in page order (its position gives the number: the second entry is "Exercise NN.2").

Toy problem: ``L`` (n_channels, n_sources), ``b = L j + n`` in tesla, and

    j_hat = L^T (L L^T + eps I)^-1 b        (the Tikhonov / minimum-norm estimate)
"""

import numpy as np

from minnorm_teach.exercises.kinds import (
    Decision,
    Derivation,
    Function,
    Outcome,
    Value,
    number_between,
)


def tikhonov(L, b, eps):
    """j_hat = L^T (L L^T + eps I)^-1 b, solved in sensor space (n_channels equations)."""
    n_channels = L.shape[0]
    return L.T @ np.linalg.solve(L @ L.T + eps * np.eye(n_channels), b)


def source_space_tikhonov(L, b, eps):
    """j_hat = (L^T L + eps I)^-1 L^T b: the zero of the gradient, in source space."""
    n_sources = L.shape[1]
    return np.linalg.solve(L.T @ L + eps * np.eye(n_sources), L.T @ b)


def random_problems(rng):
    """Three problems (L, b, eps) of different shapes, so that a transpose cannot pass."""
    shapes = [(4, 9), (6, 15), (3, 5)]
    return [(rng.standard_normal(shape), rng.standard_normal(shape[0]), eps)
            for shape, eps in zip(shapes, (0.1, 1.0, 10.0), strict=True)]


def residual_norm(L, b, eps):
    """||b - L j_hat(eps)||."""
    return float(np.linalg.norm(b - L @ tikhonov(L, b, eps)))


def eps_effect(choice, *, L, b):
    """How the residual norm moves from eps = 1 to the chosen eps."""
    before, after = residual_norm(L, b, 1.0), residual_norm(L, b, choice)
    if np.isclose(after, before, rtol=1e-9, atol=0):
        option = "unchanged"
    else:
        option = "grows" if after > before else "shrinks"
    detail = f"for eps = {choice:g} the residual norm went from {before:.3g} to {after:.3g}"
    return Outcome(option, detail)


EXERCISES = [
    Function("ex-99-tikhonov", "Tikhonov by hand",
             signature="tikhonov(L, b, eps)", reference=tikhonov, problems=random_problems,
             kind="an array with one value per source",
             hint="the system to solve has one equation per channel; np.linalg.solve, "
                  "not inv"),
    Value("ex-99-peak", "The peak field",
          reference=lambda b: float(np.max(np.abs(b))), kind="a number, in T", units="T",
          hint="the largest absolute value: a negative peak counts too"),
    Derivation("ex-99-normal", "The normal equations",
               signature="source_space_tikhonov(L, b, eps)", reference=tikhonov,
               problems=random_problems, kind="an array with one value per source",
               hint="the gradient of ||b - L j||^2 is -2 L^T (b - L j)"),
    Decision("ex-99-choose", "Choose eps, predict the residual",
             choice="eps, a number from 0.001 to 1000", valid=number_between(1e-3, 1e3),
             options=("grows", "shrinks", "unchanged"), outcome=eps_effect, default=1.0,
             hint="eps weighs ||j||^2 against the misfit ||b - L j||^2"),
]
