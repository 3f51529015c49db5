"""The boundary of the sparse array solvers: the problem (b, L, n_orient) and the settings
that bound every solve (maxit, tol, dgap_freq), checked with :mod:`minnorm_teach.validation`.

Every entry point (:func:`~.solvers.mxne`, :func:`~.reweighting.irmxne`, :func:`~.tf.tf_mxne`,
the inner solvers and the working set) checks once at its top; the iterations never do.
"""

import numpy as np

from .. import validation

__all__ = ["check_problem", "check_settings", "check_inner", "check_gram_size", "BCD_MAX_SOURCES"]


def check_problem(b, L, n_orient):
    """(b, L, n_orient) checked: b real, finite (n_channels, n_times), L real, finite
    (n_channels, n_sources) with n_sources a multiple of n_orient (1: fixed, 3: free/loose)."""
    L, b = validation.check_gain_and_data(L, b)
    if b.ndim != 2:
        raise validation.refuse("b", "a 2-D (n_channels, n_times) array",
                                validation.describe(b), "b[:, None] for a single time sample")
    return b, L, validation.check_n_orient(n_orient, L.shape[1])


def check_settings(maxit, tol, dgap_freq):
    """(maxit, tol, dgap_freq): 1 <= maxit <= MAX_ITER, tol > 0, 1 <= dgap_freq <= maxit."""
    maxit = validation.check_maxit(maxit)
    return maxit, validation.check_tol(tol), validation.check_dgap_freq(dgap_freq, maxit)


def check_inner(b, L, penalty, j_init, maxit, tol, dgap_freq):
    """The boundary of an inner solver: the problem, the penalty's n_orient, j_init's shape."""
    b, L, _ = check_problem(b, L, penalty.n_orient)
    if j_init is not None:
        j_init = np.asarray(j_init)
        if j_init.shape[0] != L.shape[1] or not np.all(np.isfinite(j_init)):
            raise validation.refuse("j_init", f"finite, one row per column of L "
                                              f"({L.shape[1]})",
                                    validation.describe(j_init))
    return (b, L, j_init, *check_settings(maxit, tol, dgap_freq))


#: bcd keeps the Gram matrix L^T L of its columns: meant for working sets, not whole gains
BCD_MAX_SOURCES = 4096


def check_gram_size(L):
    """Raise a clear error when L has too many columns for the Gram matrix of :func:`bcd`."""
    if L.shape[1] > BCD_MAX_SOURCES:
        raise validation.InputValueError(
            f"block coordinate descent works with the Gram matrix of L's columns and takes at "
            f"most {BCD_MAX_SOURCES} of them, got {L.shape[1]}: solve on a working set "
            f"(active_set_size=10) or use solver='fista'", argument="L")
