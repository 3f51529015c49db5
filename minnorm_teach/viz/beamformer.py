"""Figures of chapter 15: time courses against the truth, the cost along one variance.

- :func:`plot_estimates` several estimated time courses of one source and its true moment;
- :func:`plot_variance_cost` γ-MAP's cost along one variance, f(gamma), for a few sources,
  with each minimiser marked.
"""

import numpy as np

from .curves import curve_style
from .style import legend_outside, new_axes, readable

__all__ = ["plot_estimates", "plot_variance_cost"]


def plot_estimates(times, estimates, true=None, *, ax=None, units="nAm", scale=1e9, title=""):
    """Estimated time courses (dict label -> (n_times,) in A·m) and the true one (dashed)."""
    ax = new_axes(ax, (6.0, 3.4))
    t_ms = np.asarray(times) * 1e3
    if true is not None:
        ax.plot(t_ms, np.asarray(true) * scale, color="k", ls="--", lw=1.5, label="truth",
                zorder=5)
    for label, course in estimates.items():
        ax.plot(t_ms, np.asarray(course) * scale, label=label, **curve_style(ax, len(t_ms)))
    ax.axvline(0, color="0.7", lw=0.8)
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"moment ({units})")
    if title:
        ax.set_title(title)
    legend_outside(ax, where="below")
    return readable(ax)


def plot_variance_cost(gamma, curves, minima=None, *, ax=None, units=""):
    """f(gamma) for a few sources (dict label -> values on ``gamma``); dots at their minima.

    ``minima`` (dict label -> gamma*) marks each curve's minimiser (0 for a source switched
    off). The cost is drawn relative to gamma = 0, where every curve starts at 0.
    """
    ax = new_axes(ax, (6.0, 3.4))
    for label, values in curves.items():
        style = curve_style(ax, len(gamma))
        ax.plot(gamma, values, label=label, **style)
        if minima is not None and label in minima:
            best = minima[label]
            ax.plot([best], [np.interp(best, gamma, values)], "o", color=style["color"],
                    ms=8, mec="k", zorder=6)
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel(f"variance gamma_k{f' ({units})' if units else ''}")
    ax.set_ylabel("cost change f(gamma_k)")
    legend_outside(ax, where="right")
    return readable(ax)
