"""Sensors of the course dataset: a Vectorview-like MEG array and MNE's 60-channel MGH cap.

MEG: 102 triple-sensor elements (2 planar gradiometers + 1 magnetometer, MNE's real coil
definitions ``FIFFV_COIL_VV_PLANAR_T1`` and ``FIFFV_COIL_VV_MAG_T3``), placed evenly on MNE's
shipped 306m helmet surface (device coordinates), normals along the helmet's outward normal.
Channel order and naming style follow the sample data (per location: gradiometer, gradiometer,
magnetometer, named ``MEG 0013``, ``MEG 0012``, ``MEG 0011``, ...), but the locations are our own
even layout, so a name does not denote the Vectorview sensor of the same name.

EEG: the 60 electrodes of MNE's ``mgh60`` montage, the cap of MNE's sample data, given in
fsaverage MRI coordinates with fsaverage's own fiducials.
"""

import mne
import numpy as np
from mne.io.constants import FIFF
from scipy.spatial import cKDTree

from ._anatomy import read_scalp, read_trans, shipped_file

N_MEG_LOCATIONS = 102


def _helmet():
    surf = mne.read_bem_surfaces(shipped_file("mne", "data/helmets/306m.fif.gz"))[0]
    return surf["rr"], surf["tris"], surf["nn"]


def _farthest_points(candidates, n_points, start):
    """Greedy farthest-point sampling: n_points well-spread rows of ``candidates``."""
    chosen = [start]
    dist = np.linalg.norm(candidates - candidates[start], axis=1)
    for _ in range(n_points - 1):
        nxt = int(np.argmax(dist))
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(candidates - candidates[nxt], axis=1))
    return np.array(chosen)


def meg_locations():
    """Positions and unit outward normals of the 102 sensor elements (device coords, m)."""
    rr, tris, nn = _helmet()
    # candidate points: vertices and triangle centroids, normals averaged from the corners
    centroids = rr[tris].mean(axis=1)
    tri_nn = nn[tris].mean(axis=1)
    cand = np.vstack([rr, centroids])
    cand_nn = np.vstack([nn, tri_nn])
    cand_nn /= np.linalg.norm(cand_nn, axis=1, keepdims=True)
    top = int(np.argmax(cand[:, 2]))
    idx = np.sort(_farthest_points(cand, N_MEG_LOCATIONS, top))
    pos, normal = cand[idx], cand_nn[idx]
    # make normals point away from the helmet's centre (outward)
    centre = rr.mean(axis=0)
    flip = np.sum((pos - centre) * normal, axis=1) < 0
    normal[flip] *= -1
    return pos, normal


def _coil_frame(normal):
    """Orthonormal (ex, ey, ez) with ez = normal; ex roughly along the device's left-right axis."""
    ref = np.array([1.0, 0.0, 0.0])
    if abs(normal @ ref) > 0.9:
        ref = np.array([0.0, 1.0, 0.0])
    ex = ref - (ref @ normal) * normal
    ex /= np.linalg.norm(ex)
    ey = np.cross(normal, ex)
    return ex, ey, normal


def meg_channels():
    """Names, types and 12-element ``loc`` vectors of the 306 MEG channels."""
    names, types, locs = [], [], []
    for k, (pos, normal) in enumerate(zip(*meg_locations(), strict=True)):
        ex, ey, ez = _coil_frame(normal)
        base = f"MEG {k + 1:03d}"
        # two orthogonal planar gradiometers (their ex differ by 90 degrees), then the magnetometer
        for suffix, kind, frame in (("3", "grad", (ex, ey, ez)), ("2", "grad", (ey, -ex, ez)),
                                    ("1", "mag", (ex, ey, ez))):
            names.append(base + suffix)
            types.append(kind)
            locs.append(np.concatenate([pos, *frame]))
    return names, types, np.array(locs)


def eeg_montage():
    """The 60-electrode MGH cap of MNE's sample data (fsaverage MRI coordinates)."""
    return mne.channels.make_standard_montage("mgh60")


def device_to_head(meg_pos):
    """A plausible device->head transform (a translation) and the smallest sensor-scalp distance.

    The head sits upright in the helmet, centred left-right; its front-back and vertical offsets
    are chosen on a 5 mm grid to maximise the smallest distance from any sensor to the scalp,
    as a subject positioned in the middle of the helmet. Returns ``(Transform, min_distance_m)``.
    """
    scalp = mne.transforms.apply_trans(mne.transforms.invert_transform(read_trans()),
                                       read_scalp()["rr"])  # head coordinates, m
    tree = cKDTree(scalp)
    best = (-np.inf, None)
    for ty in np.arange(-0.03, 0.0301, 0.005):
        for tz in np.arange(0.03, 0.0801, 0.005):
            offset = np.array([0.0, ty, tz])          # head = device + offset
            distance = tree.query(meg_pos + offset)[0].min()
            if distance > best[0] + 1e-9:
                best = (distance, offset)
    trans = np.eye(4)
    trans[:3, 3] = best[1]
    return mne.transforms.Transform("meg", "head", trans), float(best[0])


def make_info(sfreq):
    """Measurement info: 306 MEG + 60 EEG + 1 stim channel, montage and device->head set."""
    meg_names, meg_types, meg_locs = meg_channels()
    montage = eeg_montage()
    eeg_names = [f"EEG {k:03d}" for k in range(1, 61)]
    montage.rename_channels(dict(zip(montage.ch_names, eeg_names, strict=True)))
    info = mne.create_info(meg_names + eeg_names + ["STI 014"], sfreq,
                           meg_types + ["eeg"] * 60 + ["stim"])
    for ch, loc in zip(info["chs"], meg_locs, strict=False):
        ch["loc"][:] = loc
        ch["coord_frame"] = FIFF.FIFFV_COORD_DEVICE
    info.set_montage(montage)
    with info._unlock():
        info["dev_head_t"] = device_to_head(meg_locs[:, :3])[0]
    return info
