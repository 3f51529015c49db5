"""Figures of the course: source maps on the cortex, spectra, time courses.

Every function draws into a given matplotlib axes or figure (``ax=None`` / ``fig=None`` makes a
new one) and returns it; nothing here computes an estimate.
Source maps are drawn with nilearn's matplotlib surface plots on the subject's inflated surface,
values painted from the source-space vertices onto every surface vertex (nearest neighbour on the
sphere, as MNE's ``stc.plot`` does with ``smoothing_steps`` small).
"""

from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import mne
import numpy as np
from scipy.spatial import cKDTree

__all__ = ["plot_source_map", "source_values_on_surface", "plot_spectrum",
           "plot_time_courses", "plot_sensor_layout", "plot_field", "HEMIS"]

HEMIS = ("lh", "rh")


@lru_cache(maxsize=8)
def _surface(subjects_dir, subject, hemi, kind):
    rr, tris = mne.read_surface(Path(subjects_dir) / subject / "surf" / f"{hemi}.{kind}")
    return rr, tris


@lru_cache(maxsize=8)
def _curvature(subjects_dir, subject, hemi):
    import nibabel as nib

    return nib.freesurfer.read_morph_data(Path(subjects_dir) / subject / "surf" / f"{hemi}.curv")


def source_values_on_surface(values, vertno, subjects_dir, subject, hemi):
    """Paint values given at source-space vertices ``vertno`` onto every surface vertex."""
    sphere, _ = _surface(str(subjects_dir), subject, hemi, "sphere")
    _, nearest = cKDTree(sphere[vertno]).query(sphere)
    return np.asarray(values)[nearest]


def _split_hemis(values, vertices):
    n_lh = len(vertices[0])
    return {"lh": values[:n_lh], "rh": values[n_lh:]}


def plot_source_map(values, vertices, subjects_dir, subject, *, views=("lateral",),
                    hemis=HEMIS, surface="inflated", vmax=None, threshold=None,
                    cmap="hot", symmetric=False, title=None, label="", fig=None):
    """Draw one value per source location on the inflated cortex, one panel per hemi x view.

    Parameters
    ----------
    values : array, (n_sources,)
        Left-hemisphere sources first, as in MNE's source estimates.
    vertices : list of two int arrays
        Source-space vertex numbers per hemisphere (``stc.vertices`` or from ``fwd['src']``).
    subjects_dir, subject : str | Path
        Where the FreeSurfer surfaces are (``data.subjects_dir``, ``data.subject``).
    views : tuple of {"lateral", "medial", "dorsal", "ventral", "anterior", "posterior"}
    vmax, threshold : float, optional
        Colour scale maximum (default: max |values|) and values below which nothing is painted.
    symmetric : bool
        Signed data with a diverging colour map centred on 0.
    label : str
        Colour-bar label, with units.
    """
    from nilearn import plotting

    values = np.asarray(values, dtype=float)
    n_expected = sum(len(v) for v in vertices)
    if values.shape != (n_expected,):
        raise ValueError(f"values has shape {values.shape} but the source space has "
                         f"{n_expected} locations ({len(vertices[0])} + {len(vertices[1])})")
    vmax = float(np.max(np.abs(values))) if vmax is None else float(vmax)
    per_hemi = _split_hemis(values, vertices)
    if fig is None:
        fig = plt.figure(figsize=(3.2 * len(hemis) * len(views), 3.0))
    n_panels = len(hemis) * len(views)
    k = 0
    for view in views:
        for hemi in hemis:
            k += 1
            ax = fig.add_subplot(1, n_panels, k, projection="3d")
            h = HEMIS.index(hemi)
            surf = _surface(str(subjects_dir), subject, hemi, surface)
            painted = source_values_on_surface(per_hemi[hemi], vertices[h], subjects_dir,
                                               subject, hemi)
            plotting.plot_surf_stat_map(
                surf, painted, hemi="left" if hemi == "lh" else "right", view=view,
                bg_map=_curvature(str(subjects_dir), subject, hemi), axes=ax, figure=fig,
                cmap=cmap if not symmetric else "RdBu_r", vmax=vmax,
                threshold=threshold, colorbar=False, symmetric_cbar=symmetric,
                engine="matplotlib")
            ax.set_title(f"{hemi} {view}", fontsize=9)
    norm = plt.Normalize(-vmax if symmetric else 0.0, vmax)
    mappable = plt.cm.ScalarMappable(norm=norm, cmap="RdBu_r" if symmetric else cmap)
    fig.colorbar(mappable, ax=fig.axes, shrink=0.6, label=label)
    if title:
        fig.suptitle(title)
    return fig


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


def _sensor_positions(info):
    """Head-coordinate positions (m) of MEG coils and EEG electrodes."""
    meg = mne.pick_types(info, meg=True, exclude=[])
    eeg = mne.pick_types(info, meg=False, eeg=True, exclude=[])
    meg_dev = np.array([info["chs"][k]["loc"][:3] for k in meg])
    meg_head = mne.transforms.apply_trans(info["dev_head_t"], meg_dev) if len(meg) else meg_dev
    eeg_head = np.array([info["chs"][k]["loc"][:3] for k in eeg]).reshape(-1, 3)
    return meg_head, eeg_head


def plot_sensor_layout(info, source_rr=None, *, ax=None, elev=15, azim=-60):
    """MEG sensors, EEG electrodes and (optionally) source locations in head coordinates (cm)."""
    if ax is None:
        fig = plt.figure(figsize=(5.5, 5))
        ax = fig.add_subplot(projection="3d")
    meg, eeg = _sensor_positions(info)
    if source_rr is not None:
        rr = np.asarray(source_rr) * 100
        ax.scatter(*rr.T, s=1, c="0.6", alpha=0.5, label=f"{len(rr)} source locations")
    if len(meg):
        ax.scatter(*(meg * 100).T, s=14, marker="s", c="tab:blue",
                   label=f"{len(meg)} MEG channels ({len(np.unique(meg, axis=0))} locations)")
    if len(eeg):
        ax.scatter(*(eeg * 100).T, s=14, c="tab:red", label=f"{len(eeg)} EEG electrodes")
    ax.set_xlabel("x (cm, right)")
    ax.set_ylabel("y (cm, front)")
    ax.set_zlabel("z (cm, up)")
    ax.view_init(elev=elev, azim=azim)
    ax.set_box_aspect((1, 1, 1))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def plot_field(values, info, ch_type, *, ax=None, title="", units="fT", scale=1e15,
               cmap="RdBu_r", vlim=None):
    """A topographic map of one value per channel of ``ch_type`` ('mag', 'grad' or 'eeg').

    ``values`` has one entry per channel of that type in ``info`` (bad channels included);
    gradiometer pairs are combined by MNE into their vector length. The colour bar is in ``units``
    (values are multiplied by ``scale``); ``vlim`` fixes the colour range (in those units), e.g.
    to draw two maps on the same scale.
    """
    picks = mne.pick_types(info, meg=ch_type if ch_type != "eeg" else False,
                           eeg=ch_type == "eeg", exclude=[])
    values = np.asarray(values, dtype=float)
    if values.shape != (len(picks),):
        raise ValueError(f"values has shape {values.shape} but info has {len(picks)} "
                         f"{ch_type} channels")
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    sub = mne.pick_info(info, picks)
    with sub._unlock():
        sub["bads"] = []
    im, _ = mne.viz.plot_topomap(values * scale, sub, axes=ax, show=False, cmap=cmap,
                                 ch_type=ch_type, vlim=vlim if vlim else (None, None))
    plt.colorbar(im, ax=ax, shrink=0.7, label=units)
    ax.set_title(title, fontsize=9)
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


# ---- resolution and noise normalisation (chapters 08-09) ----------------------------------

def plot_point_spreads(maps, vertices, subjects_dir, subject, *, hemi="rh", view="lateral",
                       marker=None, fig=None, label="|PSF| / max"):
    """One cortex panel per method: point-spread (or any) maps side by side, each scaled to 1.

    Parameters
    ----------
    maps : dict
        method name -> (n_sources,) values (left hemisphere first); each panel is divided by
        its own maximum of |values|.
    marker : int, optional
        Source index (into ``maps``' values) drawn as a cyan dot: the true source.
    """
    from nilearn import plotting

    if fig is None:
        fig = plt.figure(figsize=(2.6 * len(maps), 2.8))
    h = HEMIS.index(hemi)
    n_lh = len(vertices[0])
    surf = _surface(str(subjects_dir), subject, hemi, "inflated")
    for k, (name, values) in enumerate(maps.items()):
        values = np.abs(np.asarray(values, dtype=float))
        values = values / values.max()
        own = values[:n_lh] if h == 0 else values[n_lh:]
        painted = source_values_on_surface(own, vertices[h], subjects_dir, subject, hemi)
        ax = fig.add_subplot(1, len(maps), k + 1, projection="3d")
        plotting.plot_surf_stat_map(
            surf, painted, hemi="left" if h == 0 else "right", view=view,
            bg_map=_curvature(str(subjects_dir), subject, hemi), axes=ax, figure=fig,
            cmap="hot", vmax=1.0, threshold=0.05, colorbar=False, engine="matplotlib")
        if marker is not None and (marker >= n_lh) == (h == 1):
            vertex = vertices[h][marker - n_lh * h]
            x, y, z = surf[0][vertex]
            ax.scatter([x], [y], [z], s=40, c="cyan", edgecolors="k", depthshade=False)
        ax.set_title(name, fontsize=9)
    mappable = plt.cm.ScalarMappable(norm=plt.Normalize(0.0, 1.0), cmap="hot")
    fig.colorbar(mappable, ax=fig.axes, shrink=0.6, label=label)
    return fig


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


__all__ += ["plot_point_spreads", "plot_metric_distributions"]


def plot_gap_history(gaps, *, every=1, ax=None, tol=None):
    """Duality gap against iteration for several solvers: ``gaps`` maps a name to the gaps
    recorded every ``every`` iterations (a SparseSolution's ``gaps``)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    for name, values in gaps.items():
        values = np.asarray(values, dtype=float)
        ax.semilogy(every * np.arange(1, len(values) + 1), np.maximum(values, 1e-300), ".-",
                    ms=3, label=name)
    if tol is not None:
        ax.axhline(tol, color="0.5", ls=":", label="tol")
    ax.set_xlabel("iteration (passes / gradient steps)")
    ax.set_ylabel("duality gap (whitened units²)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(frameon=False)
    return ax


def plot_penalty_majorant(t_k, *, ax=None):
    """t -> t^(1/2) and its tangent at t_k, the majorant that irMxNE minimises (MM)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    t = np.linspace(0, 3 * t_k, 300)
    ax.plot(t, np.sqrt(t), label="penalty $\\|j_k\\|^{1/2}$")
    ax.plot(t, np.sqrt(t_k) + (t - t_k) / (2 * np.sqrt(t_k)), "--",
            label="majorant (tangent at $t_k$)")
    ax.plot(t, t, ":", label="L1 ($\\|j_k\\|$)")
    ax.plot([t_k], [np.sqrt(t_k)], "ko")
    ax.set_xlabel("$\\|j_k\\|_F$ (whitened units)")
    ax.set_ylabel("penalty")
    ax.legend(frameon=False)
    return ax


def plot_tf_map(Z, frame, sfreq, *, tmin=0.0, ax=None):
    """|Z| of one source's STFT coefficients as an image (time in ms, frequency in Hz)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    image = np.abs(np.asarray(Z)).reshape(frame.n_freq, frame.n_step)
    freqs = np.arange(frame.n_freq) * sfreq / frame.wsize
    times = (tmin + np.arange(frame.n_step) * frame.tstep / sfreq) * 1e3
    mesh = ax.pcolormesh(times, freqs, image, shading="nearest", cmap="viridis")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("frequency (Hz)")
    ax.figure.colorbar(mesh, ax=ax, label="|Z| (whitened units)")
    return ax
