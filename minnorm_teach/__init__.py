"""minnorm_teach: minimum-norm M/EEG source estimation, one equation per function.

The reference package of the minnorm-course. Arrays inside, MNE objects at the edges:

- :mod:`minnorm_teach.notation`  the one notation table (symbols, shapes, units, MNE names)
- :mod:`minnorm_teach.check`     self-checks that print a verdict line and raise on failure
- :mod:`minnorm_teach.datasets`  the offline course dataset with ground truth (and MNE sample)
- :mod:`minnorm_teach.linalg`    generalized inverse, Tikhonov, SVD kernels, choosing lambda
- :mod:`minnorm_teach.whitening`, :mod:`minnorm_teach.priors`, :mod:`minnorm_teach.inverse`
                                 MNE-Python's inverse operator rebuilt
- :mod:`minnorm_teach.noise_norm`, :mod:`minnorm_teach.resolution`
                                 dSPM, sLORETA, eLORETA; resolution matrix and its metrics
- :mod:`minnorm_teach.beamformer`  the LCMV beamformer (after noise normalisation: its
                                 unit-noise-gain filters are the beamformer's dSPM)
- :mod:`minnorm_teach.sparse`    MxNE, irMxNE, TF-MxNE, and γ-MAP (``sparse.gamma_map``)
- :mod:`minnorm_teach.viz`       figures (``plot_*(..., ax=None)``)

The MNE mirrors (same argument names, meanings and defaults as their MNE namesakes) are
available at the top level: ``make_inverse_operator``, ``apply_inverse``,
``apply_inverse_epochs``, ``apply_inverse_raw``, ``mixed_norm``, ``tf_mixed_norm``,
``gamma_map``, ``make_lcmv``, ``apply_lcmv``, ``apply_lcmv_epochs``, ``apply_lcmv_raw``,
``apply_lcmv_cov``.

Notation: see :mod:`minnorm_teach.notation` (``L`` lead field, ``b`` data, ``j`` sources,
``G = L L^T``, ``C`` noise covariance, ``W`` whitener, ``R`` source prior, ``K`` kernel,
``U, s, V`` SVD, ``gamma`` = s/(s²+λ²), ``lambda2`` = λ²).
"""

import importlib

__version__ = "0.1.0"

# Public names and the module that defines them; modules load on first use so that
# ``import minnorm_teach`` stays fast and never imports MNE for a student who only needs NumPy.
_PUBLIC = {
    "make_inverse_operator": "inverse",
    "apply_inverse": "inverse",
    "apply_inverse_epochs": "inverse",
    "apply_inverse_raw": "inverse",
    "mixed_norm": "sparse",
    "tf_mixed_norm": "sparse",
    "gamma_map": "sparse.gamma_map_mirror",
    "make_lcmv": "beamformer",
    "apply_lcmv": "beamformer",
    "apply_lcmv_epochs": "beamformer",
    "apply_lcmv_raw": "beamformer",
    "apply_lcmv_cov": "beamformer",
    "load_course_data": "datasets",
    "load_sample_data": "datasets",
}
_SUBMODULES = {"check", "datasets", "linalg", "whitening", "priors", "inverse", "noise_norm",
               "resolution", "sparse", "beamformer", "viz", "notation"}

__all__ = sorted(_PUBLIC) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _PUBLIC:
        module = importlib.import_module(f"{__name__}.{_PUBLIC[name]}")
        return getattr(module, name)
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'minnorm_teach' has no attribute {name!r}")
