"""The MNE edge of the sparse mirrors (``mixed_norm``, ``tf_mixed_norm``, ``gamma_map``): their
arguments checked once, in the order of :mod:`minnorm_teach.validation`, and the data whitened.

The depth options are MNE's ``depth_sparse`` ones (whitened gain, Frobenius norm, no limit);
the data's units are checked on the whitened baseline at the evoked's nave (MNE's sparse
solvers ignore nave, the noise of an average does not).
"""

import numpy as np

from .. import validation, whitening

__all__ = ["SPARSE_DEPTH", "check_objects", "check_solver_options", "whitened_data",
           "residual_evoked"]

#: The depth options the sparse gain implements (MNE's depth_sparse defaults).
SPARSE_DEPTH = {"limit": (None,), "limit_depth_chs": ("whiten",), "combine_xyz": ("fro",),
                "allow_fixed_depth": (True,)}


def check_objects(evoked, forward, noise_cov, loose, depth, flags):
    """Types, then loose, depth (MNE's forms) and the flags -> (loose, depth exponent | None)."""
    validation.check_instance(evoked, "evoked", "Evoked")
    validation.check_forward(forward, "forward")
    validation.check_instance(noise_cov, "noise_cov", "Covariance")
    loose = validation.check_loose(loose, validation.src_types(forward))
    depth = validation.check_depth(depth, kind="sparse", supported=SPARSE_DEPTH)
    for name, value in flags.items():
        validation.check_bool(value, name)
    validation.check_noise_cov(noise_cov, info=evoked.info)
    return loose, depth.exp


def check_solver_options(maxit, tol, active_set_size, dgap_freq, weights_min):
    """The settings that bound the solve: (maxit, tol, active_set_size, dgap_freq, weights_min)."""
    maxit = validation.check_maxit(maxit)
    return (maxit, validation.check_tol(tol), validation.check_active_set_size(active_set_size),
            validation.check_dgap_freq(dgap_freq, maxit),
            validation.check_real(weights_min, "weights_min", low=0))


def whitened_data(evoked, prep, data=None, *, check_units=True):
    """b = W evoked.data on the gain's channels, after the channel, finiteness and units checks.

    ``data`` replaces ``evoked.data`` (e.g. tapered at both ends) for the whitening only.
    """
    rows = validation.data_rows(evoked, "evoked", prep.ch_names, needed_name="the gain")
    b = validation.check_data_finite(evoked.data[rows], "evoked", prep.ch_names, evoked.times)
    ch_types = list(validation.channel_types(evoked.info, prep.ch_names).values())
    validation.check_data_units(b, evoked.times, prep.W, ch_types,
                                nave=validation.check_real(evoked.nave, "evoked.nave", low=0,
                                                           low_open=True),
                                enabled=validation.check_bool(check_units, "check_units"))
    return prep.W @ (b if data is None else np.asarray(data)[rows])


def residual_evoked(evoked, prep, j_Am, active):
    """evoked - P L_active j: the data minus the active sources' field (in A·m, ``j_Am``), with
    the evoked's active projectors P applied; what MNE's ``return_residual=True`` returns."""
    residual = evoked.copy().pick(prep.ch_names)
    predicted = prep.lead_field[:, active] @ j_Am
    projs = [p for p in residual.info["projs"] if p["active"]]
    if projs:
        predicted = whitening.projector(projs, prep.ch_names)[0] @ predicted
    residual.data = residual.data - predicted
    return residual
