"""Figures of the course, by kind; nothing here computes an estimate.

Every ``plot_*`` function draws into a given matplotlib axes or figure (``ax=None`` /
``fig=None`` makes a new one, at most 7.5 in wide so that its fonts stay readable in the book)
and returns it. Axes are labelled with their quantity and units; legends sit beside the data,
never on it.

- :mod:`.cortex`   static source maps on the inflated cortex, with sulcal shading:
                   :func:`plot_source_map` (colour limits honoured, log and signed scales,
                   markers), :func:`plot_point_spreads`, :func:`source_values_on_surface`
- :mod:`.cortex3d` :func:`view_source_map`: the same map as an interactive 3-D view
                   (JupyterLab and the website, offline)
- :mod:`.sensors`  :func:`plot_sensor_layout`, :func:`plot_field` (topographic maps; a field
                   at round-off level is drawn flat, "0 (no field)")
- :mod:`.curves`   :func:`plot_spectrum`, :func:`plot_filter_factors`, :func:`plot_l_curve`,
                   :func:`plot_picard`, :func:`plot_time_courses`,
                   :func:`plot_metric_distributions`
- :mod:`.sparse`   :func:`plot_gap_history`, :func:`plot_penalty_majorant`, :func:`plot_tf_map`,
                   :func:`plot_sparse_time_courses`, :func:`plot_sure_path`,
                   :func:`dilate_sparse_map`
- :mod:`.colours`  the colour-scale rules shared by the cortex maps; :mod:`.style` sizes,
                   fonts and :func:`legend_outside`

Everything is available as ``minnorm_teach.viz.<name>``.
"""

from .colours import ColourScale, colour_scale
from .cortex import HEMIS, plot_point_spreads, plot_source_map, source_values_on_surface
from .cortex3d import CortexView, view_source_map
from .curves import (
    plot_filter_factors,
    plot_l_curve,
    plot_metric_distributions,
    plot_picard,
    plot_spectrum,
    plot_time_courses,
)
from .sensors import plot_field, plot_sensor_layout
from .sparse import (
    dilate_sparse_map,
    plot_gap_history,
    plot_penalty_majorant,
    plot_sparse_time_courses,
    plot_sure_path,
    plot_tf_map,
)
from .style import FIGURE_WIDTH, FONT_SIZE, legend_outside

__all__ = ["HEMIS", "plot_source_map", "plot_point_spreads", "source_values_on_surface",
           "view_source_map", "CortexView", "colour_scale", "ColourScale",
           "plot_sensor_layout", "plot_field", "plot_spectrum", "plot_filter_factors",
           "plot_l_curve", "plot_picard", "plot_time_courses", "plot_metric_distributions",
           "plot_gap_history", "plot_penalty_majorant", "plot_tf_map", "FIGURE_WIDTH",
           "FONT_SIZE", "legend_outside", "plot_sparse_time_courses", "plot_sure_path",
           "dilate_sparse_map"]

from .resolution import plot_depth_shifts  # noqa: E402  (chapter 09)

__all__ += ["plot_depth_shifts"]
from .benchmark import plot_against_depth, plot_against_snr, plot_benchmark  # noqa: E402

__all__ += ["plot_benchmark", "plot_against_depth", "plot_against_snr"]

from .beamformer import plot_estimates, plot_variance_cost  # noqa: E402  (chapter 15)

__all__ += ["plot_estimates", "plot_variance_cost"]

from .realdata import plot_channel_noise, plot_coreg_fit, plot_whitened_gfp  # noqa: E402  (ch. 13)

__all__ += ["plot_coreg_fit", "plot_channel_noise", "plot_whitened_gfp"]
