"""Cortical patch statistics: which surface vertices each source location stands for.

A source space made by ``mne.setup_source_space`` keeps every ``spacing``-th vertex of the
full-resolution surface. Its patch statistics assign every surface vertex to its nearest source
location along the surface (``nearest``, ``nearest_dist``); the vertices sharing a location form
its *patch* (``pinfo``, indexed by ``patch_inds``). MNE's default ``use_cps=True`` then orients
a fixed source by the patch-average normal

    n_k = sum_{v in patch k} nn_v / || sum_{v in patch k} nn_v ||,

and a surface-oriented (loose) source's normal component along n_k, instead of the normal of the
one vertex the location sits on. Folded cortex makes the two differ.

The math lives in the lead-field layer (:mod:`minnorm_teach.lead_field`), where the inverse
uses it; this module gives the dataset's view of it, one source space at a time.
"""

from .. import lead_field
from ..lead_field import has_patch_info, patch_normal_angles

__all__ = ["has_patch_info", "source_normals", "patch_normal_angles"]


def source_normals(s, use_cps=True):
    """n_k of every used vertex of one source space, (nuse, 3), in the source space's frame.

    With ``use_cps`` and patch statistics: the patch-average normal (MNE's default orientation
    of fixed and surface-oriented sources); otherwise the normal of the vertex itself,
    ``s['nn'][s['vertno']]``. :func:`minnorm_teach.lead_field.source_normals` for one space.
    """
    return lead_field.source_normals([s], use_cps=use_cps)
