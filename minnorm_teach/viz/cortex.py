"""Source maps on the inflated cortex (chapters 00-12).

Values are painted from the source-space vertices onto every surface vertex (nearest
neighbour on the sphere, as MNE's ``stc.plot`` does with ``smoothing_steps`` small) and drawn
with nilearn's matplotlib surface plots.
"""

from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import mne
import numpy as np
from scipy.spatial import cKDTree

__all__ = ["HEMIS", "plot_source_map", "source_values_on_surface", "plot_point_spreads"]

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
