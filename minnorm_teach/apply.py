"""The MNE-object edge of the linear inverse: apply_inverse for evoked, epochs and raw data.

Chapters 07-08. These functions only convert: they pick the operator's channels from the data
(by name), ask :func:`minnorm_teach.noise_norm.prepare_kernel` for the kernel of the method at
the data's nave, apply it with :func:`minnorm_teach.kernel.apply_kernel` and wrap the result as
an MNE source estimate, so that students can continue in MNE.

They mirror ``mne.minimum_norm.apply_inverse``, ``apply_inverse_epochs``, ``apply_inverse_raw``
and ``estimate_snr``: the same defaults (lambda2 = 1/9 for evoked data, method "dSPM", nave = 1
for epochs and raw, ``use_cps=True``), the same meaning of ``lambda2``, ``method``,
``pick_ori``, ``nave``, ``method_params``, ``return_residual``, ``start``/``stop`` and
``use_cps``, and the same results (twin-tested to 1e-10). The differences:

- the operator argument is ``inv``, a minnorm_teach :class:`InverseOperator` (MNE's
  ``inverse_operator``, an MNE inverse operator, is not accepted);
- the options after ``method`` are keyword-only;
- no ``prepared`` (the kernel is prepared at every call), no ``label`` (the whole source space
  is estimated; restrict the result with ``stc.in_label(label)``), no ``verbose`` (the
  explained variance is logged on the ``minnorm_teach`` logger);
- ``apply_inverse_epochs`` returns a list (no ``return_generator``);
- ``apply_inverse_raw`` has no ``time_func`` and no ``buffer_size`` (the samples
  [start, stop) are computed at once).
"""

import logging
from dataclasses import replace

import mne
import numpy as np

from . import validation
from .kernel import LAMBDA2_SEARCH, apply_kernel, rotate_leads, sensor_fit
from .kernel import estimate_snr as _estimate_snr
from .lead_field import check_compensation, source_normals, surface_frames
from .noise_norm import INVERSE_METHODS, check_method_params, prepare_kernel

__all__ = ["apply_inverse", "apply_inverse_epochs", "apply_inverse_raw", "estimate_snr"]

logger = logging.getLogger("minnorm_teach")


def _check_pick_ori(pick_ori, inv):
    pick_ori = validation.check_option(pick_ori, "pick_ori", (None, "normal", "vector"))
    if pick_ori is not None and inv.n_orient == 1:
        raise validation.refuse("pick_ori", "None with a fixed-orientation inverse (normal "
                                            "and vector need a loose or free one)", pick_ori)
    return pick_ori


def _check_reference(info, inv, name):
    """EEG needs the average-reference projector, as in MNE."""
    has_eeg = any(mne.channel_type(inv.info, k) == "eeg" for k in range(len(inv.ch_names)))
    has_avg = any(p["kind"] == mne.io.constants.FIFF.FIFFV_PROJ_ITEM_EEG_AVREF
                  for p in info["projs"])
    if has_eeg and not has_avg:
        raise validation.InputValueError(
            f"{name} has EEG channels but no average-reference projector, which EEG data need "
            f"for inverse modelling: call {name}.set_eeg_reference(projection=True)",
            argument=name)


def _samples(start, stop, n_times):
    """start in [0, n_times - 1] and stop > start (None: the first and last sample)."""
    start = 0 if start is None else validation.check_int(start, "start", low=0,
                                                         high=n_times - 1)
    if stop is None:
        return start, n_times
    return start, validation.check_int(stop, "stop", low=start + 1,
                                       hint=f"the samples [start, stop) of the {n_times}")


def _kernel_for(inv, lambda2, method, nave, method_params, pick_ori, use_cps):
    """The kernel at this nave; for a free operator's normal component, along the normals of
    ``use_cps``.

    MNE keeps a free operator made from a forward in x, y, z in x, y, z and picks the
    normal at apply time (``use_cps``); ours has surface frames, so its leads are rotated to
    the frames of those normals (:func:`minnorm_teach.kernel.rotate_leads`). Loose and fixed
    operators chose their normals when they were made (``make_inverse_operator(use_cps=)``).
    """
    kernel = prepare_kernel(inv, lambda2, method, nave, method_params)
    if pick_ori != "normal" or inv.loose != 1.0 or not inv.own_frames:
        return kernel
    frames = surface_frames(source_normals(inv.src, use_cps=use_cps))
    leads = rotate_leads(kernel.leads, inv.source_nn.reshape(-1, 3, 3), frames)
    return replace(kernel, leads=leads)


def _make_stc(j, inv, tmin, tstep, pick_ori):
    """Wrap estimates as an MNE SourceEstimate (vector: rotated back to xyz)."""
    subject = inv.src[0].get("subject_his_id")
    vertices = inv.vertices
    if pick_ori == "vector":
        frames = inv.source_nn.reshape(-1, 3, 3)                   # rows t1, t2, n in xyz
        j_xyz = np.einsum("kij,kit->kjt", frames, j)
        return mne.VectorSourceEstimate(j_xyz, vertices, tmin, tstep, subject=subject)
    if len(vertices) == 2 and all(s["type"] == "surf" for s in inv.src):
        return mne.SourceEstimate(j, vertices, tmin, tstep, subject=subject)
    return mne.VolSourceEstimate(j, vertices, tmin, tstep, subject=subject)


def _check_args(inst, kind, name, inv, lambda2, method, pick_ori, method_params):
    """Types, then scalars and options, then channels (present, not bad, EEG reference,
    compensation grade);
    returns (lambda2, method, pick_ori, method_params, rows of the inverse's channels)."""
    validation.check_instance(inst, name, kind)
    validation.check_inverse_operator(inv)
    lambda2 = validation.check_real(lambda2, "lambda2", low=0, hint="1 / SNR^2, e.g. 1 / 9")
    method = validation.check_option(method, "method", INVERSE_METHODS)
    pick_ori = _check_pick_ori(pick_ori, inv)
    method_params = check_method_params(method, method_params)
    rows = validation.data_rows(inst, name, inv.ch_names, info=inv.info)
    _check_reference(inst.info, inv, name)
    check_compensation(inv.compensation_grade, inst.info, built_for="the inverse operator")
    return lambda2, method, pick_ori, method_params, rows


def _check_data(data, times, inv, name, *, nave, check_units, baseline=(None, 0.0)):
    """Finite data (named by channel and sample), then units (whitened baseline variance)."""
    data = validation.check_data_finite(data, name, inv.ch_names, times)
    ch_types = list(validation.channel_types(inv.info, inv.ch_names).values())
    validation.check_data_units(data, times, inv.W @ inv.P, ch_types, nave=nave,
                                baseline=baseline, enabled=check_units, name=name)
    return data


def apply_inverse(evoked, inv, lambda2=1.0 / 9.0, method="dSPM", *, pick_ori=None,
                  method_params=None, return_residual=False, check_units=True,
                  use_cps=True):
    """Source estimate of an evoked response: j = K b with K at nave = evoked.nave.

    Mirrors ``mne.minimum_norm.apply_inverse`` (same defaults: lambda2 = 1/9, i.e. SNR 3,
    method "dSPM"; the differences are listed in the module docstring: ``inv`` for
    ``inverse_operator``, no ``prepared``, ``label`` or ``verbose``). Logs "Explained xx.x%
    variance" on the ``minnorm_teach`` logger.
    ``check_units``: refuse data whose whitened baseline variance is orders of magnitude away
    from 1 (fT for T, uV for V, another recording's covariance; a warning from 10 times off);
    pass False to turn the check off. ``use_cps`` (MNE's default True: patch-average normals)
    only matters for the normal component of a free operator;
    the data's compensation grade (CTF/4D) must be the operator's.

    Returns
    -------
    stc : mne.SourceEstimate | mne.VectorSourceEstimate
    residual : mne.Evoked  (only with return_residual=True) b - b_hat on the inverse's
        channels, other channels unchanged
    """
    lambda2, method, pick_ori, method_params, rows = _check_args(
        evoked, "Evoked", "evoked", inv, lambda2, method, pick_ori, method_params)
    return_residual = validation.check_bool(return_residual, "return_residual")
    nave = validation.check_real(evoked.nave, "evoked.nave", low=0, low_open=True)
    b = _check_data(evoked.data[rows], evoked.times, inv, "evoked", nave=nave,
                    check_units=validation.check_bool(check_units, "check_units"))
    kernel = _kernel_for(inv, lambda2, method, nave, method_params, pick_ori,
                         validation.check_bool(use_cps, "use_cps"))
    fit = sensor_fit(b, kernel)
    logger.info("Explained %5.1f%% variance", fit.explained_variance)
    j = apply_kernel(kernel, b, inv.n_orient, pick_ori)
    stc = _make_stc(j, inv, float(evoked.times[0]), 1.0 / evoked.info["sfreq"], pick_ori)
    if not return_residual:
        return stc
    residual = evoked.copy()
    residual.data[rows] = fit.residual
    return stc, residual


def apply_inverse_epochs(epochs, inv, lambda2, method="dSPM", *, pick_ori=None, nave=1,
                         method_params=None, check_units=True, use_cps=True):
    """One source estimate per epoch (list), with the kernel at ``nave`` (default 1).

    Mirrors ``mne.minimum_norm.apply_inverse_epochs`` (differences in the module docstring:
    ``inv``, a list rather than a generator, no ``prepared``, ``label`` or ``verbose``): single
    trials have the noise of one trial, hence nave = 1 and usually lambda2 = 1 (SNR 1).
    ``check_units``: as in :func:`apply_inverse`, on the baselines of all epochs; ``use_cps``:
    see :func:`apply_inverse`.
    """
    lambda2, method, pick_ori, method_params, rows = _check_args(
        epochs, "Epochs", "epochs", inv, lambda2, method, pick_ori, method_params)
    nave = validation.check_real(nave, "nave", low=0, low_open=True,
                                 hint="the number of trials averaged in each epoch")
    data = _check_data(epochs.get_data(copy=False)[:, rows], epochs.times, inv, "epochs",
                       nave=nave, check_units=validation.check_bool(check_units, "check_units"))
    kernel = _kernel_for(inv, lambda2, method, nave, method_params, pick_ori,
                         validation.check_bool(use_cps, "use_cps"))
    tstep = 1.0 / epochs.info["sfreq"]
    return [_make_stc(apply_kernel(kernel, b, inv.n_orient, pick_ori), inv,
                      float(epochs.times[0]), tstep, pick_ori)
            for b in data]


def apply_inverse_raw(raw, inv, lambda2, method="dSPM", *, start=None, stop=None, nave=1,
                      pick_ori=None, method_params=None, check_units=True,
                      use_cps=True):
    """Source estimate of continuous data samples [start, stop), kernel at nave (default 1).

    Mirrors ``mne.minimum_norm.apply_inverse_raw`` (``start``/``stop`` are sample indices;
    differences in the module docstring: ``inv``, no ``label``, ``time_func``,
    ``buffer_size``, ``prepared`` or ``verbose``). ``check_units``: as in
    :func:`apply_inverse`, on the variance of all samples (no baseline: an error only, for a
    unit slip). ``use_cps``: see :func:`apply_inverse`.
    """
    lambda2, method, pick_ori, method_params, rows = _check_args(
        raw, "Raw", "raw", inv, lambda2, method, pick_ori, method_params)
    nave = validation.check_real(nave, "nave", low=0, low_open=True)
    start, stop = _samples(start, stop, raw.n_times)
    b, times = raw[rows, start:stop]
    b = _check_data(b, times, inv, "raw", nave=nave, baseline=None,
                    check_units=validation.check_bool(check_units, "check_units"))
    kernel = _kernel_for(inv, lambda2, method, nave, method_params, pick_ori,
                         validation.check_bool(use_cps, "use_cps"))
    j = apply_kernel(kernel, b, inv.n_orient, pick_ori)
    return _make_stc(j, inv, float(times[0]), 1.0 / raw.info["sfreq"], pick_ori)


def estimate_snr(evoked, inv):
    """The SNR of an evoked response per time sample: (snr, snr_est), as MNE returns them.

    snr(t) = sqrt(||sqrt(nave) W P b(t)||^2 / rank), the whitened GFP amplitude (about 1 for
    noise); snr_est(t) = 1 / sqrt(lambda2_est(t)), lambda2_est the largest regularisation
    whose whitened residual still passes a chi-squared test at p = 0.001
    (:func:`minnorm_teach.kernel.estimate_snr`). Mirrors
    ``mne.minimum_norm.estimate_snr(evoked, inverse_operator)`` (no ``verbose``).
    """
    *_, rows = _check_args(evoked, "Evoked", "evoked", inv, 1.0 / 9.0, "MNE", None, None)
    data = validation.check_data_finite(evoked.data[rows], "evoked", inv.ch_names, evoked.times)
    kernel = prepare_kernel(inv, 1.0 / 9.0, "MNE", evoked.nave)
    estimate = _estimate_snr(data, kernel, inv.rank)
    if np.any(estimate.lambda2_est == LAMBDA2_SEARCH[-1]):
        logger.warning("SNR estimation did not converge")
    return estimate.snr, estimate.snr_est
