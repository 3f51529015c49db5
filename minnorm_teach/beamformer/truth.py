"""An estimate against the simulation's ground truth: where it peaks, what lies near a patch.

Chapter 15 compares beamformer and γ-MAP maps with the simulated auditory patches. These
helpers take the source space (``fwd['src']``, left hemisphere first) and plain arrays; the
patches are ``data.truth.patches[condition]`` (each with ``hemi`` and ``positions``, head
coordinates in m). Real data have no ground truth: a chapter calls them only when
``data.truth`` is not None.
"""

import numpy as np

from .. import validation

__all__ = ["source_positions", "hemisphere_peaks", "nearest_source", "peak_distance_mm",
           "sources_near"]


def source_positions(src):
    """(n_sources, 3) head coordinates (m) of the source locations, left hemisphere first."""
    return np.vstack([s["rr"][s["vertno"]] for s in src])


def hemisphere_peaks(values, n_lh):
    """(k_lh, k_rh): the source index of the largest |value| in each hemisphere."""
    values = np.abs(validation.as_real_array(values, "values", ndim=1,
                                             shape_text="(n_sources,)"))
    return int(np.argmax(values[:n_lh])), n_lh + int(np.argmax(values[n_lh:]))


def nearest_source(src, point):
    """Index of the source location nearest ``point`` (m, head coordinates)."""
    return int(np.argmin(np.linalg.norm(source_positions(src) - np.asarray(point), axis=1)))


def peak_distance_mm(values, src, patch):
    """Distance (mm) from the largest |value| in the patch's hemisphere to the patch centre."""
    n_lh = len(src[0]["vertno"])
    k = hemisphere_peaks(values, n_lh)[patch.hemi]
    centre = patch.positions.mean(axis=0)
    return float(1e3 * np.linalg.norm(source_positions(src)[k] - centre))


def sources_near(src, rows, patch, radius_mm):
    """The entries of ``rows`` (source indices) within ``radius_mm`` of the patch centre."""
    rows = np.asarray(rows, dtype=int)
    distance = np.linalg.norm(source_positions(src)[rows] - patch.positions.mean(axis=0),
                              axis=1)
    return rows[distance <= radius_mm * 1e-3]
