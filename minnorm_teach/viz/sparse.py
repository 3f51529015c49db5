"""Figures of the sparse solvers (chapters 10-12): duality gaps, the irMxNE majorant, TF maps.

Every function draws into ``ax`` (a new axes when None) and returns it; several solvers on one
axes get distinguishable styles and a legend beside the axes (as in :mod:`.curves`).
"""

import numpy as np

from .curves import curve_style
from .style import legend_outside, new_axes, readable

__all__ = ["plot_gap_history", "plot_penalty_majorant", "plot_tf_map"]


def plot_gap_history(gaps, *, every=1, ax=None, tol=None):
    """Duality gap against iteration for several solvers: ``gaps`` maps a name to the gaps
    recorded every ``every`` iterations (a SparseSolution's ``gaps``)."""
    ax = new_axes(ax, (6.0, 3.4))
    for name, values in gaps.items():
        values = np.asarray(values, dtype=float)
        ax.semilogy(every * np.arange(1, len(values) + 1), np.maximum(values, 1e-300),
                    label=name, **curve_style(ax, len(values)))
    if tol is not None:
        ax.axhline(tol, color="0.3", ls=":", lw=1.2, label="tolerance")
    ax.set_xlabel("iteration (passes / gradient steps)")
    ax.set_ylabel("duality gap (whitened units²)")
    ax.grid(True, which="both", alpha=0.3)
    legend_outside(ax)
    return readable(ax)


def plot_penalty_majorant(t_k, *, ax=None):
    """t -> t^(1/2) and its tangent at t_k, the majorant that irMxNE minimises (MM)."""
    ax = new_axes(ax, (6.0, 3.4))
    t = np.linspace(0, 3 * t_k, 300)
    ax.plot(t, np.sqrt(t), label="penalty $\\|j_k\\|^{1/2}$")
    ax.plot(t, np.sqrt(t_k) + (t - t_k) / (2 * np.sqrt(t_k)), "--",
            label="majorant (tangent at $t_k$)")
    ax.plot(t, t, ":", label="L1 ($\\|j_k\\|$)")
    ax.plot([t_k], [np.sqrt(t_k)], "ko")
    ax.set_xlabel("$\\|j_k\\|_F$ (whitened units)")
    ax.set_ylabel("penalty (whitened units)")
    legend_outside(ax)
    return readable(ax)


def plot_tf_map(Z, frame, sfreq, *, tmin=0.0, ax=None, label="|Z| (whitened units)"):
    """|Z| of one source's STFT coefficients as an image (time in ms, frequency in Hz);
    ``label`` names the colour bar's quantity and units."""
    ax = new_axes(ax, (6.0, 3.4))
    image = np.abs(np.asarray(Z)).reshape(frame.n_freq, frame.n_step)
    freqs = np.arange(frame.n_freq) * sfreq / frame.wsize
    times = (tmin + np.arange(frame.n_step) * frame.tstep / sfreq) * 1e3
    mesh = ax.pcolormesh(times, freqs, image, shading="nearest", cmap="viridis")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("frequency (Hz)")
    ax.figure.colorbar(mesh, ax=ax, label=label)
    return readable(ax)
