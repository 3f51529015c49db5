"""How deep a source lies, in millimetres: the distance to the inner skull (chapter 09).

A surface bias is a statement about depth: the peak of an estimate sits closer to the sensors
than the source that made it. "Closer to the sensors" is measured here as the distance from a
source to the inner skull surface (the boundary of the brain compartment), as MNE's
``mne.bem.distance_to_bem`` measures it: the distance to the nearest vertex of that surface.
On the course anatomy the inner skull has 10,242 vertices about 3.5 mm apart, so the distance
to the nearest vertex exceeds the distance to the surface by at most a fraction of a millimetre
for a source deeper than 5 mm.

- :func:`inner_skull` reads ``bem/inner_skull.surf`` of a FreeSurfer subject (MRI coordinates,
  mm) and returns its vertices in head coordinates (m), the frame of the source positions.
- :func:`distance_to_surface` is the depth of each position below such a surface.
- :func:`peak_depth_shift` says, for every PSF, how much deeper its peak lies than its source
  (negative: the peak is pulled towards the sensors).
"""

from pathlib import Path

import mne
import numpy as np
from scipy.spatial import cKDTree

from .matrix import _columns
from .metrics import _column_argmax

__all__ = ["inner_skull", "distance_to_surface", "peak_depth_shift"]


def inner_skull(subjects_dir, subject, mri_head_t):
    """Vertices of the subject's inner skull surface in head coordinates, (n_vertices, 3) m.

    Reads ``subjects_dir/subject/bem/inner_skull.surf`` (FreeSurfer, MRI coordinates in mm)
    and applies ``mri_head_t`` (``fwd["mri_head_t"]``, MRI -> head), so that the surface is in
    the frame of ``fwd["src"]``'s positions.
    """
    path = Path(subjects_dir) / str(subject) / "bem" / "inner_skull.surf"
    if not path.is_file():
        raise FileNotFoundError(f"no inner skull surface for subject {subject!r}: expected "
                                f"{path}")
    if mri_head_t["from"] != mne.io.constants.FIFF.FIFFV_COORD_MRI:
        mri_head_t = mne.transforms.invert_transform(mri_head_t)
    rr_mri, _ = mne.read_surface(path)
    return mne.transforms.apply_trans(mri_head_t, rr_mri / 1e3)


def distance_to_surface(positions, surface_rr):
    """min_v ||r_k - v|| over the surface vertices v, per position r_k: (n,) in their units.

    MNE: ``mne.bem.distance_to_bem`` (nearest vertex of the inner skull).

    Parameters
    ----------
    positions : array, (n, 3)
        Source positions (``source_positions(src)``), m, head coordinates.
    surface_rr : array, (n_vertices, 3)
        The surface's vertices in the same frame and units (:func:`inner_skull`).
    """
    positions, surface_rr = np.asarray(positions, float), np.asarray(surface_rr, float)
    for name, array in (("positions", positions), ("surface_rr", surface_rr)):
        if array.ndim != 2 or array.shape[1] != 3:
            raise ValueError(f"{name} must have shape (n, 3), got {array.shape}")
    return cKDTree(surface_rr).query(positions)[0]


def peak_depth_shift(resmat, depth):
    """depth[argmax_i |F_ik|] - depth[k] for every PSF (column k of F = resmat): (n,) m.

    Positive: the PSF of source k peaks deeper than k (the estimate pulls it inwards);
    negative: closer to the sensors (a surface bias); zero when the peak is at k or at an
    equally deep source. Rows of a free/loose resmat are combined per location first.
    """
    F = _columns(resmat, "psf")
    depth = np.asarray(depth, dtype=float)
    if depth.shape != (F.shape[0],):
        raise ValueError(f"depth has shape {depth.shape} but the resolution matrix has "
                         f"{F.shape[0]} source locations: expected ({F.shape[0]},)")
    return depth[_column_argmax(np.abs(F))] - depth
