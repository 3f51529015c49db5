"""Colour scales of the cortex maps: the colour bar shows exactly the values that are painted.

:func:`colour_scale` decides, from the values and the caller's limits, one of three kinds:

- ``"signed"``    values of both signs (or ``symmetric=True``): a diverging map centred at 0,
                  limits -vmax .. vmax;
- ``"log"``       ``log=True``: positive values on a logarithmic colour axis, the colour bar
                  shows the values themselves (not their logarithm) and says "log scale";
- ``"sequential"`` otherwise: vmin .. vmax (vmin = 0 for values >= 0, else their minimum).

Explicit ``vmin``/``vmax`` are always honoured (values beyond them take the end colour and the
colour bar gets an arrow), so a widget or a series of maps can keep one scale. The static maps
(:mod:`.cortex`) and the interactive view (:mod:`.cortex3d`) use the same scale.
"""

from dataclasses import dataclass

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np

__all__ = ["ColourScale", "colour_scale", "vertex_colours", "add_colorbar"]

#: "hot" without its black and white ends, which would read as sulci and gyri on the cortex
HOT = mcolors.LinearSegmentedColormap.from_list(
    "hot_on_cortex", mpl.colormaps["hot"](np.linspace(0.12, 0.80, 256)))
DEFAULT_CMAPS = {"signed": "RdBu_r", "log": "viridis", "sequential": HOT}
SULCUS_DIMMING = 0.85   # painted colours in sulci, x this: the folding stays visible


@dataclass(frozen=True)
class ColourScale:
    """How values become colours: ``kind``, limits, colour map name, threshold, bar arrows."""

    kind: str           # "signed", "log" or "sequential"
    vmin: float
    vmax: float
    cmap: object        # a matplotlib colour map or its name
    threshold: float    # values with |value| < threshold are not painted (0: all painted)
    extend: str         # colour-bar arrows: "neither", "min", "max", "both"

    @property
    def norm(self):
        if self.kind == "log":
            return mcolors.LogNorm(self.vmin, self.vmax)
        return mcolors.Normalize(self.vmin, self.vmax)

    def colormap(self):
        return mpl.colormaps[self.cmap] if isinstance(self.cmap, str) else self.cmap

    def painted(self, values):
        """Boolean mask of the values that get a colour (the others show the cortex)."""
        values = np.asarray(values, dtype=float)
        return np.isfinite(values) & (np.abs(values) >= self.threshold)


def _limits(values, kind, vmin, vmax):
    if kind == "signed":
        if vmin is not None and vmax is not None and not np.isclose(-vmin, vmax):
            raise ValueError(f"a signed map is centred at 0: vmin must be -vmax, got vmin="
                             f"{vmin:g}, vmax={vmax:g}")
        top = float(np.max(np.abs(values))) if vmax is None else float(vmax)
        return -top, top
    if kind == "log":
        return (float(values.min()) if vmin is None else float(vmin),
                float(values.max()) if vmax is None else float(vmax))
    low = (0.0 if values.min() >= 0 else float(values.min())) if vmin is None else float(vmin)
    return low, float(values.max()) if vmax is None else float(vmax)


def colour_scale(values, *, vmin=None, vmax=None, symmetric=None, log=False, cmap=None,
                 threshold=None):
    """The :class:`ColourScale` for ``values`` (see the module docstring for the rules).

    ``symmetric=None`` chooses by sign: a diverging map when the values have both signs.
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise ValueError(f"values has no finite entry (all {values.size} are NaN or inf)")
    if log:
        if symmetric:
            raise ValueError("log=True and symmetric=True exclude each other: a log scale "
                             "shows positive values only")
        if vmin is None and np.any(finite <= 0):
            raise ValueError(f"log=True needs positive values, but {np.sum(finite <= 0)} of "
                             f"{finite.size} are <= 0: pass vmin= (the smallest value shown)")
        kind = "log"
    elif symmetric is None:
        kind = "signed" if finite.min() < 0 < finite.max() else "sequential"
    else:
        kind = "signed" if symmetric else "sequential"
    low, high = _limits(finite, kind, vmin, vmax)
    if not high > low:
        high = low + (abs(low) if low else 1.0)     # a constant map: one colour, a valid bar
    below, above = finite.min() < low, finite.max() > high
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max",
              (True, True): "both"}[(bool(below), bool(above))]
    return ColourScale(kind, low, high, cmap or DEFAULT_CMAPS[kind],
                       0.0 if threshold is None else float(threshold), extend)


def vertex_colours(values, scale, background):
    """RGB (n, 3) per vertex: the colour of the value where painted, else ``background``.

    ``background`` (n,) is the grey level of the cortex (sulci darker than gyri); painted
    colours are dimmed by ``SULCUS_DIMMING`` in sulci, so the folding shows under the map.
    """
    values = np.asarray(values, dtype=float)
    background = np.asarray(background, dtype=float)
    rgb = np.repeat(background[:, None], 3, axis=1)
    shown = scale.painted(values)
    if scale.kind == "log":
        shown &= values > 0
    clipped = np.clip(values[shown], scale.vmin, scale.vmax)
    dim = np.where(background[shown] < background.max(), SULCUS_DIMMING, 1.0)
    rgb[shown] = scale.colormap()(scale.norm(clipped))[:, :3] * dim[:, None]
    return rgb


def add_colorbar(fig, scale, axes, label, *, orientation="horizontal"):
    """One colour bar for ``axes``, labelled ``label`` (quantity and units); a log scale says
    so in the label. Returns the colour bar."""
    mappable = mpl.cm.ScalarMappable(norm=scale.norm, cmap=scale.colormap())
    text = f"{label}, log scale" if scale.kind == "log" and "log" not in label else label
    bar = fig.colorbar(mappable, ax=axes, orientation=orientation, extend=scale.extend,
                       shrink=0.6 if orientation == "horizontal" else 0.8,
                       aspect=30 if orientation == "horizontal" else 20)
    bar.set_label(text, fontsize=10)
    bar.ax.tick_params(labelsize=9)
    if scale.threshold > 0 and scale.kind != "log":
        for t in (scale.threshold, -scale.threshold) if scale.kind == "signed" else \
                (scale.threshold,):
            if scale.vmin <= t <= scale.vmax:
                bar.ax.axvline(t, color="0.4", lw=1) if orientation == "horizontal" else \
                    bar.ax.axhline(t, color="0.4", lw=1)
    return bar
