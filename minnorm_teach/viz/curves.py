"""Line plots: spectra, filter factors, L-curves, Picard plots, time courses, metric boxes.

Chapters 02-09; every function draws into ``ax`` (a new axes when None, at most 7.5 in wide)
and returns it. Several curves on one axes get distinguishable styles (colour, line style and
sparse markers: the k-th curve drawn on the axes takes the k-th style), so a curve lying on
another stays visible; the legend sits beside the axes (:func:`.style.legend_outside`), and is
rebuilt by each call. What a chapter calls::

    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for name, s in spectra.items():
        mt.viz.plot_spectrum(s, ax=ax, label=name)     # five spectra, five styles, one legend
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import FONT_SIZE, legend_outside, new_axes, readable

__all__ = ["plot_spectrum", "plot_filter_factors", "plot_l_curve", "plot_picard",
           "plot_time_courses", "plot_metric_distributions", "curve_style"]

#: (line style, marker, line width, opacity) of the k-th curve of an axes: the first a wide,
#: translucent band, the next ones thinner with markers, so a curve lying on an earlier one
#: leaves it visible around it
STYLES = (("-", "", 6.0, 0.4), ("--", "s", 1.8, 1.0), (":", "^", 2.4, 1.0),
          ("-.", "D", 1.5, 1.0), ((0, (5, 1, 1, 1)), "v", 1.3, 1.0), ((0, (1, 2)), "x", 1.2, 1.0))


def curve_style(ax, n_points):
    """Keyword arguments of the next curve drawn on ``ax``: colour, line style, width,
    opacity and a marker every ~n/12 points (shifted per curve, so the markers of coinciding
    curves alternate)."""
    k = len(ax.get_lines())
    linestyle, marker, width, alpha = STYLES[k % len(STYLES)]
    every = max(n_points // 12, 1)
    return {"color": f"C{k % 10}", "ls": linestyle, "lw": width, "alpha": alpha,
            "marker": marker, "ms": 5, "markevery": (k * every // len(STYLES) % every, every)}


def plot_spectrum(s, *, ax=None, label="singular values", normalise=True, legend=True):
    """Singular values (or eigenvalues) on a log axis, normalised by the largest if asked."""
    ax = new_axes(ax, (6.5, 3.6))
    s = np.asarray(s, dtype=float)
    y = s / s.max() if normalise else s
    ax.semilogy(np.arange(1, len(s) + 1), y, label=label, **curve_style(ax, len(s)))
    ax.set_xlabel("index i")
    ax.set_ylabel("s_i / s_1" if normalise else "value")
    ax.grid(True, which="both", alpha=0.3)
    if legend:
        legend_outside(ax)
    return readable(ax)


def plot_time_courses(times, estimated, true=None, *, ax=None, units="nAm", scale=1e9,
                      labels=("estimate", "ground truth")):
    """An estimated source time course against the true one (both in A·m, drawn in nAm)."""
    ax = new_axes(ax, (6.0, 3.4))
    ax.plot(np.asarray(times) * 1e3, np.asarray(estimated) * scale, lw=2, label=labels[0])
    if true is not None:
        ax.plot(np.asarray(times) * 1e3, np.asarray(true) * scale, "k--", label=labels[1])
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"amplitude ({units})")
    ax.axvline(0, color="0.7", lw=0.8)
    legend_outside(ax, where="below")
    return readable(ax)



def plot_l_curve(residual_norm, solution_norm, *, eps=None, marks=None, ax=None,
                 residual_units="", solution_units=""):
    """The L-curve: solution norm ||j_eps|| against residual norm ||b - L j_eps||, log-log.

    ``marks`` maps a label to an index into the curve (e.g. the eps chosen by each rule).
    """
    ax = new_axes(ax, (5.0, 3.8))
    rho, eta = np.asarray(residual_norm, float), np.asarray(solution_norm, float)
    ax.loglog(rho, eta, "-", color="0.3", lw=1.2)
    for (label, k), marker in zip((marks or {}).items(), "osD^v<>ph", strict=False):
        text = label if eps is None else f"{label} (eps={np.asarray(eps)[k]:.2g})"
        ax.loglog(rho[k], eta[k], marker, ms=7, label=text)
    ax.set_xlabel(f"residual norm ||b - L j||{f' ({residual_units})' if residual_units else ''}")
    ax.set_ylabel(f"solution norm ||j||{f' ({solution_units})' if solution_units else ''}")
    ax.grid(True, which="both", alpha=0.3)
    if marks:
        legend_outside(ax)
    return readable(ax)


def plot_filter_factors(s, factors, labels, *, ax=None):
    """Filter factors f_i (one curve per row of ``factors``) against the singular value index."""
    ax = new_axes(ax, (6.0, 3.4))
    index = np.arange(1, len(s) + 1)
    for f, label in zip(np.atleast_2d(factors), labels, strict=True):
        ax.plot(index, f, label=label, **curve_style(ax, len(index)))
    ax.set_xlabel("singular value index i")
    ax.set_ylabel("filter factor f_i\n(1 = kept, 0 = removed)")
    ax.set_ylim(-0.05, 1.05)
    ax.grid(True, alpha=0.3)
    legend_outside(ax, where="below")
    return readable(ax)


def plot_picard(s, coefficients, *, ax=None):
    """Picard plot: s_i / s_1 and |u_i^T b| / max |u^T b| for one or more data vectors, log scale.

    ``coefficients`` maps a label to U^T b (same length as ``s``); all coefficients share one
    normalisation (the largest of them). Where |u_i^T b| stops decaying with s_i (noise), the
    unregularised solution divides noise by ever smaller s_i.
    """
    ax = new_axes(ax, (6.0, 3.4))
    s = np.asarray(s, dtype=float)
    index = np.arange(1, len(s) + 1)
    top = max(np.max(np.abs(beta)) for beta in coefficients.values())
    ax.semilogy(index, s / s[0], "k-", lw=2, label="singular value s_i / s_1")
    for (label, beta), marker in zip(coefficients.items(), "osD^v", strict=False):
        ax.semilogy(index, np.abs(beta) / top, marker, ms=4, mfc="none",
                    label=f"|u_i^T b|: {label}")
    ax.set_xlabel("singular value index i")
    ax.set_ylabel("relative size (1 = largest)")
    ax.grid(True, which="both", alpha=0.3)
    legend_outside(ax)
    return readable(ax)



def plot_metric_distributions(metrics, *, names=("peak_err", "sd_ext"), ax=None):
    """Box plots (mm) of resolution metrics over all sources, one box per method and metric.

    ``metrics``: method name -> object with ``peak_err``, ``cog_err``, ``sd_ext`` arrays in m
    (``minnorm_teach.resolution.ResolutionMetrics``).
    """
    titles = {"peak_err": "peak localisation error", "cog_err": "centre-of-gravity error",
              "sd_ext": "spatial deviation"}
    if ax is None:
        _, ax = plt.subplots(1, len(names), figsize=(min(3.7 * len(names), 7.5), 3.6),
                             squeeze=False, layout="constrained")
        ax = ax[0]
    for a, name in zip(np.atleast_1d(ax), names, strict=True):
        values = [1e3 * getattr(m, name) for m in metrics.values()]
        a.boxplot(values, showfliers=False, widths=0.6)
        a.set_xticks(range(1, len(metrics) + 1), list(metrics), fontsize=FONT_SIZE,
                     rotation=30 if len(metrics) > 3 else 0)
        a.set_ylabel(f"{titles[name]} (mm)")
        a.set_title(f"{titles[name]}\n{next(iter(metrics.values())).function.upper()}s",
                    fontsize=FONT_SIZE + 1)
        a.grid(True, axis="y", alpha=0.3)
    return readable(ax, size=FONT_SIZE)
