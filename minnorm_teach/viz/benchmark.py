"""Figures of the method benchmark (chapter 14): one dot per simulated case, the median as a bar.

The results are :class:`minnorm_teach.benchmark.BenchmarkResults`-like: ``methods``,
``scenarios`` (names), ``values`` (metric -> (n_scenarios, n_draws, n_methods)) and ``depth``
(n_scenarios, n_draws, 2) in m; ``label`` is the metric's quantity and units.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import FIGURE_WIDTH, FONT_SIZE, legend_outside, readable

__all__ = ["plot_benchmark", "plot_against_depth", "plot_against_snr"]


def plot_benchmark(results, metric, scenarios, *, label, fig=None):
    """One panel per scenario: every case of every method (dots) and the median (bar)."""
    if fig is None:
        fig = plt.figure(figsize=(FIGURE_WIDTH, 3.4), layout="constrained")
    axes = fig.subplots(1, len(scenarios), sharey=True, squeeze=False)[0]
    rng = np.random.default_rng(0)                       # jitter only, fixed
    x = np.arange(len(results.methods))
    for ax, name in zip(axes, scenarios, strict=True):
        values = results.values[metric][results.scenarios.index(name)]   # (n_draws, n_m)
        jitter = rng.uniform(-0.18, 0.18, values.shape)
        ax.plot(x + jitter, values, "o", color="0.45", markersize=3, alpha=0.7)
        ax.hlines(np.nanmedian(values, axis=0), x - 0.32, x + 0.32, color="C3", lw=2.5)
        ax.set_xticks(x, results.methods, rotation=60, ha="right")
        ax.set_title(name, fontsize=FONT_SIZE)
        ax.grid(True, axis="y", alpha=0.3)
    axes[0].set_ylabel(label)
    axes[-1].plot([], [], "o", color="0.45", markersize=3, label="one case")
    axes[-1].plot([], [], "-", color="C3", lw=2.5, label="median")
    legend_outside(axes[-1])
    readable(axes)
    return fig


def plot_against_depth(results, metric, scenario, methods, *, label, ax=None):
    """``metric`` of each case against the patch's depth (mm), one marker per method."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
    s = results.scenarios.index(scenario)
    depth = 1e3 * results.depth[s, :, 0]
    for k, method in enumerate(methods):
        values = results.values[metric][s, :, results.methods.index(method)]
        ax.plot(depth, values, "osD^v"[k % 5], label=method, markersize=5,
                fillstyle="none" if k % 2 else "full")
    ax.set_xlabel("depth of the patch below the inner sphere of the head model (mm)")
    ax.set_ylabel(label)
    ax.set_title(scenario, fontsize=FONT_SIZE)
    ax.grid(True, alpha=0.3)
    legend_outside(ax)
    return readable(ax)


def plot_against_snr(results, metric, scenarios, snrs, methods, *, label, ax=None):
    """Median ``metric`` against the evoked SNR (log axis), one line per method."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
    rows = [results.scenarios.index(name) for name in scenarios]
    styles = ("-", "--", ":", "-.")
    for k, method in enumerate(methods):
        medians = np.nanmedian(results.values[metric][rows, :, results.methods.index(method)],
                               axis=1)
        ax.plot(snrs, medians, styles[k % 4], marker="osD^v"[k % 5], label=method)
    ax.set_xscale("log")
    ax.set_xticks(snrs, [f"{s:g}" for s in snrs])
    ax.set_xlabel("SNR of the evoked response (whitened amplitude)")
    ax.set_ylabel(f"median {label}")
    ax.grid(True, alpha=0.3)
    legend_outside(ax)
    return readable(ax)
