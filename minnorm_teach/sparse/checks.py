"""The boundary of the sparse array solvers: the problem (b, L, n_orient) and the settings
that bound every solve (maxit, tol, dgap_freq), checked with :mod:`minnorm_teach.validation`.

Every entry point (:func:`~.solvers.mxne`, :func:`~.reweighting.irmxne`, :func:`~.tf.tf_mxne`,
the inner solvers and the working set) checks once at its top; the iterations never do.
"""

import numpy as np

from .. import validation

__all__ = ["check_problem", "check_settings", "check_inner", "check_gram_size", "BCD_MAX_SOURCES",
           "check_mirror_alpha", "check_solver_name", "check_time_pca", "check_sure_grid",
           "check_random"]


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


# --- the mirrors' options that main's validation does not know (alpha="sure", solver, ...) ---

def check_mirror_alpha(alpha, n_mxne_iter):
    """``mixed_norm``'s alpha: "sure" (MxNE only) or a percentage in (0, 100) -> str | float."""
    if isinstance(alpha, str):
        if alpha != "sure":
            raise validation.refuse("alpha", "'sure' or a number in (0, 100) (percent of "
                                             "alpha_max)", alpha)
        if n_mxne_iter > 1:
            raise validation.refuse("alpha", "a number in (0, 100) when n_mxne_iter > 1",
                                    alpha, "alpha='sure' is implemented for MxNE "
                                           "(n_mxne_iter=1) only in this course")
        return alpha
    return validation.check_alpha_percent(alpha)


def check_solver_name(solver):
    """``solver``: "auto", "cd" or "bcd" (all run block coordinate descent here)."""
    return validation.check_option(solver, "solver", ("auto", "cd", "bcd"))


def check_time_pca(time_pca):
    """``time_pca``: True, False or a positive int (the number of components kept)."""
    if isinstance(time_pca, bool | np.bool_):
        return bool(time_pca)
    return validation.check_int(time_pca, "time_pca", low=1,
                                hint="True, False or the number of components to keep")


def check_sure_grid(sure_alpha_grid, alpha):
    """``sure_alpha_grid``: "auto" or percentages of alpha_max in (0, 100] (alpha="sure")."""
    if isinstance(sure_alpha_grid, str):
        return validation.check_option(sure_alpha_grid, "sure_alpha_grid", ("auto",))
    grid = validation.as_real_array(sure_alpha_grid, "sure_alpha_grid", ndim=1,
                                    shape_text="(n_alphas,)")
    if grid.size == 0 or np.any(~np.isfinite(grid) | (grid <= 0) | (grid > 100)):
        raise validation.refuse("sure_alpha_grid", "percentages of alpha_max in (0, 100]",
                                validation.describe(grid))
    if alpha != "sure":
        raise validation.refuse("alpha", "'sure' when sure_alpha_grid is given", alpha)
    return grid


def check_random(rng, random_state):
    """MNE's rng / legacy random_state pair: at most one of them may be given."""
    if rng is not None and random_state is not None:
        raise validation.InputTypeError("give only one of rng or random_state (random_state "
                                        "is MNE's legacy name)", argument="random_state")
