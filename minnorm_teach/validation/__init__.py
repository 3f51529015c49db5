"""Where input meets the package: one exception, small pure checkers, and their catalogue.

Every public function checks what it is given at its boundary, with the checkers of this
package, before any arithmetic: a bad input gets one sentence that names the argument, what
it must be and what was received, never a traceback from deep inside NumPy and never a
silently wrong map. Errors are :class:`InputValueError` (a ``ValueError``) or
:class:`InputTypeError` (a ``TypeError``), both :class:`InputError`; ``err.argument`` is the
name of the offending argument. Probable but uncertain mistakes (a noise level 50 times off)
give an :class:`InputWarning`.

The catalogue: one entry per class of bad input (the checker, the exception, the exact text
for an example, how MNE-Python 1.13.2 answers the same input) in the docstring of the module
that holds the checker::

    class of bad input                          module
    ------------------------------------------  ------------------------------------------
    type (an Info for an Evoked, {} for a fwd)  mne_objects (the MNE edge, imports MNE)
    real numbers, integers, flags, options      scalars
    fixed, rank, loose and depth in MNE's forms options
    shape, dtype and finiteness of arrays       arrays (MNE data, gain: mne_objects)
    covariance sanity                           covariance
    channels missing or marked bad              channels
    solver settings (alpha, tol, maxit, STFT)   solver
    units (fT for T, uV for V, another cov)     units
    paths (dataset cache, notebooks)            paths

``errors`` holds the exceptions and ``describe`` (how a received value is shown).
``mne_objects`` is loaded on first use, so array-only code never imports MNE.

How a public function uses them
-------------------------------

At its top, in this order: types; scalars and options; channels (presence, then bads, then
the EEG reference); array contents (finiteness, covariance sanity); units. Array entry
points check shapes, dtypes and finiteness once, at the public boundary, never inside an
iteration. A function that replaces an ad-hoc check by a checker keeps a message at least
as clear. Functions that take evoked data (``apply_inverse`` and its siblings,
``mixed_norm``, ``tf_mixed_norm``, ``gamma_map``, ``apply_lcmv``) check the whitened
baseline variance (:mod:`.units`) and take ``check_units=True`` to turn it off.
"""

import importlib

from .arrays import (
    as_real_array,
    check_finite,
    check_gain_and_data,
    check_n_orient,
    check_rows_match,
    first_nonfinite,
)
from .channels import check_bads_unused, check_channels_present, group_names
from .covariance import FLOAT32_EPS, SYMMETRY_RTOL, check_covariance_matrix
from .errors import (
    InputError,
    InputTypeError,
    InputValueError,
    InputWarning,
    describe,
    refuse,
    refuse_type,
)
from .options import (
    SRC_KINDS,
    Depth,
    check_depth,
    check_fixed,
    check_loose,
    check_rank,
    rank_groups,
)
from .paths import check_existing_file, check_writable_dir
from .scalars import check_bool, check_int, check_option, check_real, range_text
from .solver import (
    MAX_ITER,
    check_active_set_size,
    check_alpha,
    check_alpha_percent,
    check_dgap_freq,
    check_l1_ratio,
    check_maxit,
    check_n_mxne_iter,
    check_stft_sizes,
    check_stft_window,
    check_taper,
    check_tol,
)
from .units import ERROR_DECADES, UNIT_SLIPS, WARN_DECADES, baseline_variance, check_units

# The MNE edge imports MNE: loaded on first use, so that array-only code never imports MNE.
_MNE_EDGE = ("MNE_KINDS", "check_instance", "check_inverse_operator", "channel_types",
             "check_noise_cov", "check_forward", "src_types", "check_data_finite",
             "data_rows", "check_data_units", "check_evoked_units")

__all__ = ["InputError", "InputValueError", "InputTypeError", "InputWarning", "describe",
           "refuse", "refuse_type",
           "check_real", "check_int", "check_bool", "check_option", "range_text",
           "MAX_ITER", "check_alpha", "check_alpha_percent", "check_tol", "check_maxit",
           "check_dgap_freq", "check_n_mxne_iter", "check_active_set_size", "check_l1_ratio",
           "check_stft_window", "check_stft_sizes", "check_taper",
           "as_real_array", "check_finite", "first_nonfinite", "check_rows_match",
           "check_gain_and_data", "check_n_orient",
           "FLOAT32_EPS", "SYMMETRY_RTOL", "check_covariance_matrix",
           "SRC_KINDS", "check_fixed", "check_loose", "Depth", "check_depth", "rank_groups",
           "check_rank",
           "group_names", "check_channels_present", "check_bads_unused",
           "WARN_DECADES", "ERROR_DECADES", "UNIT_SLIPS", "baseline_variance", "check_units",
           "check_writable_dir", "check_existing_file", *_MNE_EDGE]


def __getattr__(name):
    if name in _MNE_EDGE:
        return getattr(importlib.import_module(f"{__name__}.mne_objects"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
