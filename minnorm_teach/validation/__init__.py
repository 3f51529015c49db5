"""Where input meets the package: one exception, small pure checkers, and their catalogue.

Every public function checks what it is given at its boundary, with the checkers of this
package, before any arithmetic: a bad input gets one sentence that names the argument, what
it must be and what was received, never a traceback from deep inside NumPy and never a
silently wrong map. Errors are :class:`InputValueError` (a ``ValueError``) or
:class:`InputTypeError` (a ``TypeError``), both :class:`InputError`; ``err.argument`` is the
name of the offending argument. Probable but uncertain mistakes (a noise level 50 times off)
give an :class:`InputWarning`.

Modules: ``errors`` (the exception, ``describe``), ``scalars`` (numbers, integers, flags,
options), ``solver`` (sparse-solver settings), ``arrays`` (dtype, shape, finiteness),
``covariance``, ``options`` (fixed, loose, depth, rank in MNE's forms), ``channels``,
``units``, ``paths``, and ``mne_objects`` (the MNE edge, the only module importing MNE, loaded
on first use).

Catalogue
---------

One entry per class of bad input: the checker, the exception, the exact text for an example,
and how MNE-Python 1.13.2 answers the same input ("ours kept": ours names more; "as MNE":
same rule and meaning).

type (the wrong kind of object) -- ``check_instance(obj, name, kind)``,
``check_inverse_operator(inv)``; InputTypeError::

    evoked must be an mne.Evoked, got an mne.Info; pass the Evoked itself, not its .info
    fwd must be an mne.Forward, got an empty dict; a plain dict is not a forward solution:
    read one with mne.read_forward_solution(...)

  MNE: "evoked must be an instance of Evoked, got <class 'mne._fiff.meas_info.Info'>
  instead." (names both; ours adds the fix: ours kept).

real numbers (lambda2, loose, depth, nave, snr, eps...) -- ``check_real(value, name, low=,
high=, low_open=, high_open=)``; InputValueError for NaN, inf and out of range,
InputTypeError for bool, str, complex, None, arrays::

    lambda2 must be a finite number >= 0, got nan
    lambda2 must be a finite number >= 0, got '1/9' (a str); write the number without quotes
    (e.g. 1 / 9)
    lambda2 must be a finite number >= 0, got (0.1111111111111111+0j) (a complex number)

  MNE does not check lambda2 (NaN gives an all-NaN map; '1/9' a ufunc error); for depth it
  float()s strings ('0.8' accepted), we refuse them (ours kept).

integers (maxit, n_mxne_iter, dgap_freq, k, n_data, rank values...) -- ``check_int(value,
name, low=, high=)``, ``check_maxit``, ``check_n_mxne_iter``; floats such as 3000.0 are
refused, as MNE's ``_ensure_int`` does::

    maxit must be an integer in [1, 100000], got 0
    n_mxne_iter must be an integer >= 1, got 10.0 (a float); write 10 (an int) rather than
    10.0

booleans -- ``check_bool(value, name, strict=False)`` for flags (debias, return_residual,
pca...), ``check_fixed(fixed)`` for ``fixed``; ints and strings are refused ("False" is
truthy), NumPy booleans are accepted for flags but refused for ``fixed``, as MNE's
``_validate_type(fixed, (str, bool))`` does::

    fixed must be one of True, False or 'auto', got np.True_ (a numpy.bool_); pass
    bool(fixed); MNE-Python refuses a NumPy bool here too
    fixed must be one of True, False or 'auto', got 1 (an int)
    debias must be True or False, got 'no' (a str)

  MNE: "fixed must be an instance of str or bool, got <class 'numpy.bool'> instead." (as
  MNE, ours adds the fix); MNE treats fixed='yes' as 'auto', we refuse it (ours kept).

options (method, pick_ori, solver, spacing...) -- ``check_option(value, name, allowed)``,
compared by kind and value (1 is not True); a misspelt string gets a did-you-mean::

    method must be one of 'MNE', 'dSPM', 'sLORETA' or 'eLORETA', got 'dspm' (a str); did you
    mean 'dSPM'?

  MNE: "Invalid value for the 'method' parameter. Allowed values are ... but got 'dspm'
  instead." (ours kept: adds the near match).

shape and dtype of arrays -- ``as_real_array(x, name, ndim=, shape_text=)``,
``check_gain_and_data(L, b)`` (the contract of every array solver), ``check_rows_match``,
``check_n_orient``::

    L has 12 rows but b has 4 channels; L looks transposed (its 4 columns match b): pass L
    with shape (n_channels, n_sources)
    b must be a real (n_channels, n_times) array, got an array of shape (4, 3) and dtype
    complex128
    n_orient must be 1 (fixed) or 3 (free/loose) dividing the 1285 columns of L, got 3

finiteness -- ``check_finite(x, name, labels=, names=)`` (arrays), ``check_data_finite(data,
name, ch_names, times)`` (Evoked/Epochs/Raw data, epoch, channel and time named),
``check_forward(fwd)`` (the gain); one NaN makes the whole map NaN::

    evoked must be finite (no NaN or inf), got NaN at channel EEG 012, sample 0
    (t = -0.005 s); 1 non-finite entry in total; one NaN spreads to every source of the
    estimate

  MNE: none for data (a NaN map); "array must not contain infs or NaNs" or LinAlgError
  for a gain or covariance (ours kept).

covariance sanity -- ``check_covariance_matrix(C, name, ch_names=, ch_types=)``,
``check_noise_cov(noise_cov, info=)`` (the MNE edge); real, square, finite, variances >= 0,
symmetric within 9.5e-7 of sqrt(C_ii C_jj), not all zero (nor a whole MEG or EEG block),
positive semi-definite within n_channels float32 eps on the correlation scale (single
precision: MNE's real test covariance has correlation eigenvalues down to -2.9e-8)::

    noise_cov must be a real (n_channels, n_channels) array, got an array of shape (3, 3)
    and dtype complex128
    noise_cov must be symmetric (|C_ij - C_ji| <= 9.5e-07 sqrt(C_ii C_jj)), got
    C[MEG 0113, MEG 0112] = 5e-27 but C[MEG 0112, MEG 0113] = 0
    noise_cov must be a covariance (every variance >= 0), got a negative variance -1e-26 for
    channel MEG 0113
    noise_cov must be a covariance of rank > 0, got all zeros; there is no noise model to
    whiten with
    noise_cov must be positive semi-definite, got a correlation matrix with eigenvalue -1
    (below -3.6e-07 = -3 x float32 eps)

  MNE: none (an asymmetric or indefinite covariance gives a map tens of % off, a complex one
  loses its imaginary part); ours kept.

channels -- ``check_channels_present(available, needed, ch_types, data_name=,
needed_name=)``, ``check_bads_unused(bads, used, ch_types, ...)``; missing or bad channels
are named, grouped by type. Wire the presence check *before* the EEG-reference check::

    evoked lacks 60 of the 61 channels the inverse operator uses: 60 EEG (EEG 001, EEG 002,
    ..., EEG 060); make the inverse operator from this data's info, or pass data that has
    these channels
    evoked marks 1 channel bad that the inverse operator uses: 1 gradiometer (MEG 2443);
    its data would enter the estimate: make the inverse operator with this data's info
    (bads excluded), or remove the channel from info['bads'] if it is good

  MNE: "60 channels in inverse operator are not present in the data (['EEG 001', ...])"
  (as MNE, ours groups by type); a bad channel is used silently (ours kept).

rank -- ``check_rank(rank, ch_types)`` -> None, 'info' or {'meg': n, 'eeg': n} (our group
names); ``rank_groups(ch_types)`` gives the keys MNE honours: 'meg' when magnetometers and
gradiometers are both present, else 'mag' or 'grad', and 'eeg'. 'full' becomes the group
sizes. Keys MNE ignores, 0 (MNE then keeps the full rank) and too large values are
refused::

    rank must be a dict with keys among ['eeg', 'meg'], got a dict with keys ['grad']; MNE
    ignores rank['grad'] when magnetometers and gradiometers are whitened together: give
    rank={'meg': n} with n <= 305
    rank['eeg'] must be an integer in [1, 60], got 0

loose and depth in MNE's forms -- ``check_loose(loose, src_types, fixed)`` -> float (the
rules of MNE's ``_triage_loose``, dict by source-space kind included);
``check_depth(depth, kind='mne'|'sparse', supported=)`` -> :class:`Depth` (MNE's
``_check_depth``: a number is the exponent, a dict updates MNE's defaults, exp 0 is None);
values our functions do not implement are refused by name::

    loose must be a dict with the keys ['surface'] (the kinds of this source space), got a
    dict with keys ['volume']
    depth must be a dict with keys among ['allow_fixed_depth', 'combine_xyz', 'exp',
    'limit', 'limit_depth_chs'], got a dict with keys ['foo']
    depth['limit_depth_chs'] must be True (implemented in this course), got 'whiten'
    (a str)

  MNE: loose as ours; depth={'foo': 1} gives "_prepare_forward() got an unexpected keyword
  argument 'foo'" (ours kept).

solver settings -- ``check_alpha_percent`` (mirrors: (0, 100)), ``check_alpha`` (arrays,
data units: > 0), ``check_tol`` (> 0), ``check_maxit`` ([1, MAX_ITER]),
``check_dgap_freq(dgap_freq, maxit)``, ``check_n_mxne_iter``, ``check_active_set_size``,
``check_l1_ratio`` ([0, 1]), ``check_stft_window(wsize, tstep, n_times)``,
``check_taper(window, sfreq, n_times)``. alpha = 0 is inside MNE's documented [0, 100) but
removes the penalty (MNE then runs to maxit with every source active: 62 s for 281 sources
on the ico3 course data); tol <= 0 never stops; a window longer than the data is accepted
with an InputWarning, as MNE accepts it::

    alpha must be a number in (0, 100), got 0; alpha = 0 removes the sparsity penalty (every
    source active, the solver runs to maxit): use e.g. alpha=30 (percent of alpha_max)
    alpha must be a finite number > 0, got -1
    tol must be a finite number > 0, got 0; the duality gap is never below 0, so the solver
    would only stop at maxit
    dgap_freq must be an integer in [1, 3000], got 5000; the duality gap is computed every
    dgap_freq passes: with more than maxit=3000 it would never be
    tstep must be an even divisor of wsize=64, at most 32, got 6; e.g. tstep=4
    evoked must be data of at least 2 time samples (a time-frequency model), got 1 sample;
    use mixed_norm (MxNE) for a single time sample
    window must be a number in [0, 0.005] (seconds: two tapers of at most half the 3 samples
    each), got 0.02; that is 4 samples per taper at 200 Hz

  MNE: "MxNE has to be computed at least 1 time..." and "dgap_freq must be a positive
  integer" (as MNE); nothing for tol, maxit; "negative dimensions are not allowed" for a
  single sample or a long taper (ours kept).

units -- ``baseline_variance(b, W, ch_types)`` then ``check_units(variance, name=,
enabled=)``; ``check_evoked_units(evoked, W, ch_names, ch_types, baseline=, enabled=)`` at
the MNE edge. Whitened baseline variance per group (MEG, EEG): silent within a factor 10 of
1, InputWarning up to 1e4, InputValueError beyond, naming the nearest unit slip; public
functions turn it off with ``check_units=False``. Thresholds from the measurements in
:mod:`.units` (course data 0.96-1.06, MNE's real recordings 0.85-1.28; another recording's
covariance 8.6-61, a wrong nave 0.17-0.36, fT 1e30, uV 1e12)::

    evoked's whitened baseline has variance 1.07e+30 in the MEG channels, expected near 1
    (0.85-1.3 on real recordings): the data look 1e15 times too large in amplitude for their
    noise covariance: MEG data in fT (or fT/m) instead of T (T/m)? (pass check_units=False
    if this is intended)
    evoked's whitened baseline has variance 1.02e+12 in the EEG channels, expected near 1
    (0.85-1.3 on real recordings): the data look 1e6 times too large in amplitude for their
    noise covariance: EEG data in uV instead of V? (pass check_units=False if this is
    intended)

  MNE: none (dSPM maxima of 3e16 or 3e-14); ours kept.

paths (dataset cache, notebooks) -- ``check_writable_dir(path, name, purpose=)``,
``check_existing_file(path, name, suffix=)``::

    MINNORM_DATA must be a writable directory (the dataset cache), got
    '/etc/hostname/cache', below '/etc/hostname', which is a file
    notebook must be an existing .ipynb file, got 'missing.ipynb' (no such file)

Wiring plan (next round): public function -> arguments -> checkers
-------------------------------------------------------------------

Order inside a function: types, then scalars and options, then channels (presence, then
bads, then the EEG reference), then array contents (finite, covariance sanity), then units.
``ch_types`` below is ``[channel_types(info)[c] for c in ch_names]``.

inverse.make_inverse_operator(info, fwd, noise_cov, loose, depth, fixed, rank)
    info: check_instance(info, "info", "Info"); fwd: check_forward; noise_cov:
    check_noise_cov(noise_cov, info=info); fixed + loose: check_loose(loose,
    src_types(fwd), fixed) (replaces ``_triage_loose``'s checks); depth: check_depth(depth,
    supported={"limit_depth_chs": (True,), "allow_fixed_depth": (False,)}), pass exp, limit,
    combine_xyz to priors.depth_prior; rank: check_rank(rank, ch_types of the selected
    channels) -> whitening; channels: check_channels_present(noise_cov.ch_names, selected,
    data_name="noise_cov", needed_name="info (good channels in the forward)").
inverse.apply_inverse(evoked, inv, lambda2, method, pick_ori, method_params,
return_residual), apply_inverse_epochs(epochs, ..., nave), apply_inverse_raw(raw, ...,
start, stop, nave)
    check_instance(evoked | epochs | raw, kind "Evoked" | "Epochs" | "Raw");
    check_inverse_operator(inv); check_real(lambda2, "lambda2", low=0); check_option(method,
    "method", INVERSE_METHODS); check_option(pick_ori, "pick_ori", (None, "normal",
    "vector")); method_params: eps check_real(low=0, low_open=True), max_iter
    check_int(low=1), force_equal check_bool; return_residual check_bool; nave (and
    evoked.nave) check_real(low=0, low_open=True); start, stop check_int(low=0) or None;
    check_channels_present(inst.ch_names, inv.ch_names, types); check_bads_unused(
    inst.info["bads"], inv.ch_names, types); check_data_finite(data rows, name, inv.ch_names,
    times); units: check_evoked_units(evoked, inv.W, inv.ch_names, ch_types,
    enabled=check_units) (epochs: baseline_variance over the stacked baselines at nave 1;
    raw: no baseline, skipped). New keyword: ``check_units=True``.
inverse.prepare_kernel, mne_kernel, scale_to_nave, regularised_gamma(s, lambda2, rank),
apply_kernel(kernel, b, n_orient, pick_ori), sensor_fit(b, kernel), combine_xyz(j),
surface_frames(nn)
    lambda2, nave, method as above; rank check_int(low=0, high=len(s)); arrays
    as_real_array + check_rows_match(kernel.K columns vs b rows); n_orient check_n_orient.
whitening.make_whitener(noise_cov, info, ch_names, rank, pca, projs), pick_cov,
noise_cov_rank, estimate_rank, eigh_by_group, whitener_from_eigh, colorer_from_eigh,
empirical_covariance(X), whitened_gfp(b, W, rank)
    check_noise_cov; check_instance(info, "info", "Info"); check_rank(rank, ch_types);
    check_bool(pca); pick_cov: check_channels_present(noise_cov.ch_names, ch_names,
    data_name="noise_cov", needed_name="the whitener"); X: as_real_array(ndim=3) +
    check_finite; whitened_gfp: check_rows_match("W", n columns, "columns", "b", n rows,
    "channels"), rank check_int(low=1).
priors.depth_prior(L, exp, limit, combine, n_orient), block_norms, orient_prior(n_sources,
loose), trace_scale(L_tilde, rank)
    L as_real_array(ndim=2) + check_finite; exp check_real(low=0); limit None or
    check_real(low=0, low_open=True); combine check_option; n_orient check_n_orient;
    n_sources, rank check_int(low=1); loose check_real(low=0, high=1).
noise_norm.noise_variance_dspm(V, gamma, R), noise_variance_sloreta(..., lambda2),
eloreta_weights(L_w, n_orient, rank, lambda2, orient_prior, eps, max_iter, force_equal),
eloreta_kernel, prepare_kernel
    arrays as_real_array + check_rows_match; lambda2; eps check_real(low=0, low_open=True);
    max_iter check_int(low=1); force_equal check_bool(strict=False).
resolution.resolution_matrix(K, L), point_spread/cross_talk(resmat, k),
compute_metrics(resmat, positions, function, progress), resolution_metrics(resmat, src,
function, metric, threshold), inverse_matrix(inv, method, lambda2),
make_inverse_resolution_matrix(fwd, inv, method, lambda2)
    check_rows_match("K", columns, "columns", "L", rows, "rows"); k check_int(0, n - 1);
    function, metric check_option; threshold check_real(low=0, high=1, low_open=True);
    positions as_real_array(ndim=2); progress check_bool; check_forward(fwd),
    check_inverse_operator(inv), check_channels_present(fwd row names, inv.ch_names,
    data_name="fwd").
linalg.* (svd, minimum_norm_pinv, tikhonov_kernel, svd_kernel, truncated_svd_kernel,
brainstorm_kernel, svd_solution, tikhonov_norms, l_curve, discrepancy_principle, gcv,
lambda2_from_snr, brainstorm_lambda, lambda2_from_brainstorm_snr, lambda2_from_fieldtrip,
projector, filter_factors, regularised_inverse)
    L: as_real_array(ndim=2) + check_finite (replaces ``_as_lead_field``); L, b:
    check_gain_and_data (replaces ``_as_data``); eps (scalar): check_real(low=0,
    low_open=True), eps grids keep ``_as_eps``; snr, noise_norm: check_real(low=0,
    low_open=True); k, n_data, n_nzero: check_int; form: check_option; prewhiten:
    check_bool.
sparse.mixed_norm(evoked, forward, noise_cov, alpha, loose, depth, maxit, tol,
active_set_size, debias, time_pca, weights, weights_min, n_mxne_iter, dgap_freq,
return_residual), tf_mixed_norm(..., wsize, tstep, window, alpha, l1_ratio),
prepare_sparse_gain
    check_instance(evoked, "evoked", "Evoked"); check_forward(forward); check_noise_cov(
    noise_cov, info=evoked.info); check_alpha_percent; check_loose(loose, src_types(forward));
    check_depth(depth, kind="sparse"); check_maxit, check_tol, check_active_set_size,
    check_n_mxne_iter, check_dgap_freq(dgap_freq, maxit); debias, time_pca, return_residual
    check_bool; weights_min check_real(low=0); weights None, an array (as_real_array(ndim=1),
    check_finite) or a SourceEstimate; check_data_finite(evoked data rows); units with the
    noise whitener times sqrt(evoked.nave) (MNE's sparse solvers ignore nave; the noise of
    the average does not); tf: check_l1_ratio, check_stft_window(wsize, tstep, n_times,
    data_name="evoked"), check_taper(window, sfreq, n_times).
sparse.mxne(b, L, alpha, n_orient, solver, ...), bcd, proximal_gradient, working_set,
irmxne(..., n_mxne_iter, unit, weights_init), tf_mxne(b, L, alpha_space, alpha_time,
n_orient, wsize, tstep, ...), tf_bcd, alpha_max, alpha_max_tf, debias_scaling, stft, istft,
make_frame, prox_l21, prox_l1_columns
    check_gain_and_data(L, b); check_alpha (tf: check_real(low=0) each and
    check_alpha(alpha_space + alpha_time, "alpha_space + alpha_time")); check_n_orient;
    solver check_option; check_maxit, check_tol, check_dgap_freq, check_active_set_size,
    check_n_mxne_iter; unit check_real(low=0, low_open=True); weights_init, j_init
    as_real_array + check_rows_match; anderson check_int(low=0); l1_ratio check_l1_ratio;
    check_stft_window; tau check_real(low=0).
datasets.load_course_data(spacing, rebuild, seed, verbose), load_sample_data(data_path),
load_data(dataset), cache_dir()
    spacing check_option(("ico4", "ico3")); rebuild, verbose check_bool; seed
    check_int(low=0); dataset check_option on its lower case; MINNORM_DATA
    check_writable_dir(path, "MINNORM_DATA", purpose="the dataset cache"); data_path an
    existing directory; the manifest (a dict with a "files" dict) is the datasets module's
    CorruptCacheError. Command line: execute -> check_existing_file(path, "notebook",
    suffix=".ipynb"), printed as one line.
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
    check_stft_window,
    check_taper,
    check_tol,
)
from .units import ERROR_DECADES, UNIT_SLIPS, WARN_DECADES, baseline_variance, check_units

# The MNE edge imports MNE: loaded on first use, so that array-only code never imports MNE.
_MNE_EDGE = ("MNE_KINDS", "check_instance", "check_inverse_operator", "channel_types",
             "check_noise_cov", "check_forward", "src_types", "check_data_finite",
             "check_evoked_units")

__all__ = ["InputError", "InputValueError", "InputTypeError", "InputWarning", "describe",
           "refuse", "refuse_type",
           "check_real", "check_int", "check_bool", "check_option", "range_text",
           "MAX_ITER", "check_alpha", "check_alpha_percent", "check_tol", "check_maxit",
           "check_dgap_freq", "check_n_mxne_iter", "check_active_set_size", "check_l1_ratio",
           "check_stft_window", "check_taper",
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
