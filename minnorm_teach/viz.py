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
           "plot_time_courses", "HEMIS"]

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
                    cmap="hot", symmetric=False, title=None, label="", fig=None,
                    markers=None):
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
    markers : dict, optional
        hemi -> (n, 3) array of surface-vertex indices to mark (e.g. the true sources).
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
