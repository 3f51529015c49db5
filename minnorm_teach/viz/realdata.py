"""Figures of chapter 13 (a real recording): the template's fit, channel noise, whitened GFP.

- :func:`plot_coreg_fit` the digitised head points on the template, coloured by their
  distance to its scalp, and the distribution of those distances;
- :func:`plot_channel_noise` each channel's noise s.d. relative to its kind, bads marked;
- :func:`plot_whitened_gfp` whitened global field power over time, with the noise level 1.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import FIGURE_WIDTH, legend_outside, new_axes, readable

__all__ = ["plot_coreg_fit", "plot_channel_noise", "plot_whitened_gfp"]

_KIND_COLOURS = {"mag": "tab:blue", "grad": "tab:orange", "eeg": "tab:green"}


def plot_coreg_fit(positions, distances, *, fig=None):
    """Left: points (n, 3) m, MRI coordinates, seen from the side and coloured by distance (m);
    right: histogram of the distances in mm, median marked."""
    fig = fig or plt.figure(figsize=(FIGURE_WIDTH, 3.4), layout="constrained")
    ax_side, ax_hist = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    mm, d_mm = np.asarray(positions) * 1e3, np.asarray(distances) * 1e3
    dots = ax_side.scatter(mm[:, 1], mm[:, 2], c=d_mm, cmap="viridis", s=18)
    ax_side.set_aspect("equal")
    ax_side.set_xlabel("y, posterior → anterior (mm)")
    ax_side.set_ylabel("z, inferior → superior (mm)")
    ax_side.set_title("digitised points, side view")
    fig.colorbar(dots, ax=ax_side, label="distance to scalp (mm)")
    ax_hist.hist(d_mm, bins=np.arange(0, d_mm.max() + 2, 1.0), color="0.55")
    ax_hist.axvline(np.median(d_mm), color="k", ls="--",
                    label=f"median {np.median(d_mm):.1f} mm")
    ax_hist.set_xlabel("distance to template scalp (mm)")
    ax_hist.set_ylabel("number of points")
    legend_outside(ax_hist, where="below")
    readable([ax_side, ax_hist])
    return fig


def plot_channel_noise(types, ratios, names, bads, *, ax=None):
    """Noise s.d. over the median of its kind, per channel (log scale), bads labelled."""
    ax = new_axes(ax, (FIGURE_WIDTH, 3.0))
    types, ratios = np.asarray(types), np.asarray(ratios)
    index = np.arange(len(ratios))
    for kind, colour in _KIND_COLOURS.items():
        mask = types == kind
        ax.scatter(index[mask], ratios[mask], s=8, color=colour, label=kind)
    for name in bads:
        if name in names:
            k = names.index(name)
            ax.scatter(index[k], ratios[k], s=80, facecolors="none", edgecolors="red", lw=1.5)
            ax.annotate(f"{name} (bad)", (index[k], ratios[k]), xytext=(6, 4),
                        textcoords="offset points", color="red")
    ax.axhline(1.0, color="0.5", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("channel index (in the covariance)")
    ax.set_ylabel("noise s.d. / median of its kind")
    legend_outside(ax)
    return readable(ax)


def plot_whitened_gfp(times, curves, *, ax=None):
    """Whitened GFP (dimensionless) over time in ms, dict label -> (n_times,); noise level 1."""
    ax = new_axes(ax, (FIGURE_WIDTH * 0.8, 3.2))
    t_ms = np.asarray(times) * 1e3
    for label, gfp in curves.items():
        ax.plot(t_ms, gfp, lw=1.5, label=label)
    ax.axhline(1.0, color="k", ls="--", lw=1.0, label="noise level (1)")
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("whitened GFP (1 = noise)")
    legend_outside(ax)
    return readable(ax)
