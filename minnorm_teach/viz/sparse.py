"""Figures of the sparse solvers (chapters 10-12): duality gaps, the irMxNE majorant, TF maps,
time courses against the truth, SURE along the alpha path.

Every function draws into ``ax`` (a new axes when None) and returns it; several solvers on one
axes get distinguishable styles and a legend beside the axes (as in :mod:`.curves`).
"""

import numpy as np

from .curves import curve_style
from .style import legend_outside, new_axes, readable

__all__ = ["plot_gap_history", "plot_penalty_majorant", "plot_tf_map",
           "plot_sparse_time_courses", "plot_sure_path", "dilate_sparse_map"]


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


def plot_sparse_time_courses(times, courses, *, truth=None, ax=None, xlim=None):
    """Amplitude time courses |j_k(t)| (A·m, drawn in nAm) of sparse estimates, with the true
    ones dashed.

    ``courses`` maps a label (method and hemisphere, e.g. "MxNE, left hemisphere") to an
    amplitude (n_times,) on ``times`` (s); ``truth`` maps a label to ``(times, amplitude)``,
    e.g. the norm of a patch's vector moment (``SourcePatch.dipole_moment``).
    """
    ax = new_axes(ax, (6.5, 3.4))
    t_ms = np.asarray(times) * 1e3
    for label, amplitude in courses.items():
        ax.plot(t_ms, np.asarray(amplitude) * 1e9, label=label, **curve_style(ax, len(t_ms)))
    for k, (label, (t_true, amplitude)) in enumerate((truth or {}).items()):
        ax.plot(np.asarray(t_true) * 1e3, np.asarray(amplitude) * 1e9, color="black",
                ls=("--", (0, (1, 1.5)), "-.")[k % 3], lw=1.3, label=label)
    ax.set_xlim(*(xlim if xlim is not None else (t_ms[0], t_ms[-1])))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("amplitude (nAm)")
    ax.grid(True, alpha=0.3)
    legend_outside(ax)
    return readable(ax)


def plot_sure_path(alphas, curves, *, ax=None, ylabel="SURE (whitened units²)", log_y=False):
    """Curves over the grid of alpha (percent of alpha_max, decreasing to the right, as a
    solver path), each with its minimum circled: ``curves`` maps a label to values; the
    legend goes below the axes. ``log_y`` for positive values spanning decades."""
    ax = new_axes(ax, (6.5, 3.4))
    alphas = np.asarray(alphas, dtype=float)
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        style = curve_style(ax, len(values))
        ax.plot(alphas, values, label=label, **style)
        best = int(np.argmin(values))
        ax.plot(alphas[best], values[best], "o", ms=9, mfc="none", mec=style["color"], mew=2)
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("alpha (% of alpha_max)")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    legend_outside(ax, where="below", ncol=1)
    return readable(ax)


def dilate_sparse_map(values, src, n_rings=1):
    """A sparse map made visible: each location takes the largest value among itself and its
    neighbours up to ``n_rings`` edges away on the source-space mesh (``src[h]["use_tris"]``).

    For drawing only (a single active location is a few pixels on the cortex); say so in the
    colour-bar label. ``values`` (n_sources,), non-negative (amplitudes), left hemisphere
    first; a hemisphere without ``use_tris`` is returned as it is.
    """
    values = np.asarray(values, dtype=float)
    out, offset = values.copy(), 0
    for hemi in src:
        n = len(hemi["vertno"])
        own = values[offset:offset + n]
        if hemi.get("use_tris") is not None and own.any():
            tris = np.searchsorted(hemi["vertno"], hemi["use_tris"])
            grown = own.copy()
            for _ in range(n_rings):
                per_triangle = grown[tris].max(axis=1)
                step = grown.copy()
                for corner in range(3):
                    np.maximum.at(step, tris[:, corner], per_triangle)
                grown = step
            out[offset:offset + n] = grown
        offset += n
    return out
