"""The lead field in the orientations the inverse needs (chapter 06).

A free-orientation forward model stores three columns per location, the x, y, z components
in head coordinates. The inverse operator wants them in the cortex's own frame::

    F_k = [t1; t2; n]                (rows: two tangents and the outward normal of location k)
    L_k,surf = L_k,xyz F_k^T         (columns [t1, t2, n]; the normal is the third)
    l_k,fixed = L_k,xyz n_k          (one column per location: dipoles normal to the cortex)

Which normal n_k? A source space made by ``mne.setup_source_space`` keeps every few vertices of
the cortical surface and records, in its *patch statistics* (``pinfo``, ``patch_inds``), which
surface vertices each location stands for. MNE's default ``use_cps=True`` ("cortical patch
statistics") then orients location k by the average normal of its patch,

    n_k = sum_{v in patch k} nn_v / || sum_{v in patch k} nn_v ||,

and otherwise (``use_cps=False``, or no patch statistics) by the normal of its own vertex.
Folded cortex makes the two differ (on the course cortex by 6 degrees at the median and 20
at the 95th percentile, which changes a fixed-orientation gain by 16 %).

MNE-Python counterpart: ``mne.convert_forward_solution(fwd, surf_ori=True, use_cps=...)`` and
``force_fixed=True``; the frames and normals are MNE's exactly. The compensation grade of the
MEG channels (CTF and 4D systems) is part of what a forward model was computed for:
:func:`compensation_grade` reads it.
"""

import mne
import numpy as np

from . import validation

__all__ = ["surface_frames", "surface_lead_field", "fixed_lead_field", "xyz_lead_field", "is_fixed",
           "normal_component", "source_normals", "vertex_normals", "patch_normals",
           "has_patch_info", "uses_patch_normals", "patch_normal_angles", "compensation_grade",
           "check_compensation"]

FIFF = mne.io.constants.FIFF


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


# ------------------------------------------------------------------- cortical normals --

def has_patch_info(src):
    """True when every source space of ``src`` carries patch statistics (``pinfo``)."""
    return all(s.get("pinfo") is not None and s.get("patch_inds") is not None for s in src)


def uses_patch_normals(src, use_cps=True):
    """MNE's switch: patch-average normals when use_cps and a source space has patch_inds."""
    return bool(use_cps) and any(s.get("patch_inds") is not None for s in src)


def vertex_normals(s):
    """nn_k: the surface normal at each used vertex of one source space, (nuse, 3)."""
    return np.asarray(s["nn"][s["vertno"]], float)


def patch_normals(s):
    """n_k = sum_{v in patch k} nn_v / ||sum_{v in patch k} nn_v|| for one source space.

    The sums are taken in the precision the source space stores (float32 when read from a
    file), as MNE does; then normalised in float64.
    """
    summed = np.array([np.sum(s["nn"][s["pinfo"][p]], axis=0) for p in s["patch_inds"]],
                      dtype=float)
    return summed / np.linalg.norm(summed, axis=-1, keepdims=True)


def source_normals(src, *, use_cps=True):
    """n_k at every location of every source space, (n_sources, 3), left hemisphere first.

    ``use_cps=True`` (MNE's default): the patch-average normal of :func:`patch_normals` in a
    source space with patch statistics, else the vertex normal of :func:`vertex_normals`.
    """
    return np.concatenate([patch_normals(s) if use_cps and s.get("patch_inds") is not None
                           else vertex_normals(s) for s in src])


def patch_normal_angles(src):
    """Angle (degrees) between the vertex normal and the patch-average normal of each location."""
    cosines = np.sum(source_normals(src, use_cps=True) * source_normals(src, use_cps=False),
                     axis=1)
    return np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0)))


def _fixed_normals(src, use_cps):
    """The normals of MNE's fixed-orientation forward: with patch normals, the third row of
    their frame (equal to n_k up to round-off, and exactly what MNE multiplies by)."""
    nn = source_normals(src, use_cps=use_cps)
    return surface_frames(nn)[:, 2] if uses_patch_normals(src, use_cps) else nn


# -------------------------------------------------------------------- oriented gains --

def _xyz_blocks(fwd):
    """The free forward's gain as (n_channels, n_locations, 3) blocks in head coordinates.

    A surface-oriented forward is rotated back: L_k,xyz = L_k,surf F_k (F_k orthonormal).
    """
    L = np.asarray(fwd["sol"]["data"], float)
    blocks = L.reshape(L.shape[0], -1, 3)
    if not fwd["surf_ori"]:
        return blocks
    frames = np.asarray(fwd["source_nn"], float).reshape(-1, 3, 3)
    return np.einsum("cki,kij->ckj", blocks, frames, optimize=True)


def xyz_lead_field(fwd):
    """A free forward's gain in head coordinates (x, y, z per location), (n_channels, 3 n).

    MNE: ``convert_forward_solution(fwd, surf_ori=False)``.
    """
    if is_fixed(fwd):
        raise validation.refuse("fwd", "a free-orientation forward (x, y, z per location)",
                                validation.errors.shown("a fixed-orientation forward"))
    blocks = _xyz_blocks(fwd)
    return blocks.reshape(blocks.shape[0], -1)


def surface_lead_field(fwd, *, use_cps=True):
    """L in surface coordinates and the orientation of each column (MNE's surf_ori=True).

    For a free-orientation forward in xyz: L_k,surf = L_k,xyz F_k^T with F_k the frame of
    :func:`surface_frames` around n_k of :func:`source_normals` (``use_cps``). A forward
    already in surface orientation (or fixed) is returned as it is, as MNE does.

    Returns
    -------
    L : (n_channels, n_dipoles), source_nn : (n_dipoles, 3)
    """
    validation.check_instance(fwd, "fwd", "Forward")
    L = np.asarray(fwd["sol"]["data"], float)
    if fwd["surf_ori"] or is_fixed(fwd):
        return L, np.asarray(fwd["source_nn"], float)
    frames = surface_frames(source_normals(fwd["src"], use_cps=use_cps))
    L_surf = np.einsum("ckj,kij->cki", _xyz_blocks(fwd), frames, optimize=True)
    return L_surf.reshape(L.shape[0], -1), frames.reshape(-1, 3)


def fixed_lead_field(fwd, *, use_cps=True):
    """Lead field of dipoles normal to the cortex: l_k = L_k,xyz n_k, and the normals n_k.

    n_k as :func:`source_normals` (``use_cps``), from the head-coordinate gain whatever the
    forward's orientation (MNE's ``convert_forward_solution(force_fixed=True)`` too starts
    from it). Rounded to float32 on purpose, as MNE stores it: the rounding changes the
    estimate by about 1e-7 relative (invisible), but without it a fixed-orientation twin run
    could not agree with MNE to 1e-10.

    Returns
    -------
    L : (n_channels, n_sources), source_nn : (n_sources, 3)
    """
    validation.check_instance(fwd, "fwd", "Forward")
    if is_fixed(fwd):
        return np.asarray(fwd["sol"]["data"], float), np.asarray(fwd["source_nn"], float)
    nn = _fixed_normals(fwd["src"], use_cps)
    L_normal = np.einsum("ckj,kj->ck", _xyz_blocks(fwd), nn)
    return L_normal.astype(np.float32).astype(float), nn


def is_fixed(fwd):
    """True when the forward model has one (normal) dipole per location."""
    validation.check_instance(fwd, "fwd", "Forward")
    return fwd["source_ori"] == FIFF.FIFFV_MNE_FIXED_ORI


def normal_component(x):
    """Rows of the normal component of a surface-oriented (n_locations * 3, ...) array: x[2::3]."""
    return x[2::3]


# ------------------------------------------------------------------------ compensation --

def compensation_grade(info):
    """The CTF/4D compensation grade of the MEG channels: coil_type >> 16 (0 = none).

    A compensated system subtracts a weighted sum of reference sensors from each MEG channel;
    the grade in use is stored in the upper 16 bits of every MEG channel's coil type. A
    forward model and an inverse operator are valid for one grade only. No MEG channel: 0.
    """
    grades = {int(ch["coil_type"]) >> 16 for ch in info["chs"]
              if ch["kind"] == FIFF.FIFFV_MEG_CH}
    if len(grades) > 1:
        raise ValueError(f"the MEG channels carry different compensation grades "
                         f"{sorted(grades)}; expected one grade for all of them")
    return grades.pop() if grades else 0


def check_compensation(grade, info, *, built_for="the forward model", data="the data"):
    """Refuse data whose CTF/4D compensation grade differs from the one a model was built for.

    A model of compensated channels applied to data of another grade gives a map that is
    wrong by a large factor, with no other sign of trouble. MNE raises a RuntimeError too
    ("Compensation grade of forward (1) and data (0) do not match"); so does this function.
    """
    received = compensation_grade(info)
    if received != grade:
        raise RuntimeError(
            f"compensation grade mismatch: {built_for} is for grade {grade} but {data} have "
            f"grade {received}. Bring the data to grade {grade} "
            f"(raw.apply_gradient_compensation({grade}), before epoching and averaging) or "
            f"rebuild {built_for} for grade {received}.")
