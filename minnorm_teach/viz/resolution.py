"""Figures of chapter 09 (resolution): where the point-spread functions peak, in depth.

What the chapter calls::

    mt.viz.plot_depth_shifts({"MNE, no depth": shift_mne, "dSPM, depth 0.8": shift_dspm})

``shift`` is, per source, how much deeper its PSF peaks than the source itself (m; negative:
towards the sensors), as :func:`minnorm_teach.resolution.peak_depth_shift` returns it.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.transforms import blended_transform_factory

from .style import FIGURE_WIDTH, FONT_SIZE, readable

__all__ = ["plot_depth_shifts"]

OUTWARDS, INWARDS = "tab:orange", "tab:blue"


def plot_depth_shifts(shifts, *, ax=None):
    """One horizontal bar per estimator: the mean depth shift of its PSF peaks, in mm.

    Bars to the left (orange): the peaks sit closer to the sensors than the sources (a surface
    bias); to the right (blue): deeper. Beside the axes, each mean and the shares of the
    sources whose peak moved outwards and inwards (the rest peak at their own depth).

    Parameters
    ----------
    shifts : dict
        estimator name -> (n_sources,) depth shift of each PSF peak, in m.
    """
    if not shifts:
        raise ValueError("shifts is empty: pass {estimator name: depth shift per source (m)}")
    names = list(shifts)
    if ax is None:
        height = 0.45 * len(names) + 1.5
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
        fig.subplots_adjust(left=0.21, right=0.76, bottom=1.0 / height, top=1 - 0.45 / height)
    means = np.array([1e3 * np.mean(shifts[n]) for n in names])
    rows = np.arange(len(names))[::-1]
    ax.barh(rows, means, color=[OUTWARDS if m < 0 else INWARDS for m in means], height=0.6)
    ax.axvline(0, color="0.3", lw=1)
    reach = 1.15 * max(np.max(np.abs(means)), 1.0)
    ax.set_xlim(-reach, reach)
    beside = blended_transform_factory(ax.transAxes, ax.transData)     # x in axes, y in rows
    ax.text(1.03, rows[0] + 0.75, "mean (% out, % in)", transform=beside, fontsize=FONT_SIZE - 1,
            va="center", style="italic")
    for row, name, mean in zip(rows, names, means, strict=True):
        shift = np.asarray(shifts[name])
        ax.text(1.03, row, f"{mean:+.1f} mm ({np.mean(shift < 0):.0%}, {np.mean(shift > 0):.0%})",
                transform=beside, va="center", fontsize=FONT_SIZE - 1)
    ax.set_yticks(rows, names)
    ax.set_xlabel("mean depth shift of the PSF peak (mm)\n"
                  "← towards the sensors        deeper →")
    ax.set_title("How deep each PSF peaks, relative to its source")
    ax.grid(True, axis="x", alpha=0.3)
    return readable(ax)
