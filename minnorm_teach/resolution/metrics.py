"""How far and how wide each PSF (or CTF) spreads: the resolution metrics (chapter 09).

Metrics per column of ``F`` (``F = resmat`` for PSFs, ``resmat^T`` for CTFs), with ``r_k`` the
position of source k and ``|F|`` taken per location (3 rows combined by their Euclidean norm):

- peak localisation error  ``|| r_{argmax_i |F_ik|} - r_k ||``
- centre-of-gravity error  ``|| sum_i |F_ik| r_i / sum_i |F_ik| - r_k ||``
- spatial deviation        ``sqrt( sum_i F_ik^2 ||r_i - r_k||^2 / sum_i F_ik^2 )`` (Molins 2008)
- maximum radius           ``max ||r_i - r_k||`` over ``|F_ik| > threshold max_i |F_ik|``
- peak / sum amplitude     ``max_i |F_ik|`` (or ``sum_i |F_ik|``) over its maximum across k

Arrays inside (positions in metres, distances in metres); :func:`resolution_metrics` and
:func:`make_inverse_resolution_matrix` mirror MNE's ``resolution_metrics`` (centimetres, a
``SourceEstimate``) and ``make_inverse_resolution_matrix``. References: Hauk, Stenroos &
Treder 2022 (NeuroImage 260:119438); Hauk, Wakeman & Henson 2011 (NeuroImage 54:1966).
"""

from dataclasses import dataclass

import mne
import numpy as np
from tqdm import tqdm

from .. import validation
from .matrix import _columns, source_positions

__all__ = ["METRICS", "peak_localisation_error", "centre_of_gravity_error", "spatial_deviation",
           "max_radius", "radius_above", "peak_amplitude", "sum_amplitude", "ResolutionMetrics",
           "compute_metrics", "resolution_metrics"]

METRICS = ("peak_err", "cog_err", "sd_ext", "maxrad_ext", "peak_amp", "sum_amp")
CHUNK = 256          # rows or columns per step of the blocked loops


def _as_functions(F):
    """F (n_locations, n_functions): PSFs or CTFs as columns, real and finite."""
    F = validation.as_real_array(F, "F", ndim=2, shape_text="(n_locations, n_functions)")
    return validation.check_finite(F, "F", labels=("location", "function"))


def _check_positions(F, positions):
    positions = validation.as_real_array(positions, "positions", ndim=2,
                                         shape_text="(n_sources, 3)")
    if positions.shape != (F.shape[0], 3):
        raise validation.InputValueError(
            f"positions has shape {positions.shape} but the resolution matrix has "
            f"{F.shape[0]} source locations: expected ({F.shape[0]}, 3)", argument="positions")
    return validation.check_finite(positions, "positions", labels=("source", "axis"))


def _chunks(n, progress, desc):
    starts = range(0, n, CHUNK)
    return tqdm(starts, desc=desc, unit="chunk", disable=not progress, leave=False)


# A resolution matrix is 5124 x 5124 on the course data and its PSFs are columns, its CTFs
# rows. The two helpers below read a matrix in the order it is stored (row by row for a
# resmat, column by column for its transpose): the same numbers, ten times faster than
# striding across memory.

def _column_argmax(A):
    """argmax_i A[i, k] for every column k (the first one on ties)."""
    if not A.flags.c_contiguous:
        return np.argmax(A, axis=0)
    best, where = np.full(A.shape[1], -np.inf), np.zeros(A.shape[1], dtype=int)
    for start in range(0, A.shape[0], CHUNK):              # a block of rows at a time
        block = np.ascontiguousarray(A[start:start + CHUNK].T)
        index = np.argmax(block, axis=1)
        value = block[np.arange(block.shape[0]), index]
        better = value > best
        best[better], where[better] = value[better], start + index[better]
    return where


def _column_sums(A, X):
    """A^T X: for every column k of A, sum_i A_ik X_i (X: (n, m)) -> (n_columns, m)."""
    return (X.T @ A).T if A.flags.c_contiguous else A.T @ X


# ---------------------------------------------------------------- per-column metrics --

def peak_localisation_error(F, positions):
    """||r_{argmax_i |F_ik|} - r_k|| per column k, (n,) in the units of positions."""
    F = _as_functions(F)
    positions = _check_positions(F, positions)
    return _peak_error(np.abs(F), positions)


def _peak_error(A, positions):
    return np.linalg.norm(positions[_column_argmax(A)] - positions, axis=1)


def centre_of_gravity_error(F, positions):
    """||sum_i |F_ik| r_i / sum_i |F_ik| - r_k|| per column k."""
    F = _as_functions(F)
    positions = _check_positions(F, positions)
    return _cog_error(np.abs(F), positions)


def _cog_error(A, positions):
    cog = _column_sums(A, positions) / A.sum(axis=0)[:, None]
    return np.linalg.norm(cog - positions, axis=1)


def _squared_distances(positions, cols):
    """||r_i - r_k||^2 = |r_i|^2 + |r_k|^2 - 2 r_i . r_k , i all, k in cols: (n, len(cols)).

    The expansion leaves round-off (~1e-13 cm^2) where the distance is 0; ||r_k - r_k||^2 is
    set to exactly 0, so a PSF that only its own source exceeds has radius 0, not 3e-7 cm.
    """
    sq = np.sum(positions ** 2, axis=1)
    d2 = sq[:, None] + sq[None, cols] - 2.0 * positions @ positions[cols].T
    d2[cols, np.arange(len(cols))] = 0.0
    return np.maximum(d2, 0.0)


def spatial_deviation(F, positions):
    """sqrt(sum_i F_ik^2 ||r_i - r_k||^2 / sum_i F_ik^2) per column k (Molins 2008, eq. 12).

    Expanding ||r_i - r_k||^2 = |r_i|^2 - 2 r_i . r_k + |r_k|^2 turns the sum into weighted
    sums of |r_i|^2 and r_i over each column of F^2: one matrix product, F^2^T [|r|^2, r].
    """
    F = _as_functions(F)
    positions = _check_positions(F, positions)
    sq = np.sum(positions ** 2, axis=1)
    F2 = np.square(F)
    total = F2.sum(axis=0)
    sums = _column_sums(F2, np.column_stack([sq, positions]))
    second = sums[:, 0] - 2 * np.sum(sums[:, 1:] * positions, axis=1)
    return np.sqrt(np.maximum(second / total + sq, 0.0))


def max_radius(F, positions, threshold=0.5, *, progress=False):
    """max ||r_i - r_k|| over the i where |F_ik| > threshold * max_i |F_ik|, per column k.

    Needs every distance ||r_i - r_k||, so it runs over blocks of CHUNK columns
    (``progress=True``: with a progress bar).
    """
    F = _as_functions(F)
    positions = _check_positions(F, positions)
    threshold = validation.check_real(threshold, "threshold", low=0, high=1, low_open=True)
    progress = validation.check_bool(progress, "progress")
    n = F.shape[1]
    radius = np.empty(n)
    for start in _chunks(n, progress, "maximum radius"):
        cols = np.arange(start, min(start + CHUNK, n))
        A = np.abs(F[:, cols])
        above = A > threshold * A.max(axis=0)
        radius[cols] = np.sqrt(np.max(np.where(above, _squared_distances(positions, cols),
                                               0.0), axis=0))
    return radius


def radius_above(values, positions, k, threshold=0.5):
    """max ||r_i - r_k|| over the i where |values_i| > threshold * max |values|: one function.

    The maximum radius of a single PSF or CTF (``values``, one per location) around source
    ``k``; with the default threshold, how far from k the function stays above half its peak.
    """
    values = np.abs(np.asarray(values, dtype=float))
    positions = np.asarray(positions, dtype=float)
    if values.ndim != 1 or positions.shape != (values.size, 3):
        raise ValueError(f"values has shape {values.shape} and positions {positions.shape}: "
                         f"expected (n,) and (n, 3)")
    above = values > threshold * values.max()
    return float(np.max(np.linalg.norm(positions[above] - positions[k], axis=1)))


def peak_amplitude(F):
    """max_i |F_ik| / max over k of the same, per column k."""
    peak = np.max(np.abs(_as_functions(F)), axis=0)
    return peak / peak.max()


def sum_amplitude(F):
    """sum_i |F_ik| / max over k of the same, per column k."""
    total = np.sum(np.abs(_as_functions(F)), axis=0)
    return total / total.max()


# -------------------------------------------------------------------- grouped results --

@dataclass(frozen=True, repr=False)
class ResolutionMetrics:
    """Localisation and spread of every PSF (or CTF), in metres, one value per source."""

    function: str                 # "psf" or "ctf"
    peak_err: np.ndarray          # (n_sources,) m
    cog_err: np.ndarray           # (n_sources,) m
    sd_ext: np.ndarray            # (n_sources,) m

    def median_mm(self):
        """Medians in mm: dict(peak_err=..., cog_err=..., sd_ext=...)."""
        return {name: 1e3 * float(np.median(getattr(self, name)))
                for name in ("peak_err", "cog_err", "sd_ext")}

    def __repr__(self):
        med = ", ".join(f"{k} {v:.1f}" for k, v in self.median_mm().items())
        return (f"ResolutionMetrics({self.function}, {self.peak_err.size} sources; "
                f"median mm: {med})")


def compute_metrics(resmat, positions, function="psf"):
    """Peak localisation error, centre-of-gravity error and spatial deviation for every source.

    Parameters
    ----------
    resmat : array, (n_orient * n_sources, n_sources)
        Resolution matrix (rows of free/loose inverses are combined per location).
    positions : array, (n_sources, 3)
        Source positions in m (:func:`source_positions`).
    function : {"psf", "ctf"}
    """
    F = _columns(resmat, function)
    F = _as_functions(F)
    positions = _check_positions(F, positions)
    A = np.abs(F)                                  # |F| once, in F's memory order
    return ResolutionMetrics(function=function, peak_err=_peak_error(A, positions),
                             cog_err=_cog_error(A, positions),
                             sd_ext=spatial_deviation(A, positions))


# ------------------------------------------------------------------------ MNE mirrors --

def resolution_metrics(resmat, src, function="psf", metric="peak_err", threshold=0.5):
    """Mirror of ``mne.minimum_norm.resolution_metrics``: one metric per source, in cm.

    Returns an ``mne.SourceEstimate`` (one time point) on ``src``'s vertices. Distances are in
    centimetres and amplitudes relative, as in MNE. Unlike MNE, ``sd_ext`` and ``maxrad_ext``
    also accept a free/loose (non-square) resmat, combining its rows per location first.

    ``maxrad_ext`` follows its definition: the largest distance ||r_i - r_k|| over the
    locations i with |F_ik| > threshold * max_i |F_ik|. MNE 1.13.2 computes another number
    (``_spatial_extent`` in ``mne/minimum_norm/spatial_resolution.py``): ``thresh_idx =
    np.where(...)`` is a tuple, so ``locations[thresh_idx, :]`` has shape (1, n_above, 3),
    and ``np.sum(locs_thresh**2, 1)`` sums over the n_above locations instead of over x, y, z.
    MNE's value is therefore ``sqrt(max over the axes a of sum_i (r_ia - r_ka)^2)`` over those
    locations: one location at an offset of (3, 4, 0) cm gives 4 cm instead of 5 cm, and the
    value grows with the number of locations above the threshold, however close they are
    (``tests/test_resolution_mne.py`` checks both formulas).
    """
    validation.check_instance(src, "src", "SourceSpaces")
    metric = validation.check_option(metric, "metric", METRICS)
    function = validation.check_option(function, "function", ("psf", "ctf"))
    threshold = validation.check_real(threshold, "threshold", low=0, high=1, low_open=True)
    if src.kind != "surface":
        raise validation.refuse("src", "a surface source space", src.kind)
    positions = source_positions(src)
    if metric in ("peak_amp", "sum_amp"):     # MNE does not combine rows here
        F = validation.as_real_array(resmat, "resmat", ndim=2)
        F = F if function == "psf" else F.T
        values = peak_amplitude(F) if metric == "peak_amp" else sum_amplitude(F)
    else:
        F = _columns(resmat, function)
        cm = 100.0 * positions
        values = {"peak_err": lambda: peak_localisation_error(F, cm),
                  "cog_err": lambda: centre_of_gravity_error(F, cm),
                  "sd_ext": lambda: spatial_deviation(F, cm),
                  "maxrad_ext": lambda: max_radius(F, cm, threshold)}[metric]()
    vertices = [np.asarray(s["vertno"]) for s in src]
    return mne.SourceEstimate(values[:, None], vertices, tmin=0.0, tstep=1.0,
                              subject=src[0].get("subject_his_id"))
