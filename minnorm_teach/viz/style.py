"""Shared figure style: sizes that stay readable in the book, legends that never cover data.

The book and JupyterLab show a figure at most about 7.5 inches wide at 1:1 (the text column,
inline figures at 100 dpi); a wider figure is scaled down and its fonts with it. So every
figure here is at most :data:`FIGURE_WIDTH` wide and uses fonts of at least :data:`FONT_SIZE`
points; a chapter that composes panels with ``plt.subplots`` should do the same.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["FIGURE_WIDTH", "FONT_SIZE", "legend_outside", "readable"]

FIGURE_WIDTH = 7.5      # inches: the book's text column at 1:1
FONT_SIZE = 10          # points: the smallest font of a figure at FIGURE_WIDTH


def legend_outside(ax, *, where="right", **kwargs):
    """A legend beside the axes (``where="right"``) or below them (``"below"``), never on
    the data; returns it (None when nothing is labelled). Called again, it replaces itself."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    options = {"frameon": False, "fontsize": FONT_SIZE - 1}
    if where == "right":
        options.update(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    elif where == "below":
        options.update(loc="upper center", bbox_to_anchor=(0.5, -0.2),
                       ncol=min(len(handles), 3), borderaxespad=0.0)
    else:
        raise ValueError(f"where must be 'right' or 'below', got {where!r}")
    options.update(kwargs)
    return ax.legend(handles, labels, **options)


def readable(ax, *, size=FONT_SIZE):
    """Tick labels, axis labels and title of ``ax`` at least ``size`` points."""
    for a in np.atleast_1d(ax):
        a.tick_params(labelsize=size)
        a.xaxis.label.set_fontsize(max(a.xaxis.label.get_fontsize(), size))
        a.yaxis.label.set_fontsize(max(a.yaxis.label.get_fontsize(), size))
        a.title.set_fontsize(max(a.title.get_fontsize(), size + 1))
    return ax


def new_axes(ax, size):
    """``ax`` if given, else a new axes of ``size`` (inches)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size)
    return ax
