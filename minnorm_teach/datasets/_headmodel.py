"""The course's fsaverage cortex in a recorded head: coregistration and the conductor models.

Without the subject's MRI, the template (fsaverage; our fsaverage5 cortex lives in the same MRI
space) is placed in the head by fitting its scalp to the digitised head points with MNE's
automated coregistration, rigidly (no scaling: a uniform scale of 0.98 would move the median
point-to-scalp distance by only 0.3 mm on the course's recording, and it would change the source
space). The conductor: MNE ships fsaverage's inner skull but no outer skull or scalp surface
for a three-layer BEM, so

- MEG uses a one-layer BEM of the inner skull (MNE's recommendation for MEG);
- EEG uses a four-shell sphere centred on the digitised head points.
"""

import mne
import numpy as np

from ._anatomy import mne_fsaverage_file
from ._build import head_coordinates, sphere_forward

DIG_KINDS = ("cardinal", "hpi", "eeg", "extra")       # every digitised point


def coregister(info, subject, subjects_dir):
    """head->MRI transform fitting the template scalp to the digitised head (rigid).

    MNE's automated recipe: match the fiducials (MNE's fsaverage fiducials), ICP with 6
    iterations (nasion weight 2), omit head-shape points farther than 5 mm from the scalp, ICP
    with 20 iterations (nasion weight 10).
    """
    fiducials = mne.io.read_fiducials(mne_fsaverage_file("fiducials"))[0]
    coreg = mne.coreg.Coregistration(info, subject, subjects_dir, fiducials=fiducials)
    coreg.fit_fiducials(verbose=False)
    coreg.fit_icp(n_iterations=6, nasion_weight=2.0, verbose=False)
    coreg.omit_head_shape_points(distance=5.0 / 1000)
    coreg.fit_icp(n_iterations=20, nasion_weight=10.0, verbose=False)
    return coreg.trans


def dig_distances(info, trans, subject, subjects_dir, kinds=DIG_KINDS):
    """Distance (m) of every digitised point of ``kinds`` to the template scalp after ``trans``."""
    return mne.dig_mri_distances(info, trans, subject, subjects_dir, dig_kinds=kinds,
                                 exclude_frontal=False, verbose=False)


def eeg_sphere(info, src, trans, margin=0.002):
    """Four-shell sphere: centre and radius R fitted to the digitised head points.

    R is enlarged where needed so that the brain shell (MNE's relative radius 0.90) encloses
    every source by ``margin``: a sphere fits a head longer than wide poorly at the frontal and
    occipital poles, and MNE would drop the sources outside. Returns (sphere, fitted R).
    """
    radius, r0, _ = mne.bem.fit_sphere_to_headshape(info, dig_kinds="auto", units="m",
                                                    verbose=False)
    farthest = np.linalg.norm(head_coordinates(src, trans) - r0, axis=1).max()
    head_radius = max(radius, (farthest + margin) / 0.90)
    return mne.make_sphere_model(r0=r0, head_radius=head_radius, verbose=False), float(radius)


def inner_skull_bem(subject, subjects_dir):
    """One-layer BEM solution of the inner skull (ico4 mesh, conductivity 0.3 S/m)."""
    model = mne.make_bem_model(subject, ico=4, conductivity=(0.3,), subjects_dir=subjects_dir,
                               verbose=False)
    return mne.make_bem_solution(model, verbose=False)


def _meg_rows(fwd, fwd_meg):
    """Rows of ``fwd`` that hold ``fwd_meg``'s channels; refuse different source sets."""
    same = all(np.array_equal(a["vertno"], b["vertno"])
               for a, b in zip(fwd["src"], fwd_meg["src"], strict=True))
    if not same:
        raise RuntimeError(f"The BEM forward kept {fwd_meg['nsource']} sources and the sphere "
                           f"forward {fwd['nsource']}: they cannot be combined.")
    return [fwd["sol"]["row_names"].index(name) for name in fwd_meg["sol"]["row_names"]]


def combined_forward(info, trans, src, bem, sphere):
    """Free-orientation forward: MEG rows from the one-layer BEM, EEG rows from the sphere.

    Both gains are computed in head coordinates (x, y, z columns per source), so the rows
    combine directly. Also returns the relative difference ||L_sphere - L_bem|| / ||L_bem|| of
    the MEG rows, the size of the MEG model error a sphere would make here.
    """
    fwd = sphere_forward(info, trans, src, sphere)
    meg_info = mne.pick_info(info, mne.pick_types(info, meg=True, exclude=[]))
    fwd_meg = mne.make_forward_solution(meg_info, trans, src, bem, meg=True, eeg=False,
                                        verbose=False)
    rows = _meg_rows(fwd, fwd_meg)
    L_sphere = fwd["sol"]["data"][rows]
    difference = np.linalg.norm(L_sphere - fwd_meg["sol"]["data"]) / np.linalg.norm(
        fwd_meg["sol"]["data"])
    fwd["sol"]["data"][rows] = fwd_meg["sol"]["data"]
    fwd["_orig_sol"][rows] = fwd_meg["_orig_sol"]
    return fwd, float(difference)
