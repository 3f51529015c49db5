"""How close an estimate is to the simulated truth: six metrics, on arrays (positions in m).

Maps are amplitudes per location, a = |j_k| (the norm of a location's three components),
taken as the root mean square over the *active window* (the samples where the true total
moment exceeds half its maximum). d_k is the distance from location k to the nearest location
of a true patch.

- peak localisation error (PLE): for each patch, the distance from the largest a_k among the
  locations nearer to it than to any other patch, to its nearest location
- spatial dispersion (SD): sqrt(sum_k w_k d_k^2 / sum_k w_k), w_k = a_k where a_k > 0.5 max a
  (the weighting and threshold of ``mne.simulation.metrics.spatial_deviation_error``, which
  measures around one true dipole; here d_k is to the nearest true location)
- earth mover's distance (EMD): the least mean distance that mass must travel to turn the map
  a / sum a into the true map (optimal transport, Euclidean ground distance)
- amplitude ratio: |sum of the estimated dipole vectors within REGION of the patch| over
  |the true patch's summed dipole|, at the patch's peak (A·m estimates only)
- time-course correlation: Pearson correlation of that summed vector, projected on the true
  dipole's direction, with the true time course, over the whole window (0 when the estimate
  is exactly zero there)
- false-positive share: the part of sum a_k over a_k > 0.25 max a that lies farther than
  REGION from every true location
"""

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

__all__ = ["REGION", "SD_THRESHOLD", "FP_THRESHOLD", "distances", "nearest_patch",
           "peak_localisation_error", "spatial_dispersion", "centre_of_mass_error",
           "earth_movers_distance", "amplitude_ratio", "time_course_correlation",
           "false_positive_share"]

REGION = 0.020          # m: what counts as "at the patch"
SD_THRESHOLD = 0.5      # fraction of the maximum (MNE's default for SD and PPE)
FP_THRESHOLD = 0.25     # fraction of the maximum: what a reader would call a blob


def distances(positions, rows):
    """d_k = min over ``rows`` of ||r_k - r_row||, (n_sources,) in m."""
    diff = positions[:, None, :] - positions[None, np.asarray(rows), :]
    return np.min(np.linalg.norm(diff, axis=2), axis=1)


def nearest_patch(positions, patches_rows):
    """Index of the nearest patch for every location, and the distances to each patch."""
    d = np.column_stack([distances(positions, rows) for rows in patches_rows])
    return np.argmin(d, axis=1), d


def peak_localisation_error(amplitude, positions, patches_rows):
    """PLE per patch (m): the largest amplitude in its region (nearest-patch cells) to it."""
    owner, d = nearest_patch(positions, patches_rows)
    errors = []
    for p in range(len(patches_rows)):
        cell = np.flatnonzero(owner == p)
        peak = cell[np.argmax(amplitude[cell])]
        errors.append(d[peak, p])
    return np.array(errors)


def _above(amplitude, threshold):
    """Weights a_k where a_k > threshold * max a (MNE's ``_thresholding``), else 0."""
    a = np.abs(np.asarray(amplitude, float))
    return np.where(a > threshold * a.max(), a, 0.0)


def spatial_dispersion(amplitude, d, threshold=SD_THRESHOLD):
    """SD = sqrt(sum_k w_k d_k^2 / sum_k w_k), w_k = a_k above ``threshold`` max a (m)."""
    w = _above(amplitude, threshold)
    return float(np.sqrt(np.sum(w * d ** 2) / np.sum(w)))


def centre_of_mass_error(amplitude, positions, r_true, threshold=SD_THRESHOLD):
    """||sum_k w_k r_k / sum_k w_k - r_true|| (m), w as in :func:`spatial_dispersion`.

    MNE calls it ``peak_position_error`` (it is the error of the centre of mass, not of the
    peak): the twin check of the weights and the threshold.
    """
    w = _above(amplitude, threshold)
    return float(np.linalg.norm(w @ positions / w.sum() - r_true))


def earth_movers_distance(p, positions_p, q, positions_q):
    """min over plans T >= 0 with row sums p/sum p and column sums q/sum q of sum T_ij D_ij.

    D_ij = ||r_i - r_j|| (m). One target point: sum_i p_i D_i1 / sum p (every unit of mass
    goes there). Otherwise the transport linear program, solved exactly (HiGHS), on the
    locations where p > 0.
    """
    p, q = np.asarray(p, float), np.asarray(q, float)
    keep_p, keep_q = p > 0, q > 0
    p, q = p[keep_p] / p[keep_p].sum(), q[keep_q] / q[keep_q].sum()
    D = np.linalg.norm(positions_p[keep_p][:, None] - positions_q[keep_q][None], axis=2)
    if len(q) == 1:
        return float(p @ D[:, 0])
    n, m = D.shape
    index = np.arange(n * m).reshape(n, m)
    ones = np.ones(n * m)
    rows_sum = coo_matrix((ones, (np.repeat(np.arange(n), m), index.ravel())),
                          shape=(n, n * m))
    cols_sum = coo_matrix((ones, (np.tile(np.arange(m), n), index.ravel())),
                          shape=(m, n * m)).tocsr()
    A = vstack([rows_sum, cols_sum[:-1]]).tocsr()        # one column sum is implied
    result = linprog(D.ravel(), A_eq=A, b_eq=np.concatenate([p, q[:-1]]), bounds=(0, None),
                     method="highs")
    if result.status != 0:
        raise RuntimeError(f"the transport problem was not solved: {result.message}")
    return float(result.fun)


def amplitude_ratio(vectors, region, true_dipole):
    """|sum_{k in region} j_k| / |true summed dipole| at one time: vectors (n_sources, 3)."""
    return float(np.linalg.norm(vectors[region].sum(axis=0)) / np.linalg.norm(true_dipole))


def time_course_correlation(vectors, region, direction, waveform):
    """Pearson r of u . sum_{k in region} j_k(t) with the true waveform; vectors (n, 3, T).

    0 when the estimate is exactly zero in the region (a sparse estimate that missed the
    patch has no time course there, which is no correlation)."""
    projected = direction @ vectors[region].sum(axis=0)
    if not np.any(projected):
        return 0.0
    return float(np.corrcoef(projected, waveform)[0, 1])


def false_positive_share(amplitude, d, threshold=FP_THRESHOLD, region=REGION):
    """sum of a_k above ``threshold`` max a with d_k > region, over the sum of all of them."""
    w = _above(amplitude, threshold)
    return float(w[d > region].sum() / w.sum())

