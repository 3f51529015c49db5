"""Resolution analysis of linear inverse operators (chapter 09): resmat = K L and its metrics.

- :mod:`.matrix`   :func:`make_inverse_resolution_matrix` (MNE's mirror), :func:`inverse_matrix`,
                   :func:`resolution_matrix`, :func:`rectify`, :func:`point_spread`,
                   :func:`cross_talk`, :func:`source_positions`
- :mod:`.metrics`  :func:`compute_metrics` (peak localisation error, centre-of-gravity error,
                   spatial deviation of every PSF or CTF), :func:`resolution_metrics` (MNE's
                   mirror), and each metric on its own
- :mod:`.depth`    :func:`inner_skull`, :func:`distance_to_surface` (how deep a source lies),
                   :func:`peak_depth_shift` (how much deeper a PSF peaks than its source)

Everything is available as ``minnorm_teach.resolution.<name>``.
"""

from .depth import distance_to_surface, inner_skull, peak_depth_shift
from .matrix import (
    cross_talk,
    inverse_matrix,
    make_inverse_resolution_matrix,
    point_spread,
    rectify,
    resolution_matrix,
    source_positions,
)
from .metrics import (
    METRICS,
    ResolutionMetrics,
    centre_of_gravity_error,
    compute_metrics,
    max_radius,
    peak_amplitude,
    peak_localisation_error,
    radius_above,
    resolution_metrics,
    spatial_deviation,
    sum_amplitude,
)

__all__ = ["METRICS", "source_positions", "resolution_matrix", "rectify", "point_spread",
           "cross_talk", "peak_localisation_error", "centre_of_gravity_error",
           "spatial_deviation", "max_radius", "radius_above", "peak_amplitude", "sum_amplitude",
           "ResolutionMetrics", "compute_metrics", "resolution_metrics", "inverse_matrix",
           "make_inverse_resolution_matrix", "inner_skull", "distance_to_surface",
           "peak_depth_shift"]
