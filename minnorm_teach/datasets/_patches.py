"""Cortical patch statistics: which surface vertices each source location stands for.

A source space made by ``mne.setup_source_space`` keeps every ``spacing``-th vertex of the
full-resolution surface. Its patch statistics assign every surface vertex to its nearest source
location along the surface (``nearest``, ``nearest_dist``); the vertices sharing a location form
its *patch* (``pinfo``, indexed by ``patch_inds``). MNE's default ``use_cps=True`` then orients
a fixed source by the patch-average normal

    n_k = sum_{v in patch k} nn_v / || sum_{v in patch k} nn_v ||,

and a surface-oriented (loose) source's normal component along n_k, instead of the normal of the
one vertex the location sits on. Folded cortex makes the two differ.
"""

import numpy as np

__all__ = ["has_patch_info", "source_normals", "patch_normal_angles"]


def has_patch_info(src):
    """True when every source space of ``src`` carries patch statistics (``pinfo``)."""
    return all(s.get("pinfo") is not None and s.get("patch_inds") is not None for s in src)


def source_normals(s, use_cps=True):
    """n_k of every used vertex of one source space, (nuse, 3), in the source space's frame.

    With ``use_cps`` and patch statistics: the patch-average normal (MNE's default orientation
    of fixed and surface-oriented sources); otherwise the normal of the vertex itself,
    ``s['nn'][s['vertno']]``. Same rule as MNE's ``convert_forward_solution(use_cps=...)``.
    """
    if not (use_cps and s.get("pinfo") is not None and s.get("patch_inds") is not None):
        return s["nn"][s["vertno"]].astype(np.float64)
    patches = [s["pinfo"][k] for k in s["patch_inds"]]
    summed = np.array([s["nn"][patch].astype(np.float64).sum(axis=0) for patch in patches])
    return summed / np.linalg.norm(summed, axis=1, keepdims=True)


def patch_normal_angles(src):
    """Angle (degrees) between the vertex normal and the patch-average normal of each location."""
    cosines = [np.sum(source_normals(s, use_cps=True) * source_normals(s, use_cps=False), axis=1)
               for s in src]
    return np.degrees(np.arccos(np.clip(np.concatenate(cosines), -1.0, 1.0)))
