"""The lead field in the orientations the inverse needs (chapter 06).

A free-orientation forward model stores three columns per location, the x, y, z components
in head coordinates. The inverse operator wants them in the cortex's own frame::

    F_k = [t1; t2; n]                (rows: two tangents and the outward normal of location k)
    L_k,surf = L_k,xyz F_k^T         (columns [t1, t2, n]; the normal is the third)
    l_k,fixed = L_k,xyz n_k          (one column per location: dipoles normal to the cortex)

MNE-Python counterpart: ``mne.convert_forward_solution(fwd, surf_ori=True)`` and
``force_fixed=True``; the frames are MNE's exactly.
"""

import mne
import numpy as np

from . import validation

__all__ = ["surface_frames", "surface_lead_field", "fixed_lead_field", "is_fixed",
           "normal_component", "source_normals"]


def surface_frames(nn):
    """Per location the rows [t1, t2, n]: two tangents and the outward normal.

    The tangent plane is the eigenspace of I - n n^T with eigenvalue 1 (eigenvalue 0 is n
    itself); eigenvectors are taken in descending eigenvalue order and signed so that the
    third one points along n, which gives MNE's frames exactly.

    Parameters
    ----------
    nn : (n_sources, 3) unit normals

    Returns
    -------
    frames : (n_sources, 3, 3)  frames[k] @ x_xyz = x in surface coordinates
    """
    nn = _unit_normals(nn)
    _, vecs = np.linalg.eigh(np.eye(3) - nn[:, :, None] * nn[:, None, :])
    vecs = vecs[:, :, ::-1]
    signs = np.sign(np.einsum("ki,ki->k", nn, vecs[:, :, 2]))
    signs[signs == 0] = 1
    return np.swapaxes(vecs * signs[:, None, None], 1, 2)


def _unit_normals(nn):
    """nn (n_sources, 3), finite, every row of unit length (to 1e-6, float32 files)."""
    nn = validation.as_real_array(nn, "nn", ndim=2, shape_text="(n_sources, 3)")
    if nn.shape[1:] != (3,):
        raise validation.refuse("nn", "unit normals, one (x, y, z) row per source",
                                validation.errors.shown(f"shape {nn.shape}"))
    norms = np.linalg.norm(validation.check_finite(nn, "nn", labels=("source", "axis")), axis=1)
    if np.any(np.abs(norms - 1) > 1e-6):
        k = int(np.argmax(np.abs(norms - 1)))
        raise validation.refuse("nn", "unit normals (every row of length 1)",
                                validation.errors.shown(f"length {norms[k]:.6g} at source {k}"))
    return nn


def source_normals(src):
    """Cortical normal at every used vertex of every source space, (n_sources, 3)."""
    return np.concatenate([s["nn"][s["vertno"]] for s in src])


def surface_lead_field(fwd):
    """L in surface coordinates and the orientation of each column (MNE's surf_ori=True).

    For a free-orientation forward in xyz: L_k,surf = L_k,xyz F_k^T with F_k the frame of
    :func:`surface_frames`. A forward already in surface orientation (or fixed) is returned
    as it is.

    Returns
    -------
    L : (n_channels, n_dipoles), source_nn : (n_dipoles, 3)
    """
    validation.check_instance(fwd, "fwd", "Forward")
    L = np.asarray(fwd["sol"]["data"], float)
    if fwd["surf_ori"] or is_fixed(fwd):
        return L, np.asarray(fwd["source_nn"], float)
    frames = surface_frames(source_normals(fwd["src"]))
    n_channels = L.shape[0]
    L_surf = np.einsum("ckj,kij->cki", L.reshape(n_channels, -1, 3), frames, optimize=True)
    return L_surf.reshape(n_channels, -1), frames.reshape(-1, 3)


def fixed_lead_field(fwd):
    """Lead field of dipoles normal to the cortex: l_k = L_k,xyz n_k, and the normals n_k.

    Rounded to float32 on purpose, as MNE-Python's
    ``convert_forward_solution(force_fixed=True)`` stores it: the rounding changes the
    estimate by about 1e-7 relative (invisible), but without it a fixed-orientation twin run
    could not agree with MNE to 1e-10.

    Returns
    -------
    L : (n_channels, n_sources), source_nn : (n_sources, 3)
    """
    validation.check_instance(fwd, "fwd", "Forward")
    L = np.asarray(fwd["sol"]["data"], float)
    if is_fixed(fwd):
        return L, np.asarray(fwd["source_nn"], float)
    nn = source_normals(fwd["src"])
    if fwd["surf_ori"]:
        L_normal = normal_component(L.T).T
    else:
        L_normal = np.einsum("ckj,kj->ck", L.reshape(L.shape[0], -1, 3), nn)
    return L_normal.astype(np.float32).astype(float), nn


def is_fixed(fwd):
    """True when the forward model has one (normal) dipole per location."""
    validation.check_instance(fwd, "fwd", "Forward")
    return fwd["source_ori"] == mne.io.constants.FIFF.FIFFV_MNE_FIXED_ORI



def normal_component(x):
    """Rows of the normal component of a surface-oriented (n_locations * 3, ...) array: x[2::3]."""
    return x[2::3]
