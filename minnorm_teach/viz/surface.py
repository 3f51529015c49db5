"""The cortex as a picture: surfaces, sulcal shading, views, and a flat rendering of a mesh.

A view looks at a hemisphere along a direction ``d`` (from the brain to the eye) with ``up``
pointing up on the screen. The screen coordinates of a point r are (r . e_x, r . up) with
e_x = up x d, its depth r . d. The surface is drawn as flat 2-D polygons: the triangles that
face the eye (n . d > 0; on a closed surface the others are hidden), far ones first, each
shaded by the light it gets from the eye (Lambert). A marker is drawn above the surface where
its vertex faces the eye, so it is never hidden behind it.
"""

from functools import lru_cache
from pathlib import Path

import mne
import numpy as np
from matplotlib.collections import PolyCollection
from scipy.spatial import cKDTree

__all__ = ["HEMIS", "VIEWS", "read_surface", "cortex_background", "source_values_on_surface",
           "view_frame", "draw_surface", "visible_points"]

HEMIS = ("lh", "rh")
#: view -> (d for the left hemisphere, up); the right hemisphere mirrors lateral and medial.
#: Dorsal and ventral views put anterior to the right (a hemisphere is a landscape panel).
VIEWS = {"lateral": ((-1, 0, 0), (0, 0, 1)), "medial": ((1, 0, 0), (0, 0, 1)),
         "dorsal": ((0, 0, 1), (-1, 0, 0)), "ventral": ((0, 0, -1), (1, 0, 0)),
         "anterior": ((0, 1, 0), (0, 0, 1)), "posterior": ((0, -1, 0), (0, 0, 1))}
GYRUS, SULCUS = 0.78, 0.50          # grey levels of the cortex where no value is painted


@lru_cache(maxsize=16)
def read_surface(subjects_dir, subject, hemi, kind):
    """Vertex positions (n, 3) in mm and triangles (m, 3) of ``<hemi>.<kind>``."""
    path = Path(subjects_dir) / subject / "surf" / f"{hemi}.{kind}"
    if not path.is_file():
        raise FileNotFoundError(f"no surface {path}: expected FreeSurfer's {hemi}.{kind} of "
                                f"subject {subject!r} in {subjects_dir}")
    rr, tris = mne.read_surface(path)
    return rr, tris


@lru_cache(maxsize=8)
def cortex_background(subjects_dir, subject, hemi):
    """Grey level per vertex: gyri light, sulci dark (curvature > 0, or sulcal depth > 0)."""
    import nibabel as nib

    folder = Path(subjects_dir) / subject / "surf"
    for name in ("curv", "sulc"):
        if (folder / f"{hemi}.{name}").is_file():
            depth = nib.freesurfer.read_morph_data(folder / f"{hemi}.{name}")
            return np.where(depth > 0, SULCUS, GYRUS)
    n_vertices = len(read_surface(str(subjects_dir), subject, hemi, "inflated")[0])
    return np.full(n_vertices, GYRUS)       # no folding information: plain grey


def source_values_on_surface(values, vertno, subjects_dir, subject, hemi):
    """Paint values given at source-space vertices ``vertno`` onto every surface vertex
    (each vertex takes the value of the nearest source on the sphere)."""
    sphere, _ = read_surface(str(subjects_dir), subject, hemi, "sphere")
    _, nearest = cKDTree(sphere[vertno]).query(sphere)
    return np.asarray(values)[nearest]


def view_frame(view, hemi):
    """(e_x, up, d): screen right, screen up and the direction to the eye, unit vectors."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {sorted(VIEWS)}, got {view!r}")
    if hemi not in HEMIS:
        raise ValueError(f"hemi must be 'lh' or 'rh', got {hemi!r}")
    d, up = (np.asarray(v, dtype=float) for v in VIEWS[view])
    if hemi == "rh" and view in ("lateral", "medial"):
        d = -d
    return np.cross(up, d), up, d


def _face_normals(rr, tris):
    a, b, c = rr[tris[:, 0]], rr[tris[:, 1]], rr[tris[:, 2]]
    n = np.cross(b - a, c - a)
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def draw_surface(ax, rr, tris, rgb, view, hemi):
    """Draw the mesh (rr, tris) with vertex colours ``rgb`` (n, 3) into a 2-D ``ax``.

    Lambert shading: colour x (0.45 + 0.55 max(n . l, 0)), light l from the eye, slightly
    above. Returns the screen positions (n, 2) of the vertices.
    """
    e_x, up, d = view_frame(view, hemi)
    normals = _face_normals(rr, tris)
    front = normals @ d > 0
    depth = rr[tris[front]].mean(axis=1) @ d
    order = np.flatnonzero(front)[np.argsort(depth)]             # far first
    light = d + 0.4 * up
    light /= np.linalg.norm(light)
    lit = 0.45 + 0.55 * np.clip(normals[order] @ light, 0.0, 1.0)
    colour = np.clip(rgb[tris[order]].mean(axis=1) * lit[:, None], 0.0, 1.0)
    xy = np.column_stack([rr @ e_x, rr @ up])
    faces = PolyCollection(xy[tris[order]], facecolors=colour, edgecolors=colour,
                           linewidths=0.3, antialiased=True, rasterized=True)
    ax.add_collection(faces)
    ax.set_xlim(xy[:, 0].min() - 2, xy[:, 0].max() + 2)
    ax.set_ylim(xy[:, 1].min() - 2, xy[:, 1].max() + 2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return xy


def visible_points(rr, tris, vertices, view, hemi):
    """Which of ``vertices`` face the eye in this view (their vertex normal . d > 0)."""
    _, _, d = view_frame(view, hemi)
    normals = _face_normals(rr, tris)
    vertex_normal = np.zeros_like(rr)
    for k in range(3):
        np.add.at(vertex_normal, tris[:, k], normals)
    return vertex_normal[np.asarray(vertices, dtype=int)] @ d > 0
