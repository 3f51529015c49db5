"""Line plots: spectra, filter factors, L-curves, Picard plots, time courses, metric boxes.

Chapters 02-09; every function draws into ``ax`` (a new axes when None) and returns it.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_spectrum", "plot_filter_factors", "plot_l_curve", "plot_picard",
           "plot_time_courses", "plot_metric_distributions"]


def plot_spectrum(s, *, ax=None, label="singular values", normalise=True):
    """Singular values (or eigenvalues) on a log axis, normalised by the largest if asked."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    s = np.asarray(s, dtype=float)
    y = s / s.max() if normalise else s
    ax.semilogy(np.arange(1, len(s) + 1), y, ".-", ms=3, label=label)
    ax.set_xlabel("index i")
    ax.set_ylabel("s_i / s_1" if normalise else "value")
    ax.grid(True, which="both", alpha=0.3)
    return ax


def plot_time_courses(times, estimated, true=None, *, ax=None, units="nAm", scale=1e9,
                      labels=("estimate", "ground truth")):
    """An estimated source time course against the true one (both in A·m, drawn in nAm)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(np.asarray(times) * 1e3, np.asarray(estimated) * scale, label=labels[0])
    if true is not None:
        ax.plot(np.asarray(times) * 1e3, np.asarray(true) * scale, "k--", label=labels[1])
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"amplitude ({units})")
    ax.axvline(0, color="0.7", lw=0.8)
    ax.legend(frameon=False)
    return ax



def plot_l_curve(residual_norm, solution_norm, *, eps=None, marks=None, ax=None,
                 residual_units="", solution_units=""):
    """The L-curve: solution norm ||j_eps|| against residual norm ||b - L j_eps||, log-log.

    ``marks`` maps a label to an index into the curve (e.g. the eps chosen by each rule).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.5))
    rho, eta = np.asarray(residual_norm, float), np.asarray(solution_norm, float)
    ax.loglog(rho, eta, "-", color="0.3", lw=1.2)
    for (label, k), marker in zip((marks or {}).items(), "osD^v<>ph", strict=False):
        text = label if eps is None else f"{label} (eps={np.asarray(eps)[k]:.2g})"
        ax.loglog(rho[k], eta[k], marker, ms=7, label=text)
    ax.set_xlabel(f"residual norm ||b - L j||{f' ({residual_units})' if residual_units else ''}")
    ax.set_ylabel(f"solution norm ||j||{f' ({solution_units})' if solution_units else ''}")
    ax.grid(True, which="both", alpha=0.3)
    if marks:
        ax.legend(frameon=False, fontsize=8)
    return ax


def plot_filter_factors(s, factors, labels, *, ax=None):
    """Filter factors f_i (one curve per row of ``factors``) against the singular value index."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    index = np.arange(1, len(s) + 1)
    for f, label in zip(np.atleast_2d(factors), labels, strict=True):
        ax.plot(index, f, ".-", ms=3, label=label)
    ax.set_xlabel("singular value index i")
    ax.set_ylabel("filter factor f_i (1 = kept, 0 = removed)")
    ax.set_ylim(-0.05, 1.05)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_picard(s, coefficients, *, ax=None):
    """Picard plot: s_i / s_1 and |u_i^T b| / max |u^T b| for one or more data vectors, log scale.

    ``coefficients`` maps a label to U^T b (same length as ``s``); all coefficients share one
    normalisation (the largest of them). Where |u_i^T b| stops decaying with s_i (noise), the
    unregularised solution divides noise by ever smaller s_i.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    s = np.asarray(s, dtype=float)
    index = np.arange(1, len(s) + 1)
    top = max(np.max(np.abs(beta)) for beta in coefficients.values())
    ax.semilogy(index, s / s[0], "k.-", ms=3, label="singular value s_i / s_1")
    for label, beta in coefficients.items():
        ax.semilogy(index, np.abs(beta) / top, "o", ms=3, label=f"|u_i^T b|: {label}")
    ax.set_xlabel("singular value index i")
    ax.set_ylabel("relative size (1 = largest)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    return ax



def plot_metric_distributions(metrics, *, names=("peak_err", "sd_ext"), ax=None):
    """Box plots (mm) of resolution metrics over all sources, one box per method and metric.

    ``metrics``: method name -> object with ``peak_err``, ``cog_err``, ``sd_ext`` arrays in m
    (``minnorm_teach.resolution.ResolutionMetrics``).
    """
    titles = {"peak_err": "peak localisation error", "cog_err": "centre-of-gravity error",
              "sd_ext": "spatial deviation"}
    if ax is None:
        _, ax = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.4), squeeze=False)
        ax = ax[0]
    for a, name in zip(np.atleast_1d(ax), names, strict=True):
        values = [1e3 * getattr(m, name) for m in metrics.values()]
        a.boxplot(values, showfliers=False)
        a.set_xticks(range(1, len(metrics) + 1), list(metrics), fontsize=8)
        a.set_ylabel(f"{titles[name]} (mm)")
        a.set_title(f"{titles[name]}, {next(iter(metrics.values())).function.upper()}s",
                    fontsize=9)
        a.grid(True, axis="y", alpha=0.3)
    return ax
