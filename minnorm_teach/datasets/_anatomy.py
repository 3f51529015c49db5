"""Anatomy of the course dataset, from files that installed packages ship.

- cortex: nilearn's fsaverage5 surfaces (white, pial, inflated, sphere, curvature), an
  icosahedron-5 mesh of 10242 vertices per hemisphere in fsaverage (MNI305) millimetres;
- head: MNE's shipped fsaverage scalp and inner-skull surfaces and the head<->MRI transform
  (``mne/data/fsaverage/``).

They are written as a FreeSurfer-style subjects directory, so MNE's own functions
(``setup_source_space``, ``grow_labels``, plotting) work on it unchanged.
"""

from pathlib import Path

import mne
import nibabel as nib
import numpy as np

SUBJECT = "fsaverage5"
_HEMIS = (("lh", "left"), ("rh", "right"))
_SURFACES = (("white", "white"), ("pial", "pial"), ("infl", "inflated"), ("sphere", "sphere"))


def shipped_file(package, relative):
    """Path of a data file shipped inside an installed package, or a clear error."""
    module = __import__(package)
    path = Path(module.__file__).parent / relative
    if not path.is_file():
        version = getattr(module, "__version__", "?")
        raise FileNotFoundError(
            f"The course dataset is built from {path}, which should ship with {package} "
            f"{version} but is missing or unreadable. Reinstall it with "
            f"'pip install --force-reinstall {package}'.")
    return path


def mne_fsaverage_file(name):
    """One of MNE's shipped fsaverage files: 'head', 'inner_skull-bem', 'trans', 'fiducials'."""
    return shipped_file("mne", f"data/fsaverage/fsaverage-{name}.fif")


def _nilearn_fsaverage5(key):
    stem = {"white": "white", "pial": "pial", "infl": "infl", "sphere": "sphere",
            "curv": "curv"}[key.split("_")[0]]
    side = key.split("_")[1]
    return shipped_file("nilearn", f"datasets/data/fsaverage5/{stem}_{side}.gii.gz")


def _read_gifti_mesh(path):
    try:
        arrays = nib.load(path).darrays
        return arrays[0].data.astype(np.float64), arrays[1].data.astype(np.int64)
    except Exception as err:  # a truncated or corrupt file in the installed package
        raise OSError(f"Could not read the mesh {path}: {err}") from err


def write_subjects_dir(subjects_dir):
    """Write ``subjects_dir/fsaverage5`` (surf/ and bem/) and return its path."""
    subject_dir = Path(subjects_dir) / SUBJECT
    (subject_dir / "surf").mkdir(parents=True, exist_ok=True)
    (subject_dir / "bem").mkdir(parents=True, exist_ok=True)
    (subject_dir / "label").mkdir(parents=True, exist_ok=True)
    for hemi, side in _HEMIS:
        for key, name in _SURFACES:
            rr, tris = _read_gifti_mesh(_nilearn_fsaverage5(f"{key}_{side}"))
            mne.write_surface(subject_dir / "surf" / f"{hemi}.{name}", rr, tris,
                              overwrite=True)
        curv = nib.load(_nilearn_fsaverage5(f"curv_{side}")).darrays[0].data
        nib.freesurfer.write_morph_data(subject_dir / "surf" / f"{hemi}.curv", curv)
    head = mne.read_bem_surfaces(mne_fsaverage_file("head"))[0]
    mne.write_bem_surfaces(subject_dir / "bem" / f"{SUBJECT}-head.fif", [head], overwrite=True)
    skull = mne.read_bem_surfaces(mne_fsaverage_file("inner_skull-bem"))[0]
    mne.write_surface(subject_dir / "bem" / "inner_skull.surf", skull["rr"] * 1e3,
                      skull["tris"], overwrite=True)
    mne.write_surface(subject_dir / "bem" / "outer_skin.surf", head["rr"] * 1e3,
                      head["tris"], overwrite=True)
    return subject_dir


def read_trans():
    """The shipped fsaverage head<->MRI transform."""
    return mne.read_trans(mne_fsaverage_file("trans"))


def read_scalp():
    """The shipped fsaverage scalp surface (MRI coordinates, metres)."""
    return mne.read_bem_surfaces(mne_fsaverage_file("head"))[0]


def read_inner_skull():
    """The shipped fsaverage inner-skull surface (MRI coordinates, metres)."""
    return mne.read_bem_surfaces(mne_fsaverage_file("inner_skull-bem"))[0]
