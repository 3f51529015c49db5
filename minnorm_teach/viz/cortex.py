"""Source maps on the cortex (chapters 00-13): the static figures the book, nbval and print use.

What a chapter calls::

    mt.viz.plot_source_map(values, vertices, data.subjects_dir, data.subject,
                           label="|j| (nAm)")                          # both hemispheres
    mt.viz.plot_source_map(..., views=("lateral", "medial"), hemis=("rh",),
                           vmax=40, threshold=5, markers={"true source": k})
    mt.viz.plot_source_map(prior, ..., log=True, label="depth prior (relative variance)")
    mt.viz.plot_point_spreads({"MNE": psf_mne, "dSPM": psf_dspm}, vertices, ...,
                              hemi="rh", view="medial", marker=k)

- One panel per view (rows) and hemisphere (columns), on the inflated surface by default, with
  sulcal shading (sulci dark grey, gyri light grey) wherever no value is painted; the figure is
  at most 7.5 in wide, so a panel is about 3.7 in wide in the book.
- The colour bar (below the panels) shows the values painted, with ``label`` (quantity and
  units): a diverging map centred at 0 for signed values, vmin..vmax for one sign, the values
  themselves on a log axis for ``log=True`` (rules in :mod:`.colours`). ``vmin``/``vmax`` are
  honoured as given, so a series of maps (or a widget) keeps one scale.
- ``markers`` (true sources, peaks) are drawn above the surface on every panel whose view
  faces them, with a legend; a marker that no panel shows says so in the legend.

For an interactive view of the same map, see :func:`minnorm_teach.viz.view_source_map`.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine

from .colours import add_colorbar, colour_scale, vertex_colours
from .style import FIGURE_WIDTH, FONT_SIZE
from .surface import (
    HEMIS,
    cortex_background,
    draw_surface,
    read_surface,
    source_values_on_surface,
    view_frame,
    visible_points,
)

__all__ = ["HEMIS", "plot_source_map", "plot_point_spreads", "source_values_on_surface"]

MARKER_STYLES = ({"color": "cyan", "marker": "o"}, {"color": "lime", "marker": "D"},
                 {"color": "magenta", "marker": "s"}, {"color": "white", "marker": "^"})
HEMI_NAMES = {"lh": "left hemisphere", "rh": "right hemisphere"}
MAX_PANEL_HEIGHT = 3.4      # inches: a tall view (anterior, posterior) gets a narrower panel


def _check_values(values, vertices):
    values = np.asarray(values, dtype=float)
    if len(vertices) != 2:
        raise ValueError(f"vertices must hold two arrays (lh, rh), got {len(vertices)}")
    n_expected = sum(len(v) for v in vertices)
    if values.shape != (n_expected,):
        raise ValueError(f"values has shape {values.shape} but the source space has "
                         f"{n_expected} locations ({len(vertices[0])} + {len(vertices[1])})")
    return values


def _markers(markers, n_sources):
    """{label: source index}, from an int, a sequence of ints or a dict."""
    if markers is None:
        return {}
    if isinstance(markers, dict):
        found = {str(k): int(v) for k, v in markers.items()}
    else:
        found = {f"source {int(k)}": int(k) for k in np.atleast_1d(markers)}
    bad = [k for k in found.values() if not 0 <= k < n_sources]
    if bad:
        raise ValueError(f"marker source indices must be in 0..{n_sources - 1}, got {bad}")
    return found


def _panel_aspect(subjects_dir, subject, surface, view, hemis):
    ratios = []
    for hemi in hemis:
        rr, _ = read_surface(str(subjects_dir), subject, hemi, surface)
        e_x, up, _ = view_frame(view, hemi)
        ratios.append(np.ptp(rr @ up) / np.ptp(rr @ e_x))
    return max(ratios)


def _draw_panel(ax, values_hemi, vno, scale, where, hemi, view, marks):
    """One hemisphere in one view; returns the labels of the markers it shows."""
    subjects_dir, subject, surface = where
    rr, tris = read_surface(str(subjects_dir), subject, hemi, surface)
    painted = source_values_on_surface(values_hemi, vno, subjects_dir, subject, hemi)
    rgb = vertex_colours(painted, scale, cortex_background(str(subjects_dir), subject, hemi))
    xy = draw_surface(ax, rr, tris, rgb, view, hemi)
    shown = []
    for (label, vertex), style in zip(marks, MARKER_STYLES * 4, strict=False):
        if vertex is not None and visible_points(rr, tris, [vertex], view, hemi)[0]:
            ax.scatter(*xy[vertex], s=50, edgecolors="k", linewidths=1.2, zorder=10,
                       label=label, **{"c": style["color"], "marker": style["marker"]})
            shown.append(label)
    return shown


def _marker_vertices(marks, vertices, hemi):
    """[(label, surface vertex in this hemisphere or None)] for every marker."""
    n_lh, h = len(vertices[0]), HEMIS.index(hemi)
    return [(label, vertices[h][k - n_lh * h] if (k >= n_lh) == (h == 1) else None)
            for label, k in marks.items()]


def _legend(fig, marks, shown):
    if not marks:
        return
    handles = [plt.Line2D([], [], ls="", ms=9, mec="k", mfc=s["color"], marker=s["marker"])
               for s, _ in zip(MARKER_STYLES * 4, marks, strict=False)]
    labels = [label if label in shown else f"{label} (not visible in these views)"
              for label in marks]
    engine = fig.figure.get_layout_engine()            # fig.figure: the root of a subfigure
    where = ({"loc": "outside lower center"} if isinstance(engine, ConstrainedLayoutEngine)
             else {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0)})   # below the figure
    fig.legend(handles, labels, ncol=min(len(labels), 3), frameon=False, fontsize=FONT_SIZE,
               **where)


def plot_source_map(values, vertices, subjects_dir, subject, *, views=("lateral",),
                    hemis=HEMIS, surface="inflated", vmax=None, threshold=None, cmap=None,
                    symmetric=None, title=None, label="", fig=None, vmin=None, log=False,
                    markers=None):
    """Draw one value per source location on the cortex, one panel per view x hemisphere.

    Parameters
    ----------
    values : array, (n_sources,)
        Left-hemisphere sources first, as in MNE's source estimates.
    vertices : list of two int arrays
        Source-space vertex numbers per hemisphere (``stc.vertices`` or from ``fwd['src']``).
    subjects_dir, subject : str | Path
        Where the FreeSurfer surfaces are (``data.subjects_dir``, ``data.subject``).
    views : tuple of {"lateral", "medial", "dorsal", "ventral", "anterior", "posterior"}
    vmin, vmax : float, optional
        Colour limits, honoured as given (default: from the values, see :mod:`.colours`).
    threshold : float, optional
        Values with |value| below it are not painted (the cortex shows through).
    symmetric : bool, optional
        Diverging colour map centred at 0 (default: when the values have both signs).
    log : bool
        Positive values on a logarithmic colour scale (the colour bar shows the values).
    label : str
        Colour-bar label: the quantity and its units, e.g. ``"|j| (nAm)"``.
    markers : int | sequence of int | dict of label -> int, optional
        Source indices (into ``values``) drawn as markers above the surface, with a legend.
    fig : matplotlib Figure or SubFigure, optional
    """
    values = _check_values(values, vertices)
    marks = _markers(markers, len(values))
    scale = colour_scale(values, vmin=vmin, vmax=vmax, symmetric=symmetric, log=log,
                         cmap=cmap, threshold=threshold)
    aspects = [_panel_aspect(subjects_dir, subject, surface, v, hemis) for v in views]
    width = min(FIGURE_WIDTH / len(hemis), 4.2, MAX_PANEL_HEIGHT / max(aspects))
    if fig is None:
        fig = plt.figure(figsize=(width * len(hemis), width * sum(aspects) + 1.1 +
                                  0.3 * bool(title) + 0.3 * bool(marks)), layout="constrained")
    axes = fig.subplots(len(views), len(hemis), squeeze=False,
                        gridspec_kw={"height_ratios": aspects})
    n_lh, shown = len(vertices[0]), []
    per_hemi = {"lh": values[:n_lh], "rh": values[n_lh:]}
    for row, view in enumerate(views):
        for col, hemi in enumerate(hemis):
            shown += _draw_panel(axes[row, col], per_hemi[hemi], vertices[HEMIS.index(hemi)],
                                 scale, (subjects_dir, subject, surface), hemi, view,
                                 _marker_vertices(marks, vertices, hemi))
            axes[row, col].set_title(f"{HEMI_NAMES[hemi]}, {view}", fontsize=FONT_SIZE)
    add_colorbar(fig, scale, axes.ravel().tolist(), label)
    _legend(fig, marks, set(shown))
    if title:
        fig.suptitle(title, fontsize=FONT_SIZE + 2)
    return fig


def plot_point_spreads(maps, vertices, subjects_dir, subject, *, hemi="rh", view="lateral",
                       marker=None, fig=None, label="|PSF| / max", threshold=0.05,
                       marker_label="true source"):
    """One cortex panel per method: point-spread (or any) maps side by side, each scaled to 1.

    Parameters
    ----------
    maps : dict
        method name -> (n_sources,) values (left hemisphere first); each panel shows
        |values| / max |values| on one colour scale 0..1.
    marker : int, optional
        Source index drawn as a cyan dot above the surface: ``marker_label`` (the true source).
    threshold : float
        Relative values below it are not painted.
    """
    if not maps:
        raise ValueError("maps is empty: pass {method name: values}")
    scaled = {}
    for name, values in maps.items():
        values = np.abs(_check_values(values, vertices))
        if not values.max() > 0:
            raise ValueError(f"the map {name!r} is zero everywhere: nothing to scale to 1")
        scaled[name] = values / values.max()
    marks = _markers(None if marker is None else {marker_label: marker},
                     sum(len(v) for v in vertices))
    scale = colour_scale(np.array([0.0, 1.0]), vmin=0.0, vmax=1.0, threshold=threshold)
    n_cols = 2 if len(scaled) == 4 else min(len(scaled), 3)
    n_rows = -(-len(scaled) // n_cols)
    aspect = _panel_aspect(subjects_dir, subject, "inflated", view, (hemi,))
    width = min(FIGURE_WIDTH / n_cols, 4.2, MAX_PANEL_HEIGHT / aspect)
    if fig is None:
        fig = plt.figure(figsize=(width * n_cols, width * aspect * n_rows + 0.4 * n_rows + 1.3),
                         layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    h, shown = HEMIS.index(hemi), []
    n_lh = len(vertices[0])
    for ax, (name, values) in zip(axes.ravel(), scaled.items(), strict=False):
        own = values[:n_lh] if h == 0 else values[n_lh:]
        shown += _draw_panel(ax, own, vertices[h], scale, (subjects_dir, subject, "inflated"),
                             hemi, view, _marker_vertices(marks, vertices, hemi))
        ax.set_title(name, fontsize=FONT_SIZE + 1)
    for ax in axes.ravel()[len(scaled):]:
        ax.set_axis_off()
    add_colorbar(fig, scale, axes.ravel().tolist(), label)
    _legend(fig, marks, set(shown))
    return fig
