"""minnorm_teach: minimum-norm M/EEG source estimation, one equation per function.

The reference package of the minnorm-course. Arrays inside, MNE objects at the edges. The
modules follow the chapters, in layers: each imports only modules of its own or earlier
layers (``tests/test_architecture.py`` checks it), so the package reads in course order.

Where the code lives (chapter -> module -> main functions)::

    00     notation       the one notation table: NOTATION, symbol, notation_table
           check          self-checks that print a verdict line: check_close, check_true
    02-04  linalg         generalized.minimum_norm_pinv, projector;
                          svd.svd, svd.svd_from_gram (the sensor-space route);
                          tikhonov.tikhonov_kernel, svd_kernel, filter_factors,
                          regularised_inverse (gamma = s / (s^2 + lambda2), its one home);
                          choosing.l_curve, gcv, discrepancy_principle, lambda2_from_snr
    05     covariance     channel_types, pick_cov, projector, noise_cov_rank,
                          empirical_covariance
           whitening      make_whitener, whitener_from_eigh, colorer_from_eigh, Whitener
    06     lead_field     surface_frames, surface_lead_field, fixed_lead_field,
                          source_normals (use_cps: patch-average normals),
                          compensation_grade
           priors         depth_prior, orient_prior, block_norms, trace_scale
           operator       make_inverse_operator -> InverseOperator (the SVD of
                          L_tilde = W P L R^{1/2} by linalg.svd_from_gram)
    07     kernel         mne_kernel -> Kernel (K = sqrt(R) V diag(gamma) U^T W P, in
                          factors), apply_kernel, sensor_fit, combine_xyz, scale_to_nave
    08     noise_norm     noise_variance_dspm, noise_variance_sloreta, and prepare_kernel,
                          the one dispatcher over MNE, dSPM, sLORETA and eLORETA
           eloreta        eloreta_weights, eloreta_kernel
    07-08  apply          apply_inverse, apply_inverse_epochs, apply_inverse_raw (MNE edge)
           inverse        the names of lead_field, operator, kernel, noise_norm and apply
                          in one namespace (as before the split)
    09     resolution     make_inverse_resolution_matrix, inverse_matrix, point_spread,
                          compute_metrics, resolution_metrics
    10-12  sparse         mxne, irmxne, tf_mxne, duality_gap; mixed_norm, tf_mixed_norm;
                          gamma_map_solver, gamma_map (chapter 15)
    15     beamformer     lcmv filters (unit gain, unit-noise-gain, NAI), make_lcmv, apply_lcmv
    all    viz            plot_* figures (cortex, sensors, curves, sparse)

Beside the layers: ``datasets`` (the offline course dataset with ground truth, and MNE's
sample data), ``benchmark`` (chapter 14: every estimator on simulated ground truth, cached) and
the course tooling (website, student notebooks, command line), which may use every layer and
which no layer imports.

One chain of function calls leads from chapter 04's formula to the operator and the kernel:
``make_inverse_operator`` -> ``linalg.svd_from_gram`` (U, s, V), and ``prepare_kernel`` ->
``kernel.mne_kernel`` -> ``linalg.regularised_inverse`` (gamma).

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
    "make_inverse_operator": "operator",
    "apply_inverse": "apply",
    "apply_inverse_epochs": "apply",
    "apply_inverse_raw": "apply",
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
_SUBMODULES = {"notation", "check", "datasets", "linalg", "covariance", "whitening", "lead_field",
               "priors", "operator", "kernel", "eloreta", "noise_norm", "apply", "inverse",
               "resolution", "sparse", "beamformer", "viz",
               "validation", "exercises", "tooling", "benchmark"}

__all__ = sorted(_PUBLIC) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _PUBLIC:
        module = importlib.import_module(f"{__name__}.{_PUBLIC[name]}")
        return getattr(module, name)
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'minnorm_teach' has no attribute {name!r}")
