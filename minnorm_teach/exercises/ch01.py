"""Exercises of chapter 01 (the forward problem), in page order.

- ex-01-strongest (a derivation)  the largest field a unit dipole at one location can produce
- ex-01-dipole    (a function)    the field of a dipole at a source-space vertex
- ex-01-units     (a decision)    what dominates G = L L^T when the EEG rows are rescaled
"""

import numpy as np

from minnorm_teach.check import float32_rtol
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between


def strongest_gain(L_k):
    """max over unit q of ||L_k q|| = s_1, the largest singular value of L_k (n_channels, 3)."""
    return float(np.linalg.svd(L_k, compute_uv=False)[0])


def block_problems(rng):
    """Random (n_channels, 3) blocks, columns of different sizes, so that no shortcut passes."""
    sizes = ((5, [1.0, 1.0, 1.0]), (12, [3.0, 0.2, 1.0]), (40, [1e-3, 2e-3, 5e-4]))
    return [(rng.standard_normal((n, 3)) * np.array(scales),) for n, scales in sizes]
BLOCK_CASES = ("5 channels, columns of equal size", "12 channels, columns of different sizes",
               "40 channels, columns of about 1e-3")


def dipole_field(L, vertno, hemi, vertex, q):
    """b = L[:, 3k:3k+3] q: the field of the dipole q (A·m, x y z) at source-space ``vertex`` of
    hemisphere ``hemi`` (0 left, 1 right); k counts the left hemisphere's locations first."""
    k = (0 if hemi == 0 else len(vertno[0])) + int(np.searchsorted(vertno[hemi], vertex))
    return L[:, 3 * k:3 * k + 3] @ np.asarray(q, dtype=float)


def dipole_problems(rng, *, L, vertno):
    """Three dipoles on the lead field ``L`` restricted to 30 random channels (the column layout
    is what matters): one per hemisphere and one more, of tens of nAm. The vertex numbers are
    a random sorted subset of a mesh four times larger, as in a decimated source space, so
    that a vertex number is never its column index."""
    rows = np.sort(rng.choice(L.shape[0], size=min(30, L.shape[0]), replace=False))
    L_rows = np.array(L[rows])
    numbers = [np.sort(rng.choice(4 * len(v), size=len(v), replace=False)) for v in vertno]
    problems = []
    for hemi in (0, 1, 1):
        shifted = numbers[hemi][numbers[hemi] != np.arange(len(numbers[hemi]))]
        vertex = int(rng.choice(shifted))
        q = rng.standard_normal(3) * 20e-9
        problems.append((L_rows, [v.copy() for v in numbers], hemi, vertex, q))
    return problems


DIPOLE_CASES = ("left hemisphere", "right hemisphere", "right hemisphere, another vertex")


def eeg_share(L, eeg, scale):
    """Share of the first eigenvector of G = L L^T on the EEG rows, with those rows times scale."""
    L_scaled = np.array(L, dtype=float)
    L_scaled[eeg] *= scale
    _, U = np.linalg.eigh(L_scaled @ L_scaled.T)
    return float(np.sum(U[eeg, -1] ** 2))


def units_effect(scale, *, L, eeg):
    """Which sensor type dominates the first field pattern of G with the EEG rows rescaled."""
    share = eeg_share(L, eeg, scale)
    option = "eeg" if share > 0.5 else "meg"
    detail = (f"with the EEG rows times {scale:.0e}, the first field pattern of G has "
              f"{share:.0%} of its energy on the EEG channels")
    return Outcome(option, detail)


EXERCISES = [
    Derivation("ex-01-strongest", "The strongest orientation",
               signature="strongest_gain(L_k)", reference=strongest_gain,
               problems=block_problems, cases=BLOCK_CASES, kind="a float, in the units of L_k",
               hint="write ||L_k q||^2 = q^T (L_k^T L_k) q and maximise over unit q; or use the "
                    "SVD L_k = U diag(s) V^T and write q in the basis of V"),
    Function("ex-01-dipole", "The field of one dipole",
             signature="dipole_field(L, vertno, hemi, vertex, q)", reference=dipole_field,
             problems=dipole_problems, cases=DIPOLE_CASES, rtol=float32_rtol(3),
             kind="an array with one value per row of L (T, T/m or V, as the row's sensor)",
             hint="a vertex number is not a column number: find its position in vertno[hemi] "
                  "(np.searchsorted), add the number of left-hemisphere locations for the right "
                  "hemisphere, and take three columns per location"),
    Decision("ex-01-units", "Rescale the EEG rows",
             choice="the factor multiplying the EEG rows, a number from 1e-12 to 1e6",
             valid=number_between(1e-12, 1e6), options=("eeg", "meg"),
             outcome=units_effect, default=1.0,
             hint="G adds products of rows: compare the sizes of the EEG and MEG rows of L "
                  "after your factor (section 5 prints their ratio)"),
]
