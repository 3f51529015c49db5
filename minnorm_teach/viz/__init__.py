"""Figures of the course, by kind; nothing here computes an estimate.

Every function draws into a given matplotlib axes or figure (``ax=None`` / ``fig=None`` makes a
new one) and returns it.

- :mod:`.cortex`   source maps on the inflated cortex: :func:`plot_source_map`,
                   :func:`plot_point_spreads`, :func:`source_values_on_surface`
- :mod:`.sensors`  :func:`plot_sensor_layout`, :func:`plot_field` (topographic maps)
- :mod:`.curves`   :func:`plot_spectrum`, :func:`plot_filter_factors`, :func:`plot_l_curve`,
                   :func:`plot_picard`, :func:`plot_time_courses`,
                   :func:`plot_metric_distributions`
- :mod:`.sparse`   :func:`plot_gap_history`, :func:`plot_penalty_majorant`, :func:`plot_tf_map`

Everything is available as ``minnorm_teach.viz.<name>``.
"""

from .cortex import HEMIS, plot_point_spreads, plot_source_map, source_values_on_surface
from .curves import (
    plot_filter_factors,
    plot_l_curve,
    plot_metric_distributions,
    plot_picard,
    plot_spectrum,
    plot_time_courses,
)
from .sensors import plot_field, plot_sensor_layout
from .sparse import plot_gap_history, plot_penalty_majorant, plot_tf_map

__all__ = ["HEMIS", "plot_source_map", "plot_point_spreads", "source_values_on_surface",
           "plot_sensor_layout", "plot_field", "plot_spectrum", "plot_filter_factors",
           "plot_l_curve", "plot_picard", "plot_time_courses", "plot_metric_distributions",
           "plot_gap_history", "plot_penalty_majorant", "plot_tf_map"]
